"""Bills: a month's list, a bill (printable, as a PDF, shared by WhatsApp with a UPI link),
issue, void."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from billing import selectors
from billing.forms import VoidForm, this_month
from billing.gateway import online_payments_enabled
from billing.models import Bill
from billing.pages import _errors
from billing.pdf import bill_context, pdf_download
from billing.services import issue_bill, send_due_bills, void_bill
from earlybird.access import staff_required
from earlybird.bounds import month_or_default, parse_month
from earlybird.confirm import refusal

BILLS_PER_PAGE = 100


@staff_required
def bill_list(request):
    """A month's bills: today's month unless another is chosen; an empty month points to
    the latest month that has bills."""
    period = month_or_default(request.GET.get("month"), this_month())
    bills = Bill.objects.filter(period=period).select_related("customer").order_by("customer_id")
    status = request.GET.get("status", "")
    if status in Bill.Status.values:
        bills = bills.filter(status=status)
    page = Paginator(bills, BILLS_PER_PAGE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    coverage = selectors.bill_coverage(on_page)
    rows = [(bill, coverage.get(bill.pk)) for bill in on_page]
    latest = None
    if not rows:
        latest = Bill.objects.exclude(period=period).aggregate(latest=Max("period"))["latest"]
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
            "latest": latest,
            "not_ended": period >= this_month(),
        },
    )


@staff_required
def bill_detail(request, bill_id: int):
    try:
        detail = selectors.bill_detail(bill_id=bill_id)
    except Bill.DoesNotExist as exc:
        raise Http404("No such bill.") from exc
    return render(
        request,
        "billing/bill_detail.html",
        {
            **bill_context(detail),  # the bill itself, as the PDF draws it
            "paper": "a5" if request.GET.get("paper") == "a5" else "a4",
            "upi_configured": bool(settings.BUSINESS_UPI_ID),
            "pay_online": online_payments_enabled(),
            "void_form": VoidForm(),
        },
    )


@staff_required
def bill_pdf(request, bill_id: int):
    """The bill as a PDF download; a draft or void one is stamped so."""
    bill = get_object_or_404(Bill.objects.select_related("customer"), pk=bill_id)
    return pdf_download(bill)


@require_POST
@staff_required
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
@staff_required
def bill_void(request, bill_id: int):
    bill = get_object_or_404(Bill, pk=bill_id)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal(form))
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


@require_POST
@staff_required
def send_bills(request):
    """ "Send all due bills" of a month: one message (and one job) per issued bill that has
    none yet; the page answers at once and the workers send."""
    try:
        period = parse_month(request.POST.get("month"))
        queued = send_due_bills(period=period, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("billing:bills")
    if queued:
        messages.success(
            request, f"Queued {queued} bill message(s) for {period:%B %Y}; see Messages."
        )
    else:
        messages.info(request, f"Every issued bill of {period:%B %Y} has its message.")
    return redirect(f"{reverse('billing:bills')}?month={period:%Y-%m}")
