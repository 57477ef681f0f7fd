import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.selectors import procurement_for, route_for
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 2, 10)


def route_with(stops: int, *, boy=None, product=None):
    boy = boy or DeliveryBoyFactory()
    product = product or ProductFactory()
    for _ in range(stops):
        order = SubscriptionFactory(start_date=DAY, product=product)
        assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=DAY)
    return boy


@pytest.fixture
def support(client):
    user = UserFactory(roles=[roles.SUPPORT])
    client.force_login(user)
    return user


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


def test_opening_a_sheet_for_a_day_with_no_rows_generates_them(client, support):
    boy = DeliveryBoyFactory()
    order = SubscriptionFactory(start_date=DAY)
    assign_to_route(customer=order.customer, delivery_boy=boy)
    assert not Delivery.objects.exists()
    response = client.get(
        reverse("deliveries:daily_sheet", args=[boy.pk]),
        {"date": DAY.isoformat(), "shift": "morning"},
    )
    assert order.customer.name in response.content.decode()
    assert Delivery.objects.filter(order=order, date=DAY).count() == 1


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


def test_procurement_totals_per_product_area_and_delivery_boy(client, support):
    milk = ProductFactory(name="Milk 1 L")
    boy = route_with(3, product=milk)
    OneTimeOrderFactory(product=milk, quantity=Decimal("2"), delivery_date=DAY)
    generate_deliveries(day=DAY)
    tables = procurement_for(day=DAY)
    assert [(r.product, r.quantity) for r in tables["product"]] == [("Milk 1 L", Decimal("5.000"))]
    by_boy = {r.group: r.quantity for r in tables["delivery boy"]}
    assert by_boy == {boy.name: Decimal("3.000"), "—": Decimal("2.000")}
    response = client.get(
        reverse("deliveries:procurement"), {"date": DAY.isoformat(), "format": "csv"}
    )
    assert "product,All,Milk 1 L,litre,5.000" in response.content.decode().replace("\r", "")


def test_the_procurement_command_prints_the_totals(capsys):
    route_with(2, product=ProductFactory(name="Toned milk"))
    call_command("procurement", "--date", DAY.isoformat())
    out = capsys.readouterr().out
    assert "Toned milk" in out and "2.000 litre" in out


def test_staff_correct_a_past_delivery_and_it_is_attributed(client, support):
    boy = route_with(1)
    delivery = Delivery.objects.get()
    url = reverse("deliveries:correct", args=[delivery.pk])
    response = client.post(url, {"delivered_qty": "0.5"})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty) == ("partial", Decimal("0.5"))
    assert (delivery.confirmed_via, delivery.confirmed_by) == ("staff", support)
    assert delivery.delivery_boy == boy


def test_a_correction_above_ordered_is_a_form_error_and_writes_nothing(client, support):
    route_with(1)
    delivery = Delivery.objects.get()
    response = client.post(
        reverse("deliveries:correct", args=[delivery.pk]), {"delivered_qty": "9"}
    )
    assert "must be between 0 and the 1 ordered" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING


def test_accounts_staff_cannot_correct_deliveries(client):
    route_with(1)
    client.force_login(UserFactory(roles=[roles.ACCOUNTS]))
    delivery = Delivery.objects.get()
    response = client.post(
        reverse("deliveries:correct", args=[delivery.pk]), {"delivered_qty": "1"}
    )
    assert response.status_code == 404
    assert Delivery.objects.get().status == Delivery.Status.PENDING
