"""Staff place, cancel and list one-time orders."""

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory
from earlybird import roles
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory
from orders.tests.views import assert_404_for, days, login, outsider_users, staff

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def test_support_places_a_one_time_order_of_several_products(client, support, customer, milk, curd):
    response = client.post(
        reverse("orders:one_time_create", args=[customer.pk]),
        {
            "delivery_date": days(2).isoformat(),
            "shift": "evening",
            f"qty_{milk.pk}": "2",
            f"qty_{curd.pk}": "3",
            "notes": "Puja at home",
        },
        follow=True,
    )
    order = Order.objects.get(kind=Order.Kind.ONE_TIME)
    assert (order.start_date, order.shift, order.status, order.created_by) == (
        days(2),
        "evening",
        "placed",
        support,
    )
    assert order.lines.count() == 2
    assert f"One-time order {order.code}" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"delivery_date": "PAST", "QTY": "1"}, "cannot be in the past"),
        ({"delivery_date": "SOON"}, "Give a quantity for at least one product"),
        ({"delivery_date": "", "QTY": "1"}, "Give the delivery day."),
    ],
)
def test_a_one_time_order_form_with_mistakes_says_so_and_writes_nothing(
    client, support, customer, milk, data, words
):
    dates = {"PAST": days(-1), "SOON": days(1)}
    data = {
        (f"qty_{milk.pk}" if k == "QTY" else k): (dates[v].isoformat() if v in dates else v)
        for k, v in data.items()
    }
    response = client.post(
        reverse("orders:one_time_create", args=[customer.pk]), {"shift": "morning", **data}
    )
    assert words in response.content.decode()
    assert not Order.objects.exists()


def test_a_stopped_customer_gets_no_one_time_order_and_the_form_says_why(client, support, milk):
    stopped = CustomerFactory(name="Gone Away", status=Customer.Status.STOPPED)
    response = client.post(
        reverse("orders:one_time_create", args=[stopped.pk]),
        {"delivery_date": days(1).isoformat(), "shift": "morning", f"qty_{milk.pk}": "1"},
    )
    assert "Gone Away has stopped deliveries." in response.content.decode()
    assert not Order.objects.exists()


def test_placing_a_one_time_order_is_a_404_for_marketing_and_accounts(
    client, marketer, customer, milk
):
    url = reverse("orders:one_time_create", args=[customer.pk])
    data = {"delivery_date": days(1).isoformat(), "shift": "morning", f"qty_{milk.pk}": "1"}
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url, data)
    assert not Order.objects.exists()


def test_a_one_time_order_is_cancelled_before_delivery(client, support, customer, milk):
    order = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(1))
    response = client.post(reverse("orders:cancel", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert f"{order.code} cancelled." in response.content.decode()


def test_cancelling_is_a_404_for_marketing_accounts_and_outsiders(client, marketer, customer, milk):
    order = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(1))
    url = reverse("orders:cancel", args=[order.pk])
    assert_404_for(client, [marketer, staff(roles.ACCOUNTS), *outsider_users()], "post", url)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_the_one_time_list_shows_orders_from_today_of_the_customers_one_may_see(
    client, marketer, customer, milk
):
    mine = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(1))
    past = OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(-3))
    other = OneTimeOrderFactory(product=milk, delivery_date=days(1))
    login(client, marketer)
    page = client.get(reverse("orders:one_time_list")).content.decode()
    assert mine.code in page
    assert past.code not in page
    assert other.code not in page
    login(client, staff(roles.SUPPORT))
    page = client.get(
        reverse("orders:one_time_list"), {"date_from": days(-5).isoformat()}
    ).content.decode()
    assert mine.code in page and past.code in page and other.code in page


def test_the_one_time_list_runs_the_same_queries_for_few_and_many_orders(
    client, django_assert_max_num_queries, milk
):
    login(client, staff(roles.SUPPORT))
    url = reverse("orders:one_time_list")
    OneTimeOrderFactory(product=milk, delivery_date=days(1))
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    customer = CustomerFactory()
    for n in range(12):
        OneTimeOrderFactory(customer=customer, product=milk, delivery_date=days(n % 3 + 1))
    with django_assert_max_num_queries(8) as many:
        client.get(url)
    assert len(few) == len(many)


def test_the_one_time_list_is_a_404_for_outsiders(client):
    assert_404_for(client, outsider_users()[1:], "get", reverse("orders:one_time_list"))
