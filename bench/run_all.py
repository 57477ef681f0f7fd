"""Run every benchmark at a size that finishes in a few minutes; write docs/benchmarks.md.

    make bench                                   (or .venv/bin/python bench/run_all.py)
    .venv/bin/python bench/run_all.py --only billing-50k      (one benchmark, one-off)

Each benchmark runs in its own process and database. Its main() returns result rows
(bench.common.row: the figure, the size, the run and its honest floor — medians of rounds
interleaved A/B — their ratio, the date) and bench.common.report() hands them to this
script through the file BENCH_RESULTS names. The rows of every benchmark's latest run are
kept in docs/benchmarks.json, so a one-off run (`--only`, e.g. the 50,000-customer billing
that takes longer than `make bench` should) replaces its own rows and leaves the others;
docs/benchmarks.md is written from all of them, with each benchmark's printed output. A
benchmark that reports no rows still has its output in the document.
"""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
STORE = DOCS / "benchmarks.json"

# name, title, command, in `make bench` (the others run with --only).
BENCHMARKS = [
    (
        "generation",
        "Daily generation (50,000 customers)",
        ["bench/generate_deliveries.py", "--customers", "50000"],
        True,
    ),
    (
        "billing",
        "Monthly billing (20,000 customers × 30 days)",
        ["bench/billing.py", "--customers", "20000", "--days", "30", "--trigger-cost"],
        True,
    ),
    (
        "billing-50k",
        "Monthly billing at the design scale (50,000 customers × 30 days)",
        ["bench/billing.py", "--customers", "50000", "--days", "30"],
        False,
    ),
    (
        "import",
        "Legacy import (5,000 customers)",
        ["bench/import_legacy.py", "--customers", "5000"],
        True,
    ),
    (
        "import-10k",
        "Legacy import at the design scale (10,000 customers × 90 days)",
        ["bench/import_legacy.py", "--customers", "10000", "--days", "90"],
        False,
    ),
    (
        "counters",
        "Throttles and rate limits across 3 gunicorn workers",
        ["bench/shared_counters.py", "--workers", "3"],
        True,
    ),
    (
        "load",
        "Load test (1,000 customers, routes of 40 and 400 stops, gunicorn)",
        ["bench/load/run.py", "--customers", "1000"],
        True,
    ),
]


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def run_one(command: list[str]) -> dict:
    """Run a benchmark in its own process: its rows, its output, how long it took."""
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "rows.jsonl"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "BENCH_RESULTS": str(results)},
        )
        seconds = time.perf_counter() - started
        rows = (
            [json.loads(line) for line in results.read_text().splitlines()]
            if (results.exists())
            else []
        )
    output = done.stdout.strip() or "(no output)"
    if done.returncode:
        output += f"\n\nFAILED with exit status {done.returncode}:\n{done.stderr[-3000:]}"
    return {
        "command": " ".join(command),
        "seconds": round(seconds),
        "output": output,
        "rows": rows,
        "failed": bool(done.returncode),
        "when": f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "machine": machine(),
    }


def number(value, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f} µs" if unit.startswith("µs") else f"{value:,.2f} {unit}"


def summary(store: dict) -> str:
    lines = [
        "| figure | size | honest floor | run | ratio | rounds | date |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, _, _, _ in BENCHMARKS:
        for r in store.get(name, {}).get("rows", []):
            ratio = f"{r['ratio']:.2f}×" if r.get("ratio") else "–"
            figure = f"{r['figure']} ({r['note']})" if r.get("note") else r["figure"]
            lines.append(
                f"| {figure} | {r['size']} | {number(r.get('floor'), r['unit'])} | "
                f"{number(r['run'], r['unit'])} | {ratio} | {r.get('rounds', 1)} | {r['date']} |"
            )
    return "\n".join(lines)


def document(store: dict) -> str:
    sections = []
    for name, title, _, _ in BENCHMARKS:
        entry = store.get(name)
        if not entry:
            continue
        sections.append(
            f"## {title}\n\n`python {entry['command']}` ({entry['seconds']} s in all, "
            f"{entry['when']})\n\n```\n{entry['output']}\n```\n"
        )
    return (
        "# Benchmarks\n\n"
        "Written by `make bench` (bench/run_all.py); a benchmark run on its own with\n"
        "`bench/run_all.py --only NAME` replaces its rows, each dated. Machine: "
        f"{machine()}, with the embedded PostgreSQL (pgserver) on the same machine.\n\n"
        "Each floor does the same work as the code it is compared with: the same rows into "
        "the same schema (keys, indexes, triggers), committed, measured in the same run, "
        "the two interleaved A/B over several rounds (the order flipped each round); the "
        "medians and their ratio are shown. Absolute times depend on what else the "
        "machine is doing; the ratio much less.\n\n"
        f"{summary(store)}\n\n" + "\n".join(sections)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    names = [name for name, _, _, _ in BENCHMARKS]
    parser.add_argument("--only", action="append", choices=names, help="run only these")
    args = parser.parse_args()
    chosen = args.only or [name for name, _, _, default in BENCHMARKS if default]
    store = json.loads(STORE.read_text()) if STORE.exists() else {}
    for name, title, command, _ in BENCHMARKS:
        if name not in chosen:
            continue
        print(f"== {title}", flush=True)
        store[name] = run_one(command)
        print(store[name]["output"], flush=True)
        DOCS.mkdir(exist_ok=True)
        STORE.write_text(json.dumps(store, indent=1, ensure_ascii=False) + "\n")
        (DOCS / "benchmarks.md").write_text(document(store))
    print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
