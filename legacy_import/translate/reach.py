"""Where the old engine got to on a subscription, and where it raised: the days it
reached past the stop date and the pauses, the first such day to report, and the values
it would have read as they were meant."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from legacy_import.legacy_rule import parse_ymd
from legacy_import.translate.values import (
    LEGACY_START,
    MAX_QUANTITY,
    ONE_DAY,
    QUANTUM,
    business_date_of_bson,
)

# --- the days the old engine reached ----------------------------------------------------


class _Reach:
    """The days on which the old engine got past the stop date and the pauses read so
    far: [date.min, stop) minus those pauses. Empty for draft and stopped documents,
    which the engine never read past their status."""

    def __init__(self, *, evaluated: bool, first_day: date = LEGACY_START) -> None:
        self.evaluated = evaluated
        self.first_day = max(first_day, LEGACY_START)
        self.stop: date | None = None
        self.pauses: list[tuple[date, date | None]] = []

    def contains(self, day: date) -> bool:
        if not self.evaluated or (self.stop is not None and day >= self.stop):
            return False
        return not any(s <= day and (e is None or day <= e) for s, e in self.pauses)

    def free_intervals(self, lo: date, hi: date) -> list[tuple[int, int]]:
        """Reached days within [lo, hi] as ordinal intervals, in order."""
        if not self.evaluated:
            return []
        if self.stop is not None:
            if self.stop == date.min:
                return []
            hi = min(hi, self.stop - ONE_DAY)
        free = [(lo.toordinal(), hi.toordinal())] if lo <= hi else []
        for start, end in self.pauses:
            s, e = start.toordinal(), (end or date.max).toordinal()
            free = [
                part
                for a, b in free
                for part in ((a, min(b, s - 1)), (max(a, e + 1), b))
                if part[0] <= part[1]
            ]
        return sorted(free)

    def witness(
        self,
        *,
        excluding: Collection[date] = (),
        weekdays: Collection[int] | None = None,
        lo: date = date.min,
        hi: date = date.max,
    ) -> date | None:
        """A reached day in [lo, hi], not in `excluding`, on one of `weekdays` if given;
        the earliest from `first_day` on, else the latest before it. None if none."""
        ok: Callable[[date], bool] = (
            (lambda d: d not in excluding)
            if weekdays is None
            else (lambda d: d not in excluding and d.weekday() in weekdays)
        )
        if weekdays is not None and not weekdays:
            return None
        # In any 7 × (len(excluding) + 1) consecutive days, each weekday occurs more
        # often than `excluding` has days: scanning that far settles an interval.
        reach = 7 * (len(excluding) + 1)
        intervals = self.free_intervals(lo, hi)
        split = self.first_day.toordinal()
        for a, b in intervals:
            a = max(a, split)
            for n in range(a, min(b, a + reach) + 1):
                if ok(date.fromordinal(n)):
                    return date.fromordinal(n)
        for a, b in reversed(intervals):
            b = min(b, split - 1)
            for n in range(b, max(a, b - reach) - 1, -1):
                if ok(date.fromordinal(n)):
                    return date.fromordinal(n)
        return None


class _Reject(Exception):
    def __init__(self, reason: str, crash_date: date | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.crash_date = crash_date


class _Unstorable(Exception):
    pass


def _crash(reason: str, day: date) -> _Reject:
    return _Reject(f"the old engine crashed on this subscription: {reason}", day)


def _list_quantity(value: float) -> Decimal:
    """What the delivery-boy list showed for an engine answer, as a stored quantity."""
    if not value > 0:  # 0, negative, NaN: not listed
        return Decimal(0)
    if math.isinf(value) or value > MAX_QUANTITY:
        raise _Unstorable(value)
    quantity = Decimal(str(value)).quantize(QUANTUM)
    if quantity > MAX_QUANTITY:
        raise _Unstorable(value)
    return quantity


def _ymd(value: Any) -> date | None:
    """The day a stored value equals as a `YYYY-MM-DD` string (what D is), else None."""
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day.isoformat() == value else None


def _lenient_date(value: Any) -> date | None:
    """A business date as its writer meant it: YMD string or BSON date (§1.2)."""
    if isinstance(value, datetime):
        return business_date_of_bson(value)
    if isinstance(value, date):
        return value
    try:
        return parse_ymd(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _describe(value: Any) -> str:
    if isinstance(value, datetime):
        return f"a BSON date ({business_date_of_bson(value)} in India)"
    return repr(value)


def _first_iso_at_least(text: str) -> date | None:
    """The first day whose `YYYY-MM-DD` string is >= text (string order), if any."""
    lo, hi = date.min.toordinal(), date.max.toordinal()
    if date.fromordinal(hi).isoformat() < text:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if date.fromordinal(mid).isoformat() >= text:
            hi = mid
        else:
            lo = mid + 1
    return date.fromordinal(lo)


def _last_iso_at_most(text: str) -> date | None:
    """The last day whose `YYYY-MM-DD` string is <= text (string order), if any."""
    lo, hi = date.min.toordinal(), date.max.toordinal()
    if date.fromordinal(lo).isoformat() > text:
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if date.fromordinal(mid).isoformat() <= text:
            lo = mid
        else:
            hi = mid - 1
    return date.fromordinal(lo)


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _describe_entry(entry: Any) -> str:
    if isinstance(entry, Mapping):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in entry.items()) + "}"
    return repr(entry)


def _lenient_pause(entry: Any) -> tuple[date, date | None] | None:
    """A pause as the delivery-boy "pause till date" action meant it."""
    if not isinstance(entry, Mapping):
        return None
    start = _lenient_date(entry.get("start") or entry.get("start_date"))
    end_raw = entry.get("end") or entry.get("end_date")
    end = _lenient_date(end_raw) if end_raw else None
    if start is None or (end_raw and end is None):
        return None
    return start, end
