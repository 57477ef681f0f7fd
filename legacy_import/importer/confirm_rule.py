"""The rule that turns one customer's delivery confirmations for one day into delivered
quantities per order line. Pure: no database. The import applies it to the lines the new
schedule planned; the reconciliation applies it to the lines the old rule planned.

The lines of a day (the plan): every line of the customer's subscriptions due that day —
the quantity the old delivery-boy list showed, as if the customer were still active or on
trial (a customer paused or stopped since was on the list then; subscriptions stopped or
set to draft are not, as the old engine zeroed them retroactively) — and every line of the
customer's one-time orders for that day that are not cancelled.

The confirmations of a day: every `delivery_statuses` and `delivery_status` row for the
customer and day (several boys, retries, the shared link), plus the one-time orders' own
delivered / partially delivered / not delivered status (which covers that order's lines
only). Each row claims quantities:

* a row with `items` claims exactly its items: each item's delivered quantity goes to the
  day's lines of that product, in plan order (subscriptions, then one-time orders), each
  filled up to what it ordered; lines of products it does not list get no claim from it;
* a row without items: delivered → every line in full; not delivered → every line 0; a
  one-time order partially delivered → its lines in full except the products it names as
  partial, which get no claim; a partially delivered row without items claims nothing
  (it says neither what nor how much);
* pending and unknown statuses claim nothing.

Merging: each line takes the largest claim any row makes for it (several rows for one
customer and day confirm the same delivery, they are never added up); ties go to the row
with items, then to the plural collection, then to the row written last. Lines no row
claims are not confirmed (no delivery is imported for them).

Over-quantity: a claim above what the line ordered is cut to the ordered quantity (the old
system billed the schedule, never the excess); the excess is reported.

Nothing scheduled: when the plan is empty (area-wide "mark delivered" rows, customers whose
only subscriptions were never listed), nothing was due, so nothing is imported: every row
of the day is rejected as `nothing_scheduled`. Items for a product that was not due are
reported as `item_not_scheduled` and not imported.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DELIVERED = "delivered"
PARTIAL = "partial"
NOT_DELIVERED = "not_delivered"
ZERO = Decimal(0)

_DELIVERED = {"delivered", "full", "complete", "completed", "done"}
_PARTIAL = {"partially_delivered", "partial", "partially", "shortage", "partial_delivery"}
_NOT_DELIVERED = {"not_delivered", "undelivered", "failed", "missed", "skipped"}


def normalise_status(raw: Any) -> str | None:
    """Any casing or spelling of delivered / partially delivered / not delivered."""
    if not isinstance(raw, str):
        return None
    word = raw.strip().lower().replace(" ", "_").replace("-", "_")
    if word in _DELIVERED:
        return DELIVERED
    if word in _PARTIAL:
        return PARTIAL
    if word in _NOT_DELIVERED:
        return NOT_DELIVERED
    return None


@dataclass(slots=True)
class Line:
    """One line due on the day."""

    key: Hashable
    product_id: str  # legacy product id
    product_name: str
    ordered: Decimal
    order: str | None = None  # the one-time order's legacy id; None for a subscription


@dataclass(slots=True)
class Item:
    product_id: str | None
    product_name: str | None
    delivered: Decimal | None  # None: unreadable


@dataclass(slots=True)
class Row:
    """One confirmation (a document, or a one-time order's own status)."""

    ref: tuple[str, str]  # (collection, legacy id)
    status: str | None  # normalised
    items: tuple[Item, ...] | None = None
    order: str | None = None  # set when the row is an order's own status
    partial_products: frozenset[str] = frozenset()  # lower-cased names
    rank: tuple = ()
    data: Any = None  # whatever the caller needs back (who, when, notes)


@dataclass(slots=True)
class Outcome:
    line: Line
    delivered: Decimal
    row: Row


@dataclass(slots=True)
class Problem:
    ref: tuple[str, str]
    reason: str
    detail: str


@dataclass
class DayResult:
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected: dict[tuple[str, str], Problem] = field(default_factory=dict)


def _matches(item: Item, line: Line) -> bool:
    if item.product_id:
        return item.product_id == line.product_id
    return (
        bool(item.product_name) and item.product_name.strip().lower() == line.product_name.lower()
    )


def _claims(row: Row, plan: Sequence[Line], result: DayResult) -> dict[Hashable, Decimal]:
    scope = [line for line in plan if row.order is None or line.order == row.order]
    if row.items:
        claims: dict[Hashable, Decimal] = {}
        wanted: dict[tuple[str | None, str | None], Decimal] = {}
        for item in row.items:
            if item.delivered is None:
                result.warnings.append(Problem(row.ref, "bad_item_quantity", str(item)))
                continue
            key = (item.product_id, None if item.product_id else item.product_name)
            wanted[key] = wanted.get(key, ZERO) + max(item.delivered, ZERO)
        for (product_id, product_name), delivered in wanted.items():
            item = Item(product_id, product_name, delivered)
            lines = [line for line in scope if _matches(item, line)]
            if not lines:
                result.warnings.append(
                    Problem(
                        row.ref,
                        "item_not_scheduled",
                        f"{product_id or product_name} × {delivered} on a day it was not due",
                    )
                )
                continue
            left = delivered
            for line in lines:
                given = min(left, line.ordered)
                claims[line.key] = given
                left -= given
            if left > 0:
                ordered = sum(line.ordered for line in lines)
                result.warnings.append(
                    Problem(
                        row.ref,
                        "over_delivered",
                        f"{product_id or product_name}: {delivered} delivered, {ordered} "
                        f"ordered; imported {ordered}",
                    )
                )
        return claims
    if row.status == DELIVERED:
        return {line.key: line.ordered for line in scope}
    if row.status == NOT_DELIVERED:
        return {line.key: ZERO for line in scope}
    if row.status == PARTIAL and row.order is not None:
        return {
            line.key: line.ordered
            for line in scope
            if line.product_name.lower() not in row.partial_products
        }
    return {}


def settle_day(rows: Sequence[Row], plan: Sequence[Line]) -> DayResult:
    """The delivered quantity of each planned line, by the rule above."""
    result = DayResult()
    if not plan:
        for row in rows:
            reason = "nothing_scheduled" if row.status or row.items else "not_a_confirmation"
            result.rejected[row.ref] = Problem(row.ref, reason, "nothing was due that day")
        return result
    best: dict[Hashable, tuple[Decimal, tuple, Row]] = {}
    claimed_by: dict[tuple[str, str], bool] = {}
    for row in rows:
        claims = _claims(row, plan, result)
        claimed_by[row.ref] = bool(claims)
        for key, value in claims.items():
            rank = (value, bool(row.items), row.rank)
            if key not in best or rank > best[key][1]:
                best[key] = (value, rank, row)
    for line in plan:
        if line.key in best:
            value, _rank, row = best[line.key]
            result.outcomes.append(Outcome(line, value, row))
    if not result.outcomes:
        for row in rows:
            if row.status is None and not row.items:
                reason = "not_a_confirmation"
            elif row.status == PARTIAL and not row.items:
                reason = "partial_without_quantities"
            else:
                reason = "nothing_scheduled"
            result.rejected[row.ref] = Problem(row.ref, reason, "no quantity could be confirmed")
    return result
