"""Reads for the customer's own pages at /me/: the delivery calendar, orders, and the
note on the UPI pay link (the link itself: billing.upi). The balance, the bills and a
bill's statement are billing's reads (billing.selectors), the same as the staff pages
and the API show.

Each read runs a fixed number of queries, whatever the number of orders, days or bills.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from billing.models import Bill
from customers.models import Customer
from deliveries import holds
from deliveries.models import Delivery
from deliveries.selectors import holds_between
from orders.models import DayOverride, Order, OrderLine, OrderPause, Product
from orders.schedule import due_on, schedule_of
from orders.services import customer_cutoff_passed

CALENDAR_DAYS_AHEAD = 30

# Orders that may still deliver something: not stopped, not cancelled.
_FINISHED = (Order.Status.STOPPED, Order.Status.CANCELLED)


def customer_of(user) -> Customer | None:
    if not user.is_authenticated:
        return None
    return Customer.objects.filter(user=user).select_related("area").first()


def first_open_day(*, now=None) -> date:
    """The first day a customer may still change (the cut-off is the evening before)."""
    day = timezone.localdate(now)
    while customer_cutoff_passed(day=day, now=now):
        day += timedelta(days=1)
    return day


# --- orders ---------------------------------------------------------------------------


def open_orders(*, customer: Customer, today: date, until: date | None = None) -> list[Order]:
    """The customer's orders that have days left from `today` on, with their lines
    (and products), their overrides from today to `until` and their pauses that have not
    ended, prefetched: four queries, ready for orders.schedule.schedule_of."""
    until = until or today + timedelta(days=CALENDAR_DAYS_AHEAD)
    overrides = DayOverride.objects.filter(date__gte=today, date__lte=until)
    lines = OrderLine.objects.select_related("product").prefetch_related(
        Prefetch("overrides", queryset=overrides)
    )
    pauses = OrderPause.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return list(
        Order.objects.filter(customer=customer)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(status__in=_FINISHED)
        .prefetch_related(Prefetch("lines", queryset=lines), Prefetch("pauses", queryset=pauses))
        .order_by("kind", "start_date", "pk")
    )


def own_order(*, customer: Customer, order_id: int, today: date) -> Order | None:
    """One of the customer's own orders (None for anyone else's), prefetched like
    open_orders."""
    until = today + timedelta(days=CALENDAR_DAYS_AHEAD * 3)
    overrides = DayOverride.objects.filter(date__gte=today, date__lte=until)
    lines = OrderLine.objects.select_related("product").prefetch_related(
        Prefetch("overrides", queryset=overrides)
    )
    pauses = OrderPause.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return (
        Order.objects.filter(customer=customer, pk=order_id)
        .prefetch_related(Prefetch("lines", queryset=lines), Prefetch("pauses", queryset=pauses))
        .first()
    )


def products_for_sale() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True)


# --- the calendar ---------------------------------------------------------------------


@dataclass
class CalendarItem:
    """One product on one day: due by the schedule (status ""), or a delivery row."""

    product: str
    quantity: Decimal
    shift: str
    status: str = ""
    status_label: str = ""
    delivered_qty: Decimal | None = None

    @property
    def is_evening(self) -> bool:
        return self.shift == Order.Shift.EVENING


@dataclass
class CalendarDay:
    date: date
    in_range: bool
    is_today: bool = False
    is_past: bool = False
    items: list[CalendarItem] = field(default_factory=list)
    hold: str = ""  # "Paused: low balance": generation held the day (deliveries.holds)
    hold_explanation: str = ""


@dataclass
class CalendarMonth:
    first: date
    weeks: list[list[CalendarDay | None]]


@dataclass
class DeliveryCalendar:
    start: date
    end: date
    months: list[CalendarMonth]
    days: dict[date, CalendarDay]

    def items_on(self, day: date) -> list[CalendarItem]:
        return self.days[day].items if day in self.days else []

    @property
    def held(self) -> list[CalendarDay]:
        """Today and later days that are held, with what to do about it."""
        return [day for day in self.days.values() if day.hold and not day.is_past]


def delivery_calendar(
    *, customer: Customer, today: date, orders: list[Order] | None = None
) -> DeliveryCalendar:
    """From the first of this month to 30 days ahead: past days (and today, once its
    rows exist) show the Delivery rows with their status, today and later what the
    schedule makes due. A day generation held shows why, and nothing due. Pass `orders`
    from open_orders to save its queries; otherwise six queries in all."""
    start = today.replace(day=1)
    end = today + timedelta(days=CALENDAR_DAYS_AHEAD)
    if orders is None:
        orders = open_orders(customer=customer, today=today, until=end)

    delivered: dict[date, list[CalendarItem]] = defaultdict(list)
    rows = (
        Delivery.objects.filter(customer=customer, date__gte=start, date__lte=today)
        .exclude(status=Delivery.Status.CANCELLED)
        .select_related("product")
        .order_by("date", "shift", "product__sort_order", "product__name", "pk")
    )
    for row in rows:
        delivered[row.date].append(
            CalendarItem(
                product=row.product.name,
                quantity=row.ordered_qty,
                shift=row.shift,
                status=row.status,
                status_label=row.get_status_display(),
                delivered_qty=row.delivered_qty,
            )
        )

    due = _due_by_day(customer=customer, orders=orders, start=today, end=end)
    held = holds_between(customer_id=customer.pk, start=start, end=end)

    days: dict[date, CalendarDay] = {}
    day = start
    while day <= end:
        if day < today or (day == today and delivered.get(day)) or day in held:
            items = delivered.get(day, [])
        else:
            items = due.get(day, [])
        reason = held[day].reason if day in held else ""
        days[day] = CalendarDay(
            date=day,
            in_range=True,
            is_today=day == today,
            is_past=day < today,
            items=items,
            hold=holds.label(reason) if reason else "",
            hold_explanation=holds.explanation(reason) if reason else "",
        )
        day += timedelta(days=1)
    return DeliveryCalendar(start=start, end=end, months=_months(start, end, days), days=days)


def _due_by_day(
    *, customer: Customer, orders: list[Order], start: date, end: date
) -> dict[date, list[CalendarItem]]:
    """Quantities due per day, product and shift, from the pure schedule rule."""
    plans = []
    for order in orders:
        lines = {line.pk: line for line in order.lines.all()}
        plans.append((schedule_of(order), order.shift, lines))
    due: dict[date, list[CalendarItem]] = {}
    day = start
    while day <= end:
        totals: dict[tuple, Decimal] = defaultdict(Decimal)
        for schedule, shift, lines in plans:
            for line_id, quantity in due_on(
                schedule, customer_status=customer.status, day=day
            ).items():
                product = lines[line_id].product
                totals[(shift != Order.Shift.MORNING, product.sort_order, product.name, shift)] += (
                    quantity
                )
        if totals:
            due[day] = [
                CalendarItem(product=name, quantity=quantity, shift=shift)
                for (_evening, _sort, name, shift), quantity in sorted(totals.items())
            ]
        day += timedelta(days=1)
    return due


def _months(start: date, end: date, days: dict[date, CalendarDay]) -> list[CalendarMonth]:
    months = []
    first = start.replace(day=1)
    while first <= end:
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
            weeks.append(
                [
                    (days.get(d) or CalendarDay(date=d, in_range=False))
                    if d.month == first.month
                    else None
                    for d in week
                ]
            )
        months.append(CalendarMonth(first=first, weeks=weeks))
        first = (first + timedelta(days=32)).replace(day=1)
    return months


# --- money: the balance, the bills and a bill's statement are billing's reads ----------


def pay_note(*, customer: Customer, bill: Bill | None) -> str:
    """The note on the UPI pay link: the bill's code (if any) and the customer's."""
    if bill is not None and bill.code:
        return f"{bill.code} {customer.code}"
    return f"{customer.code}"


def own_order_for_day(*, order: Order, day: date) -> Order:
    """The order again with its lines, that day's overrides and all its pauses: what
    orders.schedule needs to answer for one day, whatever the day."""
    lines = OrderLine.objects.select_related("product").prefetch_related(
        Prefetch("overrides", queryset=DayOverride.objects.filter(date=day))
    )
    return Order.objects.prefetch_related(Prefetch("lines", queryset=lines), "pauses").get(
        pk=order.pk
    )
