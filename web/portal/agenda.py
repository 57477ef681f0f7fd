"""The customer's deliveries, day by day, for the home page at /me/: what comes (each
product by name, with its quantity, unit and price), what it costs, and in words why a
day brings less than usual (paused, skipped, held for a low balance). The page shows the
same days two ways: a list of days (the agenda, for a phone) and a month grid (wide
screens).

Past days (and today, once its rows exist) show the Delivery rows with their status and
the price copied at generation; today and later, what the schedule rule makes due, priced
as generation will price it (the customer's own price, else the product's).

One read, a fixed number of queries whatever the number of orders, days or prices.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Customer
from deliveries import holds
from deliveries.models import Delivery
from deliveries.selectors import holds_between
from earlybird.units import quantity_text
from orders.models import Order
from orders.schedule import OrderSchedule, due_on, schedule_of
from web.portal.selectors import CALENDAR_DAYS_AHEAD, delivered_rows, open_orders, price_rows
from web.portal.words import amount_of

_PAUSED = Order.Status.PAUSED.value
_ACTIVE = Order.Status.ACTIVE.value
_CONFIRMED = frozenset(Delivery.CONFIRMED_STATUSES)
_STATUSES = dict(Delivery.Status.choices)
_REASONS = dict(Delivery.Reason.choices)
_SHOWN_STATUS = {
    Delivery.Status.DELIVERED: gettext_lazy("Delivered"),
    Delivery.Status.PARTIAL: gettext_lazy("Partly delivered"),
    Delivery.Status.NOT_DELIVERED: gettext_lazy("Not delivered"),
    Delivery.Status.PENDING: gettext_lazy("On its way"),
}


@dataclass
class CalendarItem:
    """One product on one day: due by the schedule (status ""), or a delivery row."""

    product: str
    quantity: Decimal
    shift: str
    unit: str = ""
    amount: Decimal | None = None  # what it costs (delivered rows: what was delivered)
    usual: Decimal = Decimal(0)  # what the pattern brings that day (due items)
    status: str = ""
    status_label: str = ""
    delivered_qty: Decimal | None = None
    reason: str = ""  # why not (fully) delivered

    @property
    def is_evening(self) -> bool:
        return self.shift == Order.Shift.EVENING

    @property
    def quantity_text(self) -> str:
        return quantity_text(self.quantity, self.unit)

    @property
    def delivered_text(self) -> str:
        return quantity_text(self.delivered_qty or 0, self.unit)

    @property
    def extra(self) -> Decimal:
        """More than the usual asked for this day (0 for none, or for a delivery row)."""
        if self.status or self.quantity <= self.usual:
            return Decimal(0)
        return self.quantity - self.usual

    @property
    def extra_text(self) -> str:
        return quantity_text(self.extra, self.unit) if self.extra else ""


@dataclass
class CalendarDay:
    date: date
    in_range: bool
    is_today: bool = False
    is_past: bool = False
    items: list[CalendarItem] = field(default_factory=list)
    hold: str = ""  # "Paused: low balance": generation held the day (deliveries.holds)
    hold_explanation: str = ""
    paused: list[str] = field(default_factory=list)  # products a pause stops that day
    skipped: list[str] = field(default_factory=list)  # products the customer skipped

    @property
    def total(self) -> Decimal | None:
        amounts = [item.amount for item in self.items if item.amount is not None]
        return sum(amounts, Decimal(0)) if amounts else None

    @property
    def notes(self) -> list[str]:
        """Why the day brings less than usual, in words."""
        notes = []
        if self.hold:
            notes.append(self.hold)
        if self.paused:
            notes.append(_("Paused: no %(products)s") % {"products": ", ".join(self.paused)})
        if self.skipped:
            notes.append(_("Skipped: no %(products)s") % {"products": ", ".join(self.skipped)})
        return notes


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
    prices: PriceBook | None = None  # the orders' products' prices, for any day

    def items_on(self, day: date) -> list[CalendarItem]:
        return self.days[day].items if day in self.days else []

    @property
    def held(self) -> list[CalendarDay]:
        """Today and later days that are held, with what to do about it."""
        return [day for day in self.days.values() if day.hold and not day.is_past]

    @property
    def ahead(self) -> list[CalendarDay]:
        """The agenda: today and every day after it, one row each."""
        return [day for day in self.days.values() if not day.is_past]

    @property
    def earlier(self) -> list[CalendarDay]:
        """The past days of this month that had deliveries, latest first."""
        return [day for day in reversed(self.days.values()) if day.is_past and day.items]


# --- prices -------------------------------------------------------------------------------


class PriceBook:
    """The price in force for one customer, per product and day, as generation prices a
    delivery (orders_price_on): the customer's own price, else the product's."""

    def __init__(self, *, customer: Customer, product_ids: set[int]):
        self._rows: dict[tuple[bool, int], list[tuple[date, Decimal]]] = defaultdict(list)
        rows = price_rows(customer_id=customer.pk, product_ids=product_ids)
        for is_own, product_id, since, price in rows:
            self._rows[(is_own, product_id)].append((since, price))

    def on(self, product_id: int, day: date) -> Decimal | None:
        for is_own in (True, False):
            for since, price in self._rows.get((is_own, product_id), ()):
                if since <= day:
                    return price
        return None


# --- the calendar -------------------------------------------------------------------------


def delivery_calendar(
    *, customer: Customer, today: date, orders: list[Order] | None = None
) -> DeliveryCalendar:
    """From the first of this month to 30 days ahead. A day generation held shows why,
    and nothing due. Pass `orders` from open_orders to save its queries."""
    start = today.replace(day=1)
    end = today + timedelta(days=CALENDAR_DAYS_AHEAD)
    if orders is None:
        orders = open_orders(customer=customer, today=today, until=end)

    delivered: dict[date, list[CalendarItem]] = defaultdict(list)
    for row in delivered_rows(customer_id=customer.pk, start=start, end=today):
        delivered[row[0]].append(_delivered_item(*row))

    product_ids = {line.product_id for order in orders for line in order.lines.all()}
    prices = PriceBook(customer=customer, product_ids=product_ids)
    due = _due_by_day(customer=customer, orders=orders, start=today, end=end, prices=prices)
    held = holds_between(customer_id=customer.pk, start=start, end=end)

    days: dict[date, CalendarDay] = {}
    day = start
    while day <= end:
        reason = held[day].reason if day in held else ""
        cell = CalendarDay(
            date=day,
            in_range=True,
            is_today=day == today,
            is_past=day < today,
            hold=holds.label(reason) if reason else "",
            hold_explanation=holds.explanation(reason) if reason else "",
        )
        if day < today or (day == today and delivered.get(day)) or day in held:
            cell.items = delivered.get(day, [])
        elif day in due:
            cell.items, cell.paused, cell.skipped = due[day]
        days[day] = cell
        day += timedelta(days=1)
    return DeliveryCalendar(
        start=start, end=end, months=_months(start, end, days), days=days, prices=prices
    )


def _delivered_item(
    day, shift, status, ordered_qty, delivered_qty, unit_price, reason, product, unit
) -> CalendarItem:
    """A delivery row (selectors.delivered_rows) as the calendar shows it."""
    charged = delivered_qty if status in _CONFIRMED else ordered_qty
    return CalendarItem(
        product=product,
        quantity=ordered_qty,
        shift=shift,
        unit=unit,
        amount=amount_of(charged, unit_price),
        status=status,
        status_label=_SHOWN_STATUS.get(status) or _STATUSES.get(status, status),
        delivered_qty=delivered_qty,
        reason=str(_REASONS.get(reason, reason)) if reason else "",
    )


def usual_schedule(schedule: OrderSchedule) -> OrderSchedule:
    """The same order without its pauses and day overrides, and running: what the
    pattern alone brings, to tell a paused or skipped day from a day off."""
    status = _ACTIVE if schedule.status == _PAUSED else schedule.status
    lines = tuple(dataclasses.replace(line, overrides={}) for line in schedule.lines)
    return dataclasses.replace(schedule, status=status, pauses=(), lines=lines)


def _is_paused(schedule: OrderSchedule, day: date) -> bool:
    if schedule.status == _PAUSED:
        return True
    return any(start <= day and (end is None or day <= end) for start, end in schedule.pauses)


def _due_by_day(
    *, customer: Customer, orders: list[Order], start: date, end: date, prices: PriceBook
) -> dict[date, tuple[list[CalendarItem], list[str], list[str]]]:
    """Per day: the items due (per product and shift, from the pure schedule rule), and
    the products a pause stops or a skip leaves out."""
    plans = []
    for order in orders:
        schedule = schedule_of(order)
        lines = {line.pk: line for line in order.lines.all()}
        plans.append((schedule, usual_schedule(schedule), order.shift, lines))
    due = {}
    day = start
    while day <= end:
        totals: dict[tuple, list] = {}
        paused: list[str] = []
        skipped: list[str] = []
        for schedule, usual_plan, shift, lines in plans:
            quantities = due_on(schedule, customer_status=customer.status, day=day)
            usual = due_on(usual_plan, customer_status=customer.status, day=day)
            for line_id in sorted(quantities.keys() | usual.keys()):
                product = lines[line_id].product
                if line_id not in quantities:
                    missing = paused if _is_paused(schedule, day) else skipped
                    missing.append(product.name)
                    continue
                key = (shift != Order.Shift.MORNING, product.sort_order, product.name, shift)
                total = totals.setdefault(key, [product, Decimal(0), Decimal(0)])
                total[1] += quantities[line_id]
                total[2] += usual.get(line_id, Decimal(0))
        if totals or paused or skipped:
            items = [
                CalendarItem(
                    product=product.name,
                    quantity=quantity,
                    shift=shift,
                    unit=product.unit,
                    amount=amount_of(quantity, prices.on(product.pk, day)),
                    usual=usual,
                )
                for (_evening, _sort, _name, shift), (product, quantity, usual) in sorted(
                    totals.items(), key=lambda pair: pair[0]
                )
            ]
            due[day] = (items, list(dict.fromkeys(paused)), list(dict.fromkeys(skipped)))
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
