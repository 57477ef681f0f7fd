"""Reads kept per process until a table they read changes (issue 18: the grid, the
customer list and the route page read the same rows again on every view, and the staff
pages their drop-down lists: earlybird.quick_select.ChoiceLists).

Every table a kept read selects from carries a statement trigger (`watch`, the function
is earlybird migration 0009's) that puts a new number from a sequence into the writing
connection's slot of earlybird_changeslot, in the same transaction as the change. A
slot is the server backend's id, unique among live connections, so writers never wait
on each other. The slots' numbers, read with every session (earlybird.sessions), name
the committed state of the watched tables: each commit puts into its slot a number no
state had before, so two states never read the same numbers.

A statement's rows are kept under its text, its values and the numbers the request
read with its session, before the statement ran. A later request that read the same
numbers would have read the same rows, or older ones: nothing it is given is out of
date. Only GET and HEAD requests keep and use kept rows (a POST may write after its
session was read); commands and jobs never do.
"""

import json
import re
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, migrations

from earlybird.kept import Kept

# The slots' numbers, as the session's statement reads them (NULL before any change).
CHANGES_SQL = (
    "(SELECT md5(string_agg(slot || ':' || number, ',' ORDER BY slot)) FROM earlybird_changeslot)"
)
TRIGGER = "earlybird_changed"  # on every table a kept read selects from

# A statement whose rows depend on more than its text, its values and the tables (the
# clock, a sequence, chance) is never kept: ask for the date as a value.
_VOLATILE = re.compile(
    r"\b(now|clock_timestamp|statement_timestamp|timeofday|random|nextval|currval|"
    r"current_date|current_time|current_timestamp|localtime|localtimestamp|"
    r"current_setting|current_user|session_user|pg_\w+)\b",
    re.IGNORECASE,
)

_request_reads: ContextVar = ContextVar("earlybird_kept_reads", default=None)
_kept = Kept(256)  # a window's rows are about 10–30 KB: at most a few MB per worker
_checked: set[str] = set()


def watch(table: str, events: str = "INSERT OR UPDATE OR DELETE OR TRUNCATE"):
    """The migration operation putting the trigger on `table`."""
    return migrations.RunSQL(
        f"CREATE TRIGGER {TRIGGER} AFTER {events} ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION earlybird_changed()",
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}",
    )


def remember_changes(user, numbers: str | None) -> None:
    """Keep the numbers read with the user's session on the user, for this request."""
    user._earlybird_changes = numbers


def numbers_seen_by(user) -> str | None:
    """The numbers this request read with its session; None: none were read, or nothing
    was ever changed (keep nothing)."""
    return getattr(user, "_earlybird_changes", None)


class KeptReadsMiddleware:
    """Lets a GET or HEAD request use and keep reads (after the session's middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in ("GET", "HEAD")
        token = _request_reads.set(request if safe else None)
        try:
            return self.get_response(request)
        finally:
            _request_reads.reset(token)


def fetchall(cursor, sql: str, params) -> list[tuple]:
    """`cursor.execute(sql, params)` and its rows — or the rows kept for the same text
    and values under the numbers this request read (module docstring). Don't change
    the list returned."""
    numbers = _numbers_read()
    if numbers is None:
        cursor.execute(sql, params)
        return cursor.fetchall()
    key = (sql, _hashable(params), numbers)
    rows = _kept.get(key)
    if rows is None:
        if settings.VERIFY_KEPT_READS and sql not in _checked:
            _verify(cursor, sql, params)
        cursor.execute(sql, params)
        rows = _kept.keep(key, cursor.fetchall())
    return rows


def _numbers_read() -> str | None:
    request = _request_reads.get()
    if request is None or not settings.KEEP_READS:
        return None
    return numbers_seen_by(request.user)


def _hashable(value):
    if isinstance(value, dict):
        return tuple(sorted((name, _hashable(v)) for name, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def _verify(cursor, sql: str, params) -> None:
    """Tests: refuse to keep a statement that reads a table without the trigger, or
    whose rows depend on more than its tables and values."""
    volatile = _VOLATILE.search(sql)
    if volatile:
        raise ImproperlyConfigured(f"A kept read calls {volatile.group(0)}: {sql[:200]}")
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    tables = set(re.findall(r'"Relation Name": "(\w+)"', json.dumps(plan)))
    with connection.cursor() as plain:
        # A function of ours reads tables the plan does not name.
        plain.execute(
            "SELECT proname FROM pg_proc WHERE proname = ANY(%s)"
            " AND pronamespace = 'public'::regnamespace",
            [sorted(set(re.findall(r"(\w+)\s*\(", sql)))],
        )
        ours = [name for (name,) in plain.fetchall()]
        if ours:
            raise ImproperlyConfigured(f"A kept read calls {', '.join(ours)}: {sql[:200]}")
        plain.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) AND NOT EXISTS"
            " (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)",
            [sorted(tables), TRIGGER],
        )
        unwatched = [name for (name,) in plain.fetchall()]
    if unwatched:
        raise ImproperlyConfigured(
            f"A kept read selects from {', '.join(sorted(unwatched))}, which "
            f"earlybird.changes.watch does not watch: {sql[:200]}"
        )
    _checked.add(sql)
