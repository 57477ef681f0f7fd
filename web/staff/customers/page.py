"""The staff customer page (/staff/customers/<id>/), drawn for its GET and again, with
the refused form's errors, by the wallet section's POST views (web/staff/customers/wallet.py).
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from billing.selectors.wallet_overview import wallet_entries, wallet_summary
from customers.models import Customer
from deliveries.selectors_bottles import bottle_balances_by_product
from earlybird.access import allows, staff_can
from earlybird.months import month_after, month_before, parse_month
from web.staff.customers import selectors
from web.staff.customers.wallet_forms import (
    BillingModeForm,
    WalletRechargeForm,
    WalletSettingsForm,
)

ENTRIES_SHOWN = 20


def detail_page(request, customer_id: int, *, status: int = 200, **forms):
    month = parse_month(request.GET.get("month"))
    page = selectors.customer_page(customer_id=customer_id, user=request.user, month=month)
    if page is None:
        raise Http404("No such customer.")
    return render(
        request,
        "customers/detail.html",
        {
            "page": page,
            "customer": page.customer,
            "previous_month": month_before(month),
            "next_month": month_after(month),
            "can": staff_can(request.user),
            "bottles": bottle_balances_by_product(customer_ids=[customer_id])[customer_id],
            **wallet_section(request, page.customer, **forms),
        },
        status=status,
    )


def wallet_section(request, customer: Customer, **forms) -> dict:
    """The section's context: the summary, the latest entries and the forms (the bound
    one that was refused, fresh ones otherwise). Four to six queries."""
    summary = wallet_summary(customer=customer)
    today = timezone.localdate()
    settings_initial = {
        "credit_limit": summary.credit_limit,
        "low_balance_days": summary.own_low_balance_days,
    }
    return {
        "wallet": summary,
        "wallet_entries": list(wallet_entries(customer_id=customer.pk)[:ENTRIES_SHOWN]),
        "can_wallet": allows(request.user, "customers:wallet_recharge", "POST"),
        "mode_form": forms.get("mode_form")
        or BillingModeForm(
            initial={
                "mode": "postpaid" if summary.is_prepaid else "prepaid",
                "effective_from": today,
            }
        ),
        "recharge_form": forms.get("recharge_form")
        or WalletRechargeForm(user=request.user, initial={"paid_on": today, "method": "cash"}),
        "settings_form": forms.get("settings_form") or WalletSettingsForm(initial=settings_initial),
    }
