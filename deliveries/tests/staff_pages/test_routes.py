"""Routes: their stops in order, moving and assigning stops, who may see and edit them."""

import pytest
from django.urls import reverse

from customers.selectors import customers_visible_to
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.selectors import route_for
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.staff_pages import DAY, route_with
from earlybird import roles
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_the_route_lists_stops_in_route_order_with_their_products():
    boy = DeliveryBoyFactory()
    milk, curd = ProductFactory(name="Milk"), ProductFactory(name="Curd")
    late, early = CustomerFactory(name="Late"), CustomerFactory(name="Early")
    SubscriptionFactory(customer=late, product=milk, start_date=DAY)
    SubscriptionFactory(customer=early, product=milk, start_date=DAY)
    OneTimeOrderFactory(customer=early, product=curd, delivery_date=DAY)
    assign_to_route(customer=early, delivery_boy=boy)
    assign_to_route(customer=late, delivery_boy=boy)
    generate_deliveries(day=DAY)

    stops = route_for(delivery_boy=boy, day=DAY, shift=Order.Shift.MORNING)
    assert [(s.position, s.customer.name) for s in stops] == [(1, "Early"), (2, "Late")]
    assert sorted(d.product.name for d in stops[0].deliveries) == ["Curd", "Milk"]


@pytest.mark.parametrize("stops", [5, 200])
def test_the_route_selector_runs_a_fixed_number_of_queries(stops, django_assert_num_queries):
    boy = route_with(stops)
    with django_assert_num_queries(1):
        route = route_for(delivery_boy=boy, day=DAY, shift=Order.Shift.MORNING)
        names = [(s.customer.area.name, d.product.name) for s in route for d in s.deliveries]
    assert len(names) == stops


@pytest.mark.parametrize("stops", [5, 200])
def test_the_daily_sheet_runs_a_fixed_number_of_queries(
    stops, client, support, django_assert_max_num_queries
):
    boy = route_with(stops)
    url = reverse("deliveries:daily_sheet", args=[boy.pk])
    with django_assert_max_num_queries(8):
        response = client.get(url, {"date": DAY.isoformat(), "shift": "morning"})
    assert response.content.decode().count('class="tick"') == stops


@pytest.mark.parametrize("stops", [5, 200])
def test_the_route_page_runs_a_fixed_number_of_queries(
    stops, client, support, django_assert_max_num_queries
):
    boy = route_with(stops)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("deliveries:route_detail", args=[boy.pk]))
    assert response.content.decode().count("Move to</button>") == stops


def test_staff_move_a_stop_up_down_and_to_a_position(client, support):
    boy = route_with(3)
    stops = list(boy.stops.order_by("position"))
    url = lambda stop: reverse("deliveries:route_move", args=[stop.pk])  # noqa: E731
    client.post(url(stops[2]), {"direction": "up"})
    client.post(url(stops[0]), {"position": "3"})
    order = list(boy.stops.order_by("position").values_list("customer_id", flat=True))
    assert order == [stops[2].customer_id, stops[1].customer_id, stops[0].customer_id]


def test_a_bad_position_is_a_message_and_changes_nothing(client, support):
    boy = route_with(2)
    stop = boy.stops.get(position=1)
    response = client.post(
        reverse("deliveries:route_move", args=[stop.pk]), {"position": "0"}, follow=True
    )
    assert "Positions start at 1." in response.content.decode()
    stop.refresh_from_db()
    assert stop.position == 1


def test_staff_assign_a_customer_to_a_route(client, support):
    boy = DeliveryBoyFactory()
    customer = CustomerFactory()
    client.post(reverse("deliveries:route_assign", args=[boy.pk]), {"customer": customer.pk})
    assert customer.route_stop.delivery_boy == boy


@pytest.mark.parametrize(
    ("role", "expected"),
    [(roles.SUPPORT, 200), (roles.ACCOUNTS, 404), (roles.DELIVERY_BOY, 404), (roles.CUSTOMER, 404)],
)
def test_only_route_editors_may_change_routes(client, role, expected):
    boy = route_with(1)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("deliveries:route_detail", args=[boy.pk])).status_code == expected
    stop = boy.stops.get()
    response = client.post(reverse("deliveries:route_move", args=[stop.pk]), {"position": "1"})
    assert response.status_code == (302 if expected == 200 else 404)


def test_delivery_boys_and_customers_get_a_404_for_the_sheet_and_anonymous_a_login(client):
    boy = route_with(1)
    url = reverse("deliveries:daily_sheet", args=[boy.pk])
    assert client.get(url).url.startswith(reverse("login"))
    client.force_login(boy.user)
    assert client.get(url).status_code == 404


# --- who sees which customer, and the order of the stops ---------------------------------


def test_each_role_sees_only_the_customers_it_should():
    marketer = UserFactory(roles=[roles.MARKETING])
    accountant = UserFactory(roles=[roles.ACCOUNTS])
    outsider = UserFactory()
    mine = CustomerFactory(marketing_staff=marketer)
    theirs = CustomerFactory()
    boy = DeliveryBoyFactory()
    assign_to_route(customer=theirs, delivery_boy=boy)

    assert set(customers_visible_to(accountant)) == {mine, theirs}
    assert list(customers_visible_to(marketer)) == [mine]
    assert list(customers_visible_to(boy.user)) == [theirs]
    assert list(customers_visible_to(mine.user)) == [mine]
    assert not customers_visible_to(outsider).exists()


def test_moving_a_stop_into_the_middle_of_a_route_shifts_the_later_stops():
    boy = DeliveryBoyFactory()
    first, second, newcomer = CustomerFactory(), CustomerFactory(), CustomerFactory()
    assign_to_route(customer=first, delivery_boy=boy)
    assign_to_route(customer=second, delivery_boy=boy)
    assign_to_route(customer=newcomer, delivery_boy=boy, position=1)
    order = list(boy.stops.order_by("position").values_list("customer_id", "position"))
    assert order == [(newcomer.pk, 1), (first.pk, 2), (second.pk, 3)]
