"""Benchmark: import a large legacy dump shaped like ../shared/legacy-sample/, against its
honest floor.

    .venv/bin/python bench/import_legacy.py [--customers 5000] [--days 30] [--rounds 4]
                                            [--keep DIR]

Writes a mongoexport folder (bench/legacy_dump.py: N customers with their logins, every
linking path, subscriptions of every mode, one-time orders, daily confirmations for `days`
days with duplicates, area-wide rows, BSON dates, the singular shared-link collection,
payments and requests) and, in a database of its own (earlybird_bench_import), emptied
(flush) before each contender, A/B interleaved over --rounds rounds (the order flips each
round):

* the import: import_legacy over the folder (committed batch by batch, as always), then
  at once the rerun over the same folder (nothing to change; timed on its own);
* the floor: every document of the dump read and decoded by the same reader, then every
  row the import wrote — in every table, history, map, issues and report included —
  COPYed from Python tuples into the same schema (keys, indexes, triggers) in one
  transaction, committed (so it pays the deferred foreign-key checks too). The rows are
  the first import's of this run, taken out once, untimed.

Every import is reported (none may take over 1.5× the median), with the medians and the
ratios: import / floor and rerun / import. The issue's design scale is --customers 10000
--days 90 (about a million delivery documents).
"""

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import median, peak_rss_mb, report, row, setup_django
from bench.legacy_dump import generate

CHUNK = 10_000  # rows per pickled chunk of a captured table


def tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        )
        return [name for (name,) in cursor.fetchall()]


def counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        result = {}
        for table in tables():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            result[table] = cursor.fetchone()[0]
        return result


def columns_of(table: str) -> list[tuple[str, str]]:
    """(column, type) of the columns a COPY can write (not generated, not dropped)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
            " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped"
            " AND a.attgenerated = '' ORDER BY a.attnum",
            [f'"{table}"'],
        )
        return cursor.fetchall()


def parents_first(names: list[str]) -> list[str]:
    """`names` ordered so that a table comes after the tables its foreign keys point at."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
            " WHERE contype = 'f'"
        )
        edges = cursor.fetchall()
    wanted = set(names)
    parents = {name: set() for name in names}
    for child, parent in edges:
        child, parent = child.strip('"'), parent.strip('"')
        if child in wanted and parent in wanted and child != parent:
            parents[child].add(parent)
    ordered: list[str] = []
    while parents:
        ready = sorted(name for name, ps in parents.items() if not ps - set(ordered))
        if not ready:  # a cycle: deferred keys are checked at commit anyway
            ready = sorted(parents)
        for name in ready:
            ordered.append(name)
            del parents[name]
    return ordered


class Capture:
    """The rows the import wrote (tables empty after the flush that now have rows), taken
    out once as pickled chunks of Python tuples (json as text, for COPY)."""

    def __init__(self, folder: Path, baseline: dict[str, int]) -> None:
        from django.db import connection

        self.folder = folder
        self.tables: list[tuple[str, list[str], int]] = []
        after = counts()
        grown = [t for t, n in after.items() if n > 0 and baseline.get(t, 0) == 0]
        changed = [t for t, n in after.items() if baseline.get(t, 0) and n != baseline[t]]
        if changed:
            raise SystemExit(
                f"the import changed tables that are not empty after a flush: {changed}"
            )
        for table in parents_first(grown):
            cols = columns_of(table)
            select = ", ".join(
                f'"{c}"::text' if kind in ("json", "jsonb") else f'"{c}"' for c, kind in cols
            )
            with connection.cursor() as cursor, (folder / f"{table}.pickle").open("wb") as out:
                cursor.execute(f'SELECT {select} FROM "{table}"')
                while chunk := cursor.fetchmany(CHUNK):
                    pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
            self.tables.append((table, [c for c, _kind in cols], after[table]))

    @property
    def rows(self) -> int:
        return sum(n for _t, _c, n in self.tables)

    def copy_all(self) -> None:
        """COPY every captured row back, in one transaction, committed."""
        from django.db import connection, transaction

        with transaction.atomic(), connection.cursor() as cursor:
            for table, cols, _n in self.tables:
                names = ", ".join(f'"{c}"' for c in cols)
                with (
                    (self.folder / f"{table}.pickle").open("rb") as source,
                    cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
                ):
                    while True:
                        try:
                            chunk = pickle.load(source)  # noqa: S301 - our own file
                        except EOFError:
                            break
                        for values in chunk:
                            copy.write_row(values)


def read_dump(folder: Path) -> int:
    """Every document of the dump, decoded by the reader the import uses."""
    from legacy_import.sources import open_source

    source = open_source(folder)
    read = 0
    for name in source.collections():
        for _doc in source.documents(name):
            read += 1
    return read


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=4, help="imports (and floors) timed")
    parser.add_argument("--keep", help="write the dump here (kept) instead of a temp folder")
    parser.add_argument("--no-reconcile", action="store_true", help="skip the reconciliation")
    args = parser.parse_args(argv)

    setup_django("earlybird_bench_import")
    from django.core.management import call_command
    from django.db import connection

    from earlybird.roles import ensure_role_groups
    from legacy_import.selectors import reconciliation
    from legacy_import.services import import_legacy
    from legacy_import.sources import open_source

    def empty() -> dict[str, int]:
        call_command("flush", interactive=False, verbosity=0)
        ensure_role_groups()
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        return counts()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp) / "dump"
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        documents = generate(folder, args.customers, args.days)
        size = f"{args.customers:,} customers × {args.days} days, {documents:,} documents"
        print(f"dump: {size}, written in {time.perf_counter() - start:.1f} s", flush=True)

        seconds: dict[str, list[float]] = {"import": [], "rerun": [], "floor": []}
        capture: Capture | None = None
        after: dict[str, dict[str, int]] = {}
        report_totals = {}

        def run_import() -> None:
            nonlocal capture
            baseline = empty()
            start = time.perf_counter()
            first = import_legacy(open_source(folder), reconcile=False)
            seconds["import"].append(time.perf_counter() - start)
            after["import"] = counts()
            if capture is None:
                capture = Capture(Path(tmp), baseline)
            start = time.perf_counter()
            again = import_legacy(open_source(folder), reconcile=False)
            seconds["rerun"].append(time.perf_counter() - start)
            report_totals["import"], report_totals["rerun"] = first.totals, again.totals
            print(
                f"  import {len(seconds['import'])}: {seconds['import'][-1]:6.1f} s"
                f"  rerun: {seconds['rerun'][-1]:6.1f} s  peak RSS {peak_rss_mb():.0f} MB",
                flush=True,
            )

        def run_floor() -> None:
            empty()
            start = time.perf_counter()
            read = read_dump(folder)
            capture.copy_all()
            seconds["floor"].append(time.perf_counter() - start)
            after["floor"] = counts()
            assert read == documents, (read, documents)
            print(f"  floor  {len(seconds['floor'])}: {seconds['floor'][-1]:6.1f} s", flush=True)

        for n in range(args.rounds):
            for contender in (run_import, run_floor) if n % 2 == 0 else (run_floor, run_import):
                contender()
        differ = {
            t: (after["import"].get(t), after["floor"].get(t))
            for t in after["import"]
            if t != "legacy_import_importrun" and after["import"][t] != after["floor"].get(t)
        }
        print(
            f"floor: {capture.rows:,} rows in {len(capture.tables)} tables"
            + (f"; tables that differ from the import's: {differ}" if differ else "")
        )
        totals = report_totals["import"]
        print(
            f"import: created {totals['created']:,} rejected {totals['rejected']:,}; rerun: "
            f"created {report_totals['rerun']['created']:,} updated "
            f"{report_totals['rerun']['updated']:,} unchanged "
            f"{report_totals['rerun']['unchanged']:,}"
        )
        imports, reruns, floors = seconds["import"], seconds["rerun"], seconds["floor"]
        worst = max(imports) / median(imports)
        print(
            "imports: " + ", ".join(f"{s:.1f}" for s in imports) + f" s (worst {worst:.2f}× "
            "the median); reruns: "
            + ", ".join(f"{s:.1f}" for s in reruns)
            + " s; floors: "
            + ", ".join(f"{s:.1f}" for s in floors)
            + " s"
        )
        rows = [
            row(
                "Legacy import vs floor",
                size=size,
                run=median(imports),
                floor=median(floors),
                rounds=args.rounds,
                note=f"worst run {worst:.2f}× the median; floor: COPY of every row it writes",
            ),
            row(
                "Legacy import rerun (nothing changed) vs the import",
                size=size,
                run=median(reruns),
                floor=median(imports),
                rounds=args.rounds,
                note="ratio = rerun / import",
            ),
        ]
        if not args.no_reconcile:
            start = time.perf_counter()
            rec = reconciliation(open_source(folder))
            print(
                f"reconcile: {time.perf_counter() - start:.1f} s, {rec['matched']:,} "
                f"customer-months match, {len(rec['mismatches'])} differ"
            )
    return report(rows)


if __name__ == "__main__":
    main()
