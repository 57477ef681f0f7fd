"""Cash handed to a delivery boy on his route: a payment (billing) recorded from the
delivery boy's pages (deliveries), mounted under "boy:cash".

For a customer prepaid today the same form takes a recharge at the door: the cash goes
into the wallet (billing.services.wallet.recharge_wallet, which records it through the
same payment service), unless he ticks that it is toward the bills. A recharge that
covers a held day resumes it at the next generation.

The form is sent once (earlybird.idempotency): a second tap, or the same form sent again,
records nothing more and says what was recorded. record_payment holds him to the cash
limit of a delivery boy (CASH_COLLECTION_MAX_AMOUNT), whatever the cash is for.

"boy:cash_summary" is his day's cash: per customer, the total to hand over, and whether
the office confirmed the hand-over (billing.offline_cash.cash_summary)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from billing.forms import CashForm
from billing.models import Payment
from billing.offline_cash import cash_summary as cash_summary_of
from billing.selectors.wallet import PREPAID, billing_mode_on, wallet_balance
from billing.services import record_payment
from billing.services.wallet import recharge_wallet
from customers.models import Customer
from deliveries.models import DeliveryBoy
from deliveries.views.boy import delivery_boy_required
from earlybird.forms import add_service_errors
from earlybird.idempotency import form_once, form_result

INTO_WALLET, TOWARD_BILLS = "wallet", "bill"


class WalletCashForm(CashForm):
    """Cash from a prepaid customer: into the wallet (a recharge) or toward the bills."""

    into = forms.ChoiceField(
        choices=[(INTO_WALLET, "Wallet recharge"), (TOWARD_BILLS, "Toward old bills")],
        initial=INTO_WALLET,
        widget=forms.RadioSelect,
        label="This cash is a",
    )


@delivery_boy_required
def collect_cash(request, boy: DeliveryBoy, customer_id: int):
    """Cash handed to the delivery boy: a payment received by him. His customers only."""
    customer = Customer.objects.filter(pk=customer_id, route_stop__delivery_boy=boy).first()
    if customer is None:
        raise Http404("No such customer on your route.")
    back = f"{reverse('boy:route')}?stop={customer.pk}#stop-{customer.pk}"
    today = timezone.localdate()
    prepaid = billing_mode_on(customer.pk, today) == PREPAID
    form_class = WalletCashForm if prepaid else CashForm
    context = {
        "customer": customer,
        "wallet": wallet_balance(customer.pk) if prepaid else None,
    }
    if request.method != "POST":
        return render(
            request, "deliveries/boy/cash.html", {**context, "form": form_class(user=request.user)}
        )
    form = form_class(request.POST, user=request.user)
    if form.is_valid():
        into_wallet = form.cleaned_data.get("into") == INTO_WALLET

        def record():
            pay = recharge_wallet if into_wallet else record_payment
            payment = pay(
                customer=customer,
                amount=form.cleaned_data["amount"],
                method=Payment.Method.CASH,
                paid_on=today,
                received_by=request.user,
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
            what = "wallet recharge" if into_wallet else "cash"
            return payment, form_result(
                redirect_to=back,
                message=f"₹{payment.amount} {what} from {customer.name} recorded.",
                replay=f"Already recorded: {payment.code}, ₹{payment.amount} {what} from "
                f"{customer.name}.",
            )

        try:
            return form_once(request, form, write=record, fallback=back)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return render(request, "deliveries/boy/cash.html", {**context, "form": form})


@delivery_boy_required
def cash_summary(request, boy: DeliveryBoy):
    """His cash of today: per customer, the total to hand over, and whether the office
    has confirmed the hand-over (read only)."""
    summary = cash_summary_of(delivery_boy=boy, day=timezone.localdate())
    return render(request, "deliveries/boy/cash_summary.html", {"boy": boy, "summary": summary})
