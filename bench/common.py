"""Shared set-up for benchmarks: a separate database, Django, timing and memory."""

import os
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database: str) -> None:
    """Use a database of its own (embedded server or DATABASE_URL's), migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlybird.settings")
    os.environ.setdefault("DEBUG", "0")
    # DEBUG off needs a secret key of its own; a benchmark's database is thrown away.
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "b" * 60)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if not os.environ.get("DATABASE_URL"):
        os.environ["EMBEDDED_PG_NAME"] = database
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def counted_queries():
    """Count the SQL statements sent to the database inside the block."""
    from django.db import connection

    box = {"queries": 0}

    def wrapper(execute, sql, params, many, context):
        box["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield box


@contextmanager
def timed(label: str, results: dict):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start
