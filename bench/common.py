"""Shared set-up for benchmarks: a separate database, Django, timing and memory."""

import os
import re
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


def run_script(cursor, sql: str, params=None) -> None:
    """Each statement of `sql` (one per `;` at a line's end) with `params`: the server
    binds parameters (DB_PREPARE_THRESHOLD), and a bound statement is one statement."""
    for statement in re.split(r";\s*\n", sql):
        if statement.strip():
            cursor.execute(statement, params)


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


# --- Result rows: what every benchmark returns and run_all.py writes to docs/benchmarks.md.
#
# A row is a dict: figure (what was measured), size (of the data), run (the code's median,
# in `unit`), floor (the honest floor's median in the same unit, or None when there is no
# floor), ratio (run / floor), rounds, note. A benchmark's main() returns its rows and calls
# report(rows), which also hands them to run_all.py (through the file BENCH_RESULTS names).


def row(
    figure: str,
    *,
    size: str,
    run: float,
    floor: float | None = None,
    unit: str = "s",
    rounds: int = 1,
    note: str = "",
) -> dict:
    return {
        "figure": figure,
        "size": size,
        "run": run,
        "floor": floor,
        "ratio": run / floor if floor else None,
        "unit": unit,
        "rounds": rounds,
        "note": note,
        "date": time.strftime("%Y-%m-%d"),
    }


def report(rows: list[dict]) -> list[dict]:
    """Print the rows as a table and, under run_all.py, hand them over as JSON lines."""
    import json

    print(f"{'figure':<44} {'floor':>9} {'run':>9} {'ratio':>6}  size")
    for r in rows:
        floor = f"{r['floor']:.2f}" if r["floor"] is not None else "-"
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] is not None else "-"
        print(
            f"{r['figure']:<44} {floor:>9} {r['run']:>9.2f} {ratio:>6}  {r['size']} ({r['unit']})"
        )
    target = os.environ.get("BENCH_RESULTS")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            for r in rows:
                handle.write(json.dumps(r) + "\n")
    return rows


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def interleaved(
    contenders: dict[str, "callable"], *, rounds: int, before_each=None, after_each=None
) -> dict[str, list[float]]:
    """Seconds of each contender over `rounds` rounds, A/B interleaved: the order flips each
    round so neither always runs first (on a warmer cache, a quieter machine).
    `before_each()` (not timed) puts the database back in the same state for each;
    `after_each(name)` (not timed) may check what it left."""
    names = list(contenders)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for n in range(rounds):
        for name in names if n % 2 == 0 else names[::-1]:
            if before_each:
                before_each()
            start = time.perf_counter()
            contenders[name]()
            seconds[name].append(time.perf_counter() - start)
            print(f"  round {n + 1} {name}: {seconds[name][-1]:.2f} s", flush=True)
            if after_each:
                after_each(name)
    return seconds
