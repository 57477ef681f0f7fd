"""A customer's own subscriptions, pauses, day overrides and one-time orders."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import UserFactory
from earlybird import roles
from orders.models import DayOverride, Order, OrderPause
from orders.services import pause_order
from orders.tests.api import client_for, count_queries, days_ahead, today
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


@pytest.fixture
def freeze(monkeypatch):
    """Pin the clock: `freeze(datetime)` (Indian time) for the cut-off tests."""

    def pin(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    return pin


@pytest.fixture
def me(customer):
    return client_for(customer.user)


class TestMySubscriptions:
    def test_i_see_my_subscriptions_with_lines_and_pauses(self, me, subscription):
        SubscriptionFactory()
        pause_order(order=subscription, start_date=days_ahead(3))
        rows = me.get(reverse("api:me-subscriptions")).json()["results"]
        assert [row["code"] for row in rows] == [subscription.code]
        assert rows[0]["lines"][0]["id"] == subscription.lines.get().pk
        assert rows[0]["pauses"][0]["start_date"] == str(days_ahead(3))

    def test_staff_are_refused_customer_endpoints(self):
        client = client_for(UserFactory(roles=[roles.ADMIN]))
        for name in ("api:me-subscriptions", "api:me-pauses", "api:me-orders", "api:me-overrides"):
            assert client.get(reverse(name)).status_code == 403, name


class TestMyPauses:
    def test_i_pause_my_subscription_for_a_holiday(self, me, subscription):
        response = me.post(
            reverse("api:me-pauses"),
            {
                "order": subscription.pk,
                "start_date": str(days_ahead(2)),
                "end_date": str(days_ahead(9)),
                "reason": "Goa",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        pause = OrderPause.objects.get(order=subscription)
        assert (pause.start_date, pause.end_date, pause.reason) == (
            days_ahead(2),
            days_ahead(9),
            "Goa",
        )
        listed = me.get(reverse("api:me-pauses")).json()["results"]
        assert [row["id"] for row in listed] == [pause.pk]

    def test_i_cannot_pause_someone_elses_subscription(self, me):
        theirs = SubscriptionFactory()
        response = me.post(
            reverse("api:me-pauses"),
            {"order": theirs.pk, "start_date": str(days_ahead(2))},
            format="json",
        )
        assert response.status_code == 400
        assert "order" in response.json()
        assert not OrderPause.objects.exists()

    def test_tomorrow_is_refused_after_the_cut_off_with_the_reason(self, me, subscription, freeze):
        freeze(dt.datetime.combine(today(), dt.time(21, 30), tzinfo=IST))
        response = me.post(
            reverse("api:me-pauses"),
            {"order": subscription.pk, "start_date": str(days_ahead(1))},
            format="json",
        )
        assert response.status_code == 400
        assert "closed at 21:00" in response.json()["start_date"][0]
        assert not OrderPause.objects.exists()

    def test_tomorrow_is_allowed_before_the_cut_off(self, me, subscription, freeze):
        freeze(dt.datetime.combine(today(), dt.time(20, 59), tzinfo=IST))
        response = me.post(
            reverse("api:me-pauses"),
            {"order": subscription.pk, "start_date": str(days_ahead(1))},
            format="json",
        )
        assert response.status_code == 201

    def test_an_overlapping_pause_is_refused_with_the_reason(self, me, subscription):
        pause_order(order=subscription, start_date=days_ahead(3), end_date=days_ahead(6))
        response = me.post(
            reverse("api:me-pauses"),
            {"order": subscription.pk, "start_date": str(days_ahead(5))},
            format="json",
        )
        assert response.status_code == 400
        assert "overlaps" in response.json()["start_date"][0]

    def test_resuming_an_open_ended_pause_sets_its_last_day(self, me, subscription):
        pause = pause_order(order=subscription, start_date=days_ahead(2))
        response = me.post(
            reverse("api:me-pause-resume", args=[pause.pk]),
            {"first_day_back": str(days_ahead(5))},
            format="json",
        )
        assert response.status_code == 200
        pause.refresh_from_db()
        assert pause.end_date == days_ahead(4)

    def test_resuming_a_pause_before_it_begins_removes_it(self, me, subscription):
        pause = pause_order(order=subscription, start_date=days_ahead(5))
        response = me.post(
            reverse("api:me-pause-resume", args=[pause.pk]),
            {"first_day_back": str(days_ahead(3))},
            format="json",
        )
        assert response.status_code == 204
        assert not OrderPause.objects.exists()

    def test_someone_elses_pause_is_a_404(self, me):
        theirs = pause_order(order=SubscriptionFactory(), start_date=days_ahead(2))
        response = me.post(reverse("api:me-pause-resume", args=[theirs.pk]), {}, format="json")
        assert response.status_code == 404


class TestMyOverrides:
    def post(self, me, **data):
        return me.post(reverse("api:me-overrides"), data, format="json")

    def test_i_skip_a_day_with_quantity_0(self, me, subscription):
        line = subscription.lines.get()
        response = self.post(me, order_line=line.pk, date=str(days_ahead(2)), quantity="0")
        assert response.status_code == 200, response.json()
        assert DayOverride.objects.get(line=line, date=days_ahead(2)).quantity == 0
        listed = me.get(reverse("api:me-overrides"), {"from": str(days_ahead(2))}).json()
        assert [row["quantity"] for row in listed["results"]] == ["0.000"]

    def test_i_ask_for_extra_then_go_back_to_the_usual(self, me, subscription):
        line = subscription.lines.get()
        self.post(me, order_line=line.pk, date=str(days_ahead(2)), quantity="3")
        assert DayOverride.objects.get(line=line).quantity == 3
        response = self.post(me, order_line=line.pk, date=str(days_ahead(2)), quantity=None)
        assert response.status_code == 200
        assert not DayOverride.objects.exists()

    def test_someone_elses_line_is_refused(self, me):
        theirs = SubscriptionFactory().lines.get()
        response = self.post(me, order_line=theirs.pk, date=str(days_ahead(2)), quantity="0")
        assert response.status_code == 400
        assert "order_line" in response.json()

    def test_today_is_refused_with_the_reason_on_the_date(self, me, subscription):
        line = subscription.lines.get()
        response = self.post(me, order_line=line.pk, date=str(today()), quantity="0")
        assert response.status_code == 400
        assert "date" in response.json()
        assert not DayOverride.objects.exists()

    def test_a_negative_quantity_is_refused(self, me, subscription):
        line = subscription.lines.get()
        response = self.post(me, order_line=line.pk, date=str(days_ahead(2)), quantity="-1")
        assert response.status_code == 400
        assert "quantity" in response.json()

    def test_a_day_before_the_subscription_starts_is_refused(self, me, customer):
        later = SubscriptionFactory(customer=customer, start_date=days_ahead(10))
        line = later.lines.get()
        response = self.post(me, order_line=line.pk, date=str(days_ahead(2)), quantity="2")
        assert response.status_code == 400
        assert "outside" in response.json()["date"][0]


class TestMyOneTimeOrders:
    def test_i_place_a_one_time_order_of_two_products(self, me, customer):
        paneer, curd = ProductFactory(), ProductFactory()
        response = me.post(
            reverse("api:me-orders"),
            {
                "delivery_date": str(days_ahead(2)),
                "shift": "evening",
                "lines": [
                    {"product": paneer.pk, "quantity": "0.5"},
                    {"product": curd.pk, "quantity": "2"},
                ],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        order = Order.objects.get(pk=response.json()["id"])
        assert (order.kind, order.status, order.customer) == ("one_time", "placed", customer)
        assert order.code.startswith("OR-")
        assert order.created_by == customer.user
        assert order.lines.count() == 2

    def test_after_the_cut_off_it_is_refused_with_the_reason(self, me, freeze):
        freeze(dt.datetime.combine(today(), dt.time(22, 0), tzinfo=IST))
        response = me.post(
            reverse("api:me-orders"),
            {
                "delivery_date": str(days_ahead(1)),
                "lines": [{"product": ProductFactory().pk, "quantity": "1"}],
            },
            format="json",
        )
        assert response.status_code == 400
        assert "closed at 21:00" in response.json()["delivery_date"][0]
        assert not Order.objects.exists()

    def test_i_list_only_my_one_time_orders(self, me, customer, subscription):
        mine = OneTimeOrderFactory(customer=customer, delivery_date=days_ahead(2))
        OneTimeOrderFactory(delivery_date=days_ahead(2))
        rows = me.get(reverse("api:me-orders")).json()["results"]
        assert [row["code"] for row in rows] == [mine.code]

    def test_i_cancel_my_order_before_the_cut_off(self, me, customer):
        mine = OneTimeOrderFactory(customer=customer, delivery_date=days_ahead(2))
        response = me.post(reverse("api:me-order-cancel", args=[mine.pk]))
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        mine.refresh_from_db()
        assert mine.status == Order.Status.CANCELLED

    def test_cancelling_todays_order_is_refused(self, me, customer):
        mine = OneTimeOrderFactory(customer=customer, delivery_date=today())
        response = me.post(reverse("api:me-order-cancel", args=[mine.pk]))
        assert response.status_code == 400
        assert "non_field_errors" in response.json()
        mine.refresh_from_db()
        assert mine.status == Order.Status.PLACED

    def test_someone_elses_order_is_a_404(self, me):
        theirs = OneTimeOrderFactory(delivery_date=days_ahead(2))
        assert me.post(reverse("api:me-order-cancel", args=[theirs.pk])).status_code == 404
        theirs.refresh_from_db()
        assert theirs.status == Order.Status.PLACED

    def test_my_order_list_query_count_does_not_grow(self, me, customer):
        OneTimeOrderFactory(customer=customer, delivery_date=days_ahead(2))
        few = count_queries(me, reverse("api:me-orders"))
        for n in range(8):
            OneTimeOrderFactory(customer=customer, delivery_date=days_ahead(3 + n))
        assert count_queries(me, reverse("api:me-orders")) == few
