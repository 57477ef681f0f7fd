"""The staff dashboard (/staff/): what goes out today and tomorrow, what is still to
confirm or to bill, money due, and the last 30 days as bars.

Reads from every app, so it lives in the project package. A fixed number of queries
(about fifteen), whatever the number of customers and deliveries. Marketing staff see
the figures of their own customers only.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from billing.models import Bill, Payment
from customers.models import Customer
from deliveries.models import Delivery
from deliveries.services import ensure_deliveries_generated
from earlybird.access import staff_required
from earlybird.roles import ACCOUNTS, ADMIN, MARKETING, SUPPORT, role_names

CHART_DAYS = 30
LATE_ROWS = 10
AMOUNT = DecimalField(max_digits=20, decimal_places=5)


def customer_scope(user, path: str = "customer") -> Q:
    """Rows of the customers this user may see: all, or a marketer's own."""
    roles = role_names(user)
    if roles & {ADMIN, SUPPORT, ACCOUNTS} or MARKETING not in roles:
        return Q()
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}marketing_staff": user})


# --- what goes out ------------------------------------------------------------------------


@dataclass
class Quantity:
    group: str
    product: str
    unit: str
    quantity: Decimal


@dataclass
class DayPlan:
    day: date
    by: dict[str, list[Quantity]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(self.by.values())


GROUPINGS = {
    "product": None,
    "shift": "shift",
    "area": "customer__area__name",
    "delivery boy": "delivery_boy__name",
}


def quantities_for(*, days: list[date], scope: Q) -> list[DayPlan]:
    """Quantities due per product on each day, overall and per shift, area and delivery
    boy: one grouped query per grouping, all days at once."""
    plans = {day: DayPlan(day, {title: [] for title in GROUPINGS}) for day in days}
    deliveries = (
        Delivery.objects.filter(scope, date__in=days)
        .exclude(status=Delivery.Status.CANCELLED)
        .order_by()
    )
    shifts = dict(Delivery._meta.get_field("shift").choices)
    for title, group_field in GROUPINGS.items():
        fields = ["date", "product__sort_order", "product__name", "product__unit"]
        if group_field:
            fields.insert(1, group_field)
        rows = deliveries.values(*fields).annotate(total=Sum("ordered_qty")).order_by(*fields)
        for row in rows:
            group = row[group_field] if group_field else ""
            if title == "shift":
                group = shifts.get(group, group)
            plans[row["date"]].by[title].append(
                Quantity(group or "—", row["product__name"], row["product__unit"], row["total"])
            )
    return [plans[day] for day in days]


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
    """Delivered or partly delivered, and on no bill yet."""
    return (
        Delivery.objects.filter(
            scope, status__in=Delivery.BILLABLE_STATUSES, billing_line__isnull=True
        )
        .order_by()
        .aggregate(
            count=Count("pk"),
            amount=Sum(
                ExpressionWrapper(F("delivered_qty") * F("unit_price"), output_field=AMOUNT)
            ),
            oldest=Min("date"),
        )
    )


def _sum(queryset, column: str) -> Decimal:
    return queryset.aggregate(total=Sum(column))["total"] or Decimal(0)


def money_due(*, user) -> dict:
    """Opening balances + issued bills − payments: three aggregates."""
    opening = _sum(Customer.objects.filter(customer_scope(user, path="")), "opening_balance")
    billed = _sum(Bill.objects.filter(customer_scope(user), status=Bill.Status.ISSUED), "total")
    paid = _sum(Payment.objects.filter(customer_scope(user)), "amount")
    return {"opening": opening, "billed": billed, "paid": paid, "due": opening + billed - paid}


@staff_required()
def dashboard(request):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    for day in (today, tomorrow):
        try:
            ensure_deliveries_generated(day=day)
        except ValidationError as exc:  # e.g. a product with no price yet
            messages.error(request, f"Deliveries for {day:%d %b} not generated: {exc.messages[0]}")
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
