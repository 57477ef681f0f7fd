"""Fixtures every test gets: a frozen clock, role groups after a flush, an empty cache.

Settings come from `earlybird.test_settings` (pyproject.toml), never from the
environment, so plain `pytest` and `make test` run the same suite."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

IST = ZoneInfo("Asia/Kolkata")

# "Now" for every test: a weekday morning in the middle of a month, so no test depends on
# the day the suite runs. Tests marked `any_day` run again on the days that break date
# arithmetic: a month's last day, the year's last day and a leap day.
DEFAULT_NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=IST)
AWKWARD_DAYS = {
    "mid-month": DEFAULT_NOW,
    "month-end": dt.datetime(2026, 11, 30, 10, 0, tzinfo=IST),
    "year-end": dt.datetime(2026, 12, 31, 10, 0, tzinfo=IST),
    "leap-day": dt.datetime(2028, 2, 29, 10, 0, tzinfo=IST),
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "any_day: run with today set to mid-month, a month end, 31 Dec and 29 Feb"
    )
    config.addinivalue_line("markers", "real_clock: run on the machine's own clock")


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("any_day"):
        metafunc.parametrize(
            "frozen_clock", list(AWKWARD_DAYS.values()), ids=list(AWKWARD_DAYS), indirect=True
        )


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """Python's clock starts at DEFAULT_NOW (or the `any_day` parameter) and ticks on."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(getattr(request, "param", DEFAULT_NOW), tick=True) as traveller:
        yield traveller


def _restore_migrated_rows(sender, **kwargs):
    """A transactional test ends with a flush of every table, data-migration rows
    included; Django then re-sends post_migrate (content types, permissions). Put back
    the rows our data migrations made too — the role groups and the message templates
    and switches — so whichever test a worker runs next finds a migrated database."""
    from django.apps import apps

    from earlybird.roles import ensure_role_groups

    if sender.label == "messaging":
        _reseed_messaging()
    if sender.label == "procrastinate":
        _empty_job_queue()
    # post_migrate goes to each app with models in turn; after the last, every app's
    # permissions exist.
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is last:
        ensure_role_groups()


def _empty_job_queue():
    """Procrastinate's tables are unmanaged, so a flush leaves their rows: empty them, or
    the next test's run_queued_jobs() would run another test's jobs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers"
        )


def _reseed_messaging():
    from messaging import defaults
    from messaging.models import MessageSwitch, MessageTemplate

    defaults.seed(MessageTemplate, MessageSwitch)


@pytest.fixture(scope="session", autouse=True)
def _groups_survive_flushes():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_restore_migrated_rows, weak=False, dispatch_uid="test-role-groups")
    yield
    post_migrate.disconnect(dispatch_uid="test-role-groups")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is kept between runs (--reuse-db; its name says which migrations
    built it, earlybird/test_settings.py). A run holds a lock on that name for its whole
    length; a second run at the same time gets a database of its own, named after its
    process and dropped when it ends, so two runs never share tables."""
    from django.db import connections

    global _lock_holder, _own_database
    settings_dict = connections["default"].settings_dict
    name = settings_dict["TEST"]["NAME"]
    _lock_holder = _maintenance_connection(settings_dict)
    with _lock_holder.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name])
        if not cursor.fetchone()[0]:
            _own_database = f"{name}_p{os.getpid()}"
            settings_dict["TEST"]["NAME"] = _own_database


_lock_holder = None
_own_database = None


def _maintenance_connection(settings_dict):
    """A connection to the server's `postgres` database, outside Django's, held open."""
    import psycopg
    from django.db import connections

    params = connections["default"].get_connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Start from empty tables if an interrupted run left rows behind; drop a database
    made only for this run (see django_db_modify_db_settings) when it ends."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM auth_user) OR EXISTS (SELECT 1 FROM "
            "customers_customer) OR EXISTS (SELECT 1 FROM procrastinate_jobs)"
        )
        leftovers = cursor.fetchone()[0]
    if leftovers:
        with django_db_blocker.unblock():
            _start_empty()
    yield
    if _own_database:
        with django_db_blocker.unblock():
            connection.close()
            with _lock_holder.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{_own_database}" WITH (FORCE)')
    if _lock_holder is not None:
        _lock_holder.close()


def _start_empty():
    from django.core.management import call_command

    from earlybird.roles import ensure_role_groups

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    call_command("migrate", verbosity=0)  # post_migrate: content types and permissions
    _reseed_messaging()
    _empty_job_queue()
    ensure_role_groups()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Login throttles and rate limits count in the cache: each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request leaves its language active in the thread (Django's LocaleMiddleware does
    not put it back): each test starts, and leaves, in the default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def boy(client):
    """A delivery boy signed in on `client` (the phone pages' tests); a module that wants
    one not signed in defines its own `boy`."""
    from deliveries.tests.factories import DeliveryBoyFactory

    boy = DeliveryBoyFactory()
    client.force_login(boy.user)
    return boy
