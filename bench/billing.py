"""Benchmark: one month's billing run for a dairy of N customers.

    .venv/bin/python bench/billing.py [--customers 50000] [--days 30] [--reuse]

Builds N customers × D days of confirmed deliveries (about 1.5 million at full size: 90 %
delivered, 6 % partial, 4 % not delivered; two prices during the month; a few open
adjustments) with bulk SQL in a database of its own (earlybird_bench_billing). Then it
times, with peak memory:

* the floor: one hand-written INSERT … SELECT creating the same lines on ready-made bills,
  in a transaction rolled back afterwards (the billing-line triggers fire for it too);
* run_billing for the month;
* its rerun (nothing left to bill);
* issue_bills for the month (numbering and freezing every draft).

--reuse keeps the deliveries of an earlier build of the same size (billing is reset).
Building and resetting use session_replication_role, so the database user must be a
superuser (the embedded server's is).
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import counted_queries, peak_rss_mb, setup_django

PERIOD = dt.date(2026, 1, 1)


def build_dairy(customers: int, days: int) -> None:
    """Customers, products, one daily subscription each and its confirmed deliveries.

    Written with the replica role so foreign-key and integrity triggers do not fire for the
    build (the rows are consistent by construction); they fire again for the measurements.
    """
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")
        c.execute("""
            TRUNCATE billing_billingline, billing_bill, billing_billingrun, billing_adjustment,
                     billing_payment, billing_historicalbill, billing_historicaladjustment,
                     billing_historicalpayment,
                     deliveries_delivery, deliveries_historicaldelivery, deliveries_routestop,
                     deliveries_deliveryboy, orders_orderline, orders_order,
                     orders_historicalorder, orders_customerprice, orders_productprice,
                     orders_product, customers_customer, customers_historicalcustomer,
                     customers_area, earlybird_codecounter
                     RESTART IDENTITY CASCADE;
            DELETE FROM auth_user_groups;
            DELETE FROM auth_user WHERE username LIKE 'c%%';
        """)
        c.execute(
            """
            INSERT INTO customers_area (name, city, pincode, is_active, created_at, updated_at)
            SELECT 'Area ' || g, 'Hyderabad', '', true, now(), now()
              FROM generate_series(1, 20) g;
            INSERT INTO orders_product (name, unit, is_active, sort_order, created_at, updated_at)
            SELECT 'Product ' || g, 'litre', true, g, now(), now() FROM generate_series(1, 8) g;
            INSERT INTO auth_user (username, password, is_superuser, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT 'c' || lpad(g::text, 9, '0'), '!', false, '', '', '', false, true, now()
              FROM generate_series(1, %(n)s) g;
            INSERT INTO customers_customer (user_id, code, name, phone, status, area_id, address,
                landmark, map_link, marketing_staff_id, opening_balance, notes, created_at,
                updated_at)
            SELECT u.id, 'CU-20251201-' || lpad(u.id::text, 6, '0'), 'Customer ' || u.id,
                   '9' || lpad(u.id::text, 9, '0'), 'active', 1 + u.id %% 20, 'House ' || u.id,
                   '', '', NULL, (u.id %% 7) * 10 - 20, '', now(), now()
              FROM auth_user u WHERE u.username LIKE 'c%%' ORDER BY u.id;
            INSERT INTO orders_order (code, customer_id, kind, pattern, weekdays, shift,
                start_date, end_date, status, notes, created_at, updated_at)
            SELECT 'SU-20251201-' || lpad(c.id::text, 6, '0'), c.id, 'subscription', 'daily',
                   ARRAY[]::smallint[], CASE WHEN c.id %% 5 = 0 THEN 'evening' ELSE 'morning' END,
                   DATE '2025-12-01', NULL, 'active', '', now(), now()
              FROM customers_customer c;
            INSERT INTO orders_orderline (order_id, product_id, quantity, created_at, updated_at)
            SELECT o.id, 1 + o.customer_id %% 8, 1 + (o.customer_id %% 3) * 0.5, now(), now()
              FROM orders_order o;
            """,
            {"n": customers},
        )
        # Deliveries: every customer every day; prices change on the 16th for half the
        # products; 6 %% partial, 4 %% not delivered; confirmed by the delivery boy.
        c.execute(
            """
            INSERT INTO deliveries_delivery
                (code, order_id, order_line_id, product_id, customer_id, delivery_boy_id, date,
                 shift, ordered_qty, delivered_qty, unit_price, status, reason, reason_note,
                 confirmed_by_name, confirmed_via, confirmed_at, confirmed_user_agent,
                 created_at, updated_at)
            SELECT 'DL-' || to_char(day, 'YYYYMMDD') || '-' || lpad(l.id::text, 6, '0'),
                   o.id, l.id, l.product_id, o.customer_id, NULL, day, o.shift, l.quantity,
                   CASE outcome WHEN 'delivered' THEN l.quantity WHEN 'partial' THEN 0.5
                        ELSE 0 END,
                   CASE WHEN l.product_id <= 4 AND day >= DATE '2026-01-16'
                        THEN 28.50 + l.product_id * 4.25 ELSE 27.75 + l.product_id * 4.25 END,
                   outcome,
                   CASE outcome WHEN 'not_delivered' THEN 'customer_away' ELSE '' END, '', '',
                   'delivery_boy', day + time '06:30', '', now(), now()
              FROM orders_orderline l
              JOIN orders_order o ON o.id = l.order_id,
                   generate_series(%(first)s::date, %(first)s::date + %(days)s - 1,
                                   interval '1 day') AS g(day),
                   LATERAL (SELECT CASE WHEN (l.id * 31 + extract(day FROM g.day)::int) %% 100 < 4
                                        THEN 'not_delivered'
                                        WHEN (l.id * 31 + extract(day FROM g.day)::int) %% 100 < 10
                                         AND l.quantity > 0.5 THEN 'partial'
                                        ELSE 'delivered' END AS outcome) AS x
             ORDER BY day, l.id
            """,
            {"first": PERIOD, "days": days},
        )
        # A few open adjustments (one customer in 50) for the run to pick up.
        c.execute(
            """
            INSERT INTO billing_adjustment (customer_id, amount, reason, date, created_at,
                                            updated_at)
            SELECT id, CASE WHEN id %% 2 = 0 THEN -15.00 ELSE 20.00 END, 'bench adjustment',
                   %(first)s::date + 9, now(), now()
              FROM customers_customer WHERE id %% 50 = 0
            """,
            {"first": PERIOD},
        )
        c.execute("SET session_replication_role = origin")
    vacuum("VACUUM ANALYZE")


def vacuum(statement: str) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(statement)


def reset_billing() -> None:
    from django.db import connection

    with connection.cursor() as c:
        # Issued bills are frozen by triggers: the replica role sets them aside for the reset.
        c.execute("""
            SET session_replication_role = replica;
            TRUNCATE billing_billingline, billing_historicalbill;
            UPDATE billing_adjustment SET bill_id = NULL;
            DELETE FROM billing_bill;
            DELETE FROM billing_billingrun;
            DELETE FROM earlybird_codecounter WHERE prefix = 'BI';
            SET session_replication_role = origin;
        """)
    vacuum("VACUUM ANALYZE billing_billingline, billing_bill, billing_adjustment")


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        return c.fetchone()[0]


def reset_backend_peak(pid: int) -> None:
    """Restart the database backend's peak-RSS count (Linux; same user as the server)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def backend_peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def checkpoint() -> None:
    """Start each measurement with no dirty pages left over from the previous one."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as c:
            c.execute("CHECKPOINT")
    except DatabaseError:  # not a superuser on a server of one's own: go without
        pass


def measure(label: str, work, pid: int, results: list) -> object:
    checkpoint()
    reset_backend_peak(pid)
    start = time.perf_counter()
    with counted_queries() as queries:
        value = work()
    seconds = time.perf_counter() - start
    results.append((label, seconds, queries["queries"], peak_rss_mb(), backend_peak_mb(pid)))
    return value


FLOOR_BILLS = """
    INSERT INTO billing_bill (created_at, updated_at, period, status, previous_balance, charges,
                              adjustments_total, total, void_reason, customer_id)
    SELECT DISTINCT ON (d.customer_id) now(), now(), %(period)s, 'draft', 0, 0, 0, 0, '',
           d.customer_id
      FROM deliveries_delivery d
     WHERE d.status IN ('delivered', 'partial') AND d.date <= %(end)s
"""

FLOOR_LINES = """
    INSERT INTO billing_billingline (created_at, updated_at, quantity, unit_price, amount,
                                     bill_id, delivery_id)
    SELECT now(), now(), d.delivered_qty, d.unit_price, round(d.delivered_qty * d.unit_price, 2),
           b.id, d.id
      FROM deliveries_delivery d
      JOIN billing_bill b ON b.customer_id = d.customer_id AND b.period = %(period)s
     WHERE d.status IN ('delivered', 'partial') AND d.date <= %(end)s
"""


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier build's rows")
    args = parser.parse_args()
    setup_django("earlybird_bench_billing")
    from django.db import connection, transaction

    from billing.models import Bill, BillingLine
    from billing.services import issue_bills, month_end, run_billing
    from deliveries.models import Delivery

    end = month_end(PERIOD)
    expected = args.customers * args.days
    started = time.perf_counter()
    built = False
    if not (args.reuse and Delivery.objects.count() == expected):
        build_dairy(args.customers, args.days)
        built = True
    reset_billing()
    build_seconds = time.perf_counter() - started
    billable = Delivery.objects.filter(status__in=Delivery.BILLABLE_STATUSES, date__lte=end).count()
    with connection.cursor() as c:  # warm the cache for everyone alike
        c.execute("SELECT count(*), sum(delivered_qty) FROM deliveries_delivery")
    pid = backend_pid()
    results: list = []

    def floor():
        try:
            with transaction.atomic(), connection.cursor() as c:
                c.execute(FLOOR_BILLS, {"period": PERIOD, "end": end})
                reset_backend_peak(pid)
                start = time.perf_counter()
                c.execute(FLOOR_LINES, {"period": PERIOD, "end": end})
                box["seconds"], box["rows"] = time.perf_counter() - start, c.rowcount
                raise Rollback
        except Rollback:
            pass

    box: dict = {}
    measure("floor", floor, pid, results)
    results[-1] = ("floor", box["seconds"], 1, results[-1][3], results[-1][4])
    # The rolled-back lines are dead rows, and the deliveries carry the floor's (aborted)
    # foreign-key locks: clean both so the run starts from the same state the floor did.
    vacuum("VACUUM ANALYZE billing_billingline, billing_bill, deliveries_delivery")

    run = measure("run", lambda: run_billing(period=PERIOD), pid, results)
    rerun = measure("rerun", lambda: run_billing(period=PERIOD), pid, results)
    issued = measure("issue", lambda: issue_bills(period=PERIOD), pid, results)

    lines = BillingLine.objects.count()
    bills = Bill.objects.count()
    print(
        f"dairy: {args.customers} customers × {args.days} days = {expected} deliveries, "
        f"{billable} delivered or partial "
        f"({'built' if built else 'reused'}, ready in {build_seconds:.1f} s)"
    )
    print(f"floor: one INSERT … SELECT of {box['rows']} lines (rolled back)")
    print(f"run:   {run.lines_created} lines on {run.bills_touched} bills, ₹{run.amount_billed}")
    print(f"rerun: {rerun.lines_created} lines, {rerun.bills_touched} bills touched")
    print(f"issue: {issued} bills issued")
    print(f"{'':6}{'seconds':>9}{'queries':>9}{'python peak MB':>16}{'db backend peak MB':>20}")
    for label, seconds, queries, rss, backend in results:
        backend_text = f"{backend:.0f}" if backend is not None else "n/a"
        print(f"{label:6}{seconds:9.2f}{queries:9d}{rss:16.0f}{backend_text:>20}")
    floor_seconds = results[0][1]
    print(f"run / floor: {results[1][1] / floor_seconds:.2f}×")
    assert lines == billable, (lines, billable)
    assert bills == args.customers, (bills, args.customers)


if __name__ == "__main__":
    main()
