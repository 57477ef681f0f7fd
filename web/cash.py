"""Cash handed to a delivery boy on his route: a payment (billing) recorded from the
delivery boy's pages (deliveries), mounted under "boy:cash".

The form is sent once (earlybird.idempotency): a second tap, or the same form sent again,
records nothing more and says what was recorded. record_payment holds him to the cash
limit of a delivery boy (CASH_COLLECTION_MAX_AMOUNT)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from billing.forms import CashForm
from billing.models import Payment
from billing.services import record_payment
from customers.models import Customer
from deliveries.models import DeliveryBoy
from deliveries.views.boy import delivery_boy_required
from earlybird.forms import add_service_errors
from earlybird.idempotency import form_once, form_result


@delivery_boy_required
def collect_cash(request, boy: DeliveryBoy, customer_id: int):
    """Cash handed to the delivery boy: a payment received by him. His customers only."""
    customer = Customer.objects.filter(pk=customer_id, route_stop__delivery_boy=boy).first()
    if customer is None:
        raise Http404("No such customer on your route.")
    back = f"{reverse('boy:route')}#stop-{customer.pk}"
    if request.method != "POST":
        form = CashForm(user=request.user)
        return render(request, "deliveries/boy/cash.html", {"customer": customer, "form": form})
    form = CashForm(request.POST, user=request.user)
    if form.is_valid():

        def record():
            payment = record_payment(
                customer=customer,
                amount=form.cleaned_data["amount"],
                method=Payment.Method.CASH,
                paid_on=timezone.localdate(),
                received_by=request.user,
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
            return payment, form_result(
                redirect_to=back,
                message=f"₹{payment.amount} cash from {customer.name} recorded.",
                replay=f"Already recorded: {payment.code}, ₹{payment.amount} cash from "
                f"{customer.name}.",
            )

        try:
            return form_once(request, form, write=record, fallback=back)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "deliveries/boy/cash.html", {"customer": customer, "form": form})
