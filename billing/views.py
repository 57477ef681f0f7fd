"""Money pages for accounts staff: billing runs, bills (printable, shared by WhatsApp with
a UPI link), the monthly grid and its exports, payments, a customer's ledger and the
reconciliation; and the cash a delivery boy collects on his route.

Thin: access helper (404 for outsiders) → form → service → message + redirect.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors
from billing.exports import grid_csv, grid_xlsx
from billing.forms import (
    CashForm,
    GridFilterForm,
    PaymentFilterForm,
    PaymentForm,
    ReconcileForm,
    RunForm,
    VoidForm,
    last_month,
)
from billing.grid import (
    PER_PAGE,
    STATUS_LABELS,
    GridFilters,
    grid_customers,
    grid_rows,
    month_columns,
)
from billing.models import Bill, BillingRun, Payment
from billing.reconciliation import reconcile as reconcile_checks
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
PAYMENTS_PER_PAGE = 50
VIOLATIONS_SHOWN = 200  # per check on the page; the command prints them all
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
            "share": selectors.bill_share(statement=detail.statement),
            "paper": "a5" if request.GET.get("paper") == "a5" else "a4",
            "upi_configured": bool(settings.BUSINESS_UPI_ID),
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


# --- the monthly grid and its exports -------------------------------------------------


def _grid_filters(request) -> tuple[GridFilterForm, GridFilters | None]:
    """The grid's filters from the query string; None when they do not make sense."""
    form = GridFilterForm(request.GET or None, initial={"month": f"{last_month():%Y-%m}"})
    if not form.is_bound:
        return form, GridFilters(period=last_month())
    return form, form.filters() if form.is_valid() else None


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@staff_required(*MONEY_STAFF)
def grid(request):
    """Customers × days of a month per product; filters; paginated; constant queries."""
    form, filters = _grid_filters(request)
    columns = month_columns(filters.period) if filters else []
    customers = grid_customers(filters) if filters else []
    page = Paginator(customers, PER_PAGE).get_page(request.GET.get("page"))
    rows = (
        grid_rows(period=filters.period, customers=list(page.object_list), columns=columns)
        if filters
        else []
    )
    return render(
        request,
        "billing/grid.html",
        {
            "form": form,
            "filters": filters,
            "columns": columns,
            "page": page,
            "rows": rows,
            "query": _query_without(request, "page"),
            "labels": STATUS_LABELS,
        },
    )


def _export_filters(request) -> GridFilters:
    _, filters = _grid_filters(request)
    if filters is None:
        raise Http404("These filters do not make sense.")
    return filters


@staff_required(*MONEY_STAFF)
def grid_csv_export(request):
    """The whole filtered month (every page) as CSV, streamed."""
    filters = _export_filters(request)
    response = StreamingHttpResponse(grid_csv(filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="earlybird-grid-{filters.period:%Y-%m}.csv"'
    )
    return response


@staff_required(*MONEY_STAFF)
def grid_xlsx_export(request):
    """The whole filtered month (every page) as an Excel workbook."""
    filters = _export_filters(request)
    return FileResponse(
        grid_xlsx(filters),
        as_attachment=True,
        filename=f"earlybird-grid-{filters.period:%Y-%m}.xlsx",
        content_type=XLSX,
    )


# --- payments and a customer's ledger --------------------------------------------------


def _filtered_payments(form: PaymentFilterForm):
    payments = Payment.objects.select_related("customer", "received_by").order_by("-paid_on", "-pk")
    if not form.is_valid():
        return payments
    data = form.cleaned_data
    if text := data["q"].strip():
        match = (
            Q(customer__code__iexact=text)
            | Q(customer__name__icontains=text)
            | Q(code__iexact=text)
            | Q(reference__iexact=text)
        )
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 4:
            match |= Q(customer__phone__contains=digits[-10:])
        payments = payments.filter(match)
    if data["method"]:
        payments = payments.filter(method=data["method"])
    if data["date_from"]:
        payments = payments.filter(paid_on__gte=data["date_from"])
    if data["date_to"]:
        payments = payments.filter(paid_on__lte=data["date_to"])
    if data["received_by"]:
        payments = payments.filter(received_by=data["received_by"])
    return payments


@staff_required(*MONEY_STAFF)
def payments(request):
    """Record a payment (through record_payment) and list recent ones, filtered."""
    if request.method == "POST":
        form = PaymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = record_payment(
                    customer=data["customer"],
                    amount=data["amount"],
                    method=data["method"],
                    paid_on=data["paid_on"],
                    received_by=data["received_by"],
                    reference=data["reference"],
                    notes=data["notes"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"{payment.code}: ₹{payment.amount} from {payment.customer.name} "
                    f"({payment.get_method_display()}) recorded.",
                )
                return redirect("billing:payments")
    else:
        form = PaymentForm(
            initial={
                "customer": request.GET.get("customer", ""),
                "paid_on": timezone.localdate(),
                "received_by": request.user.pk,
                "method": Payment.Method.CASH,
            }
        )
    filter_form = PaymentFilterForm(request.GET or None)
    found = _filtered_payments(filter_form)
    page = Paginator(found, PAYMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/payments.html",
        {
            "form": form,
            "filter_form": filter_form,
            "page": page,
            "total": found.aggregate(total=Sum("amount"))["total"],
            "query": _query_without(request, "page"),
        },
    )


@staff_required(*MONEY_STAFF)
def ledger(request, customer_id: int):
    customer = get_object_or_404(Customer.objects.select_related("area"), pk=customer_id)
    the_ledger = selectors.customer_ledger(customer=customer)
    return render(
        request,
        "billing/ledger.html",
        {
            "customer": customer,
            "ledger": the_ledger,
            "credit": -the_ledger.balance if the_ledger.balance < 0 else None,
            "bills": Bill.objects.filter(customer=customer).order_by("-period", "-pk")[:24],
        },
    )


# --- reconciliation --------------------------------------------------------------------


@staff_required(*MONEY_STAFF)
def reconcile(request):
    """The reconciliation checks (as `manage.py reconcile`), listed."""
    form = ReconcileForm(request.GET or None)
    result = None
    if not form.is_bound or form.is_valid():
        month = form.cleaned_data.get("month") if form.is_bound else None
        result = reconcile_checks(month=month)
    return render(
        request,
        "billing/reconcile.html",
        {"form": form, "result": result, "shown": VIOLATIONS_SHOWN},
    )


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
