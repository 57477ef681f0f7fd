"""The bottles outstanding report (/staff/reports/bottles/): per customer and per route,
with the deposit held; a route filter; CSV; queries that do not grow with the rows."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, assign_to_route, confirm_stop, generate_deliveries
from deliveries.services.bottles import record_bottles_collected
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.tests.reports import read_csv

pytestmark = pytest.mark.django_db

URL = "/staff/reports/bottles/"
STAFF = Confirmer(via=Delivery.Via.STAFF)


@pytest.fixture
def glass():
    return ProductFactory(name="Milk 1 L glass bottle", returnable=True, deposit=Decimal("25"))


def customers_with_bottles(boy, product, counts: list[int]) -> list[Delivery]:
    """One customer on `boy`'s route per count, each given that many bottles today."""
    today = timezone.localdate()
    orders = []
    for count in counts:
        order = SubscriptionFactory(
            customer=CustomerFactory(), product=product, quantity=Decimal(count), start_date=today
        )
        assign_to_route(customer=order.customer, delivery_boy=boy)
        orders.append(order)
    generate_deliveries(day=today)
    deliveries = list(Delivery.objects.filter(order__in=orders).order_by("pk"))
    confirm_stop(quantities={d: d.ordered_qty for d in deliveries}, by=STAFF)
    return deliveries


def test_the_url_is_the_reports(client):
    assert reverse("reports:bottles") == URL


def test_the_report_adds_up_per_customer_and_per_route(client, accounts, glass):
    ravi, suresh = DeliveryBoyFactory(name="Ravi"), DeliveryBoyFactory(name="Suresh")
    north = customers_with_bottles(ravi, glass, [3, 2])
    south = customers_with_bottles(suresh, glass, [4])
    record_bottles_collected(deliveries=north, collected={north[0].pk: 1}, by=STAFF)
    client.force_login(accounts)

    page = client.get(URL).content.decode()
    assert "8 bottles with 3 customers · ₹200.00 deposit" in page
    assert north[0].customer.name in page and south[0].customer.name in page

    rows = read_csv(client.get(reverse("reports:bottles_csv")))
    assert rows[0] == ["Code", "Customer", "Route", "Bottles", "Deposit held (₹)"]
    body = {row[0]: row[2:] for row in rows[1:-1]}
    assert body == {
        north[0].customer.code: ["Ravi", "2", "50.00"],
        north[1].customer.code: ["Ravi", "2", "50.00"],
        south[0].customer.code: ["Suresh", "4", "100.00"],
    }
    assert rows[-1] == ["Total", "3 customers", "", "8", "200.00"]

    only_ravi = client.get(URL, {"route": ravi.pk}).content.decode()
    assert "4 bottles with 2 customers · ₹100.00 deposit" in only_ravi
    assert south[0].customer.name not in only_ravi


def test_an_unknown_route_says_so_and_the_export_refuses_it(client, accounts):
    client.force_login(accounts)
    page = client.get(URL, {"route": "999999"}).content.decode()
    assert "That is not a route" in page
    response = client.get(reverse("reports:bottles_csv"), {"route": "abc"})
    assert response.status_code == 400 and b"That is not a route" in response.content


def test_the_report_runs_the_same_queries_for_few_and_many_rows(
    client, accounts, glass, django_assert_max_num_queries
):
    boy = DeliveryBoyFactory(name="Ravi")
    customers_with_bottles(boy, glass, [1])
    client.force_login(accounts)
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    customers_with_bottles(DeliveryBoyFactory(name="Suresh"), glass, [1, 2, 3, 4, 5])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL).content.decode()
    assert "16 bottles with 6 customers" in page


def test_only_staff_who_see_every_customer_get_the_report(client, cast):
    for role, user in cast.items():
        client.force_login(user)
        status = client.get(URL).status_code
        assert status == (404 if role == roles.MARKETING else 200), role
