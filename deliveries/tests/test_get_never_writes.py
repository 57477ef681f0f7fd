"""GET never writes: every deliveries page, opened by every role for any day, leaves the
database as it found it. Days with nothing generated say so; they are not generated.

Given a dairy with subscriptions due on every day tested (so a page that generated
would have rows to write), when each page is opened, then no INSERT, UPDATE or DELETE
(nor any other writing statement) runs and every table keeps its number of rows.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, create_link, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

# Any statement that changes data or schema. Row locks (SELECT … FOR [NO KEY] UPDATE) are
# not writes in themselves, but a page has no business taking them either: caught too.
WRITING = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s|DELETE\s+FROM|CREATE\s|DROP\s|ALTER\s|TRUNCATE\s|COPY\s"
    r"|pg_advisory\w*lock|nextval\s*\()",
    re.IGNORECASE,
)
# Bookkeeping of the request itself, not data: the shared store for rate-limit and
# throttle counters (DESIGN: "Counters for throttles and rate limits live in a store
# shared by all processes"), which counts every request, GET included.
BOOKKEEPING = {"earlybird_throttlecounter"}
BOOKKEEPING_WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)

TODAY = "today"
PAST = "a past day"
FAR_FUTURE = "a far-future day"
LAST_DAY = "9999-12-31"
DAYS = [TODAY, PAST, FAR_FUTURE, LAST_DAY]
CAST = [roles.ADMIN, roles.MARKETING, roles.SUPPORT, roles.ACCOUNTS, roles.DELIVERY_BOY, None]


def the_day(name: str) -> dt.date:
    today = timezone.localdate()
    return {
        TODAY: today,
        PAST: today - dt.timedelta(days=3),
        FAR_FUTURE: today + dt.timedelta(days=200),
        LAST_DAY: dt.date(9999, 12, 31),
    }[name]


def row_counts() -> dict[str, int]:
    """Rows in every table of the database, in one statement."""
    with connection.cursor() as cursor:
        tables = sorted(set(connection.introspection.table_names(cursor)) - BOOKKEEPING)
        quote = connection.ops.quote_name
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT '{table}', count(*) FROM {quote(table)}"  # noqa: S608 - names from the catalogue
                for table in tables
            )
        )
        return dict(cursor.fetchall())


def is_bookkeeping(sql: str) -> bool:
    match = BOOKKEEPING_WRITE.match(sql)
    return bool(match) and match.group(1) in BOOKKEEPING


def writes_in(queries) -> list[str]:
    return [q["sql"] for q in queries if WRITING.search(q["sql"]) and not is_bookkeeping(q["sql"])]


@pytest.fixture
def dairy():
    """One route with customers due every day (morning and evening, a one-time order
    too), and one old day generated so that a delivery exists to open."""
    today = timezone.localdate()
    old_day = today - dt.timedelta(days=30)
    boy = DeliveryBoyFactory()
    milk = ProductFactory(name="Milk")
    customers = []
    for shift in (Order.Shift.MORNING, Order.Shift.EVENING):
        customer = CustomerFactory()
        SubscriptionFactory(customer=customer, product=milk, start_date=old_day, shift=shift)
        assign_to_route(customer=customer, delivery_boy=boy)
        customers.append(customer)
    OneTimeOrderFactory(customer=customers[0], product=milk, delivery_date=today)
    generate_deliveries(day=old_day)
    link, token = create_link(
        delivery_boy=boy,
        shift=Order.Shift.MORNING,
        valid_from=today,
        valid_until=today,
        expires_at=timezone.now() + dt.timedelta(hours=6),
        created_by=None,
    )
    return {
        "boy": boy,
        "customer": customers[0],
        "delivery": Delivery.objects.filter(date=old_day).first(),
        "link": link,
        "token": token,
    }


def pages(dairy, day: dt.date) -> list[str]:
    """Every deliveries page a GET can open, for `day` where the page takes a date."""
    boy, date = dairy["boy"], day.isoformat()
    sheet = reverse("deliveries:daily_sheet", args=[boy.pk])
    procurement = reverse("deliveries:procurement")
    return [
        reverse("deliveries:route_list"),
        reverse("deliveries:route_detail", args=[boy.pk]),
        f"{sheet}?date={date}&shift=morning",
        f"{sheet}?date={date}&shift=evening",
        f"{sheet}?date={date}",
        f"{procurement}?date={date}",
        f"{procurement}?date={date}&shift=evening",
        f"{procurement}?date={date}&format=csv",
        reverse("deliveries:correct", args=[dairy["delivery"].pk]),
        reverse("deliveries:links"),
        reverse("deliveries:link_create"),
        reverse("deliveries:link_detail", args=[dairy["link"].pk]),
        reverse("boy:route"),
        f"{reverse('boy:route')}?shift=evening",
        reverse("boy:tomorrow"),
        f"{reverse('boy:tomorrow')}?shift=evening",
        reverse("boy:cash", args=[dairy["customer"].pk]),
        reverse("shared:route", kwargs={"token": dairy["token"]}),
    ]


def sign_in(client, role: str | None, dairy) -> None:
    if role == roles.DELIVERY_BOY:
        client.force_login(dairy["boy"].user)
    elif role is not None:
        client.force_login(UserFactory(roles=[role]))


@pytest.mark.parametrize("generated", [False, True], ids=["nothing generated", "generated"])
@pytest.mark.parametrize("day_name", DAYS)
@pytest.mark.parametrize("role", CAST, ids=[r or "anonymous" for r in CAST])
def test_opening_any_deliveries_page_writes_nothing(client, dairy, role, day_name, generated):
    # Given a dairy, a signed-in user (or none) and a substitute's name typed on the link
    day = the_day(day_name)
    if generated:  # today, tomorrow and the past day exist: pages show rows, not a notice
        today = timezone.localdate()
        for generated_day in {today, today + dt.timedelta(days=1), the_day(PAST)}:
            generate_deliveries(day=generated_day)
    sign_in(client, role, dairy)
    client.post(reverse("shared:name", kwargs={"token": dairy["token"]}), {"name": "Ravi"})
    before = row_counts()

    # When every page is opened
    statuses = {}
    with CaptureQueriesContext(connection) as queries:
        for url in pages(dairy, day):
            statuses[url] = client.get(url).status_code

    # Then nothing was written, and no page failed
    assert writes_in(queries.captured_queries) == []
    assert row_counts() == before
    assert all(status < 500 for status in statuses.values()), statuses


@pytest.mark.parametrize("role", [roles.ADMIN, roles.SUPPORT])
def test_the_last_representable_day_is_a_400_not_a_500_and_writes_nothing(client, dairy, role):
    client.force_login(UserFactory(roles=[role]))
    before = row_counts()
    urls = [url for url in pages(dairy, the_day(LAST_DAY)) if "date=" in url]
    with CaptureQueriesContext(connection) as queries:
        statuses = {url: client.get(url).status_code for url in urls}
    assert set(statuses.values()) == {400}, statuses
    assert writes_in(queries.captured_queries) == []
    assert row_counts() == before


def test_the_boy_sees_that_nothing_is_generated_for_today_and_it_stays_so(client, dairy):
    client.force_login(dairy["boy"].user)
    today = timezone.localdate()
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert f"Nothing generated for {today:%a} {today.day} {today:%b} yet" in page
    assert not Delivery.objects.filter(date=today).exists()


def test_the_substitute_sees_that_nothing_is_generated_for_today_and_it_stays_so(client, dairy):
    token = dairy["token"]
    client.post(reverse("shared:name", kwargs={"token": token}), {"name": "Ravi"})
    page = client.get(reverse("shared:route", kwargs={"token": token})).content.decode()
    assert "Nothing generated for" in page
    assert not Delivery.objects.filter(date=timezone.localdate()).exists()
