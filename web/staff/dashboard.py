"""The staff dashboard (/staff/): what goes out today and tomorrow, what is still to
confirm or to bill, money due, and the last 30 days as bars.

Reads from every app, so it lives in the composition layer (web). The quantities are
deliveries' procurement totals and the money due is billing's balance: the same reads
as the procurement page and the customer pages. A fixed number of queries (about
fifteen), whatever the number of customers and deliveries. Marketing staff see the
figures of their own customers only.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from billing.selectors import balance_totals, unbilled_totals
from customers.models import Customer
from deliveries.models import Delivery
from deliveries.selectors import ProcurementRow, day_is_generated, procurement
from earlybird.access import staff_required
from earlybird.roles import ACCOUNTS, ADMIN, MARKETING, SUPPORT, role_names

CHART_DAYS = 30
LATE_ROWS = 10


def customer_scope(user, path: str = "customer") -> Q:
    """Rows of the customers this user may see: all, or a marketer's own."""
    roles = role_names(user)
    if roles & {ADMIN, SUPPORT, ACCOUNTS} or MARKETING not in roles:
        return Q()
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}marketing_staff": user})


# --- what goes out ------------------------------------------------------------------------


@dataclass
class DayPlan:
    day: date
    by: dict[str, list[ProcurementRow]] = field(default_factory=dict)
    generated: bool = True

    @property
    def is_empty(self) -> bool:
        return not any(self.by.values())


GROUPINGS = ("product", "shift", "area", "delivery boy")


def quantities_for(*, days: list[date], scope: Q) -> list[DayPlan]:
    """Quantities due per product on each day, overall and per shift, area and delivery
    boy (deliveries.selectors.procurement: one grouped query per grouping)."""
    totals = procurement(days=days, scope=scope, groupings=GROUPINGS)
    return [DayPlan(day, totals[day], day_is_generated(day=day)) for day in days]


# --- the chart ----------------------------------------------------------------------------


@dataclass
class Bar:
    day: date
    ordered: Decimal
    delivered: Decimal
    x: float
    width: float
    ordered_y: float
    ordered_height: float
    delivered_y: float
    delivered_height: float


@dataclass
class Chart:
    product: str
    unit: str
    bars: list[Bar]
    top: Decimal
    total_ordered: Decimal
    total_delivered: Decimal
    first_day: date
    last_day: date


CHART_WIDTH, CHART_HEIGHT = 600, 100  # wide and low: about 5:1 at any width


def daily_charts(*, first: date, last: date, scope: Q) -> list[Chart]:
    """Per product, bars of the quantity ordered and delivered each day: one query.

    Products have different units, so each gets its own chart and scale rather than
    litres piled on packets.
    """
    rows = (
        Delivery.objects.filter(scope, date__gte=first, date__lte=last)
        .exclude(status=Delivery.Status.CANCELLED)
        .order_by()
        .values("product_id", "product__name", "product__unit", "product__sort_order", "date")
        .annotate(ordered=Sum("ordered_qty"), delivered=Sum("delivered_qty"))
        .order_by("product__sort_order", "product__name", "product_id", "date")
    )
    by_product: dict[int, dict] = {}
    for row in rows:
        entry = by_product.setdefault(
            row["product_id"],
            {"name": row["product__name"], "unit": row["product__unit"], "days": {}},
        )
        entry["days"][row["date"]] = (row["ordered"], row["delivered"])
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    slot = CHART_WIDTH / len(days)
    charts = []
    for entry in by_product.values():
        top = max(max(o, d) for o, d in entry["days"].values()) or Decimal(1)
        bars = []
        for n, day in enumerate(days):
            ordered, delivered = entry["days"].get(day, (Decimal(0), Decimal(0)))
            ordered_height = float(ordered / top) * CHART_HEIGHT
            delivered_height = float(delivered / top) * CHART_HEIGHT
            bars.append(
                Bar(
                    day=day,
                    ordered=ordered,
                    delivered=delivered,
                    x=round(n * slot + slot * 0.1, 2),
                    width=round(slot * 0.8, 2),
                    ordered_y=round(CHART_HEIGHT - ordered_height, 2),
                    ordered_height=round(ordered_height, 2),
                    delivered_y=round(CHART_HEIGHT - delivered_height, 2),
                    delivered_height=round(delivered_height, 2),
                )
            )
        charts.append(
            Chart(
                product=entry["name"],
                unit=entry["unit"],
                bars=bars,
                top=top,
                total_ordered=sum((b.ordered for b in bars), Decimal(0)),
                total_delivered=sum((b.delivered for b in bars), Decimal(0)),
                first_day=first,
                last_day=last,
            )
        )
    return charts


# --- customers, confirmations, billing, money ------------------------------------------


def customers_by_status(*, scope: Q) -> list[tuple[str, str, int]]:
    counts = dict(
        Customer.objects.filter(scope)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in Customer.Status.choices]


def unconfirmed(*, today: date, scope: Q) -> dict:
    """Pending deliveries of today and earlier: today's count, and the earlier days per
    day and route (these should have been confirmed or corrected)."""
    pending = Delivery.objects.filter(scope, status=Delivery.Status.PENDING, date__lte=today)
    totals = pending.order_by().aggregate(
        today=Count("pk", filter=Q(date=today)), earlier=Count("pk", filter=Q(date__lt=today))
    )
    late = list(
        pending.filter(date__lt=today)
        .order_by()
        .values("date", "delivery_boy_id", "delivery_boy__name")
        .annotate(n=Count("pk"))
        .order_by("-date", "delivery_boy__name")[:LATE_ROWS]
    )
    return {**totals, "late": late}


def unbilled(*, scope: Q) -> dict:
    """Delivered or partly delivered, and on no bill yet (billing.selectors)."""
    return unbilled_totals(Delivery.objects.filter(scope))


def money_due(*, user) -> dict:
    """Opening balances + issued bills − payments of the customers this user sees
    (billing.selectors.balance_totals)."""
    return balance_totals(Customer.objects.filter(customer_scope(user, path="")))


@staff_required
def dashboard(request):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    scope = customer_scope(request.user)
    return render(
        request,
        "staff/dashboard.html",
        {
            "today": today,
            "plans": quantities_for(days=[today, tomorrow], scope=scope),
            "statuses": customers_by_status(scope=customer_scope(request.user, path="")),
            "unconfirmed": unconfirmed(today=today, scope=scope),
            "unbilled": unbilled(scope=scope),
            "money": money_due(user=request.user),
            "charts": daily_charts(
                first=today - timedelta(days=CHART_DAYS - 1), last=today, scope=scope
            ),
            "own_customers_only": bool(customer_scope(request.user)),
        },
    )
