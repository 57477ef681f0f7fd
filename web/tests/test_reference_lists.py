"""Drop-down lists kept per process (quick_select.ChoiceLists, under earlybird.changes'
numbers): read again as soon as one of their tables changed, never older than the
request that shows them, and every table they come from watched by the database."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Area
from customers.tests.factories import AreaFactory, UserFactory
from deliveries.models import DeliveryBoy
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import changes, roles
from earlybird.quick_select import ChoiceLists
from orders.tests.factories import ProductFactory
from web.tests.customer_pages import login, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rows_read_every_time(settings):
    """These tests count the drop-downs' reads among a page's: the page's own rows are
    read every time (KEEP_READS: earlybird.changes keeps them otherwise). (That a rolled
    back change's numbers never come back: earlybird/tests/test_changes.py.)"""
    settings.KEEP_READS = False


def numbers() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {changes.CHANGES_SQL}")
        return cursor.fetchone()[0]


def tables_of(choice_lists: ChoiceLists) -> set[str]:
    tables = set()
    for queryset in choice_lists.querysets.values():
        query = queryset.query.clone()
        query.get_compiler(using="default").as_sql()  # makes the joins
        tables |= {join.table_name for join in query.alias_map.values()}
    return tables


def test_every_table_a_kept_list_is_read_from_carries_the_trigger():
    import billing.forms  # noqa: F401 - the lists of every form
    import web.staff.customers.forms  # noqa: F401

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = %s",
            [changes.TRIGGER],
        )
        watched = {name for (name,) in cursor.fetchall()}
    read_from = set().union(*(tables_of(lists) for lists in ChoiceLists.every))
    assert {"customers_area", "deliveries_deliveryboy", "orders_product", "auth_user"} <= read_from
    assert read_from <= watched, read_from - watched


def test_a_change_to_any_list_table_moves_the_numbers_to_new_ones():
    seen = [numbers()]
    area = AreaFactory(name="Kondapur")
    seen.append(numbers())
    DeliveryBoy.objects.filter(pk=DeliveryBoyFactory().pk).update(name="Ravi K")
    seen.append(numbers())
    ProductFactory()
    seen.append(numbers())
    user = UserFactory(roles=[roles.MARKETING])
    seen.append(numbers())
    user.groups.clear()
    seen.append(numbers())
    Area.objects.filter(pk=area.pk).delete()
    seen.append(numbers())
    assert len(set(seen)) == len(seen)
    type(user).objects.filter(pk=user.pk).update(last_login=None)  # a login: not a list's
    assert numbers() == seen[-1]


def test_the_list_keeps_its_drop_downs_until_one_of_their_tables_changes(client):
    login(client, staff(roles.ADMIN))
    url = reverse("customers:list")
    client.get(url)
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    assert len(kept.captured_queries) == 2  # the session, the page: the lists kept
    AreaFactory(name="Madhapur")
    boy = DeliveryBoyFactory(name="Suresh")
    page = client.get(url).content.decode()
    assert ">Madhapur</option>" in page and ">Suresh</option>" in page
    DeliveryBoy.objects.filter(pk=boy.pk).update(name="Suresh Kumar")
    marketer = UserFactory(roles=[roles.MARKETING], username="meena")
    assert ">Suresh Kumar</option>" in client.get(url).content.decode()
    assert ">meena</option>" in client.get(url).content.decode()
    marketer.groups.set(Group.objects.filter(name=roles.SUPPORT))
    assert ">meena</option>" not in client.get(url).content.decode()


def test_the_grid_shows_a_new_product_at_the_next_request(client):
    login(client, staff(roles.ADMIN))
    url = reverse("billing:grid")
    client.get(url)
    ProductFactory(name="Paneer 200 g")
    assert ">Paneer 200 g</option>" in client.get(url).content.decode()


def test_with_the_slots_emptied_nothing_is_kept_until_the_next_change_restores_them(client):
    login(client, staff(roles.ADMIN))  # (a new user: a change)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM earlybird_changeslot")
    assert numbers() is None
    url = reverse("customers:list")
    client.get(url)
    assert len(queries_of(client, url)) == 3  # the drop-downs read every time
    AreaFactory(name="Gachibowli")  # a change: a slot is back
    assert numbers() is not None
    assert ">Gachibowli</option>" in client.get(url).content.decode()
    assert len(queries_of(client, url)) == 2


def queries_of(client, url) -> list:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return queries.captured_queries
