"""The month calendar of the staff pages (a customer's page, an order's page): each
day's deliveries (deliveries) and, for days to come with nothing generated yet, what
the orders' schedule plans (orders.schedule). No queries of its own."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from deliveries.models import Delivery
from orders.models import DayOverride, Order, OrderLine, OrderPause
from orders.schedule import due_on, schedule_of

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
