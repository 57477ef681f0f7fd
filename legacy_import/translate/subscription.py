"""One `subscriptions_v2` document → a `TranslatedOrder` (see the package doc)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from legacy_import.legacy_rule import customer_id_of, parse_ymd, product_id_of
from legacy_import.translate.pattern import _read_pattern
from legacy_import.translate.reach import (
    _crash,
    _describe,
    _describe_entry,
    _lenient_date,
    _lenient_pause,
    _list_quantity,
    _Reach,
    _Reject,
    _Unstorable,
    _ymd,
)
from legacy_import.translate.values import (
    LEGACY_START,
    ONE_DAY,
    translate_customer_status,
)
from orders.models import Order
from orders.schedule import LineSchedule, OrderSchedule


@dataclass(frozen=True)
class TranslatedOrder:
    """The plain data of one new subscription with one line."""

    legacy_id: str
    customer_legacy_id: str
    product_legacy_id: str
    customer_status: str
    kind: str
    pattern: str
    weekdays: frozenset[int]
    shift: str
    start_date: date
    end_date: date | None
    status: str
    pauses: tuple[tuple[date, date | None], ...]
    quantity: Decimal
    overrides: Mapping[date, Decimal]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """A document that is not imported. `crash_date`: a day the old engine raised on."""

    legacy_id: str
    reason: str
    crash_date: date | None = None


def to_schedule(translated: TranslatedOrder, *, line_id: int = 1) -> OrderSchedule:
    """The `OrderSchedule` the translated order will have once saved."""
    return OrderSchedule(
        kind=translated.kind,
        pattern=translated.pattern,
        weekdays=translated.weekdays,
        start_date=translated.start_date,
        end_date=translated.end_date,
        status=translated.status,
        pauses=translated.pauses,
        lines=(
            LineSchedule(
                line_id=line_id, quantity=translated.quantity, overrides=translated.overrides
            ),
        ),
    )


def _subscription_status(raw: Any, warnings: list[str]) -> str:
    """Rule 1: "active" in any casing is active (the old lists compared exactly and never
    showed an "Active" one; its customer was served all the same)."""
    if raw == "active":
        return Order.Status.ACTIVE
    if raw in ("draft", "paused", "stopped"):
        return raw
    lowered = raw.strip().lower() if isinstance(raw, str) else None
    if lowered == "active":
        warnings.append(
            f"status {raw!r} read as 'active': the old lists compared it exactly and never "
            "showed it; imported active"
        )
        return Order.Status.ACTIVE
    if lowered in ("draft", "paused", "stopped"):
        warnings.append(f"status {raw!r} read as {lowered!r}")
        return lowered
    warnings.append(
        f"status {raw!r} is missing or unknown: imported as draft (it delivers nothing "
        "until staff activate it)"
    )
    return Order.Status.DRAFT


# --- the translation ---------------------------------------------------------------------


def translate_subscription(
    doc: Mapping[str, Any],
    *,
    customer_status: str | None = None,
    product_ids: Collection[Any] | None = None,
    first_day: date = LEGACY_START,
) -> TranslatedOrder | Rejected:
    """One `subscriptions_v2` document → a `TranslatedOrder`, or `Rejected(reason)`.

    `customer_status` is the `status` of the subscription's `customers_v2` document
    (found by `customerId or customer_id`); pass "" when that document has none, and
    None when there is no such customer (the subscription is rejected). `product_ids`:
    the ids of the `products` that exist; when given, a subscription whose product
    (`productId or product_id`) is not among them is rejected, as the old list never
    showed it. `first_day`: the first day of the period the dump covers; a crash is
    reported on the first day from then on that the old engine raised (else the last
    before it). Never raises for a bad document.
    """
    legacy_id = str(doc.get("id") or doc.get("_id") or "")
    try:
        return _translate(doc, legacy_id, customer_status, product_ids, first_day)
    except _Reject as reject:
        return Rejected(legacy_id=legacy_id, reason=reject.reason, crash_date=reject.crash_date)


def _translate(
    doc: Mapping[str, Any],
    legacy_id: str,
    raw_customer_status: str | None,
    product_ids: Collection[Any] | None,
    first_day: date,
) -> TranslatedOrder:
    warnings: list[str] = []
    reach = _Reach(evaluated=doc.get("status") not in ("draft", "stopped"), first_day=first_day)

    stop = _read_stop_date(doc, reach, warnings)
    reach.stop = stop
    pauses = _read_pauses(doc, reach, warnings)
    overrides: dict[date, Decimal] = {}
    seen: set[date] = set()
    for key in ("irregular_list", "day_overrides"):
        _read_overrides(doc, key, reach, seen, overrides, warnings)
    pattern, weekdays, quantity, extra = _read_pattern(doc, reach, seen, overrides, warnings)

    customer_id, product_id = _read_identity(doc, raw_customer_status, product_ids, warnings)
    customer_status = translate_customer_status(raw_customer_status)
    status = _subscription_status(doc.get("status"), warnings)
    start_date, end_date = extra.get("start_date", LEGACY_START), extra.get("end_date")
    if stop is not None:
        last = stop - ONE_DAY if stop > date.min else None
        if last is None or last < start_date:
            if status != Order.Status.STOPPED:
                warnings.append(f"stop_date {stop} is before {start_date}: imported stopped")
            status, end_date = Order.Status.STOPPED, None
        else:
            end_date = last if end_date is None else min(end_date, last)
    for day in sorted(d for d in overrides if d < LEGACY_START):
        warnings.append(f"override on {day} is before the imported start: dropped")
        del overrides[day]

    for key in ("dayOverrides", "shift_overrides"):
        if doc.get(key):
            warnings.append(f"{key} ignored, as the old engine ignored it")
    if doc.get("pause_start") or doc.get("pause_end"):
        warnings.append("pause_start/pause_end ignored, as the old engine ignored them")

    return TranslatedOrder(
        legacy_id=legacy_id,
        customer_legacy_id=customer_id,
        product_legacy_id=product_id,
        customer_status=customer_status,
        kind=Order.Kind.SUBSCRIPTION,
        pattern=pattern,
        weekdays=weekdays,
        shift=_shift(doc.get("shift"), warnings),
        start_date=start_date,
        end_date=end_date,
        status=status,
        pauses=pauses,
        quantity=quantity,
        overrides=MappingProxyType(dict(sorted(overrides.items()))),
        warnings=tuple(warnings),
    )


def _read_identity(
    doc: Mapping[str, Any],
    raw_customer_status: str | None,
    product_ids: Collection[Any] | None,
    warnings: list[str],
) -> tuple[str, str]:
    customer_id, product_id = customer_id_of(doc), product_id_of(doc)
    if not isinstance(customer_id, str) or not customer_id:
        raise _Reject(f"no customer id ({customer_id!r})")
    if raw_customer_status is None:
        raise _Reject(f"customer {customer_id} does not exist")
    if not isinstance(product_id, str) or not product_id:
        raise _Reject(f"no product id ({product_id!r})")
    if product_ids is not None and product_id not in product_ids:
        raise _Reject(f"product {product_id} does not exist")
    for camel, snake in (("customerId", "customer_id"), ("productId", "product_id")):
        if doc.get(camel) and doc.get(snake) and doc.get(camel) != doc.get(snake):
            warnings.append(
                f"{camel} {doc.get(camel)!r} differs from {snake} {doc.get(snake)!r}: "
                f"used {camel}, as the delivery lists did"
            )
    if not doc.get("product_id"):
        warnings.append("product only under productId: the old monthly billing never billed it")
    return customer_id, product_id


def _shift(raw: Any, warnings: list[str]) -> str:
    if raw == "evening":
        return Order.Shift.EVENING
    if raw not in (None, "", "morning"):
        warnings.append(f"shift {raw!r} imported as morning")
    return Order.Shift.MORNING


def _read_stop_date(doc: Mapping[str, Any], reach: _Reach, warnings: list[str]) -> date | None:
    raw = doc.get("stop_date")
    if not raw:
        return None
    try:
        return parse_ymd(raw)
    except (TypeError, ValueError, OverflowError):
        day = reach.witness()
        if day is not None:
            raise _crash(f"stop_date is {_describe(raw)}", day) from None
    meant = _lenient_date(raw)
    warnings.append(
        f"stop_date {_describe(raw)} (never read by the old engine) "
        + (f"read as {meant}" if meant else "ignored")
    )
    return meant


def _read_pauses(
    doc: Mapping[str, Any], reach: _Reach, warnings: list[str]
) -> tuple[tuple[date, date | None], ...]:
    raw = doc.get("pause_intervals") or []
    if not isinstance(raw, list):
        day = reach.witness()
        if day is not None:
            raise _crash(f"pause_intervals is {raw!r}", day)
        warnings.append(f"pause_intervals {raw!r} ignored")
        return ()
    pauses: list[tuple[date, date | None]] = []
    for index, entry in enumerate(raw):
        try:
            start = parse_ymd(entry["start"])
            end_raw = entry.get("end")
            end = parse_ymd(end_raw) if end_raw else None
        except (KeyError, TypeError, ValueError, AttributeError):
            day = reach.witness()
            if day is not None:
                raise _crash(f"pause_intervals[{index}] is {_describe_entry(entry)}", day) from None
            pause = _lenient_pause(entry)
            warnings.append(
                f"pause_intervals[{index}] {_describe_entry(entry)} (never read by the old "
                "engine) "
                + (
                    f"read as a pause {pause[0]} – {pause[1] or 'until resumed'}"
                    if pause
                    else "ignored"
                )
            )
            if pause is None:
                continue
            start, end = pause
        if end is not None and end < start:
            warnings.append(f"pause {start} – {end} ends before it starts: never applied, dropped")
            continue
        pauses.append((start, end))
        reach.pauses.append((start, end))
    return tuple(pauses)


def _read_overrides(
    doc: Mapping[str, Any],
    key: str,
    reach: _Reach,
    seen: set[date],
    overrides: dict[date, Decimal],
    warnings: list[str],
) -> None:
    """Entries of `key`, in order, into `overrides`; `seen`: the dates matched so far."""
    raw = doc.get(key) or []
    if not isinstance(raw, list):
        day = reach.witness(excluding=seen)
        if day is not None:
            raise _crash(f"{key} is {raw!r}", day)
        warnings.append(f"{key} {raw!r} ignored")
        return
    for index, entry in enumerate(raw):
        where = f"{key}[{index}]"
        if not isinstance(entry, Mapping) or "date" not in entry:
            day = reach.witness(excluding=seen)
            if day is not None:
                raise _crash(f"{where} is {_describe_entry(entry)}", day)
            warnings.append(f"{where} {_describe_entry(entry)} ignored")
            continue
        day = _ymd(entry["date"])
        if day is None:
            warnings.append(
                f"{where} date {_describe(entry['date'])} never matched in the old engine: ignored"
            )
            continue
        if day in seen:
            warnings.append(f"{where}: a second entry for {day}, never used: ignored")
            continue
        seen.add(day)
        try:
            value = float(entry["quantity"])
        except (KeyError, TypeError, ValueError, OverflowError):
            if reach.contains(day):
                raise _crash(f"{where} quantity {entry.get('quantity')!r}", day) from None
            warnings.append(f"{where} quantity {entry.get('quantity')!r} never read: ignored")
            continue
        try:
            overrides[day] = _list_quantity(value)
        except _Unstorable:
            if reach.contains(day):
                raise _Reject(f"{where} quantity {value!r} cannot be stored") from None
            warnings.append(f"{where} quantity {value!r} never read: ignored")
            continue
        if value < 0:
            warnings.append(f"{where} quantity {value!r} is negative: never listed, imported 0")
