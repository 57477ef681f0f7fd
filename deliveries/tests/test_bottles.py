"""Bottles and crates: what goes out on confirmation, what comes back
(deliveries.services.bottles), and the balance derived from the rows
(deliveries.selectors_bottles)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deliveries.models import Delivery
from deliveries.selectors_bottles import (
    bottle_balances,
    bottle_balances_by_product,
    bottles_outstanding,
)
from deliveries.services import (
    Confirmer,
    assign_to_route,
    confirm_delivery,
    confirm_stop,
    generate_deliveries,
    undo_stop,
)
from deliveries.services.bottles import record_bottles_collected
from deliveries.services.rounds import Handover, confirm_round
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.bounds import MAX_BOTTLES
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def boy_confirmer(boy) -> Confirmer:
    return Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user)


def staff_confirmer() -> Confirmer:
    return Confirmer(via=Delivery.Via.STAFF)


@pytest.fixture
def boy():
    return DeliveryBoyFactory()


@pytest.fixture
def glass_milk():
    return ProductFactory(
        name="Milk 1 L glass bottle",
        returnable=True,
        container="glass bottle",
        deposit=Decimal("25.00"),
    )


def delivery_of(boy, product, quantity="2", day=None, customer=None) -> Delivery:
    day = day or today()
    extra = {"customer": customer} if customer is not None else {}
    order = SubscriptionFactory(
        start_date=day, quantity=Decimal(quantity), product=product, **extra
    )
    assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=day)
    return Delivery.objects.get(order=order, date=day)


def balance_of(customer_id: int) -> int:
    return bottle_balances(customer_ids=[customer_id])[customer_id]


# --- given on confirmation ----------------------------------------------------------------


def test_confirming_a_returnable_product_gives_one_bottle_per_unit(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk, quantity="2")
    confirm_delivery(delivery=delivery, delivered_qty="2", by=boy_confirmer(boy))
    delivery.refresh_from_db()
    assert delivery.bottles_given == 2
    assert balance_of(delivery.customer_id) == 2


def test_a_partial_unit_still_goes_out_in_a_bottle(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk, quantity="2")
    confirm_delivery(delivery=delivery, delivered_qty="1.5", by=boy_confirmer(boy))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.bottles_given) == (Delivery.Status.PARTIAL, 2)


def test_a_product_that_is_not_returnable_gives_no_bottles(boy):
    delivery = delivery_of(boy, ProductFactory(), quantity="2")
    confirm_delivery(delivery=delivery, delivered_qty="2", by=boy_confirmer(boy))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.bottles_given) == (Delivery.Status.DELIVERED, 0)
    assert balance_of(delivery.customer_id) == 0


def test_not_delivered_gives_no_bottles_and_a_correction_takes_them_back(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk, quantity="2")
    confirm_delivery(delivery=delivery, delivered_qty="2", by=boy_confirmer(boy))
    confirm_delivery(
        delivery=delivery, delivered_qty="0", reason="customer_away", by=boy_confirmer(boy)
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.bottles_given) == (Delivery.Status.NOT_DELIVERED, 0)


def test_undo_resets_the_bottles_given_but_keeps_the_empties_collected(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk, quantity="3")
    confirm_stop(quantities={delivery: Decimal("3")}, by=boy_confirmer(boy))
    record_bottles_collected(
        deliveries=[delivery], collected={delivery.pk: 1}, by=boy_confirmer(boy)
    )
    undo_stop(deliveries=[delivery], by=boy_confirmer(boy))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.bottles_given, delivery.bottles_collected) == (
        Delivery.Status.PENDING,
        0,
        1,
    )
    assert balance_of(delivery.customer_id) == -1


def test_a_round_confirmed_at_once_gives_bottles_too(boy, glass_milk):
    returnable = delivery_of(boy, glass_milk, quantity="2")
    plain = delivery_of(boy, ProductFactory(), quantity="1")
    confirm_round(
        handovers=[Handover(returnable, Decimal("2")), Handover(plain, Decimal("1"))],
        by=staff_confirmer(),
    )
    assert dict(
        Delivery.objects.filter(pk__in=[returnable.pk, plain.pk]).values_list("pk", "bottles_given")
    ) == {returnable.pk: 2, plain.pk: 0}


# --- collected ----------------------------------------------------------------------------


def test_collecting_empties_reduces_the_balance(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk, quantity="2")
    confirm_delivery(delivery=delivery, delivered_qty="2", by=boy_confirmer(boy))
    changed = record_bottles_collected(
        deliveries=[delivery], collected={str(delivery.pk): "2"}, by=boy_confirmer(boy)
    )
    assert [d.pk for d in changed] == [delivery.pk]
    assert balance_of(delivery.customer_id) == 0
    # The same count again changes nothing.
    assert (
        record_bottles_collected(
            deliveries=[delivery], collected={delivery.pk: 2}, by=boy_confirmer(boy)
        )
        == []
    )
    delivery.refresh_from_db()
    assert list(delivery.history.values_list("bottles_collected", flat=True))[:1] == [2]


def test_the_balance_is_the_sum_of_the_rows_over_days(boy, glass_milk):
    first_day = today() - dt.timedelta(days=2)
    order = SubscriptionFactory(start_date=first_day, quantity=Decimal("2"), product=glass_milk)
    assign_to_route(customer=order.customer, delivery_boy=boy)
    for offset in range(3):
        generate_deliveries(day=first_day + dt.timedelta(days=offset))
    rows = list(Delivery.objects.filter(order=order).order_by("date"))
    for row, collected in zip(rows, (0, 1, 2), strict=True):
        confirm_delivery(delivery=row, delivered_qty="2", by=staff_confirmer())
        record_bottles_collected(
            deliveries=[row], collected={row.pk: collected}, by=staff_confirmer()
        )
    rows = Delivery.objects.filter(order=order)
    expected = sum(r.bottles_given - r.bottles_collected for r in rows)
    assert expected == 6 - 3
    assert balance_of(order.customer_id) == expected
    # As of the first day only its own rows count.
    assert bottle_balances(customer_ids=[order.customer_id], on=first_day) == {order.customer_id: 2}
    by_product = bottle_balances_by_product(customer_ids=[order.customer_id])
    [line] = by_product[order.customer_id]
    assert (line.product, line.container, line.balance, line.deposit) == (
        "Milk 1 L glass bottle",
        "glass bottle",
        3,
        Decimal("25.00"),
    )


def test_balances_are_read_in_one_query_whatever_the_number_of_customers(
    boy, glass_milk, django_assert_num_queries
):
    deliveries = [delivery_of(boy, glass_milk, quantity="1") for _ in range(4)]
    confirm_stop(quantities={d: Decimal("1") for d in deliveries}, by=staff_confirmer())
    ids = [d.customer_id for d in deliveries] + [999_999]
    with django_assert_num_queries(1):
        balances = bottle_balances(customer_ids=ids)
    assert balances == {**{d.customer_id: 1 for d in deliveries}, 999_999: 0}
    with django_assert_num_queries(1):
        bottle_balances_by_product(customer_ids=ids)


# --- the service's bounds -----------------------------------------------------------------


@pytest.mark.parametrize("count", [-1, MAX_BOTTLES + 1, "two", "1.5", "", None, True, "9" * 5000])
def test_a_count_out_of_bounds_is_refused_and_nothing_is_written(boy, glass_milk, count):
    delivery = delivery_of(boy, glass_milk)
    with pytest.raises(ValidationError):
        record_bottles_collected(
            deliveries=[delivery], collected={delivery.pk: count}, by=boy_confirmer(boy)
        )
    delivery.refresh_from_db()
    assert delivery.bottles_collected == 0


def test_all_counts_of_a_stop_or_none(boy, glass_milk):
    first = delivery_of(boy, glass_milk)
    second = delivery_of(boy, glass_milk)
    with pytest.raises(ValidationError):
        record_bottles_collected(
            deliveries=[first, second],
            collected={first.pk: 2, second.pk: MAX_BOTTLES + 1},
            by=boy_confirmer(boy),
        )
    assert not Delivery.objects.filter(bottles_collected__gt=0).exists()


def test_a_delivery_outside_the_stop_is_refused(boy, glass_milk):
    mine = delivery_of(boy, glass_milk)
    other = delivery_of(boy, glass_milk)
    with pytest.raises(ValidationError, match="not on this stop"):
        record_bottles_collected(deliveries=[mine], collected={other.pk: 1}, by=boy_confirmer(boy))
    assert not Delivery.objects.filter(bottles_collected__gt=0).exists()


def test_empties_are_counted_only_on_a_returnable_product(boy):
    delivery = delivery_of(boy, ProductFactory(name="Curd 500 g"))
    with pytest.raises(ValidationError, match="does not come in a returnable bottle"):
        record_bottles_collected(
            deliveries=[delivery], collected={delivery.pk: 1}, by=boy_confirmer(boy)
        )


def test_a_delivery_boy_counts_only_today_and_staff_the_past_too(boy, glass_milk):
    yesterday = delivery_of(boy, glass_milk, day=today() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="only today's bottles"):
        record_bottles_collected(
            deliveries=[yesterday], collected={yesterday.pk: 1}, by=boy_confirmer(boy)
        )
    record_bottles_collected(
        deliveries=[yesterday], collected={yesterday.pk: 1}, by=staff_confirmer()
    )
    yesterday.refresh_from_db()
    assert yesterday.bottles_collected == 1


def test_nobody_counts_a_day_still_to_come(boy, glass_milk):
    tomorrow = delivery_of(boy, glass_milk, day=today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="still to come"):
        record_bottles_collected(
            deliveries=[tomorrow], collected={tomorrow.pk: 1}, by=staff_confirmer()
        )


def test_a_cancelled_delivery_takes_no_count(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        record_bottles_collected(
            deliveries=[delivery], collected={delivery.pk: 1}, by=staff_confirmer()
        )


# --- the database's rules -----------------------------------------------------------------


def test_the_database_refuses_a_negative_count(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk)
    for field in ("bottles_given", "bottles_collected"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(**{field: -1})
    delivery.bottles_collected = -1
    with pytest.raises(ValidationError):
        delivery.full_clean()


def test_the_database_refuses_bottles_given_beyond_what_was_handed_over(boy, glass_milk):
    delivery = delivery_of(boy, glass_milk, quantity="2")
    # Pending: nothing handed over, so no bottle may go out.
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(bottles_given=1)
    confirm_delivery(delivery=delivery, delivered_qty="1.5", by=boy_confirmer(boy))
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(bottles_given=3)
    delivery.refresh_from_db()
    delivery.bottles_given = 3
    with pytest.raises(ValidationError):
        delivery.full_clean()


# --- the report's selector ----------------------------------------------------------------


def test_outstanding_bottles_per_customer_and_route_with_the_deposit_held(glass_milk):
    crate = ProductFactory(name="Curd crate", returnable=True, container="crate", deposit=100)
    north, south = DeliveryBoyFactory(name="Ravi"), DeliveryBoyFactory(name="Suresh")
    a = delivery_of(north, glass_milk, quantity="3")
    b = delivery_of(north, crate, quantity="1")
    c = delivery_of(south, glass_milk, quantity="2")
    settled = delivery_of(south, glass_milk, quantity="1")
    confirm_stop(quantities={d: d.ordered_qty for d in (a, b, c, settled)}, by=staff_confirmer())
    record_bottles_collected(
        deliveries=[a, settled], collected={a.pk: 1, settled.pk: 1}, by=staff_confirmer()
    )

    report = bottles_outstanding()
    rows = {row.customer_id: (row.route, row.bottles, row.deposit_held) for row in report.rows}
    assert rows == {
        a.customer_id: ("Ravi", 2, Decimal("50.00")),
        b.customer_id: ("Ravi", 1, Decimal("100.00")),
        c.customer_id: ("Suresh", 2, Decimal("50.00")),
    }
    routes = {r.route: (r.customers, r.bottles, r.deposit_held) for r in report.routes}
    assert routes == {"Ravi": (2, 3, Decimal("150.00")), "Suresh": (1, 2, Decimal("50.00"))}
    assert (report.customers, report.bottles, report.deposit_held) == (3, 5, Decimal("200.00"))

    only_south = bottles_outstanding(delivery_boy=south.pk)
    assert [row.customer_id for row in only_south.rows] == [c.customer_id]
