"""Benchmark: the evening's generate_deliveries for a dairy of N customers, against its floor.

    .venv/bin/python bench/generate_deliveries.py [--customers 50000] [--rounds 3]

Builds the dairy with bulk SQL in a database of its own (earlybird_bench), with a mix of
every pattern, one-time orders, pauses and overrides. Generates the day once to learn its
rows, then A/B interleaved over --rounds rounds (the order flips each round), the day's
rows deleted before each:

* the floor: the same rows (ids, codes and all) written by one INSERT … SELECT into the
  same schema (keys, indexes, triggers), committed;
* generate_deliveries for the day (committed by the service itself).

The medians are reported with their ratio; then, once, the idempotent rerun.
"""

import argparse
import datetime as dt
import sys
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
    timed,
)

DAY = dt.date(2026, 3, 16)


def build_dairy(customers: int, boys: int) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("""
            TRUNCATE deliveries_delivery, deliveries_routestop, deliveries_deliveryboy,
                     orders_dayoverride, orders_orderpause, orders_orderline, orders_order,
                     orders_customerprice, orders_productprice, orders_product,
                     customers_customer, customers_area, earlybird_codecounter,
                     deliveries_historicaldelivery, orders_historicalorder
                     RESTART IDENTITY CASCADE;
            DELETE FROM auth_user_groups;
            DELETE FROM auth_user WHERE username LIKE 'b%%';
        """)
        c.execute("""
            INSERT INTO customers_area (name, city, pincode, is_active, created_at, updated_at)
            SELECT 'Area ' || g, 'Hyderabad', '', true, now(), now() FROM generate_series(1, 20) g;
            INSERT INTO orders_product (name, unit, is_active, sort_order, returnable, container,
                                        deposit, created_at, updated_at)
            SELECT 'Product ' || g, 'litre', true, g, false, '', 0, now(), now()
              FROM generate_series(1, 8) g;
            INSERT INTO orders_productprice (product_id, price, effective_from, created_at, updated_at)
            SELECT id, 30 + id * 5, DATE '2026-01-01', now(), now() FROM orders_product;
            INSERT INTO orders_productprice (product_id, price, effective_from, created_at, updated_at)
            SELECT id, 32 + id * 5, DATE '2026-03-10', now(), now() FROM orders_product WHERE id <= 3;
        """)
        run_script(
            c,
            """
            INSERT INTO auth_user (username, password, is_superuser, first_name, last_name, email,
                                   is_staff, is_active, date_joined)
            SELECT 'b' || lpad(g::text, 9, '0'), '!', false, '', '', '', false, true, now()
              FROM generate_series(1, %(n)s + %(boys)s) g;
            INSERT INTO deliveries_deliveryboy (user_id, name, phone, is_active, created_at, updated_at)
            SELECT id, 'Boy ' || id, '8' || lpad(id::text, 9, '0'), true, now(), now()
              FROM auth_user WHERE username LIKE 'b%%' ORDER BY id LIMIT %(boys)s;
            INSERT INTO customers_customer (user_id, code, name, phone, status, area_id, address,
                landmark, map_link, marketing_staff_id, opening_balance, notes,
                delivery_instructions, created_at, updated_at)
            SELECT u.id, 'CU-20260101-' || lpad(u.id::text, 6, '0'), 'Customer ' || u.id,
                   '9' || lpad(u.id::text, 9, '0'),
                   (ARRAY['active','active','active','active','active','active','trial','paused',
                          'stopped','active'])[1 + u.id %% 10],
                   1 + u.id %% 20, 'House ' || u.id, '', '', NULL, 0, '', '', now(), now()
              FROM auth_user u WHERE u.username LIKE 'b%%' ORDER BY u.id OFFSET %(boys)s;
            INSERT INTO deliveries_routestop (delivery_boy_id, customer_id, position, created_at,
                                              updated_at)
            SELECT 1 + (c.id %% %(boys)s),  c.id,
                   row_number() OVER (PARTITION BY c.id %% %(boys)s ORDER BY c.id), now(), now()
              FROM customers_customer c;
        """,
            {"n": customers, "boys": boys},
        )
        # Every customer a subscription (all four patterns, both shifts); a quarter a second
        # product; 2 %% a one-time order on the day; pauses and overrides.
        run_script(
            c,
            """
            INSERT INTO orders_order (code, customer_id, kind, pattern, weekdays, shift, start_date,
                end_date, status, notes, created_at, updated_at)
            SELECT 'SU-20260101-' || lpad(c.id::text, 6, '0'), c.id, 'subscription',
                   (ARRAY['daily','daily','daily','alternate_days','weekdays','listed_dates'])
                       [1 + c.id %% 6],
                   CASE WHEN c.id %% 6 = 4 THEN ARRAY[0, 2, 4] ELSE ARRAY[]::smallint[] END,
                   CASE WHEN c.id %% 5 = 0 THEN 'evening' ELSE 'morning' END,
                   DATE '2026-01-01' + (c.id %% 30)::int, NULL,
                   CASE WHEN c.id %% 50 = 0 THEN 'paused' ELSE 'active' END, '', now(), now()
              FROM customers_customer c;
            INSERT INTO orders_order (code, customer_id, kind, pattern, weekdays, shift, start_date,
                end_date, status, notes, created_at, updated_at)
            SELECT 'OR-20260315-' || lpad(c.id::text, 6, '0'), c.id, 'one_time', 'daily',
                   ARRAY[]::smallint[], 'morning', %(day)s, %(day)s, 'placed', '', now(), now()
              FROM customers_customer c WHERE c.id %% 50 = 7;
            INSERT INTO orders_orderline (order_id, product_id, quantity, created_at, updated_at)
            SELECT o.id, 1 + o.customer_id %% 8, 1 + (o.customer_id %% 3) * 0.5, now(), now()
              FROM orders_order o;
            INSERT INTO orders_orderline (order_id, product_id, quantity, created_at, updated_at)
            SELECT o.id, 1 + (o.customer_id + 3) %% 8, 0.5, now(), now()
              FROM orders_order o WHERE o.kind = 'subscription' AND o.customer_id %% 4 = 0;
            INSERT INTO orders_orderpause (order_id, start_date, end_date, reason, created_at,
                                           updated_at)
            SELECT o.id, %(day)s::date - 3, CASE WHEN o.id %% 2 = 0 THEN NULL ELSE %(day)s::date + 2 END,
                   'holiday', now(), now()
              FROM orders_order o WHERE o.customer_id %% 25 = 3;
            INSERT INTO orders_dayoverride (line_id, date, quantity, created_at, updated_at)
            SELECT l.id, d, CASE WHEN l.id %% 3 = 0 THEN 0 ELSE 2 END, now(), now()
              FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id,
                   generate_series(%(day)s::date - 5, %(day)s::date + 5, interval '1 day') d
             WHERE o.pattern = 'listed_dates' OR l.id %% 20 = 0;
            ANALYZE;
        """,
            {"day": DAY},
        )


def forget_the_day(cursor) -> None:
    """Back to before the day was generated: its rows and its code counter gone."""
    cursor.execute("DELETE FROM deliveries_delivery WHERE date = %s", [DAY])
    cursor.execute(
        "DELETE FROM earlybird_codecounter WHERE prefix = 'DL' AND key = %s", [f"{DAY:%Y%m%d}"]
    )
    cursor.execute("VACUUM ANALYZE deliveries_delivery")
    cursor.execute("CHECKPOINT")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--boys", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    setup_django("earlybird_bench")
    from django.db import connection, transaction

    from deliveries.models import Delivery
    from deliveries.services import generate_deliveries

    results: dict[str, float] = {}
    with timed("build", results):
        build_dairy(args.customers, args.boys)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM orders_order")
        orders = c.fetchone()[0]
    print(
        f"dairy: {args.customers} customers, {orders} orders, {args.boys} delivery boys "
        f"(built in {results['build']:.1f} s)",
        flush=True,
    )
    # The day's rows as the code writes them: the floor writes exactly these.
    first = generate_deliveries(day=DAY)
    made = sum(first.created.values())
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_generated")
        c.execute(
            "CREATE TEMPORARY TABLE bench_generated AS"
            " SELECT * FROM deliveries_delivery WHERE date = %s",
            [DAY],
        )

    def floor():
        with transaction.atomic(), connection.cursor() as c:
            c.execute("INSERT INTO deliveries_delivery SELECT * FROM bench_generated")

    def before_each():
        with connection.cursor() as c:
            forget_the_day(c)

    counts = {}
    seconds = interleaved(
        {"floor": floor, "run": lambda: generate_deliveries(day=DAY)},
        rounds=args.rounds,
        before_each=before_each,
        after_each=lambda name: counts.__setitem__(name, Delivery.objects.filter(date=DAY).count()),
    )
    assert counts["floor"] == counts["run"] == made, (counts, made)
    if args.rounds % 2 == 0:  # the floor ran last: generate for the rerun below
        before_each()
        generate_deliveries(day=DAY)
    size = f"{args.customers:,} customers, {made:,} deliveries"
    rows = [
        row(
            "Daily generation (generate_deliveries) vs floor",
            size=size,
            run=median(seconds["run"]),
            floor=median(seconds["floor"]),
            rounds=args.rounds,
            note="floor: the same rows by INSERT … SELECT, committed",
        )
    ]
    with timed("rerun", results), counted_queries() as rerun_queries:
        rerun = generate_deliveries(day=DAY)
    assert sum(rerun.created.values()) == 0
    rows.append(
        row(
            "Daily generation rerun (nothing to do)",
            size=size,
            run=results["rerun"],
            note=f"{rerun_queries['queries']} queries, unchanged {sum(rerun.unchanged.values()):,}",
        )
    )
    print(f"python peak memory {peak_rss_mb():.0f} MB")
    return report(rows)


if __name__ == "__main__":
    main()
