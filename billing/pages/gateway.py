"""Online payments, for accounts staff: payment links (make one for a bill or a wallet
recharge, to send to the customer; the recent ones and what became of them), and the
gateway's settlement report against the payments recorded (as `reconcile_gateway`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from billing.gateway import online_payments_enabled, payment_gateway
from billing.gateway.base import GatewayError, SettlementError
from billing.gateway.forms import PaymentLinkForm, SettlementForm
from billing.gateway.models import PaymentLink
from billing.gateway.reconcile import reconcile_settlement
from billing.services.online_payments import create_payment_link
from earlybird.access import staff_required
from earlybird.forms import add_service_errors

LINKS_SHOWN = 50
DIFFERENCES_SHOWN = 500  # per kind on the page; the command prints them all


@staff_required
def payment_links(request):
    """Make a link (POST: the service, then back here with the link to copy) and list
    the recent ones."""
    form = PaymentLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, made = create_payment_link(
                customer=data["customer"],
                purpose=data["purpose"],
                amount=data["amount"],
                bill=data["bill"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, ValidationError(getattr(exc, "messages", [str(exc)])))
        except GatewayError as exc:
            form.add_error(None, str(exc))
        else:
            said = "made" if made else "still open, made earlier"
            messages.success(
                request,
                f"Payment link for {link.customer.name}, ₹{link.amount} ({said}): {link.short_url}",
            )
            return redirect("billing:payment_links")
    links = PaymentLink.objects.select_related("customer", "bill", "payment")[:LINKS_SHOWN]
    return render(
        request,
        "billing/payment_links.html",
        {"form": form, "links": links, "enabled": online_payments_enabled()},
    )


@staff_required
def gateway_reconcile(request):
    """Upload the settlement report (POST, reads only) and see the differences."""
    form = SettlementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            # Reading the report needs no keys, only the gateway's format.
            rows = payment_gateway().parse_settlement(
                form.cleaned_data["report"], in_paise=form.cleaned_data["in_paise"]
            )
        except SettlementError as exc:
            form.add_error("report", str(exc))
        else:
            result = reconcile_settlement(rows)
    return render(
        request,
        "billing/gateway_reconcile.html",
        {"form": form, "result": result, "shown": DIFFERENCES_SHOWN},
    )
