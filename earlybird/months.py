"""Months as the pages show them: a month is named by its first day."""

from datetime import date, timedelta

from django.utils import timezone

from earlybird.bounds import month_or_default


def parse_month(raw: str | None, *, today: date | None = None) -> date:
    """A page's ?month=: '2026-01' -> date(2026, 1, 1); absent or bad -> this month.

    The rule (format and bounds) is earlybird.bounds'; where a bad month is an error
    rather than a reason to show this month, use bounds.parse_month."""
    return month_or_default(raw, today or timezone.localdate())


def month_after(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def month_before(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)
