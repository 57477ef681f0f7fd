"""Holds: a provider (billing's low balance, here a fake) holds a customer's day, and
generation makes nothing for them that day, says why, and resumes once they are not held."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries import holds
from deliveries.models import Delivery, Hold
from deliveries.selectors import holds_between, holds_on
from deliveries.services import (
    Confirmer,
    confirm_delivery,
    generate_deliveries,
    refresh_deliveries,
    refresh_holds,
)
from earlybird import roles
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

LOW = Hold.Reason.LOW_BALANCE


class FakeProvider:
    """Holds the customers in `held` (when asked about them); remembers every question."""

    def __init__(self):
        self.held: dict[int, str] = {}
        self.calls: list[tuple[dt.date, dict[int, Decimal]]] = []

    def __call__(self, day, needs):
        self.calls.append((day, dict(needs)))
        return {pk: reason for pk, reason in self.held.items() if pk in needs}


@pytest.fixture
def provider():
    """The fake is the only provider while the test runs, then the registry is as before."""
    fake = FakeProvider()
    with holds.registered(fake):
        assert holds.providers() == (fake,)
        yield fake
    assert fake not in holds.providers()


def today() -> dt.date:
    return timezone.localdate()


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


def live_rows(customer, day):
    return list(
        Delivery.objects.filter(customer=customer, date=day)
        .exclude(status=Delivery.Status.CANCELLED)
        .order_by("shift", "pk")
        .values_list("shift", "status")
    )


def staff_confirm(delivery: Delivery) -> None:
    confirm_delivery(
        delivery=delivery,
        delivered_qty=delivery.ordered_qty,
        by=Confirmer(via=Delivery.Via.STAFF, user=UserFactory(roles=[roles.SUPPORT])),
    )


def subscriber(*, price="60.00", quantity="1", shift=Order.Shift.MORNING, customer=None):
    order = SubscriptionFactory(
        customer=customer or CustomerFactory(),
        product=ProductFactory(price=price),
        quantity=Decimal(quantity),
        start_date=today(),
        shift=shift,
    )
    return order.customer


# --- generation ---------------------------------------------------------------------


def test_a_held_customer_gets_no_delivery_and_a_hold_with_the_reason(provider):
    held, served = subscriber(), subscriber()
    provider.held = {held.pk: LOW}

    report = generate_deliveries(day=tomorrow())

    assert live_rows(held, tomorrow()) == []
    assert live_rows(served, tomorrow()) == [("morning", "pending")]
    hold = Hold.objects.get()
    assert (hold.customer, hold.date, hold.reason) == (held, tomorrow(), LOW)
    assert (hold.amount, hold.shifts) == (Decimal("60.00"), ["morning"])
    assert hold.get_reason_display() == "Paused: low balance"
    assert (report.held, sum(report.created.values())) == (1, 1)


def test_the_provider_is_asked_with_exactly_what_the_day_would_cost(provider):
    # 2 × 30.50 in the morning and 1.5 × 33.33 = 49.995 → 50.00 in the evening (each
    # rounded like a bill line), and a second customer's plain 60.00.
    busy = subscriber(price="30.50", quantity="2")
    OneTimeOrderFactory(
        customer=busy,
        product=ProductFactory(price="33.33"),
        quantity=Decimal("1.5"),
        delivery_date=tomorrow(),
        shift=Order.Shift.EVENING,
    )
    plain = subscriber()
    CustomerFactory()  # nothing due: not asked about

    generate_deliveries(day=tomorrow())

    assert provider.calls == [
        (tomorrow(), {busy.pk: Decimal("111.00"), plain.pk: Decimal("60.00")})
    ]
    made = Delivery.objects.filter(customer=busy, date=tomorrow())
    assert sum(round(d.ordered_qty * d.unit_price, 2) for d in made) == Decimal("111.00")


def test_regenerating_once_no_longer_held_creates_the_deliveries_and_deletes_the_hold(provider):
    customer = subscriber()
    provider.held = {customer.pk: LOW}
    generate_deliveries(day=tomorrow())
    assert Hold.objects.filter(customer=customer).exists()

    provider.held = {}  # they recharged
    report = generate_deliveries(day=tomorrow())

    assert live_rows(customer, tomorrow()) == [("morning", "pending")]
    assert not Hold.objects.exists()
    assert (report.held, sum(report.created.values())) == (0, 1)


def test_a_hold_cancels_pending_deliveries_and_never_touches_a_confirmed_one(provider):
    customer = subscriber()
    subscriber(customer=customer, shift=Order.Shift.EVENING, price="25.00")
    generate_deliveries(day=today())
    staff_confirm(Delivery.objects.get(customer=customer, shift=Order.Shift.MORNING))

    provider.held = {customer.pk: LOW}
    report = generate_deliveries(day=today())

    assert live_rows(customer, today()) == [("morning", "delivered")]
    evening = Delivery.objects.get(customer=customer, shift=Order.Shift.EVENING)
    assert evening.status == Delivery.Status.CANCELLED
    # Only what is not confirmed yet counts towards the day's need.
    assert provider.calls[-1] == (today(), {customer.pk: Decimal("25.00")})
    assert Hold.objects.get().shifts == ["evening"]
    assert (report.held, sum(report.cancelled.values())) == (1, 1)

    provider.held = {}
    generate_deliveries(day=today())
    evening.refresh_from_db()
    assert evening.status == Delivery.Status.PENDING
    assert not Hold.objects.exists()


def test_generating_a_held_day_again_changes_nothing(provider):
    held, served = subscriber(), subscriber()
    provider.held = {held.pk: LOW}
    generate_deliveries(day=tomorrow())
    first = Hold.objects.get()
    rows = list(Delivery.objects.order_by("pk").values_list("pk", "status", "updated_at"))

    report = generate_deliveries(day=tomorrow())

    again = Hold.objects.get()
    assert (again.pk, again.created_at, again.updated_at) == (
        first.pk,
        first.created_at,
        first.updated_at,
    )
    assert list(Delivery.objects.order_by("pk").values_list("pk", "status", "updated_at")) == rows
    assert sum(report.created.values()) + sum(report.updated.values()) == 0
    assert (report.held, sum(report.unchanged.values())) == (1, 1)
    assert live_rows(served, tomorrow()) == [("morning", "pending")]


def test_without_a_provider_nothing_is_held_and_no_hold_is_written():
    customer = subscriber()
    with holds.registered():
        report = generate_deliveries(day=tomorrow())
    assert live_rows(customer, tomorrow()) == [("morning", "pending")]
    assert report.held == 0
    assert not Hold.objects.exists()


def test_a_past_day_is_never_held(provider):
    customer = SubscriptionFactory(start_date=today() - dt.timedelta(days=3)).customer
    provider.held = {customer.pk: LOW}
    generate_deliveries(day=today() - dt.timedelta(days=1))
    assert provider.calls == []
    assert live_rows(customer, today() - dt.timedelta(days=1)) == [("morning", "pending")]
    assert not Hold.objects.exists()


def _queries_to_generate(provider, customers: int) -> int:
    everyone = [subscriber() for _ in range(customers)]
    provider.held = {c.pk: LOW for c in everyone[::2]}
    with CaptureQueriesContext(connection) as queries:
        report = generate_deliveries(day=tomorrow())
    assert report.held == (customers + 1) // 2
    assert Hold.objects.count() == report.held
    return len(queries.captured_queries)


def test_generation_with_holds_runs_the_same_queries_for_2_and_30_customers(provider):
    few = _queries_to_generate(provider, 2)
    Delivery.objects.all().delete()
    Hold.objects.all().delete()
    many = _queries_to_generate(provider, 30)
    assert few == many


def test_the_command_prints_how_many_customers_were_held(provider, capsys):
    held = subscriber()
    subscriber()
    provider.held = {held.pk: LOW}
    call_command("generate_deliveries", "--date", "tomorrow")
    out = capsys.readouterr().out
    assert f"{tomorrow()}: created 1, updated 0, cancelled 0, unchanged 0, held 1" in out


# --- schedule edits and resuming after a recharge -------------------------------------


def test_a_schedule_edit_keeps_a_held_customers_whole_day_held(provider):
    customer = subscriber()
    second = SubscriptionFactory(customer=customer, start_date=today(), shift="evening")
    provider.held = {customer.pk: LOW}
    generate_deliveries(day=tomorrow())

    refresh_deliveries(order_ids=[second.pk], from_day=tomorrow())

    assert live_rows(customer, tomorrow()) == []
    assert Hold.objects.get().shifts == ["evening", "morning"]
    # Asked again, about the customer's whole day: both orders, not only the edited one.
    assert provider.calls == [(tomorrow(), {customer.pk: Decimal("120.00")})] * 2


def test_a_schedule_edit_after_a_recharge_brings_back_all_the_customers_orders(provider):
    customer = subscriber()
    second = SubscriptionFactory(customer=customer, start_date=today(), shift="evening")
    provider.held = {customer.pk: LOW}
    generate_deliveries(day=tomorrow())

    provider.held = {}
    refresh_deliveries(order_ids=[second.pk], from_day=tomorrow())

    assert live_rows(customer, tomorrow()) == [("evening", "pending"), ("morning", "pending")]
    assert not Hold.objects.exists()


def test_refresh_holds_resumes_a_recharged_customer_now(provider):
    customer, other = subscriber(), subscriber()
    provider.held = {customer.pk: LOW, other.pk: LOW}
    generate_deliveries(day=tomorrow())

    provider.held = {other.pk: LOW}
    assert refresh_holds(customer_ids=[customer.pk], from_day=today()) == 1

    assert live_rows(customer, tomorrow()) == [("morning", "pending")]
    assert list(Hold.objects.values_list("customer_id", flat=True)) == [other.pk]
    assert refresh_holds(customer_ids=[customer.pk], from_day=today()) == 0


# --- the registry ---------------------------------------------------------------------


def test_the_first_provider_to_hold_gives_the_reason_and_others_are_ignored():
    first = lambda day, needs: {1: LOW, 99: LOW}  # noqa: E731 - 99 was not asked about
    second = lambda day, needs: {1: "low_balance", 2: LOW}  # noqa: E731
    with holds.registered(first, second):
        holds.register(first)  # registering again changes nothing
        assert holds.providers() == (first, second)
        held = holds.holds_for(tomorrow(), {1: Decimal("1"), 2: Decimal("2")})
    assert held == {1: LOW, 2: LOW}


def test_an_unknown_reason_fails_the_generation_and_writes_nothing(provider):
    customer = subscriber()
    provider.held = {customer.pk: "moon_phase"}
    with pytest.raises(ValueError, match="moon_phase"):
        generate_deliveries(day=tomorrow())
    assert not Delivery.objects.exists()
    assert not Hold.objects.exists()


def test_the_reason_reads_the_same_for_staff_the_boy_and_the_customer():
    assert holds.label(LOW) == "Paused: low balance"
    assert holds.explanation(LOW) == (
        "Your wallet balance is too low for this day's milk. Recharge to resume."
    )


# --- the model and the selectors ------------------------------------------------------


def _hold(customer, **fields):
    values = {"date": tomorrow(), "reason": LOW, "amount": Decimal("60"), "shifts": ["morning"]}
    return Hold(customer=customer, **{**values, **fields})


@pytest.mark.parametrize(
    "fields",
    [{"reason": "moon_phase"}, {"amount": Decimal("-1")}],
    ids=["unknown reason", "negative amount"],
)
def test_a_bad_hold_is_refused_by_validation_and_by_the_database(fields):
    customer = CustomerFactory()
    with pytest.raises(ValidationError):
        _hold(customer, **fields).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        _hold(customer, **fields).save()


def test_one_hold_per_customer_and_day():
    customer = CustomerFactory()
    _hold(customer).save()
    with pytest.raises(ValidationError):
        _hold(customer).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.create(customer=customer, date=tomorrow(), reason=LOW, amount=1, shifts=[])


def test_the_hold_selectors_read_in_one_query(django_assert_num_queries):
    zara, asha = CustomerFactory(name="Zara"), CustomerFactory(name="Asha")
    for customer in (zara, asha):
        _hold(customer).save()
        _hold(customer, date=tomorrow() + dt.timedelta(days=3)).save()
    with django_assert_num_queries(1):
        day = holds_on(day=tomorrow())
        names = [hold.customer.name for hold in day.values()]
    assert names == ["Asha", "Zara"]
    assert list(holds_on(day=tomorrow(), customer_ids=[zara.pk])) == [zara.pk]
    with django_assert_num_queries(1):
        days = holds_between(customer_id=zara.pk, start=tomorrow(), end=tomorrow())
    assert list(days) == [tomorrow()]
