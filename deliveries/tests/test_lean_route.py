"""The delivery boy's route read lean (route_rows, issue 18): the same stops, in
the same order, with the same state tokens, holds and bottle balances as
route_with_holds and the selectors it replaces on his page, in one query."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries import holds, route_rows, selectors, stop_extras
from deliveries.models import Delivery, Hold, RouteStop
from deliveries.selectors_bottles import bottle_balances
from deliveries.selectors_boy import route_page, stop_token
from deliveries.services import Confirmer, assign_to_route, confirm_stop, generate_deliveries
from deliveries.services.bottles import record_bottles_collected
from deliveries.tests.factories import DeliveryBoyFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def route():
    """A route of 6 stops: two products on some (sort order apart from id order), one
    held, one with a cancelled delivery, one confirmed partly and one with bottles, plus
    a stop of another boy's and an evening stop that are not his morning's."""
    boy = DeliveryBoyFactory()
    late = ProductFactory(name="Curd 200 g", sort_order=9)
    early = ProductFactory(
        name="Milk 1 L glass", sort_order=1, returnable=True, container="glass bottle"
    )
    customers = []
    for n in range(6):
        customer = CustomerFactory(name=f"Stop {n}", opening_balance=Decimal(100 * n - 200))
        SubscriptionFactory(customer=customer, product=late, start_date=today())
        if n % 2 == 0:
            SubscriptionFactory(customer=customer, product=early, start_date=today())
        assign_to_route(customer=customer, delivery_boy=boy)
        customers.append(customer)
    other = CustomerFactory()
    SubscriptionFactory(customer=other, product=late, start_date=today())
    assign_to_route(customer=other, delivery_boy=DeliveryBoyFactory())
    evening = CustomerFactory()
    SubscriptionFactory(customer=evening, product=late, start_date=today(), shift="evening")
    assign_to_route(customer=evening, delivery_boy=boy)
    with holds.registered(lambda day, needs: {customers[3].pk: Hold.Reason.LOW_BALANCE}):
        generate_deliveries(day=today())
    Delivery.objects.filter(customer=customers[4], product=late).update(
        status=Delivery.Status.CANCELLED
    )
    by = Confirmer(via=Delivery.Via.DELIVERY_BOY, user=boy.user)
    (partial,) = Delivery.objects.filter(customer=customers[1])
    confirm_stop(quantities={partial: partial.ordered_qty / 2}, by=by)
    glass = Delivery.objects.filter(customer=customers[2], product=early)
    confirm_stop(
        quantities={d: d.ordered_qty for d in Delivery.objects.filter(customer=customers[2])},
        by=by,
    )
    record_bottles_collected(deliveries=list(glass), collected={glass[0].pk: 3}, by=by)
    # Positions out of id order: the route's order is the positions'.
    RouteStop.objects.filter(customer=customers[0]).update(position=99)
    return boy, customers


def lean(boy, **more):
    return route_rows.every_stop(delivery_boy_id=boy.pk, day=today(), shift="morning", **more)


def shape(stops) -> list[tuple]:
    return [
        (
            stop.customer.pk,
            stop.position,
            stop.hold.reason if stop.hold else None,
            [d.pk for d in stop.deliveries],
            stop.is_done,
            stop_token(stop.deliveries),
        )
        for stop in stops
    ]


def test_it_reads_the_stops_route_with_holds_reads_in_the_same_order_and_state(route):
    boy, customers = route
    expected = selectors.route_with_holds(delivery_boy=boy, day=today(), shift="morning")
    assert shape(lean(boy)) == shape(expected)
    assert [s.customer.pk for s in expected] == [c.pk for c in customers[1:]] + [customers[0].pk]
    assert any(s.hold and not s.deliveries for s in expected)  # the held one is there
    two = next(s for s in lean(boy) if s.customer.pk == customers[0].pk)
    assert [d.product.name for d in two.deliveries] == ["Milk 1 L glass", "Curd 200 g"]


def test_its_state_token_is_the_one_the_sync_checks_against(route):
    boy, customers = route
    stops = {s.customer.pk: s for s in lean(boy)}
    for customer in customers[1:3]:  # confirmed partly; confirmed with bottles back
        models = Delivery.objects.filter(customer=customer).exclude(status="cancelled")
        assert stop_token(stops[customer.pk].deliveries) == stop_token(models)


def test_each_stop_has_its_bottle_balance_and_only_the_stops_asked_for(route):
    boy, customers = route
    stops = lean(boy)
    balances = bottle_balances(customer_ids=[s.customer.pk for s in stops])
    assert {s.customer.pk: s.bottle_balance for s in stops} == balances
    assert balances[customers[2].pk] == -2  # one given, three back
    asked = {customers[2].pk, customers[3].pk}
    assert {s.customer.pk for s in lean(boy, customer_ids=asked)} == asked


def test_the_page_reads_the_route_and_what_each_stop_needs_in_one_query(route):
    boy, customers = route
    with CaptureQueriesContext(connection) as queries:
        page = route_page(delivery_boy=boy, day=today(), shift="morning")
    assert len(queries.captured_queries) == 1
    assert next(s.returnable for s in page.stops if s.customer.pk == customers[0].pk)
    assert page.done == 2 and page.to_deliver == 5


def test_an_extra_given_only_in_python_is_still_asked_once_per_page(route):
    boy, customers = route
    asked = []

    def provider(ids):
        asked.append(list(ids))
        return {customers[1].pk: Decimal("12.50")}

    with stop_extras.registered(**{stop_extras.AMOUNT_DUE: provider}):
        page = route_page(delivery_boy=boy, day=today(), shift="morning")
    assert len(asked) == 1
    assert {s.customer.pk: s.due for s in page.stops if s.due} == {
        customers[1].pk: Decimal("12.50")
    }
