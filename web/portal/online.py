"""Paying online from /me/: a bill, or a wallet recharge, through a payment link
(billing.services.online_payments). Each is a POST that makes (or finds) the link and
sends the customer on to the gateway's page; the payment is recorded by the gateway's
webhook, not here. With online payments not set up, the customer is told so and pays by
UPI as before."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from billing import selectors as billing
from billing.gateway.base import GatewayError
from billing.gateway.forms import RechargeForm
from billing.models import PaymentLink
from billing.services.online_payments import create_payment_link
from customers.models import Customer
from web.portal.access import customer_required


@require_POST
@customer_required
def pay_bill_online(request, customer: Customer, bill_id: int):
    bill = get_object_or_404(billing.issued_bills(customer=customer), pk=bill_id)
    return _to_gateway(
        request,
        lambda: create_payment_link(
            customer=customer, purpose=PaymentLink.Purpose.BILL, bill=bill, by=request.user
        ),
        back=redirect("me:bill", bill_id=bill.pk),
    )


@require_POST
@customer_required
def recharge_online(request, customer: Customer):
    form = RechargeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("me:wallet")
    return _to_gateway(
        request,
        lambda: create_payment_link(
            customer=customer,
            purpose=PaymentLink.Purpose.WALLET,
            amount=form.cleaned_data["amount"],
            by=request.user,
        ),
        back=redirect("me:wallet"),
    )


def _to_gateway(request, make, *, back):
    try:
        link, _ = make()
    except (ValidationError, PermissionDenied, GatewayError) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
        return back
    return redirect(link.short_url)
