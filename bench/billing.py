"""Benchmark: one month's billing run for a dairy of N customers, against its honest floor.

    .venv/bin/python bench/billing.py [--customers 10000] [--days 30] [--rounds 3] [--reuse]
                                      [--trigger-cost]

Builds N customers × D days of confirmed deliveries (90 % delivered, 6 % partial, 4 % not
delivered; two prices during the month; one customer in 50 an open adjustment) with bulk
SQL in a database of its own (earlybird_bench_billing). Then, A/B interleaved over
--rounds rounds (the order flips each round), billing put back to empty before each:

* the floor: the rows the run writes — the period's bills with their totals and history
  rows, one line per billable delivery, the adjustments attached — each by one
  INSERT … SELECT (or UPDATE) into the same schema (keys, indexes, triggers), committed,
  so it pays the deferred foreign-key checks at commit as the run does;
* run_billing for the month (committed by the service itself).

The medians are reported with their ratio; then, once, the rerun (nothing left to bill)
and issue_bills for the month. --trigger-cost also times the lines' INSERT with the
table's own triggers on and off (rolled back: only the triggers differ), in µs per line.
The issue's scale is --customers 50000 --days 30 (1.44 million lines).
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
from bench.common import (
    counted_queries,
    interleaved,
    median,
    peak_rss_mb,
    report,
    row,
    run_script,
    setup_django,
)

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
        run_script(
            c,
            """
            INSERT INTO customers_area (name, city, pincode, is_active, created_at, updated_at)
            SELECT 'Area ' || g, 'Hyderabad', '', true, now(), now()
              FROM generate_series(1, 20) g;
            INSERT INTO orders_product (name, unit, is_active, sort_order, returnable, container,
                                        deposit, created_at, updated_at)
            SELECT 'Product ' || g, 'litre', true, g, false, '', 0, now(), now()
              FROM generate_series(1, 8) g;
            INSERT INTO auth_user (username, password, is_superuser, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT 'c' || lpad(g::text, 9, '0'), '!', false, '', '', '', false, true, now()
              FROM generate_series(1, %(n)s) g;
            INSERT INTO customers_customer (user_id, code, name, phone, status, area_id, address,
                landmark, map_link, marketing_staff_id, opening_balance, notes,
                delivery_instructions, created_at, updated_at)
            SELECT u.id, 'CU-20251201-' || lpad(u.id::text, 6, '0'), 'Customer ' || u.id,
                   '9' || lpad(u.id::text, 9, '0'), 'active', 1 + u.id %% 20, 'House ' || u.id,
                   '', '', NULL, (u.id %% 7) * 10 - 20, '', '', now(), now()
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
                 bottles_given, bottles_collected, created_at, updated_at)
            SELECT 'DL-' || to_char(day, 'YYYYMMDD') || '-' || lpad(l.id::text, 6, '0'),
                   o.id, l.id, l.product_id, o.customer_id, NULL, day, o.shift, l.quantity,
                   CASE outcome WHEN 'delivered' THEN l.quantity WHEN 'partial' THEN 0.5
                        ELSE 0 END,
                   CASE WHEN l.product_id <= 4 AND day >= DATE '2026-01-16'
                        THEN 28.50 + l.product_id * 4.25 ELSE 27.75 + l.product_id * 4.25 END,
                   outcome,
                   CASE outcome WHEN 'not_delivered' THEN 'customer_away' ELSE '' END, '', '',
                   'delivery_boy', day + time '06:30', '', 0, 0, now(), now()
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


def checkpoint() -> None:
    """Start each measurement with no dirty pages left over from the previous one."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as c:
            c.execute("CHECKPOINT")
    except DatabaseError:  # not a superuser on a server of one's own: go without
        pass


# The floor: what the run writes, each table by one statement. Bills with their totals
# (sums of the rounded line amounts, and of the open adjustments) and their history rows;
# the lines; the adjustments attached.
FLOOR_BILLS = """
    WITH charges AS (
        SELECT d.customer_id, sum(round(d.delivered_qty * d.unit_price, 2)) AS amount
          FROM deliveries_delivery d
         WHERE d.status IN ('delivered', 'partial') AND d.date <= %(end)s
         GROUP BY d.customer_id
    ), adjustments AS (
        SELECT a.customer_id, sum(a.amount) AS amount FROM billing_adjustment a
         WHERE a.bill_id IS NULL AND a.date <= %(end)s GROUP BY a.customer_id
    ), made AS (
        INSERT INTO billing_bill (created_at, updated_at, period, code, status,
                                  previous_balance, charges, adjustments_total, total,
                                  issued_at, voided_at, void_reason, customer_id, run_id)
        SELECT now(), now(), %(period)s, NULL, 'draft', 0, coalesce(c.amount, 0),
               coalesce(a.amount, 0), coalesce(c.amount, 0) + coalesce(a.amount, 0),
               NULL, NULL, '', customer_id, NULL
          FROM charges c FULL JOIN adjustments a USING (customer_id)
         ORDER BY customer_id
        RETURNING *
    )
    {history}
"""

FLOOR_LINES = """
    INSERT INTO billing_billingline (created_at, updated_at, quantity, unit_price, amount,
                                     bill_id, delivery_id)
    SELECT now(), now(), d.delivered_qty, d.unit_price, round(d.delivered_qty * d.unit_price, 2),
           b.id, d.id
      FROM deliveries_delivery d
      JOIN billing_bill b ON b.customer_id = d.customer_id AND b.period = %(period)s
     WHERE d.status IN ('delivered', 'partial') AND d.date <= %(end)s
     ORDER BY d.id
"""

FLOOR_ADJUSTMENTS = """
    UPDATE billing_adjustment a SET bill_id = b.id, updated_at = now()
      FROM billing_bill b
     WHERE a.bill_id IS NULL AND a.date <= %(end)s
       AND b.customer_id = a.customer_id AND b.period = %(period)s
"""


def floor_params(end) -> dict:
    from django.utils import timezone

    return {"period": PERIOD, "end": end, "now": timezone.now(), "reason": "floor", "user": None}


def floor(end) -> None:
    from django.db import connection, transaction

    from billing.services.runs import bill_history_sql

    params = floor_params(end)
    with transaction.atomic(), connection.cursor() as c:
        c.execute(FLOOR_BILLS.format(history=bill_history_sql("made", "+")), params)
        c.execute("ANALYZE billing_bill")  # as the run does after creating many bills
        c.execute(FLOOR_LINES, params)
        c.execute(FLOOR_ADJUSTMENTS, params)


def totals() -> tuple:
    """What a billing leaves behind, to check the floor and the run wrote the same."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT (SELECT count(*) FROM billing_billingline),"
            " (SELECT coalesce(sum(amount), 0) FROM billing_billingline),"
            " (SELECT count(*) FROM billing_bill), (SELECT sum(total) FROM billing_bill),"
            " (SELECT count(*) FROM billing_adjustment WHERE bill_id IS NOT NULL)"
        )
        return c.fetchone()


def trigger_cost(end, rounds: int) -> tuple[float, float, int]:
    """Median seconds of the lines' INSERT with the table's triggers on and off (rolled
    back, the bills made first in the same transaction), and the number of lines."""
    from django.db import connection, transaction

    from billing.services.runs import bill_history_sql

    class Rollback(Exception):
        pass

    box = {}

    def insert(enabled: bool):
        def work():
            try:
                with transaction.atomic(), connection.cursor() as c:
                    params = floor_params(end)
                    c.execute(FLOOR_BILLS.format(history=bill_history_sql("made", "+")), params)
                    c.execute("ANALYZE billing_bill")
                    if not enabled:
                        c.execute("ALTER TABLE billing_billingline DISABLE TRIGGER USER")
                    start = time.perf_counter()
                    c.execute(FLOOR_LINES, params)
                    box.setdefault(enabled, []).append(time.perf_counter() - start)
                    box["rows"] = c.rowcount
                    raise Rollback
            except Rollback:
                pass

        return work

    interleaved(
        {"triggers on": insert(True), "triggers off": insert(False)},
        rounds=rounds,
        before_each=checkpoint,
    )
    return median(box[True]), median(box[False]), box["rows"]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier build's rows")
    parser.add_argument("--trigger-cost", action="store_true", help="time the line triggers")
    args = parser.parse_args(argv)
    setup_django("earlybird_bench_billing")

    from billing.services import issue_bills, month_end, run_billing
    from deliveries.models import Delivery

    end = month_end(PERIOD)
    expected = args.customers * args.days
    started = time.perf_counter()
    reused = args.reuse and Delivery.objects.count() == expected
    if not reused:
        build_dairy(args.customers, args.days)
    reset_billing()
    build_seconds = time.perf_counter() - started
    billable = Delivery.objects.filter(status__in=Delivery.BILLABLE_STATUSES, date__lte=end).count()
    size = f"{args.customers:,} customers × {args.days} days, {billable:,} lines"
    print(
        f"dairy: {args.customers} customers × {args.days} days = {expected} deliveries, "
        f"{billable} delivered or partial ({'reused' if reused else 'built'}, ready in "
        f"{build_seconds:.1f} s)",
        flush=True,
    )

    def before_each():
        reset_billing()
        vacuum("VACUUM ANALYZE deliveries_delivery")
        checkpoint()

    left: dict[str, tuple] = {}
    seconds = interleaved(
        {"floor": lambda: floor(end), "run": lambda: run_billing(period=PERIOD)},
        rounds=args.rounds,
        before_each=before_each,
        after_each=lambda name: left.__setitem__(name, totals()),
    )
    assert left["floor"] == left["run"], left  # the same rows, the same money
    assert left["run"][0] == billable and left["run"][2] == args.customers, left
    if args.rounds % 2 == 0:  # the floor ran last: bill again for the rerun below
        before_each()
        run_billing(period=PERIOD)
    rows = [
        row(
            "Billing run (run_billing) vs floor",
            size=size,
            run=median(seconds["run"]),
            floor=median(seconds["floor"]),
            rounds=args.rounds,
            note="floor: bills + history, lines, adjustments by INSERT … SELECT, committed",
        )
    ]
    with counted_queries() as queries:
        start = time.perf_counter()
        rerun = run_billing(period=PERIOD)
        rerun_seconds = time.perf_counter() - start
    assert rerun.lines_created == 0
    rows.append(
        row(
            "Billing rerun (nothing left to bill)",
            size=size,
            run=rerun_seconds,
            note=f"{queries['queries']} queries",
        )
    )
    start = time.perf_counter()
    issued = issue_bills(period=PERIOD)
    rows.append(
        row(
            "Issuing the month's bills (issue_bills)",
            size=size,
            run=time.perf_counter() - start,
            note=f"{issued:,} bills issued",
        )
    )
    if args.trigger_cost:
        reset_billing()
        on, off, lines = trigger_cost(end, args.rounds)
        rows.append(
            row(
                "Billing-line triggers, µs per line",
                size=size,
                run=(on - off) / lines * 1e6,
                unit="µs/line",
                rounds=args.rounds,
                note=f"INSERT of the lines: {on:.2f} s with, {off:.2f} s without (rolled back)",
            )
        )
    print(f"python peak memory {peak_rss_mb():.0f} MB")
    return report(rows)


if __name__ == "__main__":
    main()
