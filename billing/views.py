"""Money pages. For now: a delivery boy records cash collected at a stop."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from billing.forms import CashForm
from billing.models import Payment
from billing.services import record_payment
from customers.models import Customer
from deliveries.models import DeliveryBoy
from deliveries.views.boy import delivery_boy_required


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
