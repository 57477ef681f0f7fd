"""The schedule rule: named examples, a property test against a simple reference, and
`schedule_of` on real rows."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from customers.models import Customer
from orders.models import DayOverride, Order, OrderPause
from orders.schedule import LineSchedule, OrderSchedule, due_on, schedule_of
from orders.tests.factories import OneTimeOrderFactory, SubscriptionFactory

D = dt.date
ONE_DAY = dt.timedelta(days=1)
ACTIVE = Customer.Status.ACTIVE


def days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def subscription(pattern=Order.Pattern.DAILY, **kwargs) -> OrderSchedule:
    defaults = dict(
        kind=Order.Kind.SUBSCRIPTION,
        pattern=pattern,
        weekdays=frozenset(),
        start_date=D(2026, 1, 1),
        end_date=None,
        status=Order.Status.ACTIVE,
        pauses=(),
        lines=(LineSchedule(line_id=1, quantity=Decimal("1.5")),),
    )
    return OrderSchedule(**{**defaults, **kwargs})


def due_days(order: OrderSchedule, first: dt.date, last: dt.date, customer_status=ACTIVE):
    return [d for d in days(first, last) if due_on(order, customer_status=customer_status, day=d)]


# --- named examples ---------------------------------------------------------------


def test_alternate_days_stay_in_step_across_month_ends():
    order = subscription(Order.Pattern.ALTERNATE_DAYS, start_date=D(2026, 1, 29))

    assert due_days(order, D(2026, 1, 28), D(2026, 2, 6)) == [
        D(2026, 1, 29),
        D(2026, 1, 31),
        D(2026, 2, 2),
        D(2026, 2, 4),
        D(2026, 2, 6),
    ]


def test_alternate_days_stay_in_step_across_a_leap_day():
    order = subscription(Order.Pattern.ALTERNATE_DAYS, start_date=D(2024, 2, 27))

    assert due_days(order, D(2024, 2, 27), D(2024, 3, 3)) == [
        D(2024, 2, 27),
        D(2024, 2, 29),
        D(2024, 3, 2),
    ]


def test_a_paused_subscription_gets_nothing_inside_the_pause_and_resumes_after():
    order = subscription(pauses=((D(2026, 1, 10), D(2026, 1, 12)),))

    assert due_days(order, D(2026, 1, 8), D(2026, 1, 14)) == [
        D(2026, 1, 8),
        D(2026, 1, 9),
        D(2026, 1, 13),
        D(2026, 1, 14),
    ]


def test_an_open_ended_pause_stops_everything_from_its_start():
    order = subscription(pauses=((D(2026, 1, 10), None),))

    assert due_days(order, D(2026, 1, 8), D(2027, 1, 1)) == [D(2026, 1, 8), D(2026, 1, 9)]


def test_a_pause_beats_an_override():
    line = LineSchedule(line_id=1, quantity=Decimal("1"), overrides={D(2026, 1, 10): Decimal(3)})
    order = subscription(pauses=((D(2026, 1, 10), D(2026, 1, 10)),), lines=(line,))

    assert due_on(order, customer_status=ACTIVE, day=D(2026, 1, 10)) == {}


def test_an_override_of_zero_skips_the_day():
    line = LineSchedule(
        line_id=7,
        quantity=Decimal("1.5"),
        overrides={D(2026, 1, 5): Decimal("0"), D(2026, 1, 6): Decimal("2.250")},
    )
    order = subscription(lines=(line,))

    assert due_on(order, customer_status=ACTIVE, day=D(2026, 1, 4)) == {7: Decimal("1.5")}
    assert due_on(order, customer_status=ACTIVE, day=D(2026, 1, 5)) == {}
    assert due_on(order, customer_status=ACTIVE, day=D(2026, 1, 6)) == {7: Decimal("2.250")}


def test_an_override_delivers_on_a_day_the_pattern_skips():
    line = LineSchedule(line_id=1, quantity=Decimal("1"), overrides={D(2026, 1, 6): Decimal(2)})
    order = subscription(Order.Pattern.WEEKDAYS, weekdays=frozenset({0}), lines=(line,))

    assert due_days(order, D(2026, 1, 4), D(2026, 1, 13)) == [
        D(2026, 1, 5),
        D(2026, 1, 6),
        D(2026, 1, 12),
    ]


def test_listed_dates_deliver_only_their_overrides():
    line = LineSchedule(line_id=1, quantity=Decimal("1"), overrides={D(2026, 1, 6): Decimal(2)})
    order = subscription(Order.Pattern.LISTED_DATES, lines=(line,))

    assert due_days(order, D(2026, 1, 1), D(2026, 2, 1)) == [D(2026, 1, 6)]


@pytest.mark.parametrize("status", [Customer.Status.STOPPED, Customer.Status.PAUSED])
def test_a_stopped_or_paused_customer_gets_nothing(status):
    assert due_days(subscription(), D(2026, 1, 1), D(2026, 1, 31), customer_status=status) == []


def test_a_trial_customer_gets_their_orders():
    order = subscription()

    assert due_on(order, customer_status=Customer.Status.TRIAL, day=D(2026, 1, 3)) == {
        1: Decimal("1.5")
    }


@pytest.mark.parametrize("status", [Order.Status.DRAFT, Order.Status.PAUSED, Order.Status.STOPPED])
def test_only_an_active_subscription_is_due(status):
    assert due_days(subscription(status=status), D(2026, 1, 1), D(2026, 1, 31)) == []


def test_nothing_is_due_outside_start_and_end():
    order = subscription(start_date=D(2026, 1, 30), end_date=D(2026, 2, 1))

    assert due_days(order, D(2026, 1, 1), D(2026, 3, 1)) == [
        D(2026, 1, 30),
        D(2026, 1, 31),
        D(2026, 2, 1),
    ]


def test_a_one_time_order_is_due_on_its_date_and_no_other():
    order = OrderSchedule(
        kind=Order.Kind.ONE_TIME,
        pattern=Order.Pattern.DAILY,
        weekdays=frozenset(),
        start_date=D(2026, 2, 28),
        end_date=D(2026, 2, 28),
        status=Order.Status.PLACED,
        lines=(
            LineSchedule(line_id=1, quantity=Decimal("2")),
            LineSchedule(line_id=2, quantity=Decimal("0.5")),
        ),
    )

    assert due_days(order, D(2026, 1, 1), D(2026, 4, 1)) == [D(2026, 2, 28)]
    assert due_on(order, customer_status=ACTIVE, day=D(2026, 2, 28)) == {
        1: Decimal("2"),
        2: Decimal("0.5"),
    }


def test_a_cancelled_one_time_order_is_never_due():
    order = OrderSchedule(
        kind=Order.Kind.ONE_TIME,
        pattern=Order.Pattern.DAILY,
        weekdays=frozenset(),
        start_date=D(2026, 2, 28),
        end_date=D(2026, 2, 28),
        status=Order.Status.CANCELLED,
        lines=(LineSchedule(line_id=1, quantity=Decimal("2")),),
    )

    assert due_on(order, customer_status=ACTIVE, day=D(2026, 2, 28)) == {}


# --- property test against a deliberately simple reference -------------------------


def reference_due_dates(
    order: OrderSchedule, customer_status: str, last: dt.date
) -> dict[dt.date, dict[int, Decimal]]:
    """Everything due up to `last`, by walking the calendar from the start date.

    Written apart from `due_on`: expands pauses into sets of days, counts the alternate
    days and the weekday by stepping one day at a time.
    """
    if customer_status not in ("active", "trial"):
        return {}
    if order.kind == "subscription" and order.status != "active":
        return {}
    if order.kind == "one_time" and order.status not in ("placed", "delivered"):
        return {}

    paused: set[dt.date] = set()
    for start, end in order.pauses:
        paused.update(days(start, end if end is not None else last))

    stop = last if order.end_date is None else min(order.end_date, last)
    pattern_days: set[dt.date] = set()
    open_days: set[dt.date] = set()
    step, weekday = 0, order.start_date.weekday()
    for day in days(order.start_date, stop):
        if order.kind == "one_time" and step > 0:
            break
        open_days.add(day)
        if (
            order.kind == "one_time"
            or order.pattern == "daily"
            or (order.pattern == "alternate_days" and step % 2 == 0)
            or (order.pattern == "weekdays" and weekday in order.weekdays)
        ):
            pattern_days.add(day)
        step, weekday = step + 1, (weekday + 1) % 7
    open_days -= paused

    due: dict[dt.date, dict[int, Decimal]] = {}
    for line in order.lines:
        quantities = {d: line.quantity for d in pattern_days & open_days}
        quantities.update({d: q for d, q in line.overrides.items() if d in open_days})
        for day, quantity in quantities.items():
            if quantity != 0:
                due.setdefault(day, {})[line.line_id] = quantity
    return due


INTERESTING_DAYS = [
    D(2000, 2, 29),
    D(2024, 2, 29),
    D(2028, 2, 29),
    D(2025, 2, 28),
    D(2100, 2, 28),
    D(2026, 1, 31),
    D(2026, 4, 30),
    D(2025, 12, 31),
]
QUANTITIES = st.sampled_from(
    [Decimal("0"), Decimal("0.5"), Decimal("1"), Decimal("1.500"), Decimal("2.25"), Decimal("3")]
)


@st.composite
def windows(draw) -> tuple[dt.date, dt.date]:
    anchor = draw(
        st.one_of(
            st.sampled_from(INTERESTING_DAYS),
            st.dates(min_value=D(2000, 3, 1), max_value=D(2099, 1, 1)),
        )
    )
    first = anchor - dt.timedelta(days=draw(st.integers(0, 45)))
    return first, first + dt.timedelta(days=draw(st.integers(0, 100)))


@st.composite
def scenarios(draw) -> tuple[OrderSchedule, str, dt.date, dt.date]:
    first, last = draw(windows())
    near = st.one_of(
        st.sampled_from(
            [first - ONE_DAY, first, first + ONE_DAY, last - ONE_DAY, last, last + ONE_DAY]
        ),
        st.dates(min_value=first - dt.timedelta(days=40), max_value=last + dt.timedelta(days=40)),
    )
    kind = draw(st.sampled_from(Order.Kind.values))
    start = draw(near)
    if kind == Order.Kind.ONE_TIME:
        pattern, end = Order.Pattern.DAILY, start
        status = draw(st.sampled_from(Order.ONE_TIME_STATUSES))
    else:
        pattern = draw(st.sampled_from(Order.Pattern.values))
        end = draw(st.one_of(st.none(), near.map(lambda d: max(d, start))))
        status = draw(
            st.sampled_from([Order.Status.ACTIVE] * 3 + list(Order.SUBSCRIPTION_STATUSES))
        )
    pauses = []
    for pause_start in draw(st.lists(near, max_size=3)):
        pause_end = draw(st.one_of(st.none(), near.map(lambda d, s=pause_start: max(d, s))))
        pauses.append((pause_start, pause_end))
    lines = tuple(
        LineSchedule(
            line_id=line_id,
            quantity=draw(QUANTITIES.filter(lambda q: q > 0)),
            overrides=draw(st.dictionaries(near, QUANTITIES, max_size=6)),
        )
        for line_id in draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=3, unique=True))
    )
    order = OrderSchedule(
        kind=kind,
        pattern=pattern,
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        start_date=start,
        end_date=end,
        status=status,
        pauses=tuple(pauses),
        lines=lines,
    )
    customer_status = draw(st.sampled_from([ACTIVE, ACTIVE, *Customer.Status.values]))
    return order, customer_status, first, last


@settings(max_examples=400, deadline=None)
@given(scenarios())
@example(
    (
        subscription(Order.Pattern.ALTERNATE_DAYS, start_date=D(2024, 2, 27)),
        "trial",
        D(2024, 2, 25),
        D(2024, 3, 5),
    )
)
def test_due_on_agrees_with_walking_the_calendar(scenario):
    order, customer_status, first, last = scenario

    expected = reference_due_dates(order, customer_status, last)

    for day in days(first, last):
        assert due_on(order, customer_status=customer_status, day=day) == expected.get(day, {}), day


# --- schedule_of on real rows --------------------------------------------------------


@pytest.mark.django_db
def test_schedule_of_reads_prefetched_rows_without_a_query(django_assert_num_queries):
    order = SubscriptionFactory(
        start_date=D(2026, 1, 1),
        pattern=Order.Pattern.WEEKDAYS,
        weekdays=[0, 2, 4],
        quantity=Decimal("1.5"),
    )
    line = order.lines.get()
    OrderPause.objects.create(order=order, start_date=D(2026, 1, 10), end_date=None)
    DayOverride.objects.create(line=line, date=D(2026, 1, 6), quantity=Decimal("0.500"))
    fetched = Order.objects.prefetch_related("lines__overrides", "pauses").get(pk=order.pk)

    with django_assert_num_queries(0):
        schedule = schedule_of(fetched)

    assert schedule.kind == Order.Kind.SUBSCRIPTION
    assert schedule.weekdays == frozenset({0, 2, 4})
    assert schedule.pauses == ((D(2026, 1, 10), None),)
    assert schedule.lines[0].line_id == line.pk
    assert schedule.lines[0].overrides == {D(2026, 1, 6): Decimal("0.500")}
    assert due_days(schedule, D(2026, 1, 1), D(2026, 1, 31)) == [
        D(2026, 1, 2),
        D(2026, 1, 5),
        D(2026, 1, 6),
        D(2026, 1, 7),
        D(2026, 1, 9),
    ]


@pytest.mark.django_db
def test_schedule_of_a_one_time_order():
    order = OneTimeOrderFactory(delivery_date=D(2026, 1, 15), quantity=Decimal("2"))
    fetched = Order.objects.prefetch_related("lines__overrides", "pauses").get(pk=order.pk)

    schedule = schedule_of(fetched)

    assert due_days(schedule, D(2026, 1, 1), D(2026, 1, 31)) == [D(2026, 1, 15)]
