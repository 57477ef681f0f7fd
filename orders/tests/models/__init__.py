"""Prices, products, orders, lines, day overrides and pauses: each rule is broken twice,
once through full_clean() (ValidationError) and once by a raw write (IntegrityError
naming the constraint)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

JAN_1 = dt.date(2026, 1, 1)
JAN_10 = dt.date(2026, 1, 10)
JAN_20 = dt.date(2026, 1, 20)


def messages(excinfo) -> str:
    return " ".join(str(m) for m in excinfo.value.messages)


def refused_by_full_clean(instance, expected: str) -> None:
    """`expected`: the check constraint's name, or "already exists" for a unique one."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert expected in messages(excinfo)


def refused_by_database(write, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()
