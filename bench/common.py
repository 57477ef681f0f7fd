"""Shared set-up for benchmarks: a separate database, Django, timing and memory."""

import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def started(server: subprocess.Popen, port: int, log: Path | None = None) -> subprocess.Popen:
    """`server` once /healthz answers on `port`; if it never does, stop it and say why."""
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start: {log.read_text()[-2000:] if log else ''}")
