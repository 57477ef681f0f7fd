"""The delivery pattern of a subscription: mode, weekdays, default quantity, one-time range
(§5 steps 7–10), as the old engine read them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from legacy_import.translate.reach import (
    _crash,
    _days,
    _describe,
    _first_iso_at_least,
    _last_iso_at_most,
    _list_quantity,
    _Reach,
    _Reject,
    _Unstorable,
)
from legacy_import.translate.values import LEGACY_START, MAX_EXPANDED_DAYS, ONE_DAY
from orders.models import Order


def _default_quantity(
    raw: Any, what: str, witness: Callable[[], date | None], warnings: list[str]
) -> Decimal | None:
    """The quantity the pattern delivers; None when it delivers nothing."""
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        day = witness()
        if day is not None:
            raise _crash(f"{what} is {raw!r}", day) from None
        warnings.append(f"{what} {raw!r} never read by the old engine: ignored")
        return None
    try:
        quantity = _list_quantity(value)
    except _Unstorable:
        if witness() is not None:
            raise _Reject(f"{what} {value!r} cannot be stored") from None
        warnings.append(f"{what} {value!r} never read by the old engine: ignored")
        return None
    return quantity or None


def _placeholder(raw: Any) -> Decimal:
    try:
        quantity = _list_quantity(float(raw))
    except (TypeError, ValueError, OverflowError, _Unstorable):
        return Decimal("1.000")
    return quantity or Decimal("1.000")


def _read_pattern(
    doc: Mapping[str, Any],
    reach: _Reach,
    seen: set[date],
    overrides: dict[date, Decimal],
    warnings: list[str],
) -> tuple[str, frozenset[int], Decimal, dict[str, date]]:
    """(pattern, weekdays, line quantity, start/end dates if not the defaults)."""
    mode = doc.get("mode")
    listed = (Order.Pattern.LISTED_DATES, frozenset(), _placeholder(doc.get("default_qty", 0)), {})

    if mode == "fixed_daily":
        quantity = _default_quantity(
            doc.get("default_qty", 0),
            "default_qty",
            lambda: reach.witness(excluding=seen),
            warnings,
        )
        if quantity is None:
            return listed
        return Order.Pattern.DAILY, frozenset(), quantity, {}

    if mode == "weekly_pattern":
        pattern = doc.get("weekly_pattern")
        if not (isinstance(pattern, list) and pattern):
            warnings.append(f"weekly_pattern {pattern!r}: only the overrides deliver")
            return listed
        weekdays = frozenset(w for w in range(7) if w in pattern)
        if not weekdays:
            warnings.append(f"weekly_pattern {pattern!r} matches no weekday in the old engine")
            return listed
        if any(type(w) is not int or not 0 <= w <= 6 for w in pattern):
            warnings.append(f"weekly_pattern {pattern!r} read as {sorted(weekdays)}")
        quantity = _default_quantity(
            doc.get("default_qty", 0),
            "default_qty",
            lambda: reach.witness(excluding=seen, weekdays=weekdays),
            warnings,
        )
        if quantity is None:
            return listed
        return Order.Pattern.WEEKDAYS, weekdays, quantity, {}

    if mode == "one_time":
        return _read_one_time(doc, reach, seen, overrides, warnings, listed)

    if mode not in ("day_by_day", "irregular"):
        warnings.append(f"mode {mode!r}: the old engine delivered only the overrides")
    return listed


def _read_one_time(
    doc: Mapping[str, Any],
    reach: _Reach,
    seen: set[date],
    overrides: dict[date, Decimal],
    warnings: list[str],
    listed: tuple[str, frozenset[int], Decimal, dict[str, date]],
) -> tuple[str, frozenset[int], Decimal, dict[str, date]]:
    start = doc.get("startDate") or doc.get("start_date")
    end = doc.get("endDate") or doc.get("end_date")
    if not (start and end):
        warnings.append("one_time without both start and end dates: only the overrides deliver")
        return listed
    # The engine compares the stored values with the string D: `start <= D <= end`.
    if not isinstance(start, str):
        day = reach.witness(excluding=seen)
        if day is not None:
            raise _crash(f"one_time start {_describe(start)}", day)
        warnings.append(f"one_time start {_describe(start)} never read: ignored")
        return listed
    lo = _first_iso_at_least(start)
    if not isinstance(end, str):
        day = reach.witness(excluding=seen, lo=lo) if lo is not None else None
        if day is not None:
            raise _crash(f"one_time end {_describe(end)}", day)
        warnings.append(f"one_time end {_describe(end)} never read: ignored")
        return listed
    hi = _last_iso_at_most(end)
    if lo is None or hi is None or hi < lo:
        warnings.append(f"one_time range {start!r} – {end!r} holds no day")
        return listed
    for text, day in ((start, lo), (end, hi)):
        if day.isoformat() != text:
            warnings.append(f"one_time date {text!r} is not YYYY-MM-DD: compared as text")
    raw = doc.get("quantity") or doc.get("default_qty", 0)
    quantity = _default_quantity(
        raw, "one_time quantity", lambda: reach.witness(excluding=seen, lo=lo, hi=hi), warnings
    )
    if quantity is None:
        return listed
    outside = [
        d
        for d, q in overrides.items()
        if q > 0
        and not lo <= d <= hi
        and d >= LEGACY_START
        and (reach.stop is None or d < reach.stop)
    ]
    if not outside:
        return Order.Pattern.DAILY, frozenset(), quantity, {"start_date": lo, "end_date": hi}
    first, last = max(lo, LEGACY_START), hi
    if reach.stop is not None:
        last = min(last, reach.stop - ONE_DAY)
    if (last - first).days >= MAX_EXPANDED_DAYS:
        raise _Reject(
            f"one_time range {start} – {end} with deliveries outside it is too long to import"
        )
    for day in _days(first, last):
        overrides.setdefault(day, quantity)
    warnings.append("one_time with deliveries outside its range: imported as listed dates")
    return Order.Pattern.LISTED_DATES, frozenset(), quantity, {}
