"""Bottle balances: the containers (glass bottles, crates) each customer still has, read
from the deliveries' rows — SUM(bottles_given − bottles_collected) — never stored. One
read per fact: the route page, the staff customer page, the bill and the report all ask
here.

    bottle_balances(customer_ids=…)              {customer id: N}, one query
    bottle_balances_by_product(customer_ids=…)   {customer id: [ProductBottles]}, one query
    bottles_outstanding(delivery_boy=…)          the report: per customer, per route, totals
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from deliveries.models import Delivery

ZERO = Decimal("0.00")
# Only rows that moved a container count (a partial index covers them).
MOVED = Q(bottles_given__gt=0) | Q(bottles_collected__gt=0)
BALANCE = Sum(F("bottles_given") - F("bottles_collected"), output_field=IntegerField())
# The same sum as raw SQL, for reads that fold it into a query of their own (the route
# page): (customer_id, balance) of the customers `customers_sql` selects.
BALANCES_SQL = (
    "SELECT customer_id, SUM(bottles_given - bottles_collected) AS balance"
    " FROM deliveries_delivery WHERE (bottles_given > 0 OR bottles_collected > 0)"
    " AND customer_id IN ({customers_sql}) GROUP BY customer_id"
)


def _moved(customer_ids: Iterable[int] | None, on: date | None) -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(MOVED)
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=list(customer_ids))
    if on is not None:
        rows = rows.filter(date__lte=on)
    return rows.order_by()


def bottle_balances(*, customer_ids: Iterable[int], on: date | None = None) -> dict[int, int]:
    """Containers each customer has (given − collected; negative: more came back than we
    gave, e.g. bottles from before the records), up to the day `on` if given. Every id
    asked for is in the answer (0 when nothing moved). One query."""
    ids = list(customer_ids)
    balances = dict.fromkeys(ids, 0)
    if not ids:
        return balances
    rows = _moved(ids, on).values("customer_id").annotate(balance=BALANCE)
    balances.update({row["customer_id"]: row["balance"] for row in rows})
    return balances


@dataclass(frozen=True)
class ProductBottles:
    product_id: int
    product: str
    container: str
    balance: int
    deposit: Decimal  # per container


def bottle_balances_by_product(
    *, customer_ids: Iterable[int], on: date | None = None
) -> dict[int, list[ProductBottles]]:
    """Each customer's containers per product (only products with a non-zero balance),
    for a stop or a customer's page. One query."""
    ids = list(customer_ids)
    found: dict[int, list[ProductBottles]] = {pk: [] for pk in ids}
    if not ids:
        return found
    rows = (
        _moved(ids, on)
        .values("customer_id", "product_id", "product__name", "product__container")
        .annotate(balance=BALANCE, deposit=F("product__deposit"))
        .order_by("customer_id", "product__sort_order", "product__name")
    )
    for row in rows:
        if row["balance"]:
            found[row["customer_id"]].append(
                ProductBottles(
                    product_id=row["product_id"],
                    product=row["product__name"],
                    container=row["product__container"] or "bottle",
                    balance=row["balance"],
                    deposit=row["deposit"],
                )
            )
    return found


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerBottles:
    customer_id: int
    name: str
    code: str
    route_id: int | None  # the delivery boy whose route the customer is on now
    route: str
    bottles: int
    deposit_held: Decimal  # bottles × each product's deposit


@dataclass
class RouteBottles:
    route_id: int | None
    route: str
    customers: int = 0
    bottles: int = 0
    deposit_held: Decimal = ZERO


@dataclass
class BottlesOutstanding:
    rows: list[CustomerBottles]
    routes: list[RouteBottles] = field(default_factory=list)
    customers: int = 0
    bottles: int = 0
    deposit_held: Decimal = ZERO


NO_ROUTE = "On no route"


def bottles_outstanding(*, delivery_boy: int | None = None) -> BottlesOutstanding:
    """Containers out with customers, per customer (non-zero balances only, largest
    first) and per route (the route the customer is on now), with the deposit they
    stand for at each product's deposit today. `delivery_boy`: one route only. One query
    whatever the number of customers and deliveries."""
    rows = _moved(None, None)
    if delivery_boy is not None:
        rows = rows.filter(customer__route_stop__delivery_boy_id=delivery_boy)
    money = DecimalField(max_digits=14, decimal_places=2)
    grouped = (
        rows.values(
            "customer_id",
            "customer__name",
            "customer__code",
            "customer__route_stop__delivery_boy_id",
            "customer__route_stop__delivery_boy__name",
        )
        .annotate(
            bottles=BALANCE,
            deposit_held=Coalesce(
                Sum(
                    (F("bottles_given") - F("bottles_collected")) * F("product__deposit"),
                    output_field=money,
                ),
                ZERO,
                output_field=money,
            ),
        )
        .exclude(bottles=0)
        .order_by("-bottles", "customer__name", "customer_id")
    )
    report = BottlesOutstanding(rows=[])
    routes: dict[int | None, RouteBottles] = {}
    for row in grouped:
        route_id = row["customer__route_stop__delivery_boy_id"]
        line = CustomerBottles(
            customer_id=row["customer_id"],
            name=row["customer__name"],
            code=row["customer__code"],
            route_id=route_id,
            route=row["customer__route_stop__delivery_boy__name"] or NO_ROUTE,
            bottles=row["bottles"],
            deposit_held=row["deposit_held"],
        )
        report.rows.append(line)
        route = routes.setdefault(route_id, RouteBottles(route_id, line.route))
        route.customers += 1
        route.bottles += line.bottles
        route.deposit_held += line.deposit_held
        report.customers += 1
        report.bottles += line.bottles
        report.deposit_held += line.deposit_held
    report.routes = sorted(routes.values(), key=lambda r: (r.route_id is None, r.route))
    return report
