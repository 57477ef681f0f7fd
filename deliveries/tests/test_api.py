"""API on deliveries: a delivery boy's route and confirmations, staff lists and
corrections, a customer's own deliveries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def route_of(boy, stops: int, *, day=None, quantity="2", generate=True):
    """`stops` customers on the boy's route, each with a daily morning subscription."""
    day = day or timezone.localdate()
    product = ProductFactory()
    customers = []
    for _ in range(stops):
        customer = CustomerFactory()
        SubscriptionFactory(
            customer=customer, product=product, start_date=day, quantity=Decimal(quantity)
        )
        assign_to_route(customer=customer, delivery_boy=boy)
        customers.append(customer)
    if generate:
        generate_deliveries(day=day)
    return customers


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.fixture
def boy():
    return DeliveryBoyFactory()


def confirm_url(delivery) -> str:
    return reverse("api:delivery-confirm", args=[delivery.pk])


class TestRoute:
    def test_a_delivery_boy_gets_his_stops_in_order_with_their_deliveries(self, boy):
        first, second = route_of(boy, 2)
        stranger = route_of(DeliveryBoyFactory(), 1)[0]
        response = client_for(boy.user).get(reverse("api:route"), {"shift": "morning"})
        assert response.status_code == 200
        route = response.json()
        assert route["date"] == str(timezone.localdate())
        assert [stop["customer"]["code"] for stop in route["stops"]] == [first.code, second.code]
        assert stranger.code not in str(route)
        delivery = route["stops"][0]["deliveries"][0]
        assert (delivery["ordered_qty"], delivery["status"]) == ("2.000", "pending")
        assert route["stops"][0]["is_done"] is False

    def test_reading_a_day_not_generated_yet_shows_no_stops_and_writes_nothing(self, boy):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        route_of(boy, 1, day=tomorrow, generate=False)
        url = reverse("api:route")
        response = client_for(boy.user).get(url, {"date": str(tomorrow), "shift": "morning"})
        assert (response.status_code, response.json()["stops"]) == (200, [])
        assert not Delivery.objects.filter(date=tomorrow).exists()
        generate_deliveries(day=tomorrow)  # the evening job
        response = client_for(boy.user).get(url, {"date": str(tomorrow), "shift": "morning"})
        assert len(response.json()["stops"]) == 1

    def test_other_days_are_a_400_on_the_date(self, boy):
        response = client_for(boy.user).get(
            reverse("api:route"), {"date": str(timezone.localdate() - dt.timedelta(days=1))}
        )
        assert response.status_code == 400
        assert "date" in response.json()

    @pytest.mark.parametrize("role", [roles.SUPPORT, roles.ADMIN, roles.CUSTOMER])
    def test_anyone_but_a_delivery_boy_is_refused(self, role):
        assert client_for(UserFactory(roles=[role])).get(reverse("api:route")).status_code == 403

    def test_an_inactive_delivery_boy_is_refused(self, boy):
        boy.is_active = False
        boy.save()
        assert client_for(boy.user).get(reverse("api:route")).status_code == 403

    def test_its_query_count_does_not_grow_with_the_stops(self, boy):
        client = client_for(boy.user)
        route_of(boy, 2)
        few = count_queries(client, reverse("api:route"), {"shift": "morning"})
        route_of(boy, 10)
        assert count_queries(client, reverse("api:route"), {"shift": "morning"}) == few


class TestConfirm:
    def test_a_delivery_boy_confirms_his_delivery_and_it_is_attributed_to_him(self, boy):
        customer = route_of(boy, 1)[0]
        delivery = Delivery.objects.get(customer=customer)
        token = Token.objects.create(user=boy.user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(
            confirm_url(delivery),
            {"delivered_qty": "1.5"},
            format="json",
            REMOTE_ADDR="10.1.2.3",
            HTTP_USER_AGENT="EarlyBird/1.0 (Android)",
        )
        assert response.status_code == 200, response.json()
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.PARTIAL
        assert delivery.delivered_qty == Decimal("1.5")
        assert delivery.confirmed_via == Delivery.Via.DELIVERY_BOY
        assert delivery.confirmed_by == boy.user
        assert delivery.confirmed_ip == "10.1.2.3"
        assert delivery.confirmed_user_agent == "EarlyBird/1.0 (Android)"
        assert response.json()["status"] == "partial"
        assert response.json()["confirmed_via"] == "delivery_boy"

    def test_not_delivered_needs_a_reason(self, boy):
        delivery = Delivery.objects.get(customer=route_of(boy, 1)[0])
        client = client_for(boy.user)
        response = client.post(confirm_url(delivery), {"delivered_qty": "0"}, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()
        response = client.post(
            confirm_url(delivery), {"delivered_qty": "0", "reason": "customer_away"}, format="json"
        )
        assert response.status_code == 200
        delivery.refresh_from_db()
        assert (delivery.status, delivery.reason) == ("not_delivered", "customer_away")

    def test_more_than_ordered_is_a_400_on_the_quantity_and_nothing_changes(self, boy):
        delivery = Delivery.objects.get(customer=route_of(boy, 1, quantity="2")[0])
        response = client_for(boy.user).post(
            confirm_url(delivery), {"delivered_qty": "3"}, format="json"
        )
        assert response.status_code == 400
        assert "between 0 and the 2 ordered" in response.json()["delivered_qty"][0]
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.PENDING

    def test_another_delivery_boys_delivery_is_a_404(self, boy):
        theirs = Delivery.objects.get(customer=route_of(DeliveryBoyFactory(), 1)[0])
        response = client_for(boy.user).post(
            confirm_url(theirs), {"delivered_qty": "2"}, format="json"
        )
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.status == Delivery.Status.PENDING

    def test_a_delivery_boy_may_not_confirm_another_day(self, boy):
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        delivery = Delivery.objects.get(customer=route_of(boy, 1, day=yesterday)[0])
        response = client_for(boy.user).post(
            confirm_url(delivery), {"delivered_qty": "2"}, format="json"
        )
        assert response.status_code == 400
        assert "only today's" in response.json()["non_field_errors"][0]

    def test_support_corrects_a_past_delivery_as_staff(self, boy):
        support = UserFactory(roles=[roles.SUPPORT])
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        delivery = Delivery.objects.get(customer=route_of(boy, 1, day=yesterday)[0])
        response = client_for(support).post(
            confirm_url(delivery), {"delivered_qty": "2"}, format="json"
        )
        assert response.status_code == 200
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.DELIVERED
        assert (delivery.confirmed_via, delivery.confirmed_by) == ("staff", support)

    @pytest.mark.parametrize("role", [roles.ACCOUNTS, roles.MARKETING, roles.CUSTOMER])
    def test_other_roles_may_not_confirm(self, boy, role):
        delivery = Delivery.objects.get(customer=route_of(boy, 1)[0])
        response = client_for(UserFactory(roles=[role])).post(
            confirm_url(delivery), {"delivered_qty": "2"}, format="json"
        )
        assert response.status_code == 403
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.PENDING


class TestStaffDeliveries:
    def test_accounts_list_deliveries_with_filters(self, boy):
        other_boy = DeliveryBoyFactory()
        mine = route_of(boy, 2)
        route_of(other_boy, 1)
        client = client_for(UserFactory(roles=[roles.ACCOUNTS]))

        def codes(**params):
            rows = client.get(reverse("api:deliveries"), params).json()["results"]
            return {row["customer_code"] for row in rows}

        assert codes(delivery_boy=boy.pk) == {c.code for c in mine}
        assert codes(customer=mine[0].pk, status="pending") == {mine[0].code}
        assert codes(date=str(timezone.localdate() + dt.timedelta(days=1))) == set()
        assert codes(status="delivered") == set()

    def test_a_bad_filter_is_a_400_naming_it(self):
        client = client_for(UserFactory(roles=[roles.SUPPORT]))
        response = client.get(reverse("api:deliveries"), {"date": "yesterday"})
        assert response.status_code == 400
        assert "date" in response.json()

    @pytest.mark.parametrize("role", [roles.MARKETING, roles.CUSTOMER, roles.DELIVERY_BOY])
    def test_other_roles_may_not_list_deliveries(self, role):
        client = client_for(UserFactory(roles=[role]))
        assert client.get(reverse("api:deliveries")).status_code == 403

    def test_support_reads_one_delivery_with_who_confirmed_it(self, boy):
        delivery = Delivery.objects.get(customer=route_of(boy, 1)[0])
        client_for(boy.user).post(confirm_url(delivery), {"delivered_qty": "2"}, format="json")
        response = client_for(UserFactory(roles=[roles.SUPPORT])).get(
            reverse("api:delivery", args=[delivery.pk])
        )
        assert response.json()["confirmed_by"] == boy.user.pk
        assert response.json()["delivery_boy_name"] == boy.name

    def test_its_query_count_does_not_grow_with_the_deliveries(self, boy):
        client = client_for(UserFactory(roles=[roles.ADMIN]))
        route_of(boy, 2)
        few = count_queries(client, reverse("api:deliveries"))
        route_of(DeliveryBoyFactory(), 10, day=timezone.localdate() + dt.timedelta(days=1))
        assert count_queries(client, reverse("api:deliveries")) == few


class TestMyDeliveries:
    def test_a_customer_sees_only_his_deliveries_between_dates(self, boy):
        today = timezone.localdate()
        customer, _neighbour = route_of(boy, 2, day=today - dt.timedelta(days=3), generate=False)
        for offset in range(-3, 1):
            generate_deliveries(day=today + dt.timedelta(days=offset))
        client = client_for(customer.user)
        response = client.get(
            reverse("api:me-deliveries"),
            {"from": str(today - dt.timedelta(days=2)), "to": str(today - dt.timedelta(days=1))},
        )
        assert response.status_code == 200
        rows = response.json()["results"]
        assert [row["date"] for row in rows] == [
            str(today - dt.timedelta(days=2)),
            str(today - dt.timedelta(days=1)),
        ]
        ids = {row["id"] for row in rows}
        assert not Delivery.objects.filter(pk__in=ids).exclude(customer=customer).exists()
        assert "confirmed_ip" not in rows[0]

    def test_a_delivery_boy_has_no_customer_deliveries(self, boy):
        assert client_for(boy.user).get(reverse("api:me-deliveries")).status_code == 403

    def test_its_query_count_does_not_grow(self, boy):
        today = timezone.localdate()
        customer = route_of(boy, 1, day=today - dt.timedelta(days=10), generate=False)[0]
        generate_deliveries(day=today)
        client = client_for(customer.user)
        few = count_queries(client, reverse("api:me-deliveries"))
        for offset in range(1, 10):
            generate_deliveries(day=today - dt.timedelta(days=offset))
        assert count_queries(client, reverse("api:me-deliveries")) == few


# --- the customers' and orders' staff API, seen from a route ------------------------------


def test_the_customer_list_filters_by_delivery_boy(boy):
    on_route = CustomerFactory()
    CustomerFactory()
    assign_to_route(customer=on_route, delivery_boy=boy)
    client = client_for(UserFactory(roles=[roles.SUPPORT]))
    rows = client.get(reverse("api:customers"), {"delivery_boy": boy.pk}).json()["results"]
    assert [row["code"] for row in rows] == [on_route.code]


def test_a_delivery_boy_may_not_list_customers_or_orders(boy):
    route_of(boy, 1)
    client = client_for(boy.user)
    for name in ("api:customers", "api:orders"):
        assert client.get(reverse(name)).status_code == 403, name
