"""Billing periods (calendar months, named by their first day) and the period lock."""

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from earlybird import bounds
from earlybird.formats import day_text
from earlybird.roles import ACCOUNTS, ADMIN, has_role

# Advisory lock class for billing (generation uses 7301). Keys: a period as YYYYMM, or 0
# for billing runs as a whole.
BILLING_LOCK = 7302
RUNS_KEY = 0


def month_start(period: date) -> date:
    """The period must be given as the first day of its month."""
    if not isinstance(period, date) or period.day != 1:
        raise ValidationError(
            {"period": f"A billing period is the first day of a month, not {day_text(period)}."}
        )
    return period


def month_end(period: date) -> date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def next_month(period: date) -> date:
    return date(period.year + period.month // 12, period.month % 12 + 1, 1)


def parse_month(text: str) -> date:
    """'2026-01' -> date(2026, 1, 1), within the project's bounds (earlybird.bounds)."""
    return bounds.parse_month(text)


def _advisory_lock(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BILLING_LOCK, key])


def lock_runs() -> None:
    """One billing run at a time, whatever the period (taken before the period's lock)."""
    _advisory_lock(RUNS_KEY)


def lock_period(period: date) -> None:
    """Serialise the writes on one period's bills: runs, issuing and voiding.

    A transaction-level advisory lock, taken before any row lock (see billing/services/runs.py
    for the whole order) and released at commit or rollback.
    """
    _advisory_lock(period.year * 100 + period.month)


def check_accounts(user) -> None:
    """Money decisions (issue, void, adjust) belong to accounts staff and admins."""
    if user is None or not has_role(user, ACCOUNTS, ADMIN):
        raise PermissionDenied("Only accounts staff can do this.")
