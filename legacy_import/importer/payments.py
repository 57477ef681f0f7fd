"""`payment_transactions` → Payment, with `record_payment`'s rules (amount above ₹0 in paise,
a known method, a PA- code of the payment day), written in bulk.

* amount: the double rounded to paise (27.999999 → 28.00); 0, negative or unreadable →
  rejected.
* paid on: `payment_date`, else the day of `created_at` (reported), else rejected.
* method: Cash → cash; UPI, QR, GPay, PhonePe, Paytm → upi; bank, NEFT, IMPS, RTGS →
  bank; cheque → cheque; anything else → cash, reported.
* the month the old system credited it to (`month`, which its bills used) is kept in the
  notes; who recorded it (`created_by`) becomes `received_by` when that login was imported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction

from billing.models import Payment
from earlybird import bounds
from earlybird.codes import reserve_codes
from legacy_import.importer.base import (
    HISTORY_REASON,
    Context,
    business_date,
    checksum_of,
    existing_records,
    import_in_batches,
    money,
    month_of,
    save_records,
    text,
    timestamp,
    write_history,
)
from legacy_import.translate import business_date_of_bson

METHODS = {
    Payment.Method.CASH: {"cash"},
    Payment.Method.UPI: {"upi", "qr", "gpay", "google pay", "phonepe", "paytm", "bhim"},
    Payment.Method.BANK: {"bank", "neft", "imps", "rtgs", "bank transfer", "transfer"},
    Payment.Method.CHEQUE: {"cheque", "check"},
}


def method_of(raw: Any) -> tuple[str, bool]:
    word = text(raw).lower() or "cash"
    for method, words in METHODS.items():
        if word in words:
            return method, True
    return Payment.Method.CASH, False


@dataclass
class Wanted:
    legacy_id: str
    checksum: str
    customer: int
    fields: dict[str, Any]
    owner: str = ""


def import_payments(ctx: Context) -> None:
    import_in_batches(
        ctx,
        "payment_transactions",
        build=_wanted,
        write=_write,
        owner=lambda doc: (
            doc.get("customer_id") if isinstance(doc.get("customer_id"), str) else None
        ),
    )


def _wanted(ctx: Context, doc: dict[str, Any], legacy_id: str) -> Wanted | tuple:
    report = ctx.collection("payment_transactions")
    customer_legacy = doc.get("customer_id")
    owner = customer_legacy if isinstance(customer_legacy, str) else ""
    info = ctx.customer(customer_legacy)
    amount = money(doc.get("amount"))
    paid_on = business_date(doc.get("payment_date"))
    if paid_on is None and (created := timestamp(doc.get("created_at"))) is not None:
        paid_on = business_date_of_bson(created)
    if info is None:
        ctx.leave_out(
            owner, "payments", legacy_id, amount=amount if amount and amount > 0 else None
        )
        return (*ctx.customer_missing(customer_legacy), owner, paid_on)
    if amount is None:
        return (
            "bad_amount",
            (f"amount {doc.get('amount')!r} is not a number: correct it and run again"),
            owner,
            paid_on,
        )
    if amount <= 0:
        return (
            "non_positive_amount",
            (f"amount {amount}: a payment is above ₹0 (a refund is an adjustment)"),
            owner,
            paid_on,
        )
    if amount > bounds.max_amount():
        # The cap every other path obeys: a larger payment would overflow bills for everyone.
        return (
            "amount_above_cap",
            (
                f"amount {amount} is above the ₹{bounds.max_amount():,} any payment may be "
                "(PAYMENT_MAX_AMOUNT): check it in the old system, split it or raise the cap"
            ),
            owner,
            paid_on,
        )
    if business_date(doc.get("payment_date")) is None:
        if paid_on is None:
            return (
                "unparsable_date",
                (
                    f"payment_date {doc.get('payment_date')!r} and no created_at: the day it was "
                    "paid is not known"
                ),
                owner,
            )
        report.warn(
            legacy_id,
            "payment_date",
            f"payment_date {doc.get('payment_date')!r} is not a date: paid on {paid_on} (the "
            "day it was recorded)",
            customer=owner,
            day=paid_on,
        )
    method, known = method_of(doc.get("payment_method"))
    if not known:
        report.warn(
            legacy_id,
            "method",
            f"method {doc.get('payment_method')!r} imported as cash",
            customer=owner,
            day=paid_on,
        )
    month = text(doc.get("month"))
    notes = "; ".join(
        part
        for part in (
            text(doc.get("notes")),
            f"Credited to {month or 'no month'} in the old system (payment {legacy_id}).",
        )
        if part
    )
    credited = month_of(month) or paid_on.replace(day=1)
    if ctx.billed_through is not None:
        if credited == ctx.billed_through:
            ctx.paid_in_month[customer_legacy] += amount
        if credited <= ctx.billed_through:
            ctx.paid_up_to[customer_legacy] += amount
    return Wanted(
        owner=owner,
        legacy_id=legacy_id,
        checksum=checksum_of(doc),
        customer=info.pk,
        fields={
            "customer_id": info.pk,
            "amount": amount,
            "method": method,
            "paid_on": paid_on,
            "received_by_id": ctx.users.get(text(doc.get("created_by"))),
            "notes": notes,
        },
    )


def _write(ctx: Context, batch: list[Wanted]) -> None:
    if not batch:
        return
    report = ctx.collection("payment_transactions")
    found = existing_records("payment_transactions", Payment, [w.legacy_id for w in batch])
    alive = set(
        Payment.objects.filter(pk__in=[f[0] for f in found.values()]).values_list("pk", flat=True)
    )
    new, edited = [], []
    for w in batch:
        record = found.get(w.legacy_id)
        if record and record[0] in alive:
            if record[1] == w.checksum:
                report.unchanged += 1
            else:
                edited.append((w, record[0]))
        else:
            new.append(w)
    rows = Payment.objects.in_bulk([pk for _w, pk in edited])  # objects only for the edited
    changed = [(w, rows[pk]) for w, pk in edited]
    with transaction.atomic():
        try:
            with transaction.atomic():
                made = _create(new)
        except (IntegrityError, DatabaseError):
            made = 0
            for w in new:
                try:
                    with transaction.atomic():
                        made += _create([w])
                except (IntegrityError, DatabaseError) as exc:
                    report.reject(
                        w.legacy_id,
                        "cannot_save",
                        str(exc).splitlines()[0][:300],
                        customer=w.owner,
                        day=w.fields["paid_on"],
                    )
        report.created += made
        for w, payment in changed:
            for key, value in w.fields.items():
                setattr(payment, key, value)
            payment._change_reason = HISTORY_REASON
            payment.save()
            save_records("payment_transactions", Payment, [(w.legacy_id, payment.pk, w.checksum)])
            report.updated += 1


def _create(batch: list[Wanted]) -> int:
    if not batch:
        return 0
    by_day: dict[date, list[Wanted]] = defaultdict(list)
    for w in batch:
        by_day[w.fields["paid_on"]].append(w)
    rows, order = [], []
    for day, items in sorted(by_day.items()):
        for w, code in zip(items, reserve_codes("PA", on=day, count=len(items)), strict=True):
            rows.append(Payment(code=code, reference="", **w.fields))
            order.append(w)
    for row in rows:
        if row.amount <= Decimal(0):
            raise IntegrityError("amount must be positive")
    Payment.objects.bulk_create(rows)
    write_history(Payment, [row.pk for row in rows])
    save_records(
        "payment_transactions",
        Payment,
        [(w.legacy_id, row.pk, w.checksum) for w, row in zip(order, rows, strict=True)],
    )
    return len(rows)
