import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import Customer
from deliveries.models import Delivery
from deliveries.services import Confirmer, assign_to_route, confirm_delivery, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked
from orders.models import DayOverride, Order, OrderPause
from orders.services import set_price
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 1, 5)


def days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(count)]


def generate(*dates: dt.date) -> None:
    for day in dates:
        generate_deliveries(day=day)


def delivered_dates(order: Order) -> list[dt.date]:
    return list(
        Delivery.objects.filter(order=order)
        .exclude(status=Delivery.Status.CANCELLED)
        .order_by("date")
        .values_list("date", flat=True)
    )


def test_a_one_time_order_is_on_its_delivery_boys_route_on_its_date_and_no_other():
    boy = DeliveryBoyFactory()
    order = OneTimeOrderFactory(delivery_date=MON + dt.timedelta(days=2))
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate(*days(MON, 5))
    delivery = Delivery.objects.get(order=order)
    assert (delivery.date, delivery.delivery_boy, delivery.status) == (
        MON + dt.timedelta(days=2),
        boy,
        Delivery.Status.PENDING,
    )
    assert delivery.ordered_qty == Decimal("2")


def test_a_paused_subscription_delivers_nothing_inside_the_pause_and_resumes_after():
    order = SubscriptionFactory(start_date=MON)
    OrderPause.objects.create(
        order=order, start_date=MON + dt.timedelta(days=1), end_date=MON + dt.timedelta(days=3)
    )
    generate(*days(MON, 6))
    assert delivered_dates(order) == [MON, MON + dt.timedelta(days=4), MON + dt.timedelta(days=5)]


def test_an_override_of_zero_skips_the_day_and_another_changes_the_quantity():
    order = SubscriptionFactory(start_date=MON, quantity=Decimal("1"))
    line = order.lines.get()
    DayOverride.objects.create(line=line, date=MON + dt.timedelta(days=1), quantity=0)
    DayOverride.objects.create(line=line, date=MON + dt.timedelta(days=2), quantity=Decimal("2.5"))
    generate(*days(MON, 3))
    assert dict(Delivery.objects.filter(order=order).values_list("date", "ordered_qty")) == {
        MON: Decimal("1.000"),
        MON + dt.timedelta(days=2): Decimal("2.500"),
    }


def test_alternate_days_stay_in_step_across_a_month_end():
    order = SubscriptionFactory(
        start_date=dt.date(2026, 1, 29), pattern=Order.Pattern.ALTERNATE_DAYS
    )
    generate(*days(dt.date(2026, 1, 29), 8))
    assert delivered_dates(order) == [
        dt.date(2026, 1, 29),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 2),
        dt.date(2026, 2, 4),
    ]


def test_a_stopped_customer_gets_nothing():
    order = SubscriptionFactory(start_date=MON)
    Customer.objects.filter(pk=order.customer_id).update(status=Customer.Status.STOPPED)
    generate(MON)
    assert not Delivery.objects.exists()


def test_rerunning_generation_changes_nothing():
    for _ in range(3):
        SubscriptionFactory(start_date=MON)
    OneTimeOrderFactory(delivery_date=MON)
    first = generate_deliveries(day=MON)
    before = list(Delivery.objects.order_by("pk").values())
    again = generate_deliveries(day=MON)
    assert sum(first.created.values()) == 4
    assert sum(again.created.values()) == sum(again.updated.values()) == 0
    assert sum(again.cancelled.values()) == 0
    assert sum(again.unchanged.values()) == 4
    assert list(Delivery.objects.order_by("pk").values()) == before


def test_pending_rows_follow_schedule_edits_and_rows_no_longer_due_are_cancelled():
    order = SubscriptionFactory(start_date=MON, quantity=Decimal("1"))
    gone = SubscriptionFactory(start_date=MON)
    generate(MON)
    DayOverride.objects.create(line=order.lines.get(), date=MON, quantity=Decimal("3"))
    Order.objects.filter(pk=gone.pk).update(
        end_date=MON - dt.timedelta(days=1), start_date=MON - dt.timedelta(days=5)
    )
    report = generate_deliveries(day=MON)
    assert sum(report.updated.values()) == 1
    assert sum(report.cancelled.values()) == 1
    assert Delivery.objects.get(order=order).ordered_qty == Decimal("3")
    assert Delivery.objects.get(order=gone).status == Delivery.Status.CANCELLED


def test_a_confirmed_delivery_survives_a_schedule_change_untouched():
    order = SubscriptionFactory(start_date=MON, quantity=Decimal("1"))
    generate(MON)
    Delivery.objects.filter(order=order).update(
        status=Delivery.Status.DELIVERED,
        delivered_qty=Decimal("1"),
        confirmed_at=timezone.now(),
        confirmed_via=Delivery.Via.STAFF,
    )
    confirmed = Delivery.objects.filter(order=order).values().get()
    DayOverride.objects.create(line=order.lines.get(), date=MON, quantity=0)
    generate(MON)
    assert Delivery.objects.filter(order=order).values().get() == confirmed


def test_the_day_price_is_copied_with_the_customer_price_winning():
    product = ProductFactory(price="60.00")
    set_price(product=product, price=Decimal("64.00"), effective_from=MON + dt.timedelta(days=1))
    plain = SubscriptionFactory(start_date=MON, product=product)
    special = SubscriptionFactory(start_date=MON, product=product)
    set_price(
        product=product, price=Decimal("55.00"), effective_from=MON, customer=special.customer
    )
    generate(MON, MON + dt.timedelta(days=1))
    prices = dict(Delivery.objects.filter(order=plain).values_list("date", "unit_price"))
    assert prices == {MON: Decimal("60.00"), MON + dt.timedelta(days=1): Decimal("64.00")}
    assert set(Delivery.objects.filter(order=special).values_list("unit_price", flat=True)) == {
        Decimal("55.00")
    }


def test_codes_are_consecutive_per_day():
    for _ in range(3):
        SubscriptionFactory(start_date=MON)
    generate(MON)
    codes = sorted(Delivery.objects.values_list("code", flat=True))
    assert codes == [f"DL-20260105-000{n}" for n in (1, 2, 3)]


def test_the_command_prints_a_summary_per_shift(capsys):
    SubscriptionFactory(start_date=MON, shift=Order.Shift.EVENING)
    call_command("generate_deliveries", "--date", MON.isoformat(), "--days", "2")
    out = capsys.readouterr().out
    assert "2026-01-05: created 1, updated 0, cancelled 0, unchanged 0" in out
    assert "evening: created 1" in out
    assert "2026-01-06: created 1" in out


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("generate_deliveries", "--date", "31-01-2026")


# --- racing a confirmation ----------------------------------------------------------
#
# The boy confirms a stop while generation brings today's rows up to date (a price
# change effective today, a route move). Forced order: the confirmation holds its row
# lock in an open transaction; generation starts and is seen waiting for that lock in
# PostgreSQL; then the confirmation commits. The confirmed row must come out untouched
# and generation must finish. (Before the fix, PostgreSQL re-checked only the UPDATE's
# own WHERE after the wait, not the "pending only" CTE: a delivered row went back to
# pending and the run failed on the status/quantity constraint; a not-delivered row
# silently lost its status.)


def _price_change(*, product, customer, today):
    # Setting a price re-prices the pending rows already generated: that is the update.
    return lambda: set_price(product=product, price=Decimal("65.00"), effective_from=today)


def _route_move(*, product, customer, today):
    other_boy = DeliveryBoyFactory()
    return lambda: assign_to_route(customer=customer, delivery_boy=other_boy)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trigger", [_price_change, _route_move], ids=["price", "route"])
@pytest.mark.parametrize(
    ("quantity", "reason", "status"),
    [
        ("2", "", Delivery.Status.DELIVERED),
        ("0", Delivery.Reason.CUSTOMER_AWAY, Delivery.Status.NOT_DELIVERED),
    ],
    ids=["delivered", "not-delivered"],
)
def test_generation_waiting_for_a_confirmation_leaves_it_untouched_and_finishes(
    trigger, quantity, reason, status
):
    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    milk = ProductFactory(price="60.00")
    order = SubscriptionFactory(product=milk, quantity=Decimal("2"), start_date=today)
    # A second line of the same customer that stays pending: generation must still move it.
    other = SubscriptionFactory(
        customer=order.customer, product=milk, quantity=Decimal("1"), start_date=today
    )
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=today)
    stop = Delivery.objects.get(order=order)
    regenerate = trigger(product=milk, customer=order.customer, today=today)
    by = Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user, user_agent="phone")

    confirmation = Holder(
        lambda: confirm_delivery(delivery=stop, delivered_qty=quantity, reason=reason, by=by),
        name="confirmation",
    )
    confirmation.start_and_hold()
    generation = Worker(regenerate, name="generation")
    generation.start()
    waited = wait_until_blocked(generation)
    confirmation.release()
    confirmation.finish()
    generation.finish()

    assert confirmation.error is None
    assert generation.error is None, f"generation failed: {generation.error!r}"
    confirmed = Delivery.objects.get(pk=stop.pk)
    assert (confirmed.status, confirmed.delivered_qty, confirmed.reason) == (
        status,
        Decimal(quantity),
        reason,
    )
    assert (confirmed.unit_price, confirmed.delivery_boy_id) == (stop.unit_price, boy.pk)
    assert confirmed.confirmed_user_agent == "phone"
    follower = Delivery.objects.get(order=other)
    assert follower.status == Delivery.Status.PENDING
    assert (follower.unit_price, follower.delivery_boy_id) != (stop.unit_price, boy.pk)
    assert waited == {"generation": True}, "generation never had to wait: nothing was forced"
