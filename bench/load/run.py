# Over 400 lines: one harness (server, closed and open loops, checks, the rows) read in one go.
"""Load test against the production server (gunicorn, DEBUG off) on 127.0.0.1.

    .venv/bin/python bench/load/run.py [--customers 1000] [--seconds 20] [--step-seconds 10]

Builds the dairy (bench/load/setup.py: 1,000 customers, one route of 400 stops and routes
of 40), serves it with gunicorn as `make serve` does, and measures in three parts:

1. Unsaturated, with 1 and then 4 closed-loop clients (each sends its next request when
   the last one is answered): every page in turn — the trivial view (/healthz, the
   framework's floor), the signed-in trivial view (GET / as a delivery boy: session,
   user and roles read, a redirect answered), the route page of a 40-stop and of a
   400-stop route (the page shows one window of 40 stops: deliveries/route_rows.py), the
   staff customer list and the monthly grid (last month, billed; and this month, not
   billed yet: the page staff open first). Each page's p50 against the trivial view's
   p50 of the same run is the figure that counts (the one against the signed-in floor is
   printed beside it): with this few clients nothing waits in a queue.
2. Saturation: an open loop (requests sent at a fixed rate whatever the answers, a mix
   of delivery boys loading their route and confirming stops, staff, customers and the
   floor), rate doubled step by step then narrowed: the highest rate at which p95 stays
   under 500 ms. Latency counts from when a request was due, so a late send is slow.
3. Part 1 again against a server that keeps no reads (KEEP_READS=0, earlybird.changes):
   each page as a view right after a change to its tables reads it, "(nothing kept)".

Every simulated delivery boy asks for the shift he has stops in (the accounts file says
which). The harness reads no markup: sessions are written by setup.py, the CSRF token is
the cookie's, the stops come from the database, and a stop is confirmed through the
phone's JSON queue (POST /d/sync/, found by the URL resolver). Afterwards it checks the database: no delivery confirmed twice, every
confirmation attributed, `manage.py reconcile` clean.

Prints tables (and writes var/load/results.json) for bench/run_all.py.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.common import free_port, report, row, setup_django, started  # noqa: E402

DATABASE = "earlybird_load"
OUT = ROOT / "var" / "load"
SECRET_KEY = "load-test-" + "s" * 60  # the setup's sessions are signed with the server's key
P95_LIMIT_MS = 500.0
FLOOR = "floor /healthz"
# The same for a signed-in user: GET / answers a redirect to his own pages after reading
# the session, the user and his roles — what every signed-in page does before its own work.
SIGNED_IN_FLOOR = "signed-in floor GET /"


def serve(
    port: int, workers: int, database: str = DATABASE, *, keep_reads: bool = True
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_PG_NAME": database,
        "BIND": f"127.0.0.1:{port}",
        "REQUEST_LOG_LEVEL": "WARNING",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
        "WEB_CONCURRENCY": str(workers),
        "KEEP_READS": "1" if keep_reads else "0",
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


# --- the client ------------------------------------------------------------------------


class Client:
    """Plain HTTP/1.1 requests with a session cookie; a new connection per request (the
    sync workers close each one), so no client state can skew the figures."""

    def __init__(self, port: int, accounts: dict):
        self.port = port
        self.accounts = accounts
        self.csrf = f"{accounts['csrf_cookie']}={accounts['csrf_token']}"

    def request(self, method: str, path: str, session: str | None, form=None):
        """`form`: a dict (sent as a form) or a list (sent as JSON) for a POST."""
        headers = {"Cookie": self.csrf, "X-CSRFToken": self.accounts["csrf_token"]}
        if session:
            headers["Cookie"] += f"; {self.accounts['session_cookie']}={session}"
        body = None
        if isinstance(form, dict):
            body = urlencode({"csrfmiddlewaretoken": self.accounts["csrf_token"], **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif form is not None:
            body = json.dumps({"actions": form})
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return 599
        finally:
            connection.close()


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def add(self, name: str, ms: float, status: int) -> None:
        with self.lock:
            self.times.setdefault(name, []).append(ms)
            if status >= 400:
                self.errors[name] = self.errors.get(name, 0) + 1

    def all_times(self) -> list[float]:
        return [ms for times in self.times.values() for ms in times]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


AFRESH = " (nothing kept)"


def pages(accounts: dict, client_number: int) -> list[tuple[str, str, str | None]]:
    """(name, path, session) of every measured page; client n uses its own 40-stop boy."""
    boys = accounts["delivery_boys"]
    big = max(boys, key=lambda boy: len(boy["stops"]))
    small = [boy for boy in boys if boy is not big]
    boy = small[client_number % len(small)]
    staff = accounts["staff"]
    return [
        (FLOOR, "/healthz", None),
        (SIGNED_IN_FLOOR, "/", boy["session"]),
        (f"route page, {len(boy['stops'])}-stop route", boy["route"], boy["session"]),
        (f"route page, {len(big['stops'])}-stop route (a window)", big["route"], big["session"]),
        ("customer list", accounts["customers_url"] + "?page=7", staff),
        ("monthly grid, last month (billed)", accounts["grid_url"], staff),
        ("monthly grid, this month (not billed yet)", accounts["grid_this_month_url"], staff),
    ]


def unsaturated(client: Client, clients: int, seconds: float, label: str = "") -> list[dict]:
    """Closed loop: each client goes round every page in a shuffled order until time is
    up; the first round warms up and is not counted. `label` follows each page's name."""
    recorder = Recorder()
    deadline = time.perf_counter() + seconds

    def loop(number: int) -> None:
        order = pages(client.accounts, number)
        rng = random.Random(number)
        first = True
        while time.perf_counter() < deadline:
            rng.shuffle(order)
            for name, path, session in order:
                start = time.perf_counter()
                status = client.request("GET", path, session)
                if not first:
                    recorder.add(name, (time.perf_counter() - start) * 1000, status)
            first = False

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    floor = statistics.median(recorder.times.get(FLOOR, [float("nan")]))
    signed_in = statistics.median(recorder.times.get(SIGNED_IN_FLOOR, [float("nan")]))
    rows = []
    for name, _, _ in pages(client.accounts, 0):
        times = recorder.times.get(name, [])
        p50 = statistics.median(times) if times else float("nan")
        rows.append(
            {
                "page": name + label,
                "clients": clients,
                "requests": len(times),
                "errors": recorder.errors.get(name, 0),
                "p50_ms": round(p50, 2),
                "p95_ms": round(percentile(times, 0.95), 1),
                "floor_p50_ms": round(floor, 2),
                "ratio": round(p50 / floor, 2) if floor else float("nan"),
                "signed_in_floor_p50_ms": round(signed_in, 2),
                "signed_in_ratio": round(p50 / signed_in, 2) if signed_in else float("nan"),
            }
        )
    return rows


class Mix:
    """What one arrival of the open loop does: a delivery boy loads his route or confirms
    his next stop, staff open the list or the grid, a customer opens /me/, or the floor."""

    def __init__(self, accounts: dict, seed: int = 7):
        self.accounts = accounts
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.next_stop = {n: 0 for n in range(len(accounts["delivery_boys"]))}
        staff = accounts["staff"]
        self.choices = [
            (35, self.confirm),
            (20, self.route),
            (15, lambda: ("customer /me/", "GET", "/me/", self.pick_customer(), None)),
            (8, lambda: ("customer list", "GET", self.list_page(), staff, None)),
            (2, lambda: ("monthly grid", "GET", accounts["grid_url"], staff, None)),
            (2, lambda: ("monthly grid", "GET", accounts["grid_this_month_url"], staff, None)),
            (18, lambda: (FLOOR, "GET", "/healthz", None, None)),
        ]
        self.weights = [weight for weight, _ in self.choices]

    def pick_boy(self) -> tuple[int, dict]:
        number = self.rng.randrange(len(self.accounts["delivery_boys"]))
        return number, self.accounts["delivery_boys"][number]

    def pick_customer(self) -> str:
        return self.rng.choice(self.accounts["customers"])

    def list_page(self) -> str:
        return f"{self.accounts['customers_url']}?page={self.rng.randint(1, 20)}"

    def route(self):
        _, boy = self.pick_boy()
        return ("route page", "GET", boy["route"], boy["session"], None)

    def confirm(self):
        number, boy = self.pick_boy()
        stop = boy["stops"][self.next_stop[number] % len(boy["stops"])]
        self.next_stop[number] += 1
        url = self.accounts["write_url"]
        if "{customer}" in url:  # the per-stop confirmation
            form = {"shift": boy["shift"], "action": "delivered"}
            url = url.format(customer=stop)
        else:  # the phone's queue: one action, a key of its own, no `seen` (not checked)
            form = [
                {
                    "key": str(uuid.uuid4()),
                    "kind": "delivered",
                    "day": self.accounts["day"],
                    "shift": boy["shift"],
                    "customer": stop,
                }
            ]
        return ("confirm a stop", "POST", url, boy["session"], form)

    def next(self):
        with self.lock:
            _, make = self.rng.choices(self.choices, weights=self.weights)[0]
            return make()


def open_loop(client: Client, mix: Mix, rate: float, seconds: float) -> dict:
    """Requests due at `rate` per second (Poisson arrivals) for `seconds`; latency from
    when each was due."""
    recorder = Recorder()
    rng = random.Random(int(rate * 1000))
    pool = ThreadPoolExecutor(max_workers=256)
    start = time.perf_counter()
    due = start
    sent = 0

    def send(request, due_at: float) -> None:
        name, method, path, session, form = request
        status = client.request(method, path, session, form)
        recorder.add(name, (time.perf_counter() - due_at) * 1000, status)

    while due < start + seconds:
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        pool.submit(send, mix.next(), due)
        sent += 1
        due += rng.expovariate(rate)
    pool.shutdown(wait=True)
    elapsed = time.perf_counter() - start
    times = recorder.all_times()
    errors = sum(recorder.errors.values())
    return {
        "rate_rps": round(rate, 1),
        "achieved_rps": round(len(times) / elapsed, 1),
        "requests": sent,
        "errors": errors,
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "per_endpoint": {
            name: {
                "requests": len(values),
                "errors": recorder.errors.get(name, 0),
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
            }
            for name, values in sorted(recorder.times.items())
        },
    }


def saturation(client: Client, seconds: float, first_rate: float, max_rate: float) -> dict:
    """Double the rate while p95 < 500 ms and errors < 1 %, then bisect twice between the
    last good and the first bad rate."""
    mix = Mix(client.accounts)
    steps = []

    def good(step: dict) -> bool:
        return step["p95_ms"] < P95_LIMIT_MS and step["errors"] <= 0.01 * step["requests"]

    rate, best, worst = first_rate, None, None
    while rate <= max_rate:
        step = open_loop(client, mix, rate, seconds)
        steps.append(step)
        print(f"  {rate:6.1f} rps: p95 {step['p95_ms']:.0f} ms, errors {step['errors']}")
        if not good(step):
            worst = rate
            break
        best = rate
        rate *= 2
    for _ in range(2):
        if best is None or worst is None:
            break
        rate = (best + worst) / 2
        step = open_loop(client, mix, rate, seconds)
        steps.append(step)
        print(f"  {rate:6.1f} rps: p95 {step['p95_ms']:.0f} ms, errors {step['errors']}")
        best, worst = (rate, worst) if good(step) else (best, rate)
    return {"steps": steps, "max_rps_p95_under_500ms": best, "first_bad_rps": worst}


# --- the database afterwards ---------------------------------------------------------------


def database_checks(day: str) -> dict:
    from io import StringIO

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
    buffer = StringIO()
    try:
        call_command("reconcile", stdout=buffer)
        reconcile_output = buffer.getvalue().strip()
    except SystemExit as exc:  # non-zero exit: violations, printed
        reconcile_output = f"{buffer.getvalue().strip()} (exit {exc.code})"
    return {
        "double_confirmations": doubles,
        "unattributed_confirmations": unattributed,
        "confirmed_today": confirmed,
        "reconcile": reconcile_output,
    }


def print_tables(result: dict) -> None:
    print("Unsaturated (closed loop; ratio = the page's p50 / the trivial view's p50, same run)")
    print(f"{'page':<38} {'clients':>7} {'requests':>8} {'errors':>6} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'floor p50':>9} {'ratio':>6} {'signed-in':>9} {'ratio':>6}")  # fmt: skip
    for line in result["unsaturated"]:
        print(
            f"{line['page']:<38} {line['clients']:>7} {line['requests']:>8} {line['errors']:>6} "
            f"{line['p50_ms']:>7.1f} {line['p95_ms']:>7.1f} {line['floor_p50_ms']:>9.1f} "
            f"{line['ratio']:>6.2f} {line['signed_in_floor_p50_ms']:>9.1f} "
            f"{line['signed_in_ratio']:>6.2f}"
        )
    print()
    print("Saturation (open loop, the whole mix)")
    print(f"{'rate rps':>8} {'achieved':>8} {'requests':>8} {'errors':>6} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'p99 ms':>7}")  # fmt: skip
    for step in result["saturation"]["steps"]:
        print(
            f"{step['rate_rps']:>8.1f} {step['achieved_rps']:>8.1f} {step['requests']:>8} "
            f"{step['errors']:>6} {step['p50_ms']:>7.1f} {step['p95_ms']:>7.1f} "
            f"{step['p99_ms']:>7.1f}"
        )
    best = result["saturation"]["max_rps_p95_under_500ms"]
    print(
        f"highest rate with p95 < {P95_LIMIT_MS:.0f} ms: "
        + (f"{best:.1f} requests/s" if best else "none of the rates tried")
    )
    checks = result["checks"]
    print(
        f"stops confirmed today {checks['confirmed_today']}, double confirmations "
        f"{checks['double_confirmations']}, unattributed {checks['unattributed_confirmations']}"
    )
    print(f"reconcile: {checks['reconcile'] or 'nothing to report'}")


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: its own)")
    parser.add_argument("--seconds", type=float, default=20, help="per unsaturated run")
    parser.add_argument("--step-seconds", type=float, default=10, help="per saturation step")
    parser.add_argument("--first-rate", type=float, default=4)
    parser.add_argument("--max-rate", type=float, default=256)
    parser.add_argument("--database", default=DATABASE, help="built afresh (embedded server)")
    args = parser.parse_args()

    os.environ["SECRET_KEY"] = SECRET_KEY
    setup_django(args.database)
    from bench.load.setup import build

    OUT.mkdir(parents=True, exist_ok=True)
    started_at = time.perf_counter()
    accounts_file = OUT / (
        "accounts.json" if args.database == DATABASE else f"accounts-{args.database}.json"
    )
    accounts = build(customers=args.customers, accounts_file=accounts_file)
    routes = sorted({len(boy["stops"]) for boy in accounts["delivery_boys"]})
    print(
        f"dairy: {args.customers} customers, {len(accounts['delivery_boys'])} delivery boys "
        f"(routes of {' and '.join(map(str, routes))} stops), {accounts['deliveries']} "
        f"deliveries, {accounts['bills_issued']} bills issued "
        f"(built in {time.perf_counter() - started_at:.0f} s)"
    )
    port = free_port()
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
    server = serve(port, workers, args.database)
    client = Client(port, accounts)
    try:
        rows = []
        for clients in (1, 4):
            rows += unsaturated(client, clients, args.seconds)
        print("saturation steps:")
        saturated = saturation(client, args.step_seconds, args.first_rate, args.max_rate)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # The pages again with nothing kept (KEEP_READS=0: earlybird.changes), as a view
    # right after a change reads them: what the kept reads save, and what a busy
    # morning's views cost.
    server = serve(port, workers, args.database, keep_reads=False)
    try:
        for clients in (1, 4):
            rows += unsaturated(client, clients, args.seconds, AFRESH)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "customers": args.customers,
        "gunicorn_workers": workers,
        "unsaturated": rows,
        "saturation": saturated,
        "checks": database_checks(accounts["day"]),
    }
    (OUT / "results.json").write_text(json.dumps(result, indent=2))
    print_tables(result)
    print()
    report(result_rows(result))
    return result


def result_rows(result: dict) -> list[dict]:
    """bench.common rows for run_all.py: each page's p50 against the trivial view's p50
    (the honest floor: the same server, the same run), then the saturation rate."""
    size = f"{result['customers']:,} customers"
    rows = [
        row(
            f"{r['page']}, p50, {r['clients']} client{'s' if r['clients'] > 1 else ''}",
            size=size,
            run=r["p50_ms"],
            floor=r["floor_p50_ms"],
            unit="ms",
            rounds=r["requests"],
            note=(
                f"floor: the trivial view; against the signed-in trivial view (GET / → "
                f"redirect, {r['signed_in_floor_p50_ms']:.1f} ms): {r['signed_in_ratio']:.2f}×"
            ),
        )
        for r in result["unsaturated"]
        if not r["page"].startswith((FLOOR, SIGNED_IN_FLOOR))
    ]
    best = result["saturation"]["max_rps_p95_under_500ms"]
    if best:
        rows.append(
            row(
                f"requests/s with p95 < {P95_LIMIT_MS:.0f} ms (the whole mix)",
                size=f"{size}, {result['gunicorn_workers']} gunicorn workers",
                run=best,
                unit="req/s",
            )
        )
    return rows


if __name__ == "__main__":
    main()
