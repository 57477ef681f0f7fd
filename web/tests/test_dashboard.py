"""The staff dashboard at /staff/: quantities today and tomorrow, customers by status,
what is still to confirm or to bill, money due, and the 30-day chart."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import Bill, BillingLine, Payment
from billing.services import record_payment
from customers.models import Customer
from customers.tests.factories import AreaFactory, CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, assign_to_route, confirm_delivery, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 19  # measured 17: session, user, roles, 2 generation checks, 12 reads


WRITES = ("INSERT", "UPDATE", "DELETE")


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def staff(role: str):
    return UserFactory(roles=[role])


def section(page: str, title: str) -> str:
    """The text of the card whose heading starts with `title`."""
    start = page.index(f"<h2>{title}")
    return page[start : page.index("</section>", start)]


def issue_bill(customer, total: str, number: int) -> Bill:
    return Bill.objects.create(
        customer=customer,
        period=dt.date(2026, 1, 1),
        status=Bill.Status.ISSUED,
        code=f"BI-202601-{number:04d}",
        issued_at=timezone.now(),
        charges=Decimal(total),
        total=Decimal(total),
    )


@pytest.fixture
def business():
    """Two routes in two areas, two products, morning and evening, some history."""
    milk = ProductFactory(name="Cow milk", price="50.00")
    curd = ProductFactory(name="Curd", price="30.00")
    hills, lake = AreaFactory(name="Hills"), AreaFactory(name="Lake")
    ravi, sunil = DeliveryBoyFactory(name="Ravi"), DeliveryBoyFactory(name="Sunil")
    asha = CustomerFactory(name="Asha", area=hills)
    bala = CustomerFactory(name="Bala", area=lake, status=Customer.Status.TRIAL)
    assign_to_route(customer=asha, delivery_boy=ravi)
    assign_to_route(customer=bala, delivery_boy=sunil)
    SubscriptionFactory(customer=asha, product=milk, quantity=Decimal(2), start_date=days(-3))
    SubscriptionFactory(
        customer=bala, product=milk, quantity=Decimal("1.5"), start_date=days(-3), shift="evening"
    )
    OneTimeOrderFactory(customer=bala, product=curd, quantity=Decimal(4), delivery_date=days(1))
    CustomerFactory(name="Chitra", status=Customer.Status.STOPPED)
    for day in (today(), days(1)):  # as the evening job does
        generate_deliveries(day=day)
    return {"milk": milk, "curd": curd, "asha": asha, "bala": bala, "ravi": ravi}


def test_it_shows_todays_and_tomorrows_quantities_by_product_shift_area_and_boy(client, business):
    client.force_login(staff(roles.SUPPORT))
    page = client.get(reverse("dashboard")).content.decode()
    today_card = section(page, "Today")
    tomorrow_card = section(page, "Tomorrow")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", today_card))
    assert "Cow milk 3.5 litre" in text  # 2 + 1.5
    assert "Morning Cow milk 2 litre" in text and "Evening Cow milk 1.5 litre" in text
    assert "Hills Cow milk 2 litre" in text and "Lake Cow milk 1.5 litre" in text
    assert "Ravi Cow milk 2 litre" in text and "Sunil Cow milk 1.5 litre" in text
    assert "Curd" not in text
    assert "Curd 4 litre" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tomorrow_card))
    # Reading the dashboard wrote nothing: the rows are the evening job's.
    assert Delivery.objects.filter(date=today()).count() == 2
    assert Delivery.objects.filter(date=days(1)).count() == 3


def test_it_counts_customers_by_status(client, business):
    client.force_login(staff(roles.SUPPORT))
    card = section(client.get(reverse("dashboard")).content.decode(), "Customers")
    counts = dict(re.findall(r">(\w+)</a></th><td class=\"num\">(\d+)<", card))
    assert counts == {"Trial": "1", "Active": "1", "Paused": "0", "Stopped": "1"}


def test_it_lists_deliveries_not_yet_confirmed_and_those_delivered_but_unbilled(client, business):
    support = staff(roles.SUPPORT)
    for n in (-2, -1):
        generate_deliveries(day=days(n))
    by = Confirmer(via=Delivery.Via.STAFF, user=support)
    delivered = Delivery.objects.filter(date=days(-2))
    for delivery in delivered:  # 2 × 50 + 1.5 × 50 = 175, one of them billed
        confirm_delivery(delivery=delivery, delivered_qty=delivery.ordered_qty, by=by)
    billed = delivered.get(customer=business["asha"])
    bill = Bill.objects.create(customer=business["asha"], period=days(-2).replace(day=1))
    BillingLine.objects.create(
        bill=bill, delivery=billed, quantity=2, unit_price=Decimal(50), amount=Decimal(100)
    )
    client.force_login(support)

    page = client.get(reverse("dashboard")).content.decode()

    still = section(page, "Still to confirm")
    assert "<strong>2</strong> deliveries today" in still
    assert "<strong>2</strong> from earlier days" in still  # yesterday's two
    assert days(-1).strftime("%a %-d %b") in still and "Ravi" in still
    money = section(page, "Money")
    assert "1 deliveries · ₹75.00" in money


def test_money_due_is_opening_balances_plus_issued_bills_less_payments(client, business):
    Customer.objects.filter(pk=business["asha"].pk).update(opening_balance=Decimal("200"))
    issue_bill(business["asha"], "1500", 1)
    issue_bill(business["bala"], "300.50", 2)
    Bill.objects.create(customer=business["bala"], period=dt.date(2026, 2, 1), total=0)  # draft
    record_payment(
        customer=business["asha"], amount="1000", method=Payment.Method.CASH, paid_on=today()
    )
    client.force_login(staff(roles.ACCOUNTS))
    money = section(client.get(reverse("dashboard")).content.decode(), "Money")
    assert "<strong>₹1,000.50</strong>" in money  # 200 + 1500 + 300.50 − 1000


def test_the_chart_has_a_bar_for_each_of_the_last_30_days(client, business):
    for n in (-2, -1):
        generate_deliveries(day=days(n))
    client.force_login(staff(roles.SUPPORT))
    page = client.get(reverse("dashboard")).content.decode()
    chart = page[page.index("The last 30 days") :]
    svgs = re.findall(r"<svg class=\"chart\".*?</svg>", chart, re.S)
    assert len(svgs) == 1  # milk only: nothing of curd delivered up to today
    assert svgs[0].count("<title>") == 30
    assert f"{today():%a %-d %b}: 3.5 ordered, 0 delivered" in svgs[0]
    assert "Cow milk" in chart and "<script" not in page


def test_a_marketer_sees_the_figures_of_their_own_customers(client, business):
    marketer = staff(roles.MARKETING)
    Customer.objects.filter(pk=business["bala"].pk).update(marketing_staff=marketer)
    issue_bill(business["asha"], "999", 1)
    client.force_login(marketer)
    page = client.get(reverse("dashboard")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section(page, "Today")))
    assert "Lake Cow milk 1.5 litre" in text
    assert "Hills" not in text
    assert "₹999.00" not in page
    assert "Figures of your own customers." in page


@pytest.mark.parametrize("role", [roles.ADMIN, roles.SUPPORT, roles.ACCOUNTS, roles.MARKETING])
def test_every_staff_role_opens_the_dashboard_and_the_home_page_leads_there(client, role):
    client.force_login(staff(role))
    assert client.get("/").url == reverse("dashboard")
    assert "<h1>Dashboard" in client.get(reverse("dashboard")).content.decode()


def test_delivery_boys_and_customers_get_a_404_and_visitors_the_login(client):
    client.get(reverse("dashboard"))
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))
    for user in (DeliveryBoyFactory().user, CustomerFactory().user):
        client.force_login(user)
        assert client.get(reverse("dashboard")).status_code == 404


def test_a_day_not_generated_yet_says_so_and_opening_the_page_writes_nothing(client):
    SubscriptionFactory(product=ProductFactory(name="Ghee"), start_date=days(-1))
    client.force_login(staff(roles.SUPPORT))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert f"Nothing generated for {today():%a %-d %b} yet" in page
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == [] and not Delivery.objects.exists()


def test_the_dashboard_runs_the_same_queries_for_a_small_and_a_busy_day(
    client, business, django_assert_max_num_queries
):
    client.force_login(staff(roles.SUPPORT))
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        client.get(reverse("dashboard"))
    boy = DeliveryBoyFactory()
    for _ in range(15):
        customer = CustomerFactory(area=AreaFactory())
        assign_to_route(customer=customer, delivery_boy=boy)
        SubscriptionFactory(customer=customer, product=business["curd"], start_date=days(-5))
        record_payment(customer=customer, amount="10", method="cash", paid_on=today())
    for n in range(-5, 2):
        generate_deliveries(day=days(n))
    with django_assert_max_num_queries(MAX_QUERIES) as busy:
        client.get(reverse("dashboard"))
    assert len(small) == len(busy)
