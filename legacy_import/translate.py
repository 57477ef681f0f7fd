"""Legacy `subscriptions_v2` documents → the plain data of a new subscription `Order`.

`translate_subscription` turns one raw document (as `mongoexport`/`mongodump` give it,
see `decode_extended_json`) into a `TranslatedOrder`, or a `Rejected` with the reason.
It writes nothing; the import command turns a `TranslatedOrder` into rows.

The promise, checked by `legacy_import/tests/test_translate.py`: for every day D from
`LEGACY_START` on,

    due_on(to_schedule(t), customer_status=t.customer_status, day=D)
        == the old delivery-boy list's quantity (`legacy_rule.delivery_boy_list_qty`),
           as a Decimal rounded to 3 places (0 = nothing due).

How the old rule (COLLECTIONS.md §5, §6.2) maps onto the new one:

* Legacy recurring subscriptions have no start date: the engine delivers on any day,
  even before the customer existed. The new order starts on `LEGACY_START`
  (2000-01-01); the promise holds from that day on.
* `stop_date` S (no delivery from S on) → `end_date` S − 1 day.
* Pauses keep their dates; `end` null, `""` or missing → open-ended. A pause whose end
  is before its start never matched and is dropped.
* `irregular_list` and then `day_overrides` become day overrides, first entry for a date
  wins (an irregular entry beats a day override). Entries the engine could never match
  (a date that is not a `YYYY-MM-DD` string, e.g. a BSON date) are dropped. A negative
  quantity was never listed: it becomes 0 (skip the day).
* mode `fixed_daily` → daily; `weekly_pattern` → weekdays (only the integers 0…6 the
  engine matched; strings such as "2" never matched); `day_by_day`, `irregular`, a
  missing or unknown mode, or a pattern that can never fire → listed dates (only the
  overrides deliver). `one_time` → daily from its start to its end date, or, when an
  override delivers outside that range, listed dates with one override per day of the
  range.
* Only a subscription whose status is exactly "active" was listed: that one becomes
  active; "draft", "paused", "stopped" keep their meaning; "Active"-style spellings
  become paused and a missing or unknown status becomes draft (with a warning), so they
  deliver nothing, as before.
* The customer status is lower-cased into `Customer.Status`; anything else becomes
  paused. The old lists compared it exactly, so a customer stored as "Active" got
  nothing: their active subscriptions are imported paused, with a warning.
* Documents the old engine crashed on (a pause without `start`, a BSON `stop_date`,
  `default_qty: null`…) are rejected with the reason and a day on which it crashed,
  when the engine would reach the bad value; when it never would (a draft or stopped
  subscription, a bad quantity on a paused day) the value is read as its writer meant
  or dropped, with a warning. Quantities the new database cannot hold (infinite, above
  9,999,999.999) and subscriptions without a customer or product are rejected too.

Line quantity: a line must have a quantity above 0, but a listed-dates order never uses
it; it gets the legacy default quantity when that is above 0, else 1.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from customers.models import Customer
from legacy_import.legacy_rule import customer_id_of, parse_ymd, product_id_of
from orders.models import Order
from orders.schedule import LineSchedule, OrderSchedule

LEGACY_START = date(2000, 1, 1)
"""The start date given to imported subscriptions, which had none."""

QUANTUM = Decimal("0.001")
MAX_QUANTITY = Decimal("9999999.999")  # QuantityField: 10 digits, 3 places
MAX_EXPANDED_DAYS = 3660
"""A one-time range written out day by day (see module doc) may not be longer."""

IST_OFFSET = timedelta(hours=5, minutes=30)
ONE_DAY = timedelta(days=1)

_LEGACY_SERVED = ("active", "trial")
_SERVED = (Customer.Status.ACTIVE.value, Customer.Status.TRIAL.value)


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


# --- reading mongoexport Extended JSON ------------------------------------------------


def decode_extended_json(value: Any) -> Any:
    """Relaxed or canonical Extended JSON (as parsed by `json`) → Python values.

    `$date` → an aware UTC datetime (what a BSON date is); `$oid` → its hex string;
    `$numberLong`/`$numberInt` → int; `$numberDouble` → float; `$numberDecimal` →
    Decimal. Everything else is returned as is, recursively.
    """
    if isinstance(value, list):
        return [decode_extended_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key == "$date":
            return _decode_date(inner)
        if key == "$oid":
            return inner
        if key in ("$numberLong", "$numberInt"):
            return int(inner)
        if key == "$numberDouble":
            return float(inner)
        if key == "$numberDecimal":
            return Decimal(inner)
    return {k: decode_extended_json(v) for k, v in value.items()}


def _decode_date(inner: Any) -> datetime:
    if isinstance(inner, dict):  # canonical: {"$numberLong": "<ms since epoch>"}
        inner = int(inner["$numberLong"])
    if isinstance(inner, int):
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=inner)
    return datetime.fromisoformat(inner.replace("Z", "+00:00")).astimezone(UTC)


def read_export(path) -> list[dict[str, Any]]:
    """Every document of a mongoexport file (one Extended JSON document per line)."""
    with open(path, encoding="utf-8") as lines:
        return [decode_extended_json(json.loads(line)) for line in lines if line.strip()]


def business_date_of_bson(value: datetime) -> date:
    """§1.2: a BSON date in a business-date field, read as UTC + 5 h 30 min."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value + IST_OFFSET).date()


# --- statuses -------------------------------------------------------------------------


def translate_customer_status(raw: Any) -> str:
    """A `customers_v2.status` → `Customer.Status`: lower-cased; anything else paused."""
    if isinstance(raw, str) and raw.strip().lower() in Customer.Status.values:
        return raw.strip().lower()
    return Customer.Status.PAUSED


def _subscription_status(raw: Any, warnings: list[str]) -> str:
    if raw == "active":
        return Order.Status.ACTIVE
    if raw in ("draft", "paused", "stopped"):
        return raw
    lowered = raw.strip().lower() if isinstance(raw, str) else None
    if lowered == "active":
        warnings.append(f"status {raw!r} is not exactly 'active': never listed; imported paused")
        return Order.Status.PAUSED
    if lowered in ("draft", "paused", "stopped"):
        warnings.append(f"status {raw!r} read as {lowered!r}")
        return lowered
    warnings.append(f"status {raw!r} is missing or unknown: imported as draft")
    return Order.Status.DRAFT


# --- the days the old engine reached ----------------------------------------------------


class _Reach:
    """The days on which the old engine got past the stop date and the pauses read so
    far: [date.min, stop) minus those pauses. Empty for draft and stopped documents,
    which the engine never read past their status."""

    def __init__(self, *, evaluated: bool) -> None:
        self.evaluated = evaluated
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
        the earliest from LEGACY_START on, else the latest before it. None if none."""
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
        split = LEGACY_START.toordinal()
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


# --- the translation ---------------------------------------------------------------------


def translate_subscription(
    doc: Mapping[str, Any],
    *,
    customer_status: str | None = None,
    product_ids: Collection[Any] | None = None,
) -> TranslatedOrder | Rejected:
    """One `subscriptions_v2` document → a `TranslatedOrder`, or `Rejected(reason)`.

    `customer_status` is the `status` of the subscription's `customers_v2` document
    (found by `customerId or customer_id`); pass "" when that document has none, and
    None when there is no such customer (the subscription is rejected). `product_ids`:
    the ids of the `products` that exist; when given, a subscription whose product
    (`productId or product_id`) is not among them is rejected, as the old list never
    showed it. Never raises for a bad document.
    """
    legacy_id = str(doc.get("id") or doc.get("_id") or "")
    try:
        return _translate(doc, legacy_id, customer_status, product_ids)
    except _Reject as reject:
        return Rejected(legacy_id=legacy_id, reason=reject.reason, crash_date=reject.crash_date)


def _translate(
    doc: Mapping[str, Any],
    legacy_id: str,
    raw_customer_status: str | None,
    product_ids: Collection[Any] | None,
) -> TranslatedOrder:
    warnings: list[str] = []
    reach = _Reach(evaluated=doc.get("status") not in ("draft", "stopped"))

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
    if (
        status == Order.Status.ACTIVE
        and customer_status in _SERVED
        and raw_customer_status not in _LEGACY_SERVED
    ):
        warnings.append(
            f"customer status {raw_customer_status!r} is not exactly active or trial: the "
            "old lists skipped this customer; subscription imported paused"
        )
        status = Order.Status.PAUSED

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
                "engine) " + (f"read as {pause}" if pause else "ignored")
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


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


__all__ = [
    "LEGACY_START",
    "Rejected",
    "TranslatedOrder",
    "business_date_of_bson",
    "decode_extended_json",
    "read_export",
    "to_schedule",
    "translate_customer_status",
    "translate_subscription",
]
