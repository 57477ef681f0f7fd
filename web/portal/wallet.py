"""The customer's prepaid wallet at /me/wallet/: the balance, the days it still pays for
at the usual quantities, the low-balance pause said plainly, the entries a page at a
time, and a way to recharge.

Recharging: with online payments set up, the form posts to "me:recharge_online"
(web/portal/online.py), which makes a payment link and sends the customer to it; the
gateway's webhook records the payment. Without them, the form is a GET that only draws
the UPI link and QR code for the amount (billing.upi): nothing is written, and the
payment is recorded by staff when it arrives.

Only a customer who is prepaid now (or has been, or will be from a set day) has a wallet;
for anyone else the page only says how to ask for one (the home page does not link it).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from billing.gateway import online_payments_enabled
from billing.gateway.forms import RechargeForm
from billing.selectors.wallet_overview import shown_wallet_summary, wallet_entries
from billing.upi import qr_svg, upi_link
from customers.models import Customer
from earlybird.templatetags.money import format_inr
from web.portal.access import customer_required

ENTRIES_PER_PAGE = 20


def wallet_context(customer: Customer) -> dict:
    """What the home page's wallet card needs: the summary (None when there is no wallet)."""
    return {"wallet": shown_wallet_summary(customer=customer)}


@customer_required
def wallet(request, customer: Customer):
    summary = shown_wallet_summary(customer=customer)
    if summary is None:  # the monthly bill: nothing to show or recharge
        return render(request, "customers/me/wallet.html", {"customer": customer, "wallet": None})
    online = online_payments_enabled()
    asked = not online and "amount" in request.GET
    form = RechargeForm(request.GET if asked else None, initial={"amount": summary.suggestion})
    upi = None
    if asked and form.is_valid():
        amount = form.cleaned_data["amount"]
        link = upi_link(amount=amount, note=f"Wallet {customer.code}")
        if link:
            upi = {
                "amount": amount,
                "link": link,
                "qr": qr_svg(
                    link,
                    title=_("UPI: put %(amount)s in the wallet") % {"amount": format_inr(amount)},
                ),
            }
        else:
            form.add_error(None, _("UPI payments are not set up: please pay in cash or call us."))
    entries = Paginator(wallet_entries(customer_id=customer.pk), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "customers/me/wallet.html",
        {
            "customer": customer,
            "wallet": summary,
            "entries": entries,
            "online": online,
            "form": form,
            "upi": upi,
        },
    )
