"""The demo's rounds before today, the way they go, through the real services.

Every day from the first of the month before last to yesterday is generated
(`generate_deliveries`, set-based, as the evening job does), then confirmed round by
round (`confirm_round`: the rules of a confirmation, a few statements per round):

* each delivery boy's morning and evening rounds on his phone, stop after stop from
  about 05:40 and 17:00; on a few days he taps the morning's stops only after lunch;
* mostly delivered; now and then a stop not delivered (customer away, house locked,
  refused, or a note) or a packet short (partial); on two days a product ran out on one
  route (out of stock);
* one route's mornings for the last three days by a substitute, through a shared link
  support made the evening before (still valid today, so the demo can open it), and
  its evenings entered by the office (support) the same night;
* customers on no route any more (stopped) entered by the office the same morning;
* the prepaid customers' days in full: their recharges were sized for that (wallets.py).

Deterministic: the draws follow the deliveries in date, route and stop order.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F

from deliveries.models import Delivery, DeliveryBoy, DeliveryLink
from deliveries.services import Confirmer, Handover, confirm_round, create_link
from deliveries.services import generate_deliveries as generate
from deliveries.services.bottles import record_bottles_collected
from orders.models import Order
from web.demo.clock import moment, story_time
from web.demo.dairy import DELIVERY_BOYS

HISTORY_MONTHS = 2  # full months before today's, delivered and billed
MISSED = 0.025  # share of stops not delivered
PARTIAL = 0.02  # share of stops a packet short (where one line has two or more)
LATE_ROUNDS = 5  # mornings a boy confirmed only after lunch
SUBSTITUTE_DAYS = 3  # the last mornings before today, by the shared link
SUBSTITUTE_BOY = DELIVERY_BOYS[1][1]  # his route (by phone), while he is on leave
SUBSTITUTE_NAME = "Raju"
OUT_OF_STOCK = ["Paneer 200 g", "Curd 500 g"]  # one day each, on one route
R = Delivery.Reason
MISSED_REASONS = [  # (reason, note), drawn with these weights
    ((R.CUSTOMER_AWAY, ""), 5),
    ((R.ADDRESS_LOCKED, ""), 3),
    ((R.REFUSED, "Said the milk was sour yesterday"), 1),
    ((R.OTHER, "Customer called to skip the day"), 2),
    ((R.OTHER, "Dog loose in the compound"), 1),
]
PHONE = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 Chrome/120.0 Mobile"


def history_start(today: date) -> date:
    """The first day of the history: the 1st of the month HISTORY_MONTHS before today's."""
    first = today.replace(day=1)
    for _ in range(HISTORY_MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def generate_history(*, today: date) -> int:
    """Generate every day of the history; returns the number of days."""
    day = history_start(today)
    while day < today:
        generate(day=day)
        day += timedelta(days=1)
    return (today - history_start(today)).days


@dataclass
class Rounds:
    """What confirm_history did: the rounds confirmed and the substitute's link."""

    rounds: int = 0
    link: DeliveryLink | None = None
    token: str = ""


@dataclass(frozen=True)
class _Stop:
    day: date
    boy_id: int | None
    shift: str
    customer_id: int
    deliveries: tuple[Delivery, ...]


def confirm_history(
    *, today: date, rng: random.Random, support, prepaid: dict[int, date]
) -> Rounds:
    """Confirm every pending delivery of the history (see the module); `prepaid`: the
    day each prepaid customer's wallet began, from which their days go in full."""
    start = history_start(today)
    boys = {boy.pk: boy for boy in DeliveryBoy.objects.select_related("user")}
    leave = [today - timedelta(days=n) for n in range(SUBSTITUTE_DAYS, 0, -1)]
    cast = _Cast(
        boys=boys,
        on_leave=next(boy for boy in boys.values() if boy.phone == SUBSTITUTE_BOY),
        leave=[day for day in leave if day >= start],
        office=Confirmer(via=Delivery.Via.STAFF, user=support),
        today=today,
    )
    result = Rounds()
    if cast.leave:
        result.link, result.token = _make_link(
            boy=cast.on_leave, first=cast.leave[0], today=today, by=support
        )
        cast.substitute = Confirmer(
            via=Delivery.Via.SHARED_LINK, name=SUBSTITUTE_NAME, link=result.link, user_agent=PHONE
        )
    stops = _stops(start=start, today=today)
    cast.late, short = _mishaps(stops, rng, boys=boys, start=start)

    rounds: dict[tuple[date, str, int], list[Handover]] = defaultdict(list)
    confirmers: dict[tuple[date, str, int], Confirmer] = {}
    clock: dict[tuple[date, int | None, str], datetime] = {}
    for stop in stops:
        key, by, first = cast.who(stop)
        confirmers[key] = by
        at = _next_time(clock, stop, rng, first=first)
        in_full = stop.day >= prepaid.get(stop.customer_id, today)
        rounds[key].extend(
            _handovers(stop, rng, at=at, in_full=in_full, out=short.get((stop.day, stop.boy_id)))
        )
    for key in sorted(rounds):
        confirm_round(handovers=rounds[key], by=confirmers[key], today=key[0])
    _collect_empties(today=today, by=cast.office)
    result.rounds = len(rounds)
    return result


def _collect_empties(*, today: date, by: Confirmer) -> None:
    """The empty glass bottles came back the day after, every day: what customers hold
    today is what yesterday's round left (entered by the office, in one go)."""
    given = Delivery.objects.filter(
        product__returnable=True, bottles_given__gt=0, date__lt=today - timedelta(days=1)
    )
    counts = dict(given.values_list("pk", "bottles_given"))
    if counts:
        record_bottles_collected(deliveries=list(given), collected=counts, by=by, today=today)


@dataclass
class _Cast:
    """Who confirms which stop, in which round, from what time of day."""

    boys: dict[int, DeliveryBoy]
    on_leave: DeliveryBoy  # his mornings by the substitute, his evenings by the office
    leave: list[date]
    office: Confirmer
    today: date
    substitute: Confirmer | None = None
    late: set = field(default_factory=set)  # (day, boy id) of the mornings tapped after lunch

    def who(self, stop: _Stop) -> tuple[tuple[date, str, int], Confirmer, tuple[int, int]]:
        """(the round's key, its confirmer, when its first stop was confirmed). The
        office's entries, each at its own time, go in together (staff may enter any day
        up to today); the boys' and the substitute's day by day (today's only)."""
        office = (self.today, "office", 0)
        morning = stop.shift == Order.Shift.MORNING
        boy = self.boys.get(stop.boy_id)
        if boy is None:  # on no route any more
            return office, self.office, (10, 0)
        if boy == self.on_leave and stop.day in self.leave:
            if morning:
                return (stop.day, "link", 0), self.substitute, (6, 5)
            return office, self.office, (20, 30)
        by = Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user, user_agent=PHONE)
        if not morning:
            return (stop.day, "boy", boy.pk), by, (17, 0)
        return (
            (stop.day, "boy", boy.pk),
            by,
            (12, 40) if (stop.day, boy.pk) in self.late else (5, 40),
        )


def _mishaps(stops: list[_Stop], rng: random.Random, *, boys, start: date) -> tuple[set, dict]:
    """The mornings tapped late, {(day, boy id)}, and the products that ran out,
    {(day, boy id): product name}, on days and routes that carried them."""
    days = sorted({stop.day for stop in stops})
    late = set(
        rng.sample(
            [(day, boy) for day in days if day < start + timedelta(days=50) for boy in boys],
            LATE_ROUNDS,
        )
    )
    short: dict[tuple[date, int], str] = {}
    for product in OUT_OF_STOCK:
        carried = {
            (stop.day, stop.boy_id)
            for stop in stops
            if stop.boy_id and any(d.product.name == product for d in stop.deliveries)
        } - set(short)
        if carried:
            short[rng.choice(sorted(carried))] = product
    return late, short


def _make_link(*, boy: DeliveryBoy, first: date, today: date, by) -> tuple[DeliveryLink, str]:
    """The substitute's link, made by support the evening before his first morning."""
    with story_time(moment(first - timedelta(days=1), 19, 30)):
        return create_link(
            delivery_boy=boy,
            shift=Order.Shift.MORNING,
            valid_from=first,
            valid_until=today,
            expires_at=moment(today, 23, 59),
            created_by=by,
            label=f"{SUBSTITUTE_NAME}, while {boy.name} is on leave",
        )


def _stops(*, start: date, today: date) -> list[_Stop]:
    """The history's pending deliveries as stops, in the order the rounds go."""
    rows = (
        Delivery.objects.filter(date__gte=start, date__lt=today, status=Delivery.Status.PENDING)
        .annotate(position=F("customer__route_stop__position"))
        .select_related("product")
        .order_by(
            "date",
            F("delivery_boy_id").asc(nulls_last=True),
            "-shift",  # morning before evening
            "position",
            "customer_id",
            "pk",
        )
    )
    grouped: dict[tuple, list[Delivery]] = {}
    for delivery in rows:
        key = (delivery.date, delivery.delivery_boy_id, delivery.shift, delivery.customer_id)
        grouped.setdefault(key, []).append(delivery)
    return [_Stop(*key, deliveries=tuple(group)) for key, group in grouped.items()]


def _next_time(clock: dict, stop: _Stop, rng: random.Random, *, first: tuple) -> datetime:
    """When this stop was confirmed: its round's first stop at `first` (a few minutes
    either way), each next one a few minutes later."""
    key = (stop.day, stop.boy_id, stop.shift)
    if key in clock:
        clock[key] += timedelta(seconds=rng.randint(80, 260))
    else:
        clock[key] = moment(stop.day, *first) + timedelta(minutes=rng.randint(0, 15))
    return clock[key]


def _handovers(
    stop: _Stop, rng: random.Random, *, at: datetime, in_full: bool, out: str | None
) -> list[Handover]:
    """What each delivery of the stop came to (see the module)."""
    roll = rng.random()
    if in_full:
        roll = 1.0
    if roll < MISSED:
        (reason, note), *_ = rng.choices(
            [choice for choice, _ in MISSED_REASONS], weights=[w for _, w in MISSED_REASONS]
        )
        return [Handover(d, 0, reason=reason, reason_note=note, at=at) for d in stop.deliveries]
    handovers = []
    short = roll < MISSED + PARTIAL
    for delivery in stop.deliveries:
        quantity = delivery.ordered_qty
        if out and delivery.product.name == out and not in_full:
            handovers.append(Handover(delivery, 0, reason=R.OUT_OF_STOCK, at=at))
            continue
        if short and quantity >= 2:
            quantity -= Decimal(1)
            short = False
        handovers.append(Handover(delivery, quantity, at=at))
    return handovers
