"""Money pages: billing runs and bills for accounts staff; cash collected by a delivery boy.

Thin: access helper (404 for outsiders) → form → service → message + redirect.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors
from billing.forms import CashForm, RunForm, VoidForm
from billing.models import Bill, BillingRun, Payment
from billing.services import (
    issue_bill,
    issue_bills,
    parse_month,
    record_payment,
    run_billing,
    void_bill,
)
from customers.models import Customer
from deliveries.models import DeliveryBoy
from deliveries.views.boy import delivery_boy_required
from earlybird.access import staff_required
from earlybird.roles import ACCOUNTS, ADMIN

MONEY_STAFF = (ADMIN, ACCOUNTS)
BILLS_PER_PAGE = 100


def _errors(request, exc: ValidationError | PermissionDenied) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


# --- billing runs ---------------------------------------------------------------------


@staff_required(*MONEY_STAFF)
def run_list(request):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    form = RunForm(initial={"month": f"{last_month:%Y-%m}"})
    runs = BillingRun.objects.select_related("started_by").order_by("-started_at", "-pk")[:30]
    return render(request, "billing/run_list.html", {"form": form, "runs": runs})


@require_POST
@staff_required(*MONEY_STAFF)
def run_start(request):
    form = RunForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("billing:runs")
    try:
        run = run_billing(period=form.cleaned_data["month"], started_by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("billing:runs")
    messages.success(
        request,
        f"Billed {run.period:%B %Y}: {run.lines_created} deliveries on {run.bills_touched} bills.",
    )
    return redirect("billing:run_detail", run_id=run.pk)


@staff_required(*MONEY_STAFF)
def run_detail(request, run_id: int):
    run = get_object_or_404(BillingRun.objects.select_related("started_by"), pk=run_id)
    counts = Bill.objects.filter(period=run.period).aggregate(
        draft=Count("pk", filter=Q(status=Bill.Status.DRAFT)),
        issued=Count("pk", filter=Q(status=Bill.Status.ISSUED)),
        void=Count("pk", filter=Q(status=Bill.Status.VOID)),
    )
    return render(request, "billing/run_detail.html", {"run": run, "counts": counts})


@require_POST
@staff_required(*MONEY_STAFF)
def issue_period(request):
    try:
        period = parse_month(request.POST.get("month", ""))
        issued = issue_bills(period=period, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("billing:runs")
    messages.success(request, f"Issued {issued} bills for {period:%B %Y}.")
    return redirect(f"{reverse('billing:bills')}?month={period:%Y-%m}")


# --- bills ----------------------------------------------------------------------------


@staff_required(*MONEY_STAFF)
def bill_list(request):
    try:
        period = parse_month(request.GET.get("month", ""))
    except ValidationError:
        period = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    bills = Bill.objects.filter(period=period).select_related("customer").order_by("customer_id")
    status = request.GET.get("status", "")
    if status in Bill.Status.values:
        bills = bills.filter(status=status)
    page = Paginator(bills, BILLS_PER_PAGE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    coverage = selectors.bill_coverage(on_page)
    rows = [(bill, coverage.get(bill.pk)) for bill in on_page]
    return render(
        request,
        "billing/bill_list.html",
        {
            "period": period,
            "status": status,
            "statuses": Bill.Status.choices,
            "page": page,
            "rows": rows,
            "labels": selectors.PaymentStatus.LABELS,
        },
    )


@staff_required(*MONEY_STAFF)
def bill_detail(request, bill_id: int):
    try:
        detail = selectors.bill_detail(bill_id=bill_id)
    except Bill.DoesNotExist as exc:
        raise Http404("No such bill.") from exc
    return render(
        request,
        "billing/bill_detail.html",
        {
            "detail": detail,
            "bill": detail.bill,
            "statement": detail.statement,
            "void_form": VoidForm(),
            "labels": selectors.PaymentStatus.LABELS,
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        },
    )


@require_POST
@staff_required(*MONEY_STAFF)
def bill_issue(request, bill_id: int):
    bill = get_object_or_404(Bill, pk=bill_id)
    try:
        bill = issue_bill(bill=bill, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Issued {bill.code}.")
    return redirect("billing:bill_detail", bill_id=bill.pk)


@require_POST
@staff_required(*MONEY_STAFF)
def bill_void(request, bill_id: int):
    bill = get_object_or_404(Bill, pk=bill_id)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the bill is void.")
        return redirect("billing:bill_detail", bill_id=bill.pk)
    try:
        bill = void_bill(bill=bill, reason=form.cleaned_data["reason"], by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, f"{bill.code} is void; its deliveries will be billed by the next run."
        )
    return redirect("billing:bill_detail", bill_id=bill.pk)


# --- cash collected on the route ------------------------------------------------------


@delivery_boy_required
def collect_cash(request, boy: DeliveryBoy, customer_id: int):
    """Cash handed to the delivery boy: a payment received by him. His customers only."""
    customer = Customer.objects.filter(pk=customer_id, route_stop__delivery_boy=boy).first()
    if customer is None:
        raise Http404("No such customer on your route.")
    form = CashForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = record_payment(
                customer=customer,
                amount=form.cleaned_data["amount"],
                method=Payment.Method.CASH,
                paid_on=timezone.localdate(),
                received_by=request.user,
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"₹{payment.amount} cash from {customer.name} recorded.")
            return redirect(f"{reverse('boy:route')}#stop-{customer.pk}")
    return render(request, "deliveries/boy/cash.html", {"customer": customer, "form": form})
