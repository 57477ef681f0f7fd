"""earlybird/prepared.py: the hot reads are prepared on their connection once run
DB_PREPARE_THRESHOLD times, and still seen by Django's query log; every other query keeps
client-side binding, with no limit on its number of values."""

import pytest
from django.contrib.auth.models import User
from django.db import connection

from earlybird.prepared import prepared_cursor

pytestmark = pytest.mark.django_db


def prepared(statement: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s", [statement]
        )
        return cursor.fetchone()[0]


def test_a_hot_read_is_prepared_once_run_twice_and_still_counted(django_assert_num_queries):
    with django_assert_num_queries(3):
        for n in range(3):
            with prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int * 7", [n])
                assert cursor.fetchone() == (n * 7,)
    assert prepared("SELECT $1::int * 7") == 1


def test_other_queries_keep_client_side_binding_and_any_number_of_values():
    # More values than the 65,535 parameters a statement bound by the server may have.
    assert User.objects.filter(pk__in=range(70_000)).count() == 0
    assert User.objects.filter(pk__in=range(70_000)).count() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%auth_user%"]
        )
        assert cursor.fetchone() == (0,)


def test_the_query_log_shows_a_prepared_statement_with_its_values():
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as log:
        for n in range(3):
            with prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int * 11", [n])
    assert [q["sql"] for q in log.captured_queries] == [f"SELECT {n}::int * 11" for n in range(3)]
