"""A generator of real-shaped legacy dumps: every quirk of COLLECTIONS.md, in proportions of
its own, at any size — for the cut-over tests and for ops rehearsals.

    from legacy_import.tests.legacy_dump import generate
    collections = generate(customers=400, months=3)        # {collection: [documents]}
    write(collections, folder, fmt="json")                 # or "dump", "dump.gz"

    .venv/bin/python -m legacy_import.tests.legacy_dump OUT [--customers 400] [--months 3]
                                                            [--format json|dump|dump.gz]

The confirmations follow what the delivery boys' lists showed on their day (a customer
stored "Active" was served all the same; a subscription stopped by status was served until
its `stopped_at`), with the noise a real database carries; the rest (orders, payments,
requests, links, history, the customer app's wallets) is shaped as §3 and §4 describe.
Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import random
from datetime import date
from pathlib import Path
from typing import Any

from legacy_import.tests.legacy_dump import activity, extras, people, schedules, wallets
from legacy_import.tests.legacy_dump.output import Ids, write
from legacy_import.tests.legacy_dump.world import ONE_DAY, World

__all__ = ["generate", "write"]


def generate(
    *, customers: int = 400, months: int = 3, last: date = date(2026, 10, 31), seed: int = 13
) -> dict[str, list[dict[str, Any]]]:
    """The collections of a dump of `customers` customers over the `months` months that
    end on `last`."""
    first = last.replace(day=1)
    for _ in range(months - 1):
        first = (first - ONE_DAY).replace(day=1)
    rng = random.Random(seed)
    world = World(rng=rng, ids=Ids(rng), first=first, last=last, size=customers)
    people.catalogue(world)
    people.customers(world)
    schedules.subscriptions(world)
    activity.one_time_orders(world)
    activity.confirmations(world)
    activity.payments(world)
    extras.extras(world)
    wallets.wallets(world)  # last: the draws before it stay as they were
    return dict(world.collections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--format", default="json", choices=["json", "dump", "dump.gz"])
    args = parser.parse_args()
    collections = generate(customers=args.customers, months=args.months, seed=args.seed)
    folder = write(collections, args.out, fmt=args.format)
    total = sum(len(docs) for docs in collections.values())
    print(f"{total:,} documents in {len(collections)} collections written to {folder}")


if __name__ == "__main__":
    main()
