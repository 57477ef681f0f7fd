"""The rule that turns one customer's delivery confirmations for one day into delivered
quantities per order line. Pure: no database (confirmations.py gives it the lines from
the new schedule; the reconciliation counts the same evidence its own way, from the
source documents).

The lines of a day:

* listed: a line of an active subscription due that day — what the old delivery-boy list
  showed (statuses in any casing, rule 1; the customer as served: a customer paused or
  stopped since was on the list then);
* off the list: a line of a subscription that was live that day although it is not active
  now — stopped, on a day before it was stopped (`stopped_at`: stopping by status zeroed
  the old engine's past retroactively) — and whose schedule (pattern, pauses, stop date,
  overrides, all dated) has a quantity that day. A paused, draft or status-less
  subscription does not say since when it delivers nothing, so it is not live;
* idle: any other subscription line of the customer (nothing due that day even if
  active): only an itemised claim for its product reaches it;
* one-time: a line of a one-time order for that day (not cancelled). It is delivered only
  with evidence (rule 4): its order's own status, a row that references the order by
  order_id, or a row whose items name its product. A row that only says "delivered" is no
  evidence for it.

Rows (a confirmation document, or an order's own status) claim quantities:

* items (itemised): each product's delivered quantity (items of one product in one row
  are added) goes to that product's due lines (listed, then one-time), each filled up to
  what it ordered — the excess is cut and reported `over_delivered`; when the product has
  no due line, to its first off-the-list or idle line, in full (rule 2, reported
  `delivered_off_list`); when the customer has no order of that product at all, it is
  rejected `no_order_for_product`, naming the customer, the day and the product;
* no items (blanket): delivered → every listed and off-the-list line in full, and the
  lines of the one-time order it references; not delivered → those listed and referenced
  lines 0; an order's own partially-delivered status → its lines in full except the
  products it names as partial (no claim); any other partial without items, pending and
  unknown statuses claim nothing.

Merging (rule 3): for each line, an itemised claim beats a blanket one; among claims of
the same kind the largest wins (rows confirming one delivery are never added up); ties go
to the higher rank (plural collection, then the row written last). Every day on which
more than one row claimed something is listed `merged_rows` with the rows and the winner
of each product. A line no row claims gets no delivery.

A row that claims nothing is rejected with a reason that says why, naming what was due
(or why nothing was: paused, not a pattern day…) — never a bare "nothing was due".
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DELIVERED = "delivered"
PARTIAL = "partial"
NOT_DELIVERED = "not_delivered"
ZERO = Decimal(0)

LISTED, OFF_LIST, IDLE, ONE_TIME = "listed", "off_list", "idle", "one_time"

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
    """One order line the day's rows may deliver."""

    key: Hashable
    product_id: str  # legacy product id
    product_name: str
    ordered: Decimal | None  # None for an idle line
    tier: str = LISTED  # LISTED, OFF_LIST, IDLE or ONE_TIME
    order: str | None = None  # the one-time order's legacy id
    label: str = ""  # what it is, for the report ("subscription S (paused)")
    why: str = ""  # for an idle line: why nothing was due that day
    source: str = ""  # the subscription's legacy id
    owner: str = ""  # the legacy customer whose order it is (several when merged, rule 7)


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
    order: str | None = None  # an order's own status, or a reference from another day
    partial_products: frozenset[str] = frozenset()  # lower-cased names
    rank: tuple = ()
    data: Any = None  # whatever the caller needs back (who, when, notes)
    refs: str | None = None  # the one-time order a document references (same day)
    raw_status: Any = None
    own: bool = False  # the order's own status (not a document)
    owner: str = ""  # the legacy customer it confirms for: it covers that one's orders only

    def describe(self) -> str:
        if self.own:
            return f"order {self.order}'s own status {self.raw_status!r}"
        kind = "items" if self.items else repr(self.raw_status)
        return f"{self.ref[0]} {self.ref[1]} ({kind})"


@dataclass(slots=True)
class Outcome:
    line: Line
    delivered: Decimal
    ordered: Decimal
    row: Row

    @property
    def off_list(self) -> bool:
        return self.line.tier in (OFF_LIST, IDLE)


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
    listed: list[Problem] = field(default_factory=list)
    evidence: dict[str, set[str]] = field(default_factory=dict)  # one-time order → why


def _matches(item: Item, line: Line) -> bool:
    if item.product_id:
        return item.product_id == line.product_id
    return (
        bool(item.product_name) and item.product_name.strip().lower() == line.product_name.lower()
    )


def _scope(row: Row, plan: Sequence[Line], *, itemised: bool) -> list[Line]:
    if row.order is not None:  # an order's own status, or a reference from another day
        return [line for line in plan if line.order == row.order]
    if row.owner:  # legacy customers merged into one (rule 7) kept their own rows
        plan = [line for line in plan if not line.owner or line.owner == row.owner]
    if itemised:
        return list(plan)
    return [
        line
        for line in plan
        if line.tier in (LISTED, OFF_LIST) or (line.order is not None and line.order == row.refs)
    ]


_TIERS = {LISTED: 0, ONE_TIME: 1, OFF_LIST: 2, IDLE: 3}


def _item_claims(row: Row, plan: Sequence[Line], result: DayResult, missing: dict) -> dict:
    claims: dict[Hashable, Decimal] = {}
    wanted: dict[tuple[str | None, str | None], Decimal] = {}
    by_name = {line.product_name.strip().lower(): line.product_id for line in plan}
    for item in row.items or ():
        if item.delivered is None:
            result.warnings.append(
                Problem(
                    row.ref,
                    "bad_item_quantity",
                    f"item {item.product_id or item.product_name}: its delivered "
                    "quantity is not a number: ignored",
                )
            )
            continue
        # An item named only (no product_id) is the product of that name: added to the
        # row's other items of it, not a claim of its own.
        product_id = item.product_id or by_name.get((item.product_name or "").strip().lower())
        key = (product_id, None if product_id else item.product_name)
        wanted[key] = wanted.get(key, ZERO) + max(item.delivered, ZERO)
    scope = sorted(_scope(row, plan, itemised=True), key=lambda line: _TIERS[line.tier])
    for (product_id, product_name), delivered in wanted.items():
        probe = Item(product_id, product_name, delivered)
        lines = [line for line in scope if _matches(probe, line)]
        due = [line for line in lines if line.tier in (LISTED, ONE_TIME)]
        if due:
            left = delivered
            for line in due:
                given = min(left, line.ordered)
                claims[line.key] = given
                left -= given
            if left > 0:
                ordered = sum(line.ordered for line in due)
                result.warnings.append(
                    Problem(
                        row.ref,
                        "over_delivered",
                        f"{due[0].product_name}: {delivered} delivered, {ordered} "
                        f"ordered; imported {ordered}, the excess {left} not billed",
                    )
                )
        elif lines:
            claims[lines[0].key] = delivered
        else:
            missing[(row.ref, product_id or product_name)] = delivered
    return claims


def _blanket_claims(row: Row, plan: Sequence[Line]) -> dict[Hashable, Decimal]:
    scope = _scope(row, plan, itemised=False)
    if row.status == DELIVERED:
        return {line.key: line.ordered for line in scope}
    if row.status == NOT_DELIVERED:
        return {line.key: ZERO for line in scope if line.tier != OFF_LIST}
    if row.status == PARTIAL and row.own:
        return {
            line.key: line.ordered
            for line in scope
            if line.product_name.lower() not in row.partial_products
        }
    return {}


def settle_day(
    rows: Sequence[Row],
    plan: Sequence[Line],
    *,
    customer: str = "",
    known: Container[str] | None = None,
) -> DayResult:
    """The delivered quantity of each line, by the rule above. `customer`: the customer's
    legacy id, for the reasons; `known`: the legacy ids of the products that exist (an
    item of another one is a deleted product's)."""
    result = DayResult()
    best: dict[Hashable, tuple[tuple, Decimal, Row]] = {}
    claiming: list[Row] = []
    missing: dict[tuple[tuple[str, str], str], Decimal] = {}
    for row in rows:
        itemised = bool(row.items)
        claims = (
            _item_claims(row, plan, result, missing) if itemised else _blanket_claims(row, plan)
        )
        if claims:
            claiming.append(row)
        for key, value in claims.items():
            rank = (itemised, value, row.rank)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, value, row)
    by_key = {line.key: line for line in plan}
    for key, (_rank, value, row) in best.items():
        line = by_key[key]
        if line.tier in (OFF_LIST, IDLE):
            if value > 0:
                result.outcomes.append(Outcome(line, value, value, row))
        else:
            result.outcomes.append(Outcome(line, value, line.ordered, row))
    result.outcomes.sort(key=lambda o: list(by_key).index(o.line.key))
    _report_missing(result, missing, customer, known)
    _report_merge(result, claiming, customer)
    for outcome in result.outcomes:
        if outcome.delivered > 0 and outcome.line.order is not None:
            row = outcome.row
            why = (
                row.describe()
                if row.own
                else f"{row.ref[0]} {row.ref[1]}'s items name {outcome.line.product_name}"
                if row.items
                else f"{row.ref[0]} {row.ref[1]} references it by order_id"
            )
            result.evidence.setdefault(outcome.line.order, set()).add(why)
    claimed = {id(row) for row in claiming} if result.outcomes else set()
    for row in rows:
        if id(row) not in claimed and row.order is None:
            result.rejected[row.ref] = _why_nothing(row, plan, missing, customer, known)
    # A rejected row's items are in its reason: not warned about twice.
    result.warnings = [
        w
        for w in result.warnings
        if not (
            w.ref in result.rejected and w.reason in ("deleted_product", "no_order_for_product")
        )
    ]
    return result


def _missing(product: str, delivered: Decimal, customer: str, known) -> tuple[str, str]:
    """(reason, detail) of an item no order of the customer can take."""
    if known is not None and product not in known:
        return "deleted_product", (
            f"{delivered} of product {product}, which does not exist in products (deleted; "
            f"the old data still points at it), confirmed delivered to customer {customer}: "
            "nothing to bill it to"
        )
    return "no_order_for_product", (
        f"{delivered} of {product} confirmed delivered to customer {customer}, who has no "
        "subscription or order of it at all: nothing to bill it to"
    )


def _report_missing(result: DayResult, missing: dict, customer: str, known) -> None:
    for (ref, product), delivered in missing.items():
        result.warnings.append(Problem(ref, *_missing(product, delivered, customer, known)))


def _report_merge(result: DayResult, claiming: list[Row], customer: str) -> None:
    if len(claiming) < 2:
        return
    won: dict[str, str] = {}
    for outcome in result.outcomes:
        won.setdefault(
            outcome.line.product_name or outcome.line.product_id,
            f"{outcome.row.describe()} ({outcome.delivered})",
        )
    rows = "; ".join(row.describe() for row in claiming)
    winners = "; ".join(f"{product}: {row}" for product, row in won.items()) or "nothing"
    kinds = {bool(row.items) for row in claiming}
    how = "items beat 'delivered', then the" if len(kinds) == 2 else "the"
    result.listed.append(
        Problem(
            claiming[0].ref,
            "merged_rows",
            f"{len(claiming)} rows for customer {customer} that day, merged ({how} "
            f"largest claim of the same kind wins): {rows} — won: {winners}",
        )
    )


def _why_nothing(row: Row, plan: Sequence[Line], missing: dict, customer: str, known) -> Problem:
    if row.items and all(item.delivered == 0 for item in row.items if item.delivered is not None):
        return Problem(
            row.ref,
            "nothing_delivered",
            f"its items say 0 was delivered to customer {customer} (nothing was due on the "
            "old list): nothing to record",
        )
    if row.items:
        found = [
            _missing(p, qty, customer, known) for (ref, p), qty in missing.items() if ref == row.ref
        ]
        if found:
            reasons = {reason for reason, _detail in found}
            reason = reasons.pop() if len(reasons) == 1 else "no_order_for_product"
            return Problem(row.ref, reason, "; ".join(detail for _r, detail in found))
        return Problem(row.ref, "bad_item_quantity", "no item carries a readable quantity")
    if row.status is None:
        return Problem(
            row.ref,
            "not_a_confirmation",
            f"status {row.raw_status!r} says nothing was handed over: nothing to import",
        )
    if row.status == PARTIAL:
        return Problem(
            row.ref,
            "partial_without_quantities",
            "partially delivered, with no items to say how much of what: nothing to import; "
            "enter the delivered quantities by hand if it should be billed",
        )
    subscriptions = [line for line in plan if line.order is None]
    one_time = sorted({line.label for line in plan if line.order is not None})
    pending = f"; {', '.join(one_time)} needs its own evidence (rule 4)" if one_time else ""
    if row.status == NOT_DELIVERED:
        return Problem(
            row.ref,
            "not_delivered_nothing_due",
            f"'not delivered', and nothing was due for customer {customer} that day: "
            f"nothing to record{pending}",
        )
    if not subscriptions and not one_time:
        return Problem(
            row.ref,
            "no_order",
            f"'delivered' names no product, and customer {customer} has no subscription or "
            "order in the import: nothing to bill it to",
        )
    why = "; ".join(line.why or line.label for line in subscriptions) or "no subscription"
    return Problem(
        row.ref,
        "nothing_due",
        f"'delivered' names no product, and none of customer {customer}'s subscriptions had "
        f"anything due that day ({why}){pending}",
    )
