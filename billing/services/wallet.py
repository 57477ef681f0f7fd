"""Writes on prepaid wallets: the billing mode, delivery debits and their reversals,
recharges, adjustments, refunds, opening balances and the wallet's settings; and the
generation's low-balance hold (a provider of deliveries.holds).

Every entry is inserted, never changed (a trigger refuses UPDATE and DELETE); the
balance is their sum (billing.selectors.wallet). What PostgreSQL checks at commit is
in billing/wallet_models.py; `settle_debits` is the one writer of debits and reversals.

Locks (earlybird/locks.py): a wallet's writes lock its Wallet row, after the Customer,
Order and Delivery rows the caller holds (a confirmation: order, then delivery, then the
wallet through the deliveries_changed signal; a recharge: customer, then wallet).
"""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q
from django.utils import timezone, translation

from billing.models import BillingMode, Payment, Wallet, WalletEntry
from billing.selectors.wallet import (
    amounts_due_ahead,
    billing_mode_on,
    credit_limits,
    mode_in_force,
    prepaid_customer_ids,
    wallet_balance,
    wallet_balances,
)
from billing.services.notices import queue_low_balance_pauses
from billing.services.periods import check_accounts
from customers.models import Customer
from deliveries.models import Delivery
from earlybird import bounds
from earlybird.locks import lock_one

Kind = WalletEntry.Kind
PREPAID = BillingMode.Mode.PREPAID
LOW_BALANCE = "low_balance"  # deliveries.models.Hold.Reason
CENT = Decimal("0.01")


def lock_wallets(customer_ids: Iterable[int]) -> dict[int, Wallet]:
    """The customers' Wallet rows, made if missing and locked in primary-key order."""
    ids = sorted(set(customer_ids))
    Wallet.objects.bulk_create([Wallet(customer_id=pk) for pk in ids], ignore_conflicts=True)
    rows = (
        Wallet.objects.filter(customer_id__in=ids)
        .order_by("pk")
        .select_for_update(no_key=True, of=("self",))
    )
    return {wallet.customer_id: wallet for wallet in rows}


def debit_for(delivered_qty: Decimal, unit_price: Decimal) -> Decimal:
    """What a delivery takes: round(quantity × price, 2), as a billing line bills it."""
    return -(delivered_qty * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


# --- debits ---------------------------------------------------------------------------


def settle_debits(deliveries: Iterable[Delivery], *, by=None) -> list[WalletEntry]:
    """Make the wallet agree with these deliveries: each delivered or partial delivery of
    a customer prepaid on its day has one unreversed debit of its amount, every other
    none. A debit that no longer fits is reversed (and a new one written for a corrected
    quantity); nothing is ever edited. Idempotent: a second call writes nothing.

    Takes the deliveries' row locks (already held by a confirmation), then the wallets'
    of the customers that get an entry. Returns the entries written."""
    ids = sorted({d.pk for d in deliveries})
    if not ids:
        return []
    with transaction.atomic():
        rows = list(
            Delivery.objects.filter(pk__in=ids)
            .order_by("pk")
            .select_for_update(no_key=True, of=("self",))
            .annotate(mode=mode_in_force(OuterRef("customer"), OuterRef("date")))
            .values("pk", "customer_id", "date", "status", "delivered_qty", "unit_price", "mode")
        )
        open_debits = {
            entry.delivery_id: entry
            for entry in WalletEntry.objects.filter(
                delivery_id__in=ids, kind=Kind.DEBIT, reversed_by__isnull=True
            )
        }
        plan = []
        for row in rows:
            expected = Decimal(0)
            if row["mode"] == PREPAID and row["status"] in Delivery.BILLABLE_STATUSES:
                expected = debit_for(row["delivered_qty"], row["unit_price"])
            current = open_debits.get(row["pk"])
            if (current.amount if current else Decimal(0)) != expected:
                plan.append((row, current, expected))
        if not plan:
            return []
        lock_wallets(row["customer_id"] for row, _, _ in plan)
        entries = []
        for row, current, expected in plan:
            common = {"customer_id": row["customer_id"], "delivery_id": row["pk"], "created_by": by}
            if current is not None:
                entries.append(
                    WalletEntry(
                        kind=Kind.REVERSAL,
                        amount=-current.amount,
                        reverses=current,
                        date=row["date"],
                        note="Confirmation changed" if expected else "Confirmation undone",
                        **common,
                    )
                )
            if expected:
                entries.append(
                    WalletEntry(kind=Kind.DEBIT, amount=expected, date=row["date"], **common)
                )
        return WalletEntry.objects.bulk_create(entries)


# --- billing mode ---------------------------------------------------------------------


def set_billing_mode(
    *, customer: Customer, mode: str, effective_from: date, by=None
) -> BillingMode | None:
    """From `effective_from` on (until a later change), bill this customer `mode`.

    Staff (accounts, admin) change it from today on; only a command or the import
    (`by` None) may date it in the past. Deliveries already confirmed in the range are
    settled at once (prepaid: debited; postpaid again: their debits reversed, so the
    next run bills them). Refused when one of them is already on a bill: a billed day
    cannot become prepaid. Returns the row in force from that day (None if nothing
    changed: that mode was already in force)."""
    if mode not in BillingMode.Mode.values:
        raise ValidationError({"mode": f"“{mode}” is not a billing mode."})
    bounds.check_day(effective_from, field="effective_from")
    if by is not None:
        check_accounts(by)
        if effective_from < timezone.localdate():
            raise ValidationError(
                {"effective_from": "A billing mode changes from today on, not on a past day."}
            )
    with transaction.atomic():
        lock_one(Customer.objects, pk=customer.pk)
        later = (
            BillingMode.objects.filter(customer=customer, effective_from__gt=effective_from)
            .order_by("effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )
        in_range = Q(customer=customer, date__gte=effective_from)
        if later is not None:
            in_range &= Q(date__lt=later)
        affected = _lock_deliveries(Delivery.objects.filter(in_range))
        row = BillingMode.objects.filter(customer=customer, effective_from=effective_from).first()
        if row is not None and row.mode == mode:
            return row
        if row is None and billing_mode_on(customer.pk, effective_from) == mode:
            return None
        if mode == PREPAID:
            _check_not_billed(Delivery.objects.filter(in_range))
        if row is None:
            row = BillingMode(customer=customer, effective_from=effective_from, created_by=by)
        row.mode = mode
        row.full_clean(validate_unique=False)
        row.save()
        settle_debits(affected, by=by)
    return row


def _lock_deliveries(deliveries) -> list[Delivery]:
    """Every delivery of the changed days, pending ones too, in primary-key order: a
    confirmation in flight waits for the change (or the change for it) and is then
    settled under the mode in force, never left for the commit's check to refuse."""
    return list(deliveries.order_by("pk").select_for_update(no_key=True, of=("self",)).only("pk"))


def _check_not_billed(deliveries) -> None:
    billed = (
        deliveries.filter(billing_line__isnull=False)
        .select_related("billing_line__bill")
        .order_by("-date")
        .first()
    )
    if billed is not None:
        raise ValidationError(
            {
                "effective_from": f"{billed.code} of {billed.date:%d %b %Y} is already on "
                f"{billed.billing_line.bill}: prepaid can start only after {billed.date:%d %b %Y}."
            }
        )


# --- money in and out -----------------------------------------------------------------


def _write_entry(**fields) -> WalletEntry:
    """One ledger entry, checked by its model (the database checks it again at commit)."""
    entry = WalletEntry(**fields)
    entry.full_clean()
    entry.save()
    return entry


def credit_recharge(*, payment: Payment, by=None) -> WalletEntry:
    """The recharge entry of a wallet payment just recorded (billing.services.payments,
    in its transaction, the customer locked)."""
    lock_wallets([payment.customer_id])
    with translation.override(None):  # stored text: English, whoever's page recorded it
        method = payment.get_method_display()
    return _write_entry(
        customer_id=payment.customer_id,
        kind=Kind.RECHARGE,
        amount=payment.amount,
        date=payment.paid_on,
        payment=payment,
        note=f"{payment.code} ({method})",
        created_by=by,
    )


def recharge_wallet(
    *,
    customer: Customer,
    amount,
    method: str,
    paid_on: date,
    reference: str = "",
    by=None,
    received_by=None,
    notes: str = "",
) -> Payment:
    """Money put into the wallet: a payment with purpose "wallet" (the same payment
    service, limits and receipt as any payment) and its recharge entry, together."""
    # Imported here: the payment service imports this module for credit_recharge.
    from billing.services.payments import record_payment

    return record_payment(
        customer=customer,
        amount=amount,
        method=method,
        paid_on=paid_on,
        reference=reference,
        received_by=received_by,
        notes=notes,
        by=by,
        purpose=Payment.Purpose.WALLET,
    )


def _amount(value, *, allow_negative: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({"amount": f"“{value}” is not an amount of money."}) from exc
    bounds.check_amount(amount, field="amount", allow_negative=allow_negative)
    if amount == 0:
        raise ValidationError({"amount": "An amount of ₹0 changes nothing."})
    return amount


def _note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why."})
    return note[:200]


def adjust_wallet(
    *, customer: Customer, amount, note: str, by, day: date | None = None
) -> WalletEntry:
    """A correction of the wallet by accounts staff: + adds, − takes (a reason given)."""
    check_accounts(by)
    amount, note = _amount(amount, allow_negative=True), _note(note)
    with transaction.atomic():
        lock_wallets([customer.pk])
        return _write_entry(
            customer=customer,
            kind=Kind.ADJUSTMENT,
            amount=amount,
            date=day or timezone.localdate(),
            note=note,
            created_by=by,
        )


def refund_wallet(
    *, customer: Customer, amount, note: str, by, day: date | None = None
) -> WalletEntry:
    """Money paid back to the customer out of the wallet, at most what it holds."""
    check_accounts(by)
    amount, note = _amount(amount), _note(note)
    with transaction.atomic():
        lock_wallets([customer.pk])  # two refunds at once: the second sees the first
        balance = wallet_balance(customer.pk)
        if amount > balance:
            raise ValidationError({"amount": f"The wallet holds ₹{balance}; refund at most that."})
        return _write_entry(
            customer=customer,
            kind=Kind.REFUND,
            amount=-amount,
            date=day or timezone.localdate(),
            note=note,
            created_by=by,
        )


def open_wallet(
    *, customer: Customer, amount, day: date, note: str = "", by=None
) -> WalletEntry | None:
    """What the wallet held when it came into EarlyBird (the import): once per customer.
    A second call returns the existing entry unchanged; 0 writes nothing (None)."""
    amount = Decimal(str(amount))
    bounds.check_amount(amount, field="amount", allow_negative=True, allow_zero=True)
    with transaction.atomic():
        lock_wallets([customer.pk])
        existing = WalletEntry.objects.filter(customer=customer, kind=Kind.OPENING).first()
        if existing is not None or amount == 0:
            return existing
        return _write_entry(
            customer=customer,
            kind=Kind.OPENING,
            amount=amount,
            date=day,
            note=(note or "Opening balance")[:200],
            created_by=by,
        )


def update_wallet_settings(
    *, customer: Customer, credit_limit, low_balance_days: int | None, by
) -> Wallet:
    """The credit limit (how far below zero deliveries go on) and the low-balance days."""
    check_accounts(by)
    limit = Decimal(str(credit_limit))
    bounds.check_amount(limit, field="credit_limit", allow_zero=True)
    if low_balance_days is not None and not 0 <= low_balance_days <= 60:
        raise ValidationError({"low_balance_days": "Between 0 and 60 days, or empty."})
    with transaction.atomic():
        wallet = lock_wallets([customer.pk])[customer.pk]
        wallet.credit_limit, wallet.low_balance_days = limit, low_balance_days
        wallet.full_clean()
        wallet.save()
    return wallet


# --- the generation's hold ------------------------------------------------------------


def low_balance_holds(day: date, needs: Mapping[int, Decimal]) -> dict[int, str]:
    """deliveries.holds provider: hold a customer prepaid on `day` when the wallet, less
    what their pending deliveries from today on (other than `day`'s) will take, plus
    their credit limit, does not cover what `day` needs. Reads only; each held customer
    is told once per held day (a message in the generation's transaction)."""
    prepaid = prepaid_customer_ids(day, needs.keys())
    if not prepaid:
        return {}
    balances = wallet_balances(prepaid)
    ahead = amounts_due_ahead(prepaid, since=timezone.localdate(), exclude_day=day)
    limits = credit_limits(prepaid)
    held = {
        pk: LOW_BALANCE
        for pk in sorted(prepaid)
        if balances[pk] - ahead.get(pk, Decimal(0)) + limits[pk] < needs[pk]
    }
    if held:
        queue_low_balance_pauses(
            day=day,
            shortfalls={
                pk: (balances[pk] - ahead.get(pk, Decimal(0)), Decimal(needs[pk])) for pk in held
            },
        )
    return held
