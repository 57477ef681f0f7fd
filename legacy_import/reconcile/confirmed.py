"""(b) What was actually confirmed as delivered, per person and day, counted straight from
the source documents — by the stated rules, not through the import's translation,
schedule, staging or settling:

* a product named in the items of a row of that day: the largest quantity any such row
  gives for it (a row's items of one product added up) — what the items say, uncut;
* otherwise, when a row of that day says "delivered" without items: for every
  subscription of the customer with that product that was live that day — its status is
  "active" in any casing, or it is "stopped" and `stopped_at` is after that day — the old
  engine's quantity for that day (`legacy_rule.compute_qty`, the status read as active:
  pattern, pauses, stop date and overrides are dated, so they hold); a subscription the
  engine raises on counts 0 and flags the month;
* a one-time order's product on its day, with evidence (rule 4): its own status
  (delivered; partially delivered except the products it names; not delivered = 0), a row
  of any day that references it by order_id (its items, else its status); the largest
  claim wins;
* priced as rule 5: the customer's own price (above 0), else for a one-time order line the
  item's price (above 0), else the product's price (default_price, else price, else 0).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from legacy_import.importer.base import money, timestamp
from legacy_import.importer.confirm_rule import DELIVERED, NOT_DELIVERED, PARTIAL
from legacy_import.legacy_rule import compute_qty
from legacy_import.reconcile.documents import OneTime, SourceData
from legacy_import.translate import business_date_of_bson

ZERO = Decimal(0)
CENTS = Decimal("0.01")
QUANTUM = Decimal("0.001")
CRASHES = (KeyError, TypeError, ValueError, OverflowError, AttributeError)


@dataclass
class Confirmed:
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    lines: int = 0
    flags: set[str] = field(default_factory=set)


def _amount(qty: Decimal, price: Decimal) -> Decimal:
    return (qty * price).quantize(CENTS, rounding=ROUND_HALF_UP)


class Prices:
    """Rule 5 prices of one person (its kept legacy customer's own prices first)."""

    def __init__(self, data: SourceData, aliases: dict[str, str]) -> None:
        self.data = data
        self.own: dict[Any, dict[str, Decimal]] = defaultdict(dict)
        members: dict[Any, list[str]] = defaultdict(list)
        for key in data.customers:
            members[data.person[key]].append(key)
        for person, keys in members.items():
            kept = sorted(k for k in keys if k not in aliases)
            for key in kept + sorted(k for k in keys if k in aliases):
                custom = data.customers[key].get("custom_product_prices")
                for product, raw in custom.items() if isinstance(custom, dict) else ():
                    price = money(raw)
                    if price is not None and price > 0 and product in data.products:
                        self.own[person].setdefault(product, price)

    def subscription(self, person: Any, product: str) -> Decimal:
        own = self.own[person].get(product)
        catalogue = self.data.products.get(product)
        return own or (catalogue.price if catalogue else ZERO)

    def one_time(self, person: Any, product: str, item_price: Decimal | None) -> Decimal:
        return self.own[person].get(product) or item_price or self.subscription(person, product)


def _live(doc: dict[str, Any], day: date) -> bool:
    status = doc.get("status")
    status = status.strip().lower() if isinstance(status, str) else status
    if status == "active":
        return True
    if status != "stopped":
        return False
    moment = timestamp(doc.get("stopped_at"), naive_is_utc=True)
    return moment is not None and day < business_date_of_bson(moment)


def _forced(day: date, doc: dict[str, Any]) -> Decimal | None:
    """The old engine's quantity with the status read as active; None when it raises."""
    try:
        value = compute_qty(day.isoformat(), {**doc, "status": "active"})
    except CRASHES:
        return None
    return Decimal(str(value)).quantize(QUANTUM) if value > 0 else ZERO


def _order_claim(order: OneTime, product: str, name: str, data: SourceData) -> Decimal | None:
    """The non-item claim of order evidence for one of its lines (largest wins)."""
    qty = order.lines[product][0]
    claims = []
    if order.status == DELIVERED or (order.status == PARTIAL and name.lower() not in order.partial):
        claims.append(qty)
    elif order.status == NOT_DELIVERED:
        claims.append(ZERO)
    for row in data.references.get(order.key, ()):
        if row.items:
            continue
        if row.status == DELIVERED:
            claims.append(qty)
        elif row.status == NOT_DELIVERED:
            claims.append(ZERO)
    return max(claims) if claims else None


def confirmed(data: SourceData, aliases: dict[str, str]) -> dict[tuple[Any, date], Confirmed]:
    """(person, first of month) → what was confirmed delivered (see module doc)."""
    prices = Prices(data, aliases)
    totals: dict[tuple[Any, date], Confirmed] = defaultdict(Confirmed)
    # Each legacy customer's rows cover its own orders (merged ones kept theirs, rule 7).
    for owner, day in set(data.rows) | set(data.one_time_by_day):
        person = data.person[owner]
        total = totals[(person, day.replace(day=1))]
        rows = data.rows.get((owner, day), [])
        orders = data.one_time_by_day.get((owner, day), [])
        named: dict[str, Decimal] = {}
        for row in rows:
            for product, qty in (row.items or {}).items():
                named[product] = max(named.get(product, qty), qty)
        blanket = any(row.status == DELIVERED and not row.items for row in rows)
        subs: dict[str, list[Decimal]] = defaultdict(list)
        listed: dict[str, Decimal] = defaultdict(Decimal)
        live: dict[str, list[Decimal]] = defaultdict(list)
        for key, doc, product in data.subscriptions.get(owner, ()):
            qty = _forced(day, doc)
            if qty is None:
                if blanket or product in named:
                    total.flags.add(f"the old engine raises on subscription {key} on {day}")
                continue
            subs[product].append(qty)
            if _live(doc, day):
                live[product].append(qty)
            status = doc.get("status")
            if isinstance(status, str) and status.strip().lower() == "active":
                listed[product] += qty
        for product, claim in named.items():
            _itemised(total, person, product, claim, listed, subs, orders, prices)
        for product, qties in live.items():
            if product not in named and blanket:
                price = prices.subscription(person, product)
                for qty in qties:
                    if qty > 0:
                        _add(total, qty, price)
        for order in orders:
            for product, (_qty, item_price) in order.lines.items():
                if product in named:
                    continue
                name = data.products[product].name
                item_claims = [
                    r.items[product]
                    for r in data.references.get(order.key, ())
                    if r.items and product in r.items
                ]
                value = (
                    max(item_claims) if item_claims else _order_claim(order, product, name, data)
                )
                if value:
                    _add(total, value, prices.one_time(person, product, item_price))
    return totals


def _itemised(
    total: Confirmed, person, product: str, claim: Decimal, listed, subs, orders, prices: Prices
) -> None:
    """An itemised claim, priced as the import fills it: subscription lines on the list,
    then the day's one-time lines, the excess at the first line's price."""
    left = claim
    sub_price = prices.subscription(person, product)
    parts: list[tuple[Decimal, Decimal]] = []
    if listed.get(product):
        given = min(left, listed[product])
        parts.append((given, sub_price))
        left -= given
    for order in orders:
        if product in order.lines and left > 0:
            qty, item_price = order.lines[product]
            given = min(left, qty)
            parts.append((given, prices.one_time(person, product, item_price)))
            left -= given
    if left > 0:
        first = (
            parts[0][1]
            if parts
            else (
                sub_price
                if product in subs or not any(product in o.lines for o in orders)
                else prices.one_time(person, product, None)
            )
        )
        parts.append((left, first))
    for qty, price in parts:
        if qty > 0:
            _add(total, qty, price)


def _add(total: Confirmed, qty: Decimal, price: Decimal) -> None:
    total.quantity += qty
    total.amount += _amount(qty, price)
    total.lines += 1
