"""Bounds for what people type: days, months, quantities and money.

Forms, API serializers and management commands all take their limits from here, so a value
refused on one path is refused on every path, with the same message, and nothing out of
range ever reaches a service, a query or a bulk operation (where it would fail for
everyone, not only for the one who typed it).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext
from rest_framework import serializers

from earlybird.templatetags.money import format_inr

# The business has no use for a day outside these years; PostgreSQL and Python both
# handle them, and month arithmetic (a month after, a month before) stays in range.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# One line of one delivery: more than this is a phone call, not a tap.
MAX_QUANTITY = Decimal("50")
QUANTITY_PLACES = 3
AMOUNT_PLACES = 2
# Empty bottles or crates taken back with one delivery: more than this is a typo.
MAX_BOTTLES = 60


# All the payments of one customer together: a tenth of what a money column holds
# (₹9,99,99,99,999.99), so what is computed from them (a balance, a bill's previous balance:
# opening + bills − payments) always fits its column, and no customer's payments can make
# issuing a month's bills fail for everyone.
MAX_PAYMENTS_OF_ONE_CUSTOMER = Decimal("1000000000")


def max_amount() -> Decimal:
    """The largest payment, adjustment or price anyone may record (PAYMENT_MAX_AMOUNT)."""
    return Decimal(str(settings.PAYMENT_MAX_AMOUNT))


def max_cash_by_delivery_boy() -> Decimal:
    """The most cash a delivery boy may record for one stop (CASH_COLLECTION_MAX_AMOUNT)."""
    return Decimal(str(settings.CASH_COLLECTION_MAX_AMOUNT))


def _day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


DAY_RANGE_MESSAGE = f"Choose a date between {_day_text(FIRST_DAY)} and {_day_text(LAST_DAY)}."
MONTH_RANGE_MESSAGE = f"Choose a month between {FIRST_DAY:%b %Y} and {LAST_DAY:%b %Y}."


def check_day(day: date, *, field: str | None = None) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _error(DAY_RANGE_MESSAGE, field)
    return day


def parse_day(text: str | None, *, field: str | None = None) -> date:
    """'2026-01-31' -> date(2026, 1, 31), within the bounds; else a ValidationError."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        raise _error(
            f"“{text or ''}” is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31.", field
        ) from None
    return check_day(day, field=field)


def parse_month(text: str | None, *, field: str | None = None) -> date:
    """'2026-01' -> date(2026, 1, 1), within the bounds; else a ValidationError."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise _error(f"“{text or ''}” is not a month; write it as YYYY-MM, e.g. 2026-01.", field)
    if not FIRST_DAY.year <= int(match[1]) <= LAST_DAY.year:
        raise _error(MONTH_RANGE_MESSAGE, field)
    return date(int(match[1]), int(match[2]), 1)


def month_or_default(text: str | None, default: date) -> date:
    """For a page's ?month=: the month asked for, or `default` when it is absent or bad."""
    try:
        return parse_month(text)
    except ValidationError:
        return default.replace(day=1)


def day_or_default(text: str | None, default: date | None = None) -> date | None:
    """For a page's ?day= / ?date=: the day asked for, or `default` when it is absent or bad."""
    try:
        return parse_day(text)
    except ValidationError:
        return default


def check_quantity(quantity: Decimal, *, field: str | None = None, allow_zero=True) -> Decimal:
    low = Decimal(0) if allow_zero else Decimal("0.001")
    if not quantity.is_finite() or not low <= quantity <= MAX_QUANTITY:
        raise _error(f"Enter a quantity from {low:f} to {MAX_QUANTITY:f}.", field)
    if quantity != quantity.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)):
        raise _error(f"Use at most {QUANTITY_PLACES} decimal places.", field)
    return quantity


def check_bottles(count, *, field: str | None = None) -> int:
    """A count of containers (bottles, crates): a whole number from 0 to MAX_BOTTLES."""
    if isinstance(count, bool) or not isinstance(count, int):
        text = str(count).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 6:
            raise _error(
                gettext("“%(value)s” is not a number of bottles.") % {"value": text[:20]}, field
            )
        count = int(text)
    if not 0 <= count <= MAX_BOTTLES:
        raise _error(
            gettext("Enter a number of bottles from 0 to %(max)d.") % {"max": MAX_BOTTLES}, field
        )
    return count


def check_amount(
    amount: Decimal,
    *,
    field: str | None = None,
    cash_by_delivery_boy=False,
    allow_negative=False,
    allow_zero=False,
) -> Decimal:
    """Up to the cap; at least 0.01, or 0 with `allow_zero` (a price), or down to minus
    the cap with `allow_negative` (an adjustment, an opening balance)."""
    cap = max_cash_by_delivery_boy() if cash_by_delivery_boy else max_amount()
    low = -cap if allow_negative else Decimal(0) if allow_zero else Decimal("0.01")
    if not amount.is_finite() or not low <= amount <= cap:
        raise _error(f"Enter an amount from {format_inr(low)} to {format_inr(cap)}.", field)
    if amount != amount.quantize(Decimal("0.01")):
        raise _error("Use at most 2 decimal places (paise).", field)
    return amount


def check_payments_total(total: Decimal, *, field: str | None = None) -> Decimal:
    """All of one customer's payments, with the one being recorded."""
    if total > MAX_PAYMENTS_OF_ONE_CUSTOMER:
        raise _error(
            "With this amount the customer's payments would add up to more than "
            f"{format_inr(MAX_PAYMENTS_OF_ONE_CUSTOMER)}: check the amount.",
            field,
        )
    return total


def parse_decimal(text: str | None, *, field: str | None = None) -> Decimal:
    try:
        return Decimal((text or "").strip().replace(",", ""))
    except InvalidOperation:
        raise _error(f"“{text or ''}” is not a number.", field) from None


def _error(message: str, field: str | None) -> ValidationError:
    return ValidationError({field: message}) if field else ValidationError(message)


# --- the same bounds as form and serializer fields --------------------------------------------


def _bounded(check, **options):
    def validate(value):
        if value is not None:
            check(value, **options)

    return validate


class DayField(forms.DateField):
    """A form date within FIRST_DAY..LAST_DAY."""

    default_validators = [_bounded(check_day)]


class QuantityField(forms.DecimalField):
    """A form quantity from 0 (or 0.001) to MAX_QUANTITY with at most 3 places: one check,
    one message (no separate digits validator saying the same thing in other words)."""

    def __init__(self, *, allow_zero=True, **kwargs):
        kwargs.setdefault("max_digits", None)
        kwargs.setdefault("decimal_places", None)
        super().__init__(**kwargs)
        self.validators.append(_bounded(check_quantity, allow_zero=allow_zero))


class AmountField(forms.DecimalField):
    def __init__(
        self, *, cash_by_delivery_boy=False, allow_negative=False, allow_zero=False, **kwargs
    ):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", AMOUNT_PLACES)
        super().__init__(**kwargs)
        self.validators.append(
            _bounded(
                check_amount,
                cash_by_delivery_boy=cash_by_delivery_boy,
                allow_negative=allow_negative,
                allow_zero=allow_zero,
            )
        )


class DayInput(serializers.DateField):
    """An API date within FIRST_DAY..LAST_DAY."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_serializer_check(check_day))


class QuantityInput(serializers.DecimalField):
    def __init__(self, *, allow_zero=True, **kwargs):
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", QUANTITY_PLACES)
        super().__init__(**kwargs)
        self.validators.append(_serializer_check(check_quantity, allow_zero=allow_zero))


class AmountInput(serializers.DecimalField):
    def __init__(self, *, allow_negative=False, allow_zero=False, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", AMOUNT_PLACES)
        super().__init__(**kwargs)
        self.validators.append(
            _serializer_check(check_amount, allow_negative=allow_negative, allow_zero=allow_zero)
        )


def _serializer_check(check, **options):
    def validate(value):
        if value is None:
            return
        try:
            check(value, **options)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    return validate


# --- the same bounds for management command options ------------------------------------------


def option_day(value: str, *, option: str = "--date") -> date:
    """A command's day option (YYYY-MM-DD) within the bounds; else a CommandError that names
    the option and the value."""
    try:
        return parse_day(value)
    except ValidationError as exc:
        raise _command_error(option, value, exc) from None


def option_month(value: str, *, option: str = "--month") -> date:
    """A command's month option (YYYY-MM) within the bounds; else a CommandError that names
    the option and the value."""
    try:
        return parse_month(value)
    except ValidationError as exc:
        raise _command_error(option, value, exc) from None


def option_check_day(day: date, *, option: str, value: str) -> date:
    """A day a command computed from its options (a start plus a number of days)."""
    try:
        return check_day(day)
    except ValidationError as exc:
        raise _command_error(option, value, exc) from None


def _command_error(option: str, value: str, exc: ValidationError) -> CommandError:
    return CommandError(f"{option} {value}: {' '.join(exc.messages)}")
