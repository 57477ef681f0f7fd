"""Benchmark: import a large legacy dump shaped like ../shared/legacy-sample/.

    .venv/bin/python bench/import_legacy.py [--customers 5000] [--days 30] [--keep DIR]

Writes a mongoexport folder (one Extended JSON document per line) of N customers with
their logins (every linking path), subscriptions of every mode, one-time orders, daily
confirmations for `days` days (with duplicates, area-wide rows, BSON dates, the singular
shared-link collection), payments and requests, into a temporary folder; imports it into a
database of its own (earlybird_bench_import), then runs the import again (idempotent),
then the reconciliation, and prints seconds, documents per second and peak memory of each,
beside the time PostgreSQL's COPY takes to load the same number of delivery rows.
The issue's scale is --customers 10000 --days 90 (about a million delivery documents).
"""

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import peak_rss_mb, setup_django
from bench.legacy_dump import FIRST_DAY, generate


def copy_floor(rows: int) -> float:
    """Seconds for PostgreSQL's COPY to load `rows` delivery rows (into a copy of the table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_copy (LIKE deliveries_delivery INCLUDING DEFAULTS"
            " INCLUDING INDEXES)"
        )
        start = time.perf_counter()
        with cursor.cursor.copy(
            "COPY bench_copy (id, code, order_id, order_line_id, product_id, customer_id, date,"
            " shift, ordered_qty, delivered_qty, unit_price, status, reason, reason_note,"
            " confirmed_by_name, confirmed_via, confirmed_at, confirmed_user_agent, created_at,"
            " updated_at) FROM STDIN"
        ) as copy:
            now = dt.datetime.now(dt.UTC)
            for n in range(rows):
                copy.write_row(
                    (
                        n,
                        f"DL-20260101-{n:07d}",
                        n,
                        n,
                        1,
                        n,
                        FIRST_DAY,
                        "morning",
                        1,
                        1,
                        56,
                        "delivered",
                        "",
                        "",
                        "Boy (import)",
                        "import",
                        now,
                        "",
                        now,
                        now,
                    )
                )
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--keep", help="write the dump here (kept) instead of a temp folder")
    args = parser.parse_args()

    setup_django("earlybird_bench_import")
    from django.core.management import call_command

    from deliveries.models import Delivery
    from earlybird.roles import ensure_role_groups
    from legacy_import.selectors import reconciliation
    from legacy_import.services import import_legacy
    from legacy_import.sources import open_source

    call_command("flush", interactive=False, verbosity=0)
    ensure_role_groups()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        documents = generate(folder, args.customers, args.days)
        print(
            f"dump: {documents:,} documents ({args.customers:,} customers, {args.days} days) "
            f"written in {time.perf_counter() - start:.1f} s"
        )
        rows = {}
        for label in ("import", "rerun"):
            before = peak_rss_mb()
            start = time.perf_counter()
            report = import_legacy(open_source(folder), reconcile=False)
            seconds = time.perf_counter() - start
            rows[label] = (seconds, report)
            totals = report.totals
            print(
                f"{label:>9}: {seconds:7.1f} s  {documents / seconds:9,.0f} documents/s  "
                f"peak RSS {peak_rss_mb():6.0f} MB (was {before:.0f})  created "
                f"{totals['created']:,} updated {totals['updated']:,} unchanged "
                f"{totals['unchanged']:,} rejected {totals['rejected']:,}"
            )
        start = time.perf_counter()
        rec = reconciliation(open_source(folder))
        print(
            f"reconcile: {time.perf_counter() - start:7.1f} s  peak RSS {peak_rss_mb():6.0f} MB  "
            f"{rec['matched']:,} customer-months match, {len(rec['mismatches'])} differ"
        )
        deliveries = Delivery.objects.count()
        floor = copy_floor(deliveries)
        print(
            f"COPY floor: {floor:.1f} s for {deliveries:,} delivery rows; import = "
            f"{rows['import'][0] / floor:.1f} × the floor"
        )


if __name__ == "__main__":
    main()
