"""Run every benchmark at a size that finishes in a few minutes; write docs/benchmarks.md.

    make bench        (or .venv/bin/python bench/run_all.py)

Each benchmark runs in its own process and database and prints its figures; this script
collects what they print, with the machine and the date, into docs/benchmarks.md.
"""

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = [
    (
        "Daily generation (50,000 customers)",
        ["bench/generate_deliveries.py", "--customers", "50000"],
    ),
    (
        "Monthly billing (10,000 customers × 30 days)",
        ["bench/billing.py", "--customers", "10000", "--days", "30"],
    ),
    ("Legacy import (5,000 customers)", ["bench/import_legacy.py", "--customers", "5000"]),
    (
        "Throttles and rate limits across 3 gunicorn workers",
        ["bench/shared_counters.py", "--workers", "3"],
    ),
    (
        "Load test (5,000 customers, 40 delivery boys, gunicorn)",
        [
            "bench/load/run.py",
            "--customers",
            "5000",
            "--boys",
            "40",
            "--users",
            "80",
            "--seconds",
            "60",
        ],
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
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    sections = []
    for title, command in BENCHMARKS:
        print(f"== {title}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        output = result.stdout.strip() or "(no output)"
        if result.returncode:
            output += f"\n\nFAILED with exit status {result.returncode}:\n{result.stderr[-3000:]}"
        print(output, flush=True)
        sections.append(
            f"## {title}\n\n`python {' '.join(command)}` ({seconds:.0f} s in all)\n\n```\n{output}\n```\n"
        )
    today = dt.datetime.now().astimezone()
    text = (
        "# Benchmarks\n\n"
        f"Measured by `make bench` on {today:%Y-%m-%d %H:%M %Z}, on {machine()}, "
        "with the embedded PostgreSQL (pgserver) on the same machine. Each benchmark "
        "builds its data in a database of its own; figures are from one run, so expect "
        "some noise from whatever else the machine was doing.\n\n" + "\n".join(sections)
    )
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(text)
    print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
