"""The generated dairy's state while the collections are written: its period, catalogue,
staff, and per customer what the old data knows and what really happened (so the
confirmations follow the delivery-boy lists of their day)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from legacy_import.tests.legacy_dump.output import Ids

ONE_DAY = timedelta(days=1)


@dataclass
class Customer:
    legacy_id: str
    doc: dict[str, Any]
    phone: str
    boy: str
    area: str
    user_id: str | None  # the login that app orders carry as customer_id
    served_until: date | None  # paused / stopped customers: the last day served
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    live_until: dict[int, date | None] = field(default_factory=dict)  # id(sub) → last day
    off_list: set[int] = field(default_factory=set)  # id(sub)s served off the list


@dataclass
class World:
    rng: random.Random
    ids: Ids
    first: date
    last: date
    size: int  # customers
    collections: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    products: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    deleted_product: str = ""
    boys: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    admin: str = "admin-001"
    customers: list[Customer] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # deleted customers' ids
    orders: list[dict[str, Any]] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.first + n * ONE_DAY for n in range((self.last - self.first).days + 1)]

    def add(self, collection: str, doc: dict[str, Any]) -> dict[str, Any]:
        self.collections[collection].append(doc)
        return doc

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: list[tuple[Any, float]]) -> Any:
        values, weights = zip(*options, strict=True)
        return self.rng.choices(values, weights)[0]

    def day_in_window(self, lo: int = 0, hi: int | None = None) -> date:
        span = (self.last - self.first).days
        return self.first + self.rng.randint(lo, span if hi is None else hi) * ONE_DAY

    def moment(self, day: date, hour: int = 6) -> datetime:
        return datetime.combine(day, time(hour, self.rng.randrange(60)), tzinfo=UTC)

    def iso_local(self, day: date, hour: int = 7) -> str:
        """ISO-local: naive, microseconds (IST wall time)."""
        return self.moment(day, hour).replace(tzinfo=None).isoformat(timespec="microseconds")

    def iso_js(self, day: date, hour: int = 1) -> str:
        return self.moment(day, hour).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def product(self, name: str) -> str:
        return next(pid for pid, pname, _doc in self.products if pname == name)
