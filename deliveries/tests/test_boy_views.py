from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def route_of(boy, stops: int, *, quantity="2", products=1):
    today = timezone.localdate()
    items = [ProductFactory() for _ in range(products)]
    customers = []
    for _ in range(stops):
        customer = CustomerFactory()
        for product in items:
            SubscriptionFactory(
                customer=customer, product=product, start_date=today, quantity=Decimal(quantity)
            )
        assign_to_route(customer=customer, delivery_boy=boy)
        customers.append(customer)
    generate_deliveries(day=today)
    return customers


@pytest.fixture
def boy(client):
    boy = DeliveryBoyFactory()
    client.force_login(boy.user)
    return boy


def confirm(client, customer, **data):
    data.setdefault("shift", "morning")
    return client.post(reverse("boy:confirm", args=[customer.pk]), data, follow=True)


def test_a_delivery_boy_logs_in_with_his_phone_number(client):
    boy = DeliveryBoyFactory(phone="+91 90000 12345", password="Route-2026!")
    response = client.post(
        reverse("boy:login"), {"username": "090000 12345", "password": "Route-2026!"}
    )
    assert response.url == reverse("boy:route")
    assert int(client.session["_auth_user_id"]) == boy.user.pk


def test_the_route_shows_his_stops_in_order_with_progress(client, boy):
    first, second = route_of(boy, 2)
    other = DeliveryBoyFactory()
    stranger = route_of(other, 1)[0]
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert page.index(first.name) < page.index(second.name)
    assert stranger.name not in page
    assert "0 of 2" in page
    assert f"tel:+91{first.phone}" in page


def test_delivered_partial_and_not_delivered_taps(client, boy):
    full, part, none = route_of(boy, 3)
    confirm(client, full, action="delivered")
    part_delivery = Delivery.objects.get(customer=part)
    confirm(client, part, action="partial", **{f"qty_{part_delivery.pk}": "1.5"})
    page = confirm(client, none, action="not_delivered", reason="address_locked").content.decode()
    statuses = dict(Delivery.objects.values_list("customer_id", "status"))
    assert statuses == {full.pk: "delivered", part.pk: "partial", none.pk: "not_delivered"}
    assert "3 of 3" in page
    assert set(Delivery.objects.values_list("confirmed_by", flat=True)) == {boy.user.pk}


def test_a_quantity_above_ordered_is_refused_with_a_message_and_no_row_changes(client, boy):
    customer = route_of(boy, 1)[0]
    delivery = Delivery.objects.get(customer=customer)
    before = Delivery.objects.filter(pk=delivery.pk).values().get()
    page = confirm(client, customer, action="partial", **{f"qty_{delivery.pk}": "5"})
    assert "at most 2 was ordered" in page.content.decode()
    assert Delivery.objects.filter(pk=delivery.pk).values().get() == before


def test_not_delivered_without_a_reason_is_refused(client, boy):
    customer = route_of(boy, 1)[0]
    page = confirm(client, customer, action="not_delivered").content.decode()
    assert "Choose why it was not delivered." in page
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_it_404s_for_another_delivery_boys_stop(client, boy):
    stranger = route_of(DeliveryBoyFactory(), 1)[0]
    assert confirm(client, stranger, action="delivered").status_code == 404
    assert (
        client.post(reverse("boy:undo", args=[stranger.pk]), {"shift": "morning"}).status_code
        == 404
    )
    assert Delivery.objects.get(customer=stranger).status == Delivery.Status.PENDING


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.CUSTOMER])
def test_staff_and_customers_get_a_404_on_the_delivery_view(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("boy:route")).status_code == 404


def test_anonymous_users_are_sent_to_the_delivery_login(client):
    assert client.get(reverse("boy:route")).url.startswith(reverse("boy:login"))


def test_undo_a_stop_confirmed_by_mistake(client, boy):
    customer = route_of(boy, 1)[0]
    confirm(client, customer, action="delivered")
    client.post(reverse("boy:undo", args=[customer.pk]), {"shift": "morning"})
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_tomorrow_lists_tomorrows_deliveries_without_buttons(client, boy):
    customer = route_of(boy, 1)[0]
    generate_deliveries(day=timezone.localdate() + timedelta(days=1))  # the evening job
    page = client.get(reverse("boy:tomorrow")).content.decode()
    assert customer.name in page
    assert 'value="delivered"' not in page


def test_a_day_with_nothing_generated_says_so_and_is_not_generated(client, boy):
    customer = route_of(boy, 1)[0]  # today only
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client.get(reverse("boy:tomorrow")).content.decode()
    assert f"Nothing generated for {tomorrow:%a} {tomorrow.day} {tomorrow:%b} yet" in page
    assert customer.name not in page
    assert not Delivery.objects.filter(date=tomorrow).exists()


def test_a_generated_day_with_nothing_on_his_route_says_nothing_to_deliver(client, boy):
    route_of(boy, 1)
    page = client.get(reverse("boy:route"), {"shift": "evening"}).content.decode()
    assert "Nothing to deliver this evening." in page
    assert "Nothing generated" not in page


@pytest.mark.parametrize("stops", [5, 200])
def test_the_route_page_runs_a_constant_number_of_queries(
    client, boy, stops, django_assert_max_num_queries
):
    route_of(boy, stops, products=2)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert f"0 of {stops}" in page
