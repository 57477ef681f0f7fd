"""Kept reads (earlybird.changes): the watched tables' numbers move with every change and
never come back, writers never wait for each other, only GET and HEAD keep, and only
statements whose rows depend on watched tables and their values alone. (The pages:
billing/tests/test_grid_kept.py.)"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from earlybird import changes
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked

pytestmark = pytest.mark.django_db

# A statement on a watched table (no reference list's) that changes no row: its statement
# trigger fires all the same.
TOUCH = "UPDATE customers_customer SET name = name WHERE false"


def numbers() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {changes.CHANGES_SQL}")
        return cursor.fetchone()[0]


def someone():
    return get_user_model().objects.create_user("someone")


def touch() -> None:
    with connection.cursor() as cursor:
        cursor.execute(TOUCH)


def test_a_change_moves_the_numbers_and_a_read_does_not():
    touch()
    before = numbers()
    assert before is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_customer")
    assert numbers() == before
    someone()
    assert numbers() != before


def test_numbers_a_rolled_back_change_showed_never_come_back():
    touch()
    before = numbers()
    with pytest.raises(RuntimeError), transaction.atomic():
        touch()
        seen_inside = numbers()
        raise RuntimeError("roll back")
    assert seen_inside != before
    assert numbers() == before  # the change is gone, and so are its numbers
    touch()
    assert numbers() not in (before, seen_inside)


@pytest.mark.django_db(transaction=True)
def test_two_connections_changing_at_once_do_not_wait_for_each_other():
    holder = Holder(touch, rollback=True)
    holder.start_and_hold()
    writer = Worker(touch, name="writer")
    writer.start()
    seen_blocked = wait_until_blocked(writer)
    holder.release()
    holder.finish()
    writer.finish()
    assert seen_blocked == {"writer": False}
    assert writer.error is None and holder.error is None


COUNT = "SELECT count(*) FROM customers_customer"


def _reads_twice(request):
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        for _ in range(2):
            changes.fetchall(cursor, COUNT, [])
    return HttpResponse(str(sum(query["sql"] == COUNT for query in queries.captured_queries)))


@pytest.mark.parametrize(("method", "statements_run"), [("get", 1), ("post", 2)])
def test_only_get_and_head_requests_keep_reads(method, statements_run):
    touch()
    request = getattr(RequestFactory(), method)("/")
    request.user = someone()
    changes.remember_changes(request.user, numbers())
    response = changes.KeptReadsMiddleware(_reads_twice)(request)
    assert int(response.content) == statements_run


@pytest.mark.parametrize(
    ("sql", "refused"),
    [
        ("SELECT count(*) FROM messaging_message", "messaging_message"),
        ("SELECT count(*) FROM customers_customer WHERE now() > '2026-01-01'", "now"),
        ("SELECT orders_price_on(1, 1, '2026-11-02')", "orders_price_on"),
    ],
)
def test_a_statement_reading_an_unwatched_table_the_clock_or_our_functions_is_never_kept(
    sql, refused
):
    touch()
    request = RequestFactory().get("/")
    request.user = someone()
    changes.remember_changes(request.user, numbers())

    def view(request):
        with connection.cursor() as cursor:
            changes.fetchall(cursor, sql, [])
        return HttpResponse()

    with pytest.raises(ImproperlyConfigured, match=refused):
        changes.KeptReadsMiddleware(view)(request)
