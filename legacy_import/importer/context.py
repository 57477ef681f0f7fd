"""The run's context: options, the report, and what earlier collections became (the maps
from legacy ids to new rows), passed from one part of the import to the next."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from legacy_import.importer.report import CollectionReport, ImportReport
from legacy_import.sources import Source


@dataclass
class CustomerInfo:
    pk: int
    raw_status: str | None  # customers_v2.status as stored ("" when missing)
    user_pk: int


@dataclass(frozen=True)
class RejectedSubscription:
    """A subscription that was not imported, kept to explain its customer's days."""

    legacy_id: str
    product: str  # legacy product id
    reason: str
    doc: dict[str, Any]


@dataclass
class OneTimeInfo:
    """An imported one-time order, for the evidence rule (rule 4)."""

    pk: int
    customer: int  # Customer pk
    owner: str  # the legacy customer whose order it was
    day: date
    raw_status: str
    products: frozenset[int]


@dataclass
class Context:
    """One run: options, report, and what earlier collections became."""

    source: Source
    report: ImportReport
    today: date
    now: datetime
    batch_size: int = 500
    billed_through: date | None = None  # first day of the last month the old system billed
    progress: Callable[[str, int], None] | None = None
    # Rule 7: groups of legacy customers ops say are one person (the first is kept).
    merge_groups: list[list[str]] = field(default_factory=list)

    product_ids: dict[str, int] = field(default_factory=dict)  # legacy id → Product pk
    product_legacy: dict[int, str] = field(default_factory=dict)  # Product pk → legacy id
    product_names: dict[int, str] = field(default_factory=dict)
    rates: dict[int, Decimal] = field(default_factory=dict)  # the product's price (rule 5)
    unpriced: set[int] = field(default_factory=set)  # products with no price at all
    old_billing_rates: dict[int, Decimal] = field(default_factory=dict)  # default_price, §7.4
    raw_statuses: dict[str, str] = field(default_factory=dict)  # customers_v2.status by key
    areas: dict[str, int] = field(default_factory=dict)  # name → Area pk
    users: dict[str, int] = field(default_factory=dict)  # users.id → User pk (staff, boys)
    user_names: dict[int, str] = field(default_factory=dict)
    boys: dict[str, int] = field(default_factory=dict)  # delivery boy legacy id → DeliveryBoy pk
    boy_users: dict[int, int] = field(default_factory=dict)  # DeliveryBoy pk → User pk
    boy_names: dict[int, str] = field(default_factory=dict)
    customers: dict[str, CustomerInfo] = field(default_factory=dict)
    customer_alias: dict[str, str] = field(default_factory=dict)  # merged → kept legacy id
    customer_rejected: dict[str, str] = field(default_factory=dict)  # legacy id → reason
    customer_of_user: dict[str, str] = field(default_factory=dict)  # users.id → customer id
    lost_logins: dict[str, str] = field(default_factory=dict)  # users.id → rejected customer
    custom_rates: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    raw_custom_prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    customer_notes: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    subscriptions: dict[str, int] = field(default_factory=dict)  # legacy id → Order pk
    rejected_subscriptions: defaultdict[str, list[RejectedSubscription]] = field(
        default_factory=lambda: defaultdict(list)
    )  # customer legacy id → its subscriptions not imported
    orders: dict[str, int] = field(default_factory=dict)  # one-time orders
    one_time: dict[str, OneTimeInfo] = field(default_factory=dict)  # legacy id → what it is
    order_owner: dict[int, str] = field(default_factory=dict)  # Order pk → legacy customer
    history_orders: set[int] = field(default_factory=set)  # old-app subscriptions (history)
    stopped_on: dict[int, date] = field(default_factory=dict)  # stopped subscription → when
    delivered_orders: dict[str, set[str]] = field(default_factory=dict)  # rule 4 evidence
    off_list_lines: dict[int, list] = field(default_factory=dict)  # line → label, who, days
    line_prices: dict[int, Decimal] = field(default_factory=dict)  # one-time OrderLine pk → price
    # Rule 7: what was left out with each customer not imported (collection → count, sums).
    left_out: defaultdict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    duplicate_issues: dict[str, Any] = field(default_factory=dict)  # customer → its reject
    phone_groups: list[dict[str, Any]] = field(default_factory=list)  # customers sharing one
    # The first and last business date of the confirmations: the period the dump covers.
    window: tuple[date, date] | None = None
    # The old system's monthly bill of the billed-through month, and payments (§7).
    legacy_bill: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    paid_in_month: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    paid_up_to: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    previous_balance: dict[str, Decimal] = field(default_factory=dict)
    staging: Any = None  # confirmations.Staging, filled by the orders and confirmations
    # The confirmation rows the duplicate-phone report recounts (customers not imported,
    # rows naming an order), so it need not read the dump again; None when too many.
    side_rows: dict[str, list[dict[str, Any]]] | None = field(default_factory=dict)
    # The last run (pk, the first transaction id after it, the rows it left in the tables
    # the settling reads, its upstream digest), when it finished with the same options: a
    # rerun skips the customer-days unchanged since (confirmations/unchanged.py).
    previous_run: tuple[int, int, dict, str] | None = None
    last_run: Any = None  # confirmations.replay.LastRun: what its settling said
    # confirmations.replay.upstream_digest, worked out before the settling (kept in the
    # run's report: a rerun skips nothing once it differs).
    upstream_digest: str | None = None

    def collection(self, name: str) -> CollectionReport:
        return self.report.collection(name)

    def tick(self, collection: str, done: int) -> None:
        if self.progress is not None:
            self.progress(collection, done)

    def customer(self, legacy_id: Any) -> CustomerInfo | None:
        """The imported customer a legacy customer id became (a merged one: the kept)."""
        if not isinstance(legacy_id, str):
            return None
        return self.customers.get(self.customer_alias.get(legacy_id, legacy_id))

    def customer_missing(self, legacy_id: Any) -> tuple[str, str]:
        """Why a referenced customer is not there: (reason code, detail)."""
        key = legacy_id if isinstance(legacy_id, str) else str(legacy_id)
        if key in self.customer_rejected:
            return "customer_not_imported", (
                f"customer {key} was not imported ({self.customer_rejected[key]}): "
                "import it (a new phone, or --merge-duplicate-phones) and run again"
            )
        return "orphan_customer", f"customer {legacy_id!r} does not exist in customers_v2"

    def leave_out(
        self,
        customer: Any,
        collection: str,
        legacy_id: str,
        *,
        quantity: Decimal | None = None,
        amount: Decimal | None = None,
    ) -> None:
        """Count what a customer who was not imported leaves out (rule 7)."""
        if not isinstance(customer, str) or customer not in self.customer_rejected:
            return
        entry = self.left_out[customer].setdefault(
            collection, {"count": 0, "ids": [], "quantity": Decimal(0), "amount": Decimal(0)}
        )
        entry["count"] += 1
        if len(entry["ids"]) < 20:
            entry["ids"].append(legacy_id)
        entry["quantity"] += quantity or 0
        entry["amount"] += amount or 0
