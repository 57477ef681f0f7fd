"""Invariants 2 and 3 on Delivery: one order, line, product and customer that agree;
one row per (line, date, shift); 0 <= delivered <= ordered; status agrees with the
quantities; confirmations record when and how. Then the rules on delivery boys, route
stops and shared links. Each rule is broken twice: through full_clean()
(ValidationError) and by a raw write (IntegrityError naming the constraint)."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deliveries.models import Delivery

JAN_10 = dt.date(2026, 1, 10)
_codes = itertools.count(1)

PENDING = Delivery.Status.PENDING
DELIVERED = Delivery.Status.DELIVERED
PARTIAL = Delivery.Status.PARTIAL
NOT_DELIVERED = Delivery.Status.NOT_DELIVERED
CANCELLED = Delivery.Status.CANCELLED


def delivery_fields(order, /, **overrides) -> dict:
    """A valid pending delivery of the order's first line, unless overridden."""
    line = order.lines.first()
    fields = {
        "code": f"DL-TEST-{next(_codes):05d}",
        "order": order,
        "order_line": line,
        "product": line.product,
        "customer": order.customer,
        "date": JAN_10,
        "shift": order.shift,
        "ordered_qty": Decimal("2.000"),
        "unit_price": Decimal("60.00"),
    }
    fields.update(overrides)
    return fields


def confirmed(status, delivered_qty, **overrides) -> dict:
    """The fields of a confirmation by staff, so only the rule under test can fail."""
    fields = {
        "status": status,
        "delivered_qty": Decimal(delivered_qty),
        "confirmed_at": timezone.now(),
        "confirmed_via": Delivery.Via.STAFF,
    }
    if status == NOT_DELIVERED:
        fields["reason"] = Delivery.Reason.CUSTOMER_AWAY
    fields.update(overrides)
    return fields


def refused_by_full_clean(instance, expected: str) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert expected in " ".join(str(m) for m in excinfo.value.messages)
    return excinfo.value


def refused_by_database(write, expected: str = "") -> None:
    with pytest.raises(IntegrityError, match=expected), transaction.atomic():
        write()
