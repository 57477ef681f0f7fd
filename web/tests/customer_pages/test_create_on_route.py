"""A new customer put on a delivery boy's route at a chosen stop, in the same form and the
same transaction as the customer and the first subscription
(deliveries.services.routes.create_customer_on_route)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery, DeliveryBoy, RouteStop
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import Order
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.customer_pages import login, staff, today
from web.tests.customer_pages.test_create import create_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def mahesh():
    """Mahesh's route: Anu, Bala, Chitra."""
    boy = DeliveryBoyFactory(name="Mahesh")
    for name in ("Anu", "Bala", "Chitra"):
        assign_to_route(customer=CustomerFactory(name=name), delivery_boy=boy)
    return boy


def route_of(boy: DeliveryBoy) -> list[str]:
    stops = RouteStop.objects.filter(delivery_boy=boy).select_related("customer")
    return [stop.customer.name for stop in stops.order_by("position")]


def test_support_puts_the_new_customer_at_the_chosen_stop(client, mahesh):
    milk = ProductFactory(name="Buffalo milk")
    login(client, staff(roles.SUPPORT))
    form = client.get(reverse("customers:create")).content.decode()
    assert f'<option value="{mahesh.pk}">Mahesh · 3 stops</option>' in form

    response = client.post(
        reverse("customers:create"),
        create_data(route=mahesh.pk, route_position="2", sub_product=milk.pk, sub_quantity="1"),
        follow=True,
    )

    assert route_of(mahesh) == ["Anu", "Deepa Nair", "Bala", "Chitra"]
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "with subscription SU-" in shown and "stop 2 on Mahesh's route" in shown
    assert Customer.objects.get(name="Deepa Nair").orders.get().kind == Order.Kind.SUBSCRIPTION


def test_days_already_generated_bring_the_new_subscription_on_that_route(client, mahesh):
    milk = ProductFactory()
    tomorrow = today() + dt.timedelta(days=1)
    anu = RouteStop.objects.get(delivery_boy=mahesh, position=1).customer
    SubscriptionFactory(customer=anu, product=milk, start_date=today())
    generate_deliveries(day=tomorrow)  # the evening run has already made tomorrow's list
    login(client, staff(roles.SUPPORT))

    client.post(
        reverse("customers:create"),
        create_data(route=mahesh.pk, sub_product=milk.pk, sub_quantity="2"),
    )

    delivery = Delivery.objects.get(customer__name="Deepa Nair")
    assert (delivery.date, delivery.delivery_boy, delivery.ordered_qty) == (
        tomorrow,
        mahesh,
        Decimal("2.000"),
    )
    assert route_of(mahesh)[-1] == "Deepa Nair"  # no stop number: at the end


def test_a_stop_number_past_the_last_stop_is_the_end(client, mahesh):
    login(client, staff(roles.ADMIN))
    client.post(reverse("customers:create"), create_data(route=mahesh.pk, route_position="40"))
    assert RouteStop.objects.get(customer__name="Deepa Nair").position == 4


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"route_position": "2"}, "route", "Choose whose route this stop number is on."),
        ({"route": "ROUTE", "route_position": "0"}, "route_position", "Stop numbers start at 1."),
        ({"route": "ROUTE", "route_position": "x"}, "route_position", "Enter a stop number"),
        ({"route": "ROUTE", "route_position": "10000"}, "route_position", "at most 9999"),
        ({"route": "RETIRED"}, "route", "That route is not running any more"),
    ],
)
def test_a_route_mistake_says_what_is_wrong_and_writes_nothing(client, mahesh, data, field, words):
    retired = DeliveryBoyFactory(name="Old Raju")
    DeliveryBoy.objects.filter(pk=retired.pk).update(is_active=False)
    values = {"ROUTE": mahesh.pk, "RETIRED": retired.pk}
    login(client, staff(roles.SUPPORT))

    response = client.post(
        reverse("customers:create"),
        create_data(**{k: values.get(v, v) for k, v in data.items()}),
    )

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not Customer.objects.filter(name="Deepa Nair").exists()
    assert route_of(mahesh) == ["Anu", "Bala", "Chitra"]


def test_a_marketer_does_not_arrange_routes(client, marketer, mahesh):
    login(client, marketer)

    page = client.get(reverse("customers:create")).content.decode()
    client.post(reverse("customers:create"), create_data(route=mahesh.pk, route_position="1"))

    assert 'name="route"' not in page and 'name="route_position"' not in page
    assert Customer.objects.filter(name="Deepa Nair").exists()
    assert route_of(mahesh) == ["Anu", "Bala", "Chitra"]  # what was sent is ignored


def test_if_the_subscription_is_refused_nobody_joins_the_route(client, mahesh, monkeypatch):
    from orders.services import placing

    milk = ProductFactory(name="Old milk")
    real = placing.create_subscription

    def withdrawn_meanwhile(**kwargs):
        milk.is_active = False
        return real(**{**kwargs, "lines": [placing.LineSpec(milk, Decimal(1))]})

    monkeypatch.setattr(placing, "create_subscription", withdrawn_meanwhile)
    login(client, staff(roles.SUPPORT))

    response = client.post(
        reverse("customers:create"),
        create_data(route=mahesh.pk, route_position="1", sub_product=milk.pk, sub_quantity="1"),
    )

    assert "Old milk is no longer sold." in response.context["form"].errors["sub_quantity"]
    assert not Customer.objects.filter(name="Deepa Nair").exists()
    assert route_of(mahesh) == ["Anu", "Bala", "Chitra"]
