"""Reads for the staff customer pages: the list, the detail page, a month calendar.

The staff pages sit on top of every app: a customer's page shows its orders (orders),
its deliveries and route (deliveries) and its bills and payments (billing). So these
reads join upward; nothing below imports them.

Every function here runs a fixed number of queries, whatever the number of customers,
orders, deliveries or bills.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.models import Bill, Payment
from customers.models import Customer
from deliveries.models import Delivery
from earlybird.roles import customers_visible_to
from orders.models import CustomerPrice, DayOverride, Order, OrderLine, OrderPause
from orders.schedule import due_on, schedule_of

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)
RECENT_BILLS = 12
RECENT_PAYMENTS = 20
RECENT_ONE_TIME_DAYS = 60
UNASSIGNED = "none"


def _total(queryset: QuerySet, column: str) -> Subquery:
    """SUM(column) of the rows of `queryset` that belong to the outer customer."""
    return Subquery(
        queryset.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(total=Sum(column))
        .values("total"),
        output_field=MONEY,
    )


def with_balance(customers: QuerySet) -> QuerySet:
    """Annotate `balance`: opening balance + issued bills − payments (owed if positive).

    Two correlated subqueries in the same query: no query per customer.
    """
    billed = _total(Bill.objects.filter(status=Bill.Status.ISSUED), "total")
    paid = _total(Payment.objects.all(), "amount")
    return customers.annotate(
        billed=Coalesce(billed, ZERO),
        paid=Coalesce(paid, ZERO),
    ).annotate(balance=F("opening_balance") + F("billed") - F("paid"))


def search_digits(text: str) -> str:
    """The digits of a phone number as typed: '+91 98480-22338' -> '9848022338'."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def customer_list(
    *,
    user,
    search: str = "",
    status: str = "",
    area=None,
    delivery_boy=None,
    marketing_staff=None,
) -> QuerySet[Customer]:
    """The customers this user may see, filtered, with area, route and balance.

    `delivery_boy` is a DeliveryBoy, or UNASSIGNED for customers on no route.
    """
    customers = customers_visible_to(user)
    search = search.strip()
    if search:
        match = Q(name__icontains=search) | Q(code__icontains=search)
        digits = search_digits(search)
        if len(digits) >= 3:
            match |= Q(phone__contains=digits)
        customers = customers.filter(match)
    if status:
        customers = customers.filter(status=status)
    if area is not None:
        customers = customers.filter(area=area)
    if delivery_boy == UNASSIGNED:
        customers = customers.filter(route_stop__isnull=True)
    elif delivery_boy is not None:
        customers = customers.filter(route_stop__delivery_boy=delivery_boy)
    if marketing_staff is not None:
        customers = customers.filter(marketing_staff=marketing_staff)
    return with_balance(
        customers.select_related("area", "marketing_staff", "route_stop__delivery_boy")
    ).order_by("name", "pk")


# --- one customer ------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool = False
    deliveries: list = field(default_factory=list)
    # (order, product name, quantity) planned by the schedule where nothing is generated yet
    planned: list = field(default_factory=list)
    paused: bool = False
    overridden: bool = False


def parse_month(raw: str | None, *, today: date | None = None) -> date:
    """'2026-01' -> date(2026, 1, 1); anything else -> the first of this month."""
    today = today or timezone.localdate()
    match = re.fullmatch(r"(\d{4})-(\d{2})", raw or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def month_after(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def month_before(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def month_weeks(month: date) -> list[list[date]]:
    """The weeks (Monday first) that show `month`, as lists of seven dates."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)


def month_calendar(
    *,
    month: date,
    orders: list[Order],
    deliveries: list[Delivery],
    customer_status: str,
    today: date | None = None,
) -> list[list[CalendarDay]]:
    """A month of days with the deliveries generated for them and, for days still to
    come with nothing generated, what the schedule plans. No queries: `orders` come with
    `lines__product`, `lines__overrides` and `pauses` prefetched (those that matter for
    the month: see `orders_for_calendar`)."""
    today = today or timezone.localdate()
    by_day: dict[date, list[Delivery]] = {}
    for delivery in deliveries:
        by_day.setdefault(delivery.date, []).append(delivery)
    schedules = [(order, schedule_of(order)) for order in orders]
    weeks = []
    for week in month_weeks(month):
        row = []
        for day in week:
            cell = CalendarDay(
                day=day,
                in_month=day.month == month.month,
                is_today=day == today,
                deliveries=by_day.get(day, []),
            )
            for _order, schedule in schedules:
                cell.paused = cell.paused or _paused(schedule, day)
                cell.overridden = cell.overridden or any(
                    day in line.overrides for line in schedule.lines
                )
            if day >= today and not cell.deliveries and cell.in_month:
                for order, schedule in schedules:
                    due = due_on(schedule, customer_status=customer_status, day=day)
                    for line in order.lines.all():
                        if line.pk in due:
                            cell.planned.append((order, line.product, due[line.pk]))
            row.append(cell)
        weeks.append(row)
    return weeks


def _paused(schedule, day: date) -> bool:
    if day < schedule.start_date or (schedule.end_date is not None and day > schedule.end_date):
        return False
    return any(start <= day and (end is None or day <= end) for start, end in schedule.pauses)


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def pattern_text(order: Order) -> str:
    """'Every day', 'Alternate days', 'Mon, Wed, Fri', 'Listed dates only'."""
    if order.kind == Order.Kind.ONE_TIME:
        return "Once"
    if order.pattern == Order.Pattern.WEEKDAYS:
        return ", ".join(WEEKDAY_NAMES[n] for n in sorted(order.weekdays))
    return order.get_pattern_display()


def describe_ahead(order: Order, *, today: date) -> Order:
    """Set what the pages show of an order (prefetched by orders_for_calendar): its
    pattern in words, its pauses not yet over, and its changed days from today on as
    (date, product, quantity)."""
    order.pattern_text = pattern_text(order)
    order.upcoming_pauses = [
        p for p in order.pauses.all() if p.end_date is None or p.end_date >= today
    ]
    order.upcoming_overrides = sorted(
        (
            (override.date, line.product, override.quantity)
            for line in order.lines.all()
            for override in line.overrides.all()
            if override.date >= today
        ),
        key=lambda item: (item[0], item[1].sort_order, item[1].name),
    )
    return order


def orders_for_calendar(orders: QuerySet, *, since: date) -> QuerySet[Order]:
    """Orders with what the calendar and the order lists need, prefetched in 4 queries:
    lines with their products, the day overrides from `since` on, and the pauses that
    have not ended before `since`."""
    return orders.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("pk")),
        Prefetch(
            "lines__overrides",
            queryset=DayOverride.objects.filter(date__gte=since).order_by("date"),
        ),
        Prefetch(
            "pauses",
            queryset=OrderPause.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=since)
            ).order_by("start_date", "pk"),
        ),
    )


@dataclass
class CustomerPage:
    customer: Customer
    subscriptions: list[Order]
    one_time_orders: list[Order]
    month: date
    weeks: list[list[CalendarDay]]
    bills: list[Bill]
    payments: list[Payment]
    special_prices: list[CustomerPrice]
    upcoming_from: date


def customer_page(*, customer_id: int, user, month: date, today: date | None = None):
    """Everything the customer's staff page shows, or None if the user may not see it.

    A fixed number of queries (about ten): the customer with its balance, orders,
    their lines, overrides and pauses, the month's deliveries, recent bills, recent
    payments and special prices.
    """
    today = today or timezone.localdate()
    customer = (
        with_balance(customers_visible_to(user))
        .select_related("area", "marketing_staff", "route_stop__delivery_boy", "user")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        return None
    since = min(today, month)
    # Every subscription; one-time orders of the shown month and of the last weeks on,
    # not years of them.
    orders = list(
        orders_for_calendar(
            Order.objects.filter(customer=customer)
            .filter(
                Q(kind=Order.Kind.SUBSCRIPTION)
                | Q(start_date__gte=min(since, today - timedelta(days=RECENT_ONE_TIME_DAYS)))
            )
            .order_by("-start_date", "-pk"),
            since=since,
        )
    )
    for order in orders:
        describe_ahead(order, today=today)
    subscriptions = [o for o in orders if o.kind == Order.Kind.SUBSCRIPTION]
    one_time = [o for o in orders if o.kind == Order.Kind.ONE_TIME]
    deliveries = list(
        Delivery.objects.filter(customer=customer, date__gte=month, date__lt=month_after(month))
        .exclude(status=Delivery.Status.CANCELLED)
        .select_related("product", "order")
        .order_by("date", "shift", "product__sort_order", "pk")
    )
    live = [o for o in orders if o.end_date is None or o.end_date >= month]
    weeks = month_calendar(
        month=month,
        orders=live,
        deliveries=deliveries,
        customer_status=customer.status,
        today=today,
    )
    bills = list(
        Bill.objects.filter(customer=customer)
        .exclude(status=Bill.Status.VOID)
        .order_by("-period", "-pk")[:RECENT_BILLS]
    )
    payments = list(
        Payment.objects.filter(customer=customer)
        .select_related("received_by")
        .order_by("-paid_on", "-pk")[:RECENT_PAYMENTS]
    )
    special_prices = list(
        CustomerPrice.objects.filter(customer=customer)
        .select_related("product")
        .order_by("product__sort_order", "product__name", "-effective_from")
    )
    return CustomerPage(
        customer=customer,
        subscriptions=subscriptions,
        one_time_orders=one_time,
        month=month,
        weeks=weeks,
        bills=bills,
        payments=payments,
        special_prices=special_prices,
        upcoming_from=today,
    )
