"""Load test against the production server (gunicorn, DEBUG off) on 127.0.0.1.

    .venv/bin/python bench/load/run.py [--customers 5000] [--boys 40] [--users 80]
                                       [--seconds 60]

Builds the dairy (bench/load/setup.py), serves it with gunicorn as `make serve` does,
runs the locust scenario (bench/load/locustfile.py) headless for a bounded time, then
checks the database: no delivery confirmed twice, every confirmation recorded, and
`manage.py reconcile` finds nothing. Prints p50/p95/p99 latency, requests per second,
errors, and the route page's p50 against the trivial view's p50 (the framework floor).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.common import free_port, setup_django, started  # noqa: E402

DATABASE = "earlybird_load"
OUT = ROOT / "var" / "load"


def serve(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + "s" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_PG_NAME": DATABASE,
        "BIND": f"127.0.0.1:{port}",
        "REQUEST_LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
    }
    python = Path(sys.executable)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [python.with_name("gunicorn"), "earlybird.wsgi:application", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    return started(server, port)


def read_stats(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def database_checks(day: str) -> dict:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as c:
        # A confirmation is an update of a pending row; two for one delivery = a double.
        c.execute(
            """
            SELECT count(*) FROM (
                SELECT id FROM deliveries_historicaldelivery
                 WHERE history_type = '~' AND status <> 'pending' AND date = %s
                 GROUP BY id HAVING count(*) > 1) doubles
            """,
            [day],
        )
        doubles = c.fetchone()[0]
        c.execute(
            "SELECT count(*) FROM deliveries_delivery WHERE date = %s AND status <> 'pending'"
            " AND status <> 'cancelled' AND (confirmed_at IS NULL OR confirmed_by_id IS NULL)",
            [day],
        )
        unattributed = c.fetchone()[0]
        c.execute(
            "SELECT count(*) FROM deliveries_delivery WHERE date = %s AND status = 'delivered'",
            [day],
        )
        confirmed = c.fetchone()[0]
    reconcile_output = ""
    try:
        from io import StringIO

        buffer = StringIO()
        call_command("reconcile", stdout=buffer)
        reconcile_output = buffer.getvalue().strip()
    except Exception as exc:  # the command may not exist or may need an import
        reconcile_output = f"reconcile not run: {exc}"
    return {
        "double_confirmations": doubles,
        "unattributed_confirmations": unattributed,
        "confirmed": confirmed,
        "reconcile": reconcile_output,
    }


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--boys", type=int, default=40)
    parser.add_argument("--users", type=int, default=80)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()

    setup_django(DATABASE)
    from bench.load.setup import build

    OUT.mkdir(parents=True, exist_ok=True)
    accounts_file = OUT / "accounts.json"
    started = time.perf_counter()
    accounts = build(customers=args.customers, boys=args.boys, accounts_file=accounts_file)
    print(
        f"dairy: {args.customers} customers, {args.boys} delivery boys, "
        f"{accounts['deliveries']} deliveries today (built in {time.perf_counter() - started:.0f} s)"
    )
    port = free_port()
    server = serve(port)
    prefix = OUT / "run"
    try:
        subprocess.run(
            [
                Path(sys.executable).with_name("locust"),
                "-f",
                str(ROOT / "bench/load/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(max(args.users // 5, 1)),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_ACCOUNTS": str(accounts_file)},
            check=False,
            timeout=args.seconds + 120,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    stats = read_stats(prefix)
    checks = database_checks(accounts["day"])
    total = stats["Aggregated"]
    route = stats.get("/d/ (route)", {})
    floor = stats.get("floor /healthz", {})
    result = {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "route_p50_ms": float(route.get("50%", "nan")),
        "floor_p50_ms": float(floor.get("50%", "nan")),
        "per_endpoint": {
            name: {k: row[k] for k in ("Request Count", "Failure Count", "50%", "95%", "99%")}
            for name, row in stats.items()
        },
        **checks,
        "users": args.users,
        "seconds": args.seconds,
        "customers": args.customers,
        "boys": args.boys,
    }
    result["route_to_floor"] = result["route_p50_ms"] / max(result["floor_p50_ms"], 0.1)
    (OUT / "results.json").write_text(json.dumps(result, indent=2))
    print(f"{'endpoint':<28} {'requests':>8} {'fails':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, row in stats.items():
        print(
            f"{name:<28} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    print(f"requests/s {result['rps']:.1f}, errors {result['failures']}")
    print(
        f"route page p50 {result['route_p50_ms']:.0f} ms vs trivial view p50 "
        f"{result['floor_p50_ms']:.0f} ms: ratio {result['route_to_floor']:.2f}"
    )
    print(
        f"deliveries confirmed {checks['confirmed']}, double confirmations "
        f"{checks['double_confirmations']}, unattributed {checks['unattributed_confirmations']}"
    )
    print(f"reconcile: {checks['reconcile'] or 'nothing to report'}")
    return result


if __name__ == "__main__":
    main()
