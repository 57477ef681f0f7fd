"""Payments and a customer's ledger, for accounts staff: record a payment (once per form)
and list recent ones, filtered; a customer's ledger. The other money pages (billing runs,
bills, the monthly grid, the reconciliation): billing.pages. (The cash a delivery boy
collects on his route: web.cash.)

Thin: access helper (404 for outsiders) → form → service → message + redirect.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from billing import selectors
from billing.forms import PaymentFilterForm, PaymentForm
from billing.models import Bill, Payment
from billing.pages import _query_without
from billing.services import record_payment
from customers.models import Customer
from earlybird.access import staff_required
from earlybird.forms import add_service_errors
from earlybird.idempotency import form_once, form_result

PAYMENTS_PER_PAGE = 50


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


def _record_from(request, form: PaymentForm):
    data = form.cleaned_data
    payment = record_payment(
        customer=data["customer"],
        amount=data["amount"],
        method=data["method"],
        paid_on=data["paid_on"],
        received_by=data["received_by"],
        reference=data["reference"],
        notes=data["notes"],
        by=request.user,
    )
    what = f"₹{payment.amount} from {payment.customer.name} ({payment.get_method_display()})"
    return payment, form_result(
        redirect_to=reverse("billing:payments"),
        message=f"{payment.code}: {what} recorded.",
        replay=f"Already recorded: {payment.code}, {what} on {payment.paid_on:%d %b %Y}.",
    )


@staff_required
def payments(request):
    """Record a payment (through record_payment, once per form: a second send shows the
    first) and list recent ones, filtered."""
    if request.method == "POST":
        form = PaymentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                return form_once(
                    request,
                    form,
                    write=lambda: _record_from(request, form),
                    fallback=reverse("billing:payments"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
    else:
        form = PaymentForm(
            initial={
                "customer": request.GET.get("customer", ""),
                "paid_on": timezone.localdate(),
                "received_by": request.user.pk,
                "method": Payment.Method.CASH,
            },
            user=request.user,
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


@staff_required
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
