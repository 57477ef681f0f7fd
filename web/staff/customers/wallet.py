"""The wallet section of a staff customer page: the billing mode (postpaid or prepaid from
a day) with a form to switch it, the balance and the latest entries, a recharge (cash,
UPI, bank or cheque: a payment into the wallet through the payment service, sent once)
and the credit limit and low-balance days.

Thin: access helper (404 for outsiders) → form → billing.services.wallet → message +
redirect back to the page's wallet section; a refused form is drawn again on the page
with its errors. Which staff may write is the access table's business (accounts, admin).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from billing.services.wallet import recharge_wallet, set_billing_mode, update_wallet_settings
from customers.models import Customer
from customers.selectors import visible_customer
from earlybird.access import staff_required
from earlybird.forms import add_service_errors
from earlybird.idempotency import form_once, form_result
from web.staff.customers.page import detail_page
from web.staff.customers.wallet_forms import (
    BillingModeForm,
    WalletRechargeForm,
    WalletSettingsForm,
)


def _back(customer: Customer) -> str:
    return f"{reverse('customers:detail', args=[customer.pk])}#wallet"


def _refused(form, exc) -> None:
    if isinstance(exc, ValidationError):
        add_service_errors(form, exc)
    else:
        form.add_error(None, str(exc) or "You may not do this.")


def _page_again(request, customer: Customer, **forms):
    return detail_page(request, customer.pk, **forms)


@require_POST
@staff_required
def billing_mode(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    form = BillingModeForm(request.POST)
    if form.is_valid():
        mode, day = form.cleaned_data["mode"], form.cleaned_data["effective_from"]
        try:
            changed = set_billing_mode(
                customer=customer, mode=mode, effective_from=day, by=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            label = dict(form.fields["mode"].choices)[mode]
            if changed is None:
                messages.info(request, f"{customer.name} is already {label.lower()} then.")
            else:
                messages.success(request, f"{customer.name}: {label.lower()} from {day:%d %b %Y}.")
            return redirect(_back(customer))
    return _page_again(request, customer, mode_form=form)


@require_POST
@staff_required
def wallet_recharge(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    form = WalletRechargeForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data

        def record():
            payment = recharge_wallet(
                customer=customer,
                amount=data["amount"],
                method=data["method"],
                paid_on=data["paid_on"],
                reference=data["reference"],
                notes=data["notes"],
                received_by=request.user,
                by=request.user,
            )
            what = (
                f"₹{payment.amount} into {customer.name}'s wallet ({payment.get_method_display()})"
            )
            return payment, form_result(
                redirect_to=_back(customer),
                message=f"{payment.code}: {what} recorded.",
                replay=f"Already recorded: {payment.code}, {what} on {payment.paid_on:%d %b %Y}.",
            )

        try:
            return form_once(request, form, write=record, fallback=_back(customer))
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
    return _page_again(request, customer, recharge_form=form)


@require_POST
@staff_required
def wallet_settings(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    form = WalletSettingsForm(request.POST)
    if form.is_valid():
        try:
            update_wallet_settings(
                customer=customer,
                credit_limit=form.cleaned_data["credit_limit"],
                low_balance_days=form.cleaned_data["low_balance_days"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"{customer.name}'s wallet settings saved.")
            return redirect(_back(customer))
    return _page_again(request, customer, settings_form=form)
