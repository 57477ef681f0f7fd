"""Counters shared by every web process: failed logins (earlybird.throttle) and
shared-link requests (deliveries.ratelimit).

gunicorn runs several worker processes, and a large dairy several hosts: a count kept in
one process's memory lets a guesser spread attempts over the workers. So the counts live
in one of two shared stores, chosen by ``settings.THROTTLE_STORE``:

``"database"`` (the default: nothing to configure, CACHE_URL unset)
    The ``earlybird_throttlecounter`` table in the app's own PostgreSQL, created by a
    migration. A count is one statement, ``INSERT … ON CONFLICT (key) DO UPDATE …
    RETURNING value``: PostgreSQL locks the row for the update, so N processes counting
    one key at the same moment get the N distinct counts 1…N. An expired row is reused
    by the key's next count; expired rows are also purged now and then. The table is
    UNLOGGED (no write-ahead log, so no fsync per count: ~0.8 ms a count instead of ~6):
    after a database crash it comes back empty, every lockout lifted, and a standby
    does not have it — fair for counts that last 15 minutes.

``"cache"`` (when CACHE_URL is set)
    Django's cache, which must be shared and count atomically: Redis
    (``CACHE_URL=redis://…``) or Memcached. ``check --deploy`` warns otherwise.
    (Django's database cache is neither: its ``incr`` is a read then a write that also
    resets the expiry to the default 5 minutes, and past MAX_ENTRIES it culls live
    entries, lockouts included.)

Keys are the callers' and hold digests, never a username, an address or a token. Times
are the callers' clocks (seconds since the epoch), so tests can move them.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from earlybird.models import ThrottleCounter

DATABASE, CACHE = "database", "cache"
PURGE_ONE_IN = 500  # on average one count in this many also purges expired rows
PURGE_BATCH = 1000

# A fresh key, or an expired one, starts again at 1 with a new window; a live one counts
# on within the window its first count opened. One statement: atomic per key.
_COUNT_SQL = """
    INSERT INTO earlybird_throttlecounter AS c (key, value, expires_at)
    VALUES (%(key)s, 1, %(expires_at)s)
    ON CONFLICT (key) DO UPDATE SET
        value = CASE WHEN c.expires_at > %(now)s THEN c.value + 1 ELSE 1 END,
        expires_at = CASE WHEN c.expires_at > %(now)s THEN c.expires_at
                          ELSE EXCLUDED.expires_at END
    RETURNING value
"""
_PURGE_SQL = """
    DELETE FROM earlybird_throttlecounter WHERE key IN (
        SELECT key FROM earlybird_throttlecounter WHERE expires_at <= %(now)s
        LIMIT %(batch)s FOR UPDATE SKIP LOCKED
    )
"""


def store() -> str:
    return getattr(settings, "THROTTLE_STORE", DATABASE)


def _at(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def _timeout(until: float, now: float) -> int:
    return max(1, math.ceil(until - now))


def count(key: str, *, window: int, now: float) -> int:
    """One more for `key`; the number so far in the `window` seconds its first count
    started (1 when the key is new or its window has passed)."""
    if store() == CACHE:
        if cache.add(key, 1, timeout=window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window)
            return 1
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL, {"key": key, "expires_at": _at(now + window), "now": _at(now)})
        value = cursor.fetchone()[0]
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        purge_expired(now=now)
    return value


def mark(key: str, *, until: float, now: float) -> None:
    """Set a mark on `key` that lasts until `until` (replacing any earlier one)."""
    if store() == CACHE:
        cache.set(key, until, timeout=_timeout(until, now))
        return
    ThrottleCounter.objects.bulk_create(
        [ThrottleCounter(key=key, value=1, expires_at=_at(until))],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value", "expires_at"],
    )


def marked(keys: Iterable[str], *, now: float) -> set[str]:
    """Those of `keys` whose mark is still in force at `now`."""
    keys = list(keys)
    if not keys:
        return set()
    if store() == CACHE:
        found = cache.get_many(keys)
        return {key for key, until in found.items() if until > now}
    return set(
        ThrottleCounter.objects.filter(key__in=keys, expires_at__gt=_at(now)).values_list(
            "key", flat=True
        )
    )


def forget(keys: Iterable[str]) -> None:
    """Drop these counts and marks."""
    keys = list(keys)
    if not keys:
        return
    if store() == CACHE:
        cache.delete_many(keys)
        return
    ThrottleCounter.objects.filter(key__in=keys).delete()


def purge_expired(*, now: float) -> int:
    """Delete up to PURGE_BATCH rows whose time has passed (the cache store expires its
    own); rows another process holds are skipped. The number deleted."""
    if store() == CACHE:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_PURGE_SQL, {"now": _at(now), "batch": PURGE_BATCH})
        return cursor.rowcount
