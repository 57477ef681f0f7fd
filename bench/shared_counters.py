"""Login lockouts and shared-link rate limits with several gunicorn workers.

    .venv/bin/python bench/shared_counters.py [--workers 3]

Serves a small database with gunicorn (production settings, DEBUG off, real password
hashing) in three set-ups, and sends from one client, each request on a new connection:

* before: counters in each worker's memory (CACHE_URL=locmemcache://), and behind the
  proxy with TRUSTED_PROXY_COUNT=0, as the app used to run by default;
* database, no proxy count: counters in PostgreSQL (the default now), count still 0;
* database + proxy count: counters in PostgreSQL and TRUSTED_PROXY_COUNT=1 (docs/deploy.md).

and prints, for each: how many of 12 wrong passwords for one username got a plain 400
before the first 429 and whether the right password then got in; whether a first-time
user on another client could log in after 20 made-up usernames from the first; how many
of 400 shared-link requests (8 at a time) passed the 300-per-address limit; the
shared-link page's median time (8 at a time, then one at a time); how many workers
served; and, first, what one count costs in the database store.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import free_port, setup_django, started  # noqa: E402

DATABASE = "earlybird_bench_counters"
OUT = ROOT / "var" / "bench-counters"
PASSWORD = "Milk-morning-7"
REQUEST_LINE = re.compile(r"earlybird\.request \[(\d+)\] request method=\w+ route=(\S+)")
SETUPS = {
    "before (per-process memory, proxy count 0)": {
        "CACHE_URL": "locmemcache://",
        "TRUSTED_PROXY_COUNT": "0",
    },
    "database counters, proxy count 0": {"TRUSTED_PROXY_COUNT": "0"},
    "database counters, proxy count 1": {"TRUSTED_PROXY_COUNT": "1"},
}


def serve(port: int, workers: int, extra: dict, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        # Set, even empty, these hide whatever a local .env says.
        "CACHE_URL": "",
        "SECRET_KEY_FILE": "",
        "DJANGO_SETTINGS_MODULE": "earlybird.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-counters-" + "s" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_PG_NAME": DATABASE,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
        "REQUEST_LOG_LEVEL": "INFO",
        **extra,
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                Path(sys.executable).with_name("gunicorn"),
                "earlybird.wsgi:application",
                "-c",
                "gunicorn.conf.py",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return started(server, port, log)


def send(url: str, *, client: str, data: dict | None = None) -> tuple[int, float]:
    """One request on a new connection, from `client` as nginx passes it on."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": client})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def build() -> dict:
    from django.utils import timezone

    from customers.models import Customer
    from customers.services import CustomerDetails, create_customer
    from deliveries.models import DeliveryBoy
    from deliveries.services import create_delivery_boy, create_link
    from earlybird.models import ThrottleCounter
    from orders.models import Order

    def customer(phone: str) -> str:
        if not Customer.objects.filter(phone=phone).exists():
            details = CustomerDetails(name=f"Bench {phone}", phone=phone)
            create_customer(details=details, password=PASSWORD)
        return phone

    boy = DeliveryBoy.objects.filter(phone="9848000009").first() or create_delivery_boy(
        name="Bench boy", phone="9848000009", password=PASSWORD
    )
    _, token = create_link(
        delivery_boy=boy,
        shift=Order.Shift.MORNING,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate(),
        expires_at=timezone.now() + timedelta(hours=6),
        created_by=None,
    )
    ThrottleCounter.objects.all().delete()
    return {"owner": customer("9848000001"), "newcomer": customer("9848000002"), "token": token}


def run(base: str, accounts: dict, log: Path) -> dict:
    token_url = f"{base}/api/v1/auth/token/"

    def login(username, password, client):
        data = {"username": username, "password": password}
        return send(token_url, client=client, data=data)[0]

    wrong = [login(accounts["owner"], "wrong", "203.0.113.7") for _ in range(12)]
    plain = wrong.index(429) if 429 in wrong else len(wrong)
    right = login(accounts["owner"], PASSWORD, "203.0.113.7")
    for n in range(20):
        login(f"made-up-{n}", "x", "198.51.100.66")
    newcomer = login(accounts["newcomer"], PASSWORD, "192.0.2.20")

    page = f"{base}/s/{accounts['token']}/"
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: send(page, client="198.51.100.77"), range(400)))
    statuses = Counter(status for status, _ in results)
    one_by_one = [send(page, client=f"192.0.2.{n % 50 + 100}")[1] for n in range(100)]
    served = Counter(pid for pid, _ in REQUEST_LINE.findall(log.read_text()))
    return {
        "12 wrong passwords: plain 400s before the first 429": plain,
        "right password afterwards": "let in" if right == 200 else f"refused ({right})",
        "first-time user elsewhere after 20 made-up names": (
            "let in" if newcomer == 200 else f"refused ({newcomer})"
        ),
        "400 shared-link requests: passed / 429": f"{statuses[200]} / {statuses[429]}",
        "shared-link page, median ms (8 at a time)": round(
            statistics.median(seconds for _, seconds in results) * 1000, 1
        ),
        "shared-link page, median ms (one at a time)": round(
            statistics.median(one_by_one) * 1000, 1
        ),
        "workers that served": len(served),
    }


def count_cost() -> float:
    """Median milliseconds of one count in the database store, in this process."""
    from django.db import connection

    from earlybird import counters

    times = []
    for n in range(500):
        started = time.perf_counter()
        counters.count(f"bench:{n % 20}", window=600, now=time.time())
        times.append(time.perf_counter() - started)
    connection.close()
    return round(statistics.median(times) * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    setup_django(DATABASE)
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "EMBEDDED_PG_NAME": DATABASE},
    )
    print(f"one count in the database store: {count_cost()} ms (median of 500)")
    print(f"gunicorn, {args.workers} sync workers; each request a new connection")
    for title, extra in SETUPS.items():
        accounts = build()
        log = OUT / "gunicorn.log"
        port = free_port()
        server = serve(port, args.workers, extra, log)
        try:
            figures = run(f"http://127.0.0.1:{port}", accounts, log)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"\n{title}")
        for label, value in figures.items():
            print(f"  {label}: {value}")


if __name__ == "__main__":
    main()
