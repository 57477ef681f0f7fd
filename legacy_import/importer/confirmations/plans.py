"""The lines a day's confirmations may deliver, for a batch of customers, from the orders
the import made (four queries, plain rows): each subscription with its schedule, each
one-time order with its lines; and, for a (legacy customer, day), the lines by tier
(confirm_rule.py) with, for an idle line, why nothing was due.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType

from legacy_import.importer.base import Context
from legacy_import.importer.confirm_rule import IDLE, LISTED, OFF_LIST, ONE_TIME, Line
from orders.models import DayOverride, Order, OrderLine, OrderPause
from orders.schedule import LineSchedule, OrderSchedule, due_on

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Subscription:
    pk: int
    owner: str
    legacy_id: str
    shift: str
    schedule: OrderSchedule
    forced: OrderSchedule  # the same, as if it were active (its status is today's)
    products: dict[int, int]  # line pk → product pk
    stopped_on: date | None = None  # a stopped one: the day it was stopped


@dataclass
class OneTimeLine:
    line: int
    order: int
    product: int
    quantity: Decimal
    shift: str


@dataclass
class Plans:
    subscriptions: dict[int, list[Subscription]]  # customer pk → its subscriptions
    one_time: dict[int, dict[date, list[OneTimeLine]]]  # customer pk → day → lines
    line_info: dict[int, tuple[int, int, str]]  # line pk → (order pk, product, shift)


def load_plans(ctx: Context, customers: list[int]) -> Plans:
    orders = list(
        Order.objects.filter(customer_id__in=customers).values_list(
            "pk",
            "customer_id",
            "kind",
            "pattern",
            "weekdays",
            "start_date",
            "end_date",
            "status",
            "shift",
        )
    )
    lines: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for pk, order, product, qty in OrderLine.objects.filter(
        order__customer_id__in=customers
    ).values_list("pk", "order_id", "product_id", "quantity"):
        lines[order].append((pk, product, qty))
    overrides: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for line, day, qty in DayOverride.objects.filter(
        line__order__customer_id__in=customers
    ).values_list("line_id", "date", "quantity"):
        overrides[line][day] = qty
    pauses: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for order, start, end in OrderPause.objects.filter(
        order__customer_id__in=customers
    ).values_list("order_id", "start_date", "end_date"):
        pauses[order].append((start, end))
    legacy_of = {pk: legacy for legacy, pk in ctx.subscriptions.items()}
    plans = Plans(defaultdict(list), defaultdict(lambda: defaultdict(list)), {})
    for pk, customer, kind, pattern, weekdays, start, end, status, shift in orders:
        if kind == Order.Kind.SUBSCRIPTION:
            if pk in ctx.history_orders:  # old-app subscriptions never delivered
                continue
            schedule = OrderSchedule(
                kind=kind,
                pattern=pattern,
                weekdays=frozenset(weekdays or ()),
                start_date=start,
                end_date=end,
                status=status,
                pauses=tuple(sorted(pauses.get(pk, ()), key=str)),
                lines=tuple(
                    LineSchedule(line, qty, MappingProxyType(overrides.get(line, {})))
                    for line, _product, qty in lines.get(pk, ())
                ),
            )
            plans.subscriptions[customer].append(
                Subscription(
                    pk=pk,
                    owner=ctx.order_owner.get(pk, ""),
                    legacy_id=legacy_of.get(pk, f"order {pk}"),
                    shift=shift,
                    schedule=schedule,
                    forced=dataclasses.replace(schedule, status=Order.Status.ACTIVE),
                    products={line: product for line, product, _qty in lines.get(pk, ())},
                    stopped_on=ctx.stopped_on.get(pk),
                )
            )
            for line, product, _qty in lines.get(pk, ()):
                plans.line_info[line] = (pk, product, shift)
        elif status != Order.Status.CANCELLED:
            for line, product, qty in lines.get(pk, ()):
                plans.one_time[customer][start].append(OneTimeLine(line, pk, product, qty, shift))
                plans.line_info[line] = (pk, product, shift)
    return plans


def lines_of_day(
    ctx: Context, plans: Plans, customer: int, day: date, one_time_legacy: dict[int, str]
) -> list[Line]:
    """The day's lines of one customer's orders (see confirm_rule.py)."""
    result: list[Line] = []
    for sub in plans.subscriptions.get(customer, ()):
        listed = due_on(sub.schedule, customer_status="active", day=day)
        forced = listed or due_on(sub.forced, customer_status="active", day=day)
        live = sub.stopped_on is not None and day < sub.stopped_on  # stopped since
        for line, product in sub.products.items():
            name = ctx.product_names.get(product, "")
            label = f"{name} (subscription {sub.legacy_id}, {sub.schedule.status})"
            common = {
                "key": line,
                "product_id": ctx.product_legacy.get(product, str(product)),
                "product_name": name,
                "label": label,
                "source": sub.legacy_id,
                "owner": sub.owner,
            }
            if line in listed:
                result.append(Line(ordered=listed[line], tier=LISTED, **common))
            elif line in forced and live:
                label = f"{label[:-1]} on {sub.stopped_on}, live then)"
                result.append(
                    Line(ordered=forced[line], tier=OFF_LIST, **{**common, "label": label})
                )
            elif line in forced:
                why = f"{label}: {not_live(sub)}"
                result.append(Line(ordered=None, tier=IDLE, why=why, **common))
            else:
                why = f"{label}: {why_not_due(sub.forced, line, day)}"
                result.append(Line(ordered=None, tier=IDLE, why=why, **common))
    for item in plans.one_time.get(customer, {}).get(day, ()):
        legacy = one_time_legacy.get(item.order, f"order {item.order}")
        info = ctx.one_time.get(legacy)
        status = info.raw_status if info else "?"
        result.append(
            Line(
                key=item.line,
                product_id=ctx.product_legacy.get(item.product, str(item.product)),
                product_name=ctx.product_names.get(item.product, ""),
                ordered=item.quantity,
                tier=ONE_TIME,
                order=legacy,
                owner=info.owner if info else "",
                label=f"one-time order {legacy} (old status {status!r})",
            )
        )
    return result


def not_live(sub: Subscription) -> str:
    status = sub.schedule.status
    if status == Order.Status.STOPPED:
        since = f"since {sub.stopped_on}" if sub.stopped_on else "(it does not say since when)"
        return f"stopped {since}, so a 'delivered' without items does not deliver it"
    return (
        f"its status is {status}: not live (never activated, or paused since a day the old "
        "data does not say), so a 'delivered' without items does not deliver it"
    )


def why_not_due(schedule: OrderSchedule, line: int, day: date) -> str:
    """Why a subscription (read as active) has nothing due on `day`, in words."""
    if day < schedule.start_date:
        return f"it starts {schedule.start_date}"
    if schedule.end_date is not None and day > schedule.end_date:
        return f"it stopped from {schedule.end_date + timedelta(days=1)}"
    for start, end in schedule.pauses:
        if start <= day and (end is None or day <= end):
            return f"paused {start} – {end or 'until resumed'}"
    override = next((ls.overrides.get(day) for ls in schedule.lines if ls.line_id == line), None)
    if override is not None:
        return f"a day override of {override} (skip) for {day}"
    if schedule.pattern == Order.Pattern.WEEKDAYS:
        days = ", ".join(WEEKDAYS[d] for d in sorted(schedule.weekdays))
        return f"it delivers on {days}, and {day} is a {WEEKDAYS[day.weekday()]}"
    if schedule.pattern == Order.Pattern.LISTED_DATES:
        return f"it delivers on listed dates only, and {day} is not one"
    return "nothing due"
