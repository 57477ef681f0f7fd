"""Staff list and read orders and create subscriptions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles
from orders.models import Order
from orders.tests.api import client_for, count_queries, days_ahead
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


class TestStaffOrders:
    def test_a_marketer_lists_only_his_customers_orders(self):
        marketer = UserFactory(roles=[roles.MARKETING])
        mine = SubscriptionFactory(customer=CustomerFactory(marketing_staff=marketer))
        SubscriptionFactory()
        response = client_for(marketer).get(reverse("api:orders"))
        assert [row["code"] for row in response.json()["results"]] == [mine.code]

    def test_another_marketers_order_is_a_404(self):
        marketer = UserFactory(roles=[roles.MARKETING])
        theirs = SubscriptionFactory()
        url = reverse("api:order", args=[theirs.pk])
        assert client_for(marketer).get(url).status_code == 404
        assert client_for(UserFactory(roles=[roles.SUPPORT])).get(url).status_code == 200

    def test_it_filters_by_kind_status_and_customer(self):
        customer = CustomerFactory()
        subscription = SubscriptionFactory(customer=customer)
        one_time = OneTimeOrderFactory(customer=customer)
        SubscriptionFactory()
        client = client_for(UserFactory(roles=[roles.ACCOUNTS]))

        def codes(**params):
            rows = client.get(reverse("api:orders"), params).json()["results"]
            return {row["code"] for row in rows}

        assert codes(kind="one_time") == {one_time.code}
        assert codes(customer=customer.pk, status="active") == {subscription.code}

    def test_a_customer_or_delivery_boy_may_not_list_orders(self):
        # The role decides (a delivery boy with a route: deliveries/tests/test_api.py).
        for user in (CustomerFactory().user, UserFactory(roles=[roles.DELIVERY_BOY])):
            assert client_for(user).get(reverse("api:orders")).status_code == 403

    def test_its_query_count_does_not_grow_with_the_orders(self):
        client = client_for(UserFactory(roles=[roles.SUPPORT]))
        SubscriptionFactory()
        few = count_queries(client, reverse("api:orders"))
        for _ in range(8):
            customer = CustomerFactory()
            SubscriptionFactory(customer=customer)
            OneTimeOrderFactory(customer=customer)
        assert count_queries(client, reverse("api:orders")) == few


class TestSubscriptionCreate:
    def post(self, user, **data):
        return client_for(user).post(reverse("api:orders"), data, format="json")

    def test_support_creates_a_subscription_through_the_service(self):
        support = UserFactory(roles=[roles.SUPPORT])
        customer, milk, curd = CustomerFactory(), ProductFactory(), ProductFactory()
        response = self.post(
            support,
            customer=customer.pk,
            start_date=str(days_ahead(2)),
            pattern="weekdays",
            weekdays=[4, 0, 0],
            shift="evening",
            lines=[{"product": milk.pk, "quantity": "1.5"}, {"product": curd.pk, "quantity": 1}],
        )
        assert response.status_code == 201, response.json()
        order = Order.objects.get(pk=response.json()["id"])
        assert order.code.startswith("SU-")
        assert order.kind == Order.Kind.SUBSCRIPTION
        assert order.weekdays == [0, 4]
        assert order.created_by == support
        assert {(line.product, line.quantity) for line in order.lines.all()} == {
            (milk, Decimal("1.5")),
            (curd, Decimal("1")),
        }
        assert len(response.json()["lines"]) == 2

    def test_accounts_may_not_create_subscriptions(self):
        accountant = UserFactory(roles=[roles.ACCOUNTS])
        line = {"product": ProductFactory().pk, "quantity": "1"}
        response = self.post(
            accountant, customer=CustomerFactory().pk, start_date="2026-03-01", lines=[line]
        )
        assert response.status_code == 403
        assert not Order.objects.exists()

    def test_a_marketer_may_not_subscribe_another_marketers_customer(self):
        marketer = UserFactory(roles=[roles.MARKETING])
        line = {"product": ProductFactory().pk, "quantity": "1"}
        response = self.post(
            marketer, customer=CustomerFactory().pk, start_date="2026-03-01", lines=[line]
        )
        assert response.status_code == 400
        assert "customer" in response.json()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"pattern": "weekdays"}, "weekdays"),  # from the service
            ({"end_date": "2026-02-01"}, "end_date"),
            ({"lines": []}, "lines"),
            ({"lines": "twice"}, "lines"),  # same product twice, from the service
            ({"weekdays": [7]}, "weekdays"),
            ({"status": "placed"}, "status"),
        ],
    )
    def test_a_bad_field_is_a_400_naming_it(self, data, field):
        product = ProductFactory()
        line = {"product": product.pk, "quantity": "1"}
        body = {"customer": CustomerFactory().pk, "start_date": "2026-03-01", "lines": [line]}
        body.update(data)
        if body["lines"] == "twice":
            body["lines"] = [line, line]
        response = self.post(UserFactory(roles=[roles.SUPPORT]), **body)
        assert response.status_code == 400
        assert field in response.json()
        assert not Order.objects.exists()

    def test_a_product_no_longer_sold_is_refused(self):
        old = ProductFactory(is_active=False)
        response = self.post(
            UserFactory(roles=[roles.ADMIN]),
            customer=CustomerFactory().pk,
            start_date="2026-03-01",
            lines=[{"product": old.pk, "quantity": "1"}],
        )
        assert response.status_code == 400
        assert "lines" in response.json()
