"""Invariants 4 and 5: a delivery is billed once, only when delivered or partial, for
its delivered quantity at its unit price; one live bill per customer and period; an
issued bill never changes. Rules kept by constraints are broken twice (full_clean()
and a raw write); rules kept by triggers are invisible to full_clean(), so those are
broken by raw writes and the database must answer IntegrityError."""

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Bill, BillingLine
from deliveries.models import Delivery

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
_numbers = itertools.count(1)

DELIVERED = Delivery.Status.DELIVERED
PARTIAL = Delivery.Status.PARTIAL
NOT_DELIVERED = Delivery.Status.NOT_DELIVERED


def make_delivery(order, status=DELIVERED, delivered_qty=None, **overrides) -> Delivery:
    """A delivery of the order's line on its own date (1, 2, 3 … January)."""
    line = order.lines.get()
    n = next(_numbers)
    ordered = Decimal("2.000")
    if delivered_qty is None:
        delivered_qty = {DELIVERED: ordered, PARTIAL: Decimal("1.500")}.get(status, Decimal(0))
    fields = {
        "code": f"DL-TEST-{n:05d}",
        "order": order,
        "order_line": line,
        "product": line.product,
        "customer": order.customer,
        "date": JAN + dt.timedelta(days=n % 28),
        "shift": order.shift,
        "ordered_qty": ordered,
        "delivered_qty": Decimal(delivered_qty),
        "unit_price": Decimal("62.50"),
        "status": status,
    }
    if status in Delivery.CONFIRMED_STATUSES:
        fields.update(confirmed_at=timezone.now(), confirmed_via=Delivery.Via.STAFF)
    if status == NOT_DELIVERED:
        fields["reason"] = Delivery.Reason.CUSTOMER_AWAY
    fields.update(overrides)
    return Delivery.objects.create(**fields)


def make_bill(customer, period=JAN, **overrides) -> Bill:
    return Bill.objects.create(customer=customer, period=period, **overrides)


def issued(**overrides) -> dict:
    fields = {
        "status": Bill.Status.ISSUED,
        "code": f"BI-202601-{next(_numbers):04d}",
        "issued_at": timezone.now(),
    }
    fields.update(overrides)
    return fields


def voided(**overrides) -> dict:
    fields = {"status": Bill.Status.VOID, "voided_at": timezone.now(), "void_reason": "Re-run"}
    fields.update(overrides)
    return fields


def line_fields(bill, delivery, **overrides) -> dict:
    fields = {
        "bill": bill,
        "delivery": delivery,
        "quantity": delivery.delivered_qty,
        "unit_price": delivery.unit_price,
        "amount": (delivery.delivered_qty * delivery.unit_price).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        ),
    }
    fields.update(overrides)
    return fields


def bill_it(bill, delivery, **overrides) -> BillingLine:
    return BillingLine.objects.create(**line_fields(bill, delivery, **overrides))


def refused_by_full_clean(instance, expected: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert expected in " ".join(str(m) for m in excinfo.value.messages)


def refused_by_database(write, expected: str) -> None:
    """`expected`: the constraint's name, or for a trigger the words of its exception."""
    with pytest.raises(IntegrityError, match=expected), transaction.atomic():
        write()
