"""Wallet balances of the old system → opening wallet entries, prepaid from the cut-over.

The old data keeps a wallet per customer in `wallets` or `customer_wallets`
(`{customer_id, balance}`, no id) and its movements in `wallet_transactions`
(`{id, customer_id, type: credit|debit, amount, reason, timestamp, balance_after}`)
(COLLECTIONS.md §4). Those collections are archived as they are (archive.py); this step
reads them again for the balance each customer held when the old system stopped:

* the wallet document's `balance`; both collections naming one customer with different
  balances → `wallets`' is taken, and the difference reported;
* no wallet document: the last transaction's `balance_after` (by timestamp, then as
  stored), else the credits less the debits;
* `customer_id` is a customers_v2 id or, from the customer app, a users.id; a merged
  customer's balance goes to the one kept (rule 7), added to his own.

A customer with a balance other than ₹0 gets an opening entry of it
(billing.services.wallet.open_wallet, once per customer) and becomes prepaid from the
cut-over day (set_billing_mode), unless a billing mode was set for him already (an earlier
import, or staff since): that is left alone. The cut-over day is the day after the last
day the source covers (its last confirmation, else today), and never within a month
--billed-through marked billed. A ₹0 wallet stays postpaid (listed); a balance below zero
is imported as it is and reported (his deliveries pause at the next generation unless he
recharges or staff give him credit).

A rerun writes nothing new: the opening entry exists (a balance that changed since is
reported, to be corrected with an adjustment), and the mode is set.

A rerun over a newer dump brings confirmations dated on or after the cut-over of a
customer made prepaid by the first run: they are debited from his wallet as they are
written (confirmations/write.py), as the new system would have.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from billing.models import BillingMode, WalletEntry
from billing.services.wallet import open_wallet, set_billing_mode
from customers.models import Customer
from legacy_import.importer.base import Context, money, text, timestamp
from legacy_import.importer.billed import month_end_of
from legacy_import.sources import BadDocument

REPORT = "wallet_balances"
WALLET_DOCS = ("wallets", "customer_wallets")  # the first one's balance wins
TRANSACTIONS = "wallet_transactions"
COLLECTIONS = (*WALLET_DOCS, TRANSACTIONS)
EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class Found:
    """What the old data says of one legacy customer's wallet."""

    balances: dict[str, Decimal] = field(default_factory=dict)  # wallet collection → balance
    last_after: tuple[datetime, int, Decimal] | None = None  # (when, position, balance_after)
    credits: Decimal = Decimal(0)
    debits: Decimal = Decimal(0)
    transactions: int = 0

    def balance(self) -> tuple[Decimal, str]:
        """The balance, and where it was read."""
        for name in WALLET_DOCS:
            if name in self.balances:
                return self.balances[name], f"{name}.balance"
        if self.last_after is not None:
            return self.last_after[2], "the last wallet_transactions.balance_after"
        return self.credits - self.debits, "wallet_transactions' credits less debits"


def cut_over_day(ctx: Context) -> date:
    """The first day EarlyBird runs the wallets: after the source's last day."""
    day = ctx.window[1] + timedelta(days=1) if ctx.window else ctx.today
    if ctx.billed_through is not None:
        day = max(day, month_end_of(ctx.billed_through) + timedelta(days=1))
    return day


def import_wallets(ctx: Context) -> None:
    if not any(name in ctx.source.collections() for name in COLLECTIONS):
        return
    report = ctx.collection(REPORT)
    found = _read(ctx)
    day = cut_over_day(ctx)
    per_customer: dict[int, list[tuple[str, Decimal, str]]] = defaultdict(list)
    for legacy, wallet in sorted(found.items()):
        report.read += 1
        info = ctx.customer(legacy) or ctx.customer(ctx.customer_of_user.get(legacy))
        balance, where = wallet.balance()
        if info is None:
            reason, detail = ctx.customer_missing(legacy)
            report.reject(legacy, reason, f"{detail}; wallet balance ₹{balance}", customer=legacy)
            continue
        if len(set(wallet.balances.values())) > 1:
            said = ", ".join(f"{name} ₹{value}" for name, value in sorted(wallet.balances.items()))
            report.warn(
                legacy, "wallets_disagree", f"{said}: ₹{balance} from {where}", customer=legacy
            )
        per_customer[info.pk].append((legacy, balance, where))
    for customer_pk, parts in sorted(per_customer.items()):
        with transaction.atomic():
            _open(ctx, customer_pk, parts, day)
    report.notes.append(
        f"opening wallet entries dated {day} (the cut-over: the day after the source's last); "
        "customers with a balance other than ₹0 are prepaid from that day"
    )


def _read(ctx: Context) -> dict[str, Found]:
    found: dict[str, Found] = defaultdict(Found)
    collections = ctx.source.collections()
    for name in WALLET_DOCS:
        if name not in collections:
            continue
        for doc in ctx.source.documents(name):
            if isinstance(doc, BadDocument):
                continue  # the archive reports it
            legacy, balance = text(doc.get("customer_id")), money(doc.get("balance"))
            if not legacy or balance is None:
                ctx.collection(REPORT).read += 1  # read here, rejected below
            if not legacy:
                ctx.collection(REPORT).reject(
                    text(doc.get("_id")) or None,
                    "no_customer",
                    f"a {name} document with no customer_id",
                )
            elif balance is None:
                ctx.collection(REPORT).reject(
                    legacy,
                    "bad_balance",
                    f"{name}.balance {doc.get('balance')!r} is not an amount",
                    customer=legacy,
                )
            else:
                found[legacy].balances.setdefault(name, Decimal(0))
                found[legacy].balances[name] += balance  # one customer's documents, added
    if TRANSACTIONS in collections:
        for position, doc in enumerate(ctx.source.documents(TRANSACTIONS)):
            if isinstance(doc, BadDocument) or not text(doc.get("customer_id")):
                continue
            _transaction(found[text(doc.get("customer_id"))], doc, position)
    return found


def _transaction(wallet: Found, doc: dict[str, Any], position: int) -> None:
    wallet.transactions += 1
    amount = money(doc.get("amount"))
    kind = text(doc.get("type")).lower()
    if amount is not None and kind == "credit":
        wallet.credits += abs(amount)
    elif amount is not None and kind == "debit":
        wallet.debits += abs(amount)
    after = money(doc.get("balance_after"))
    if after is not None:
        when = timestamp(doc.get("timestamp")) or EARLIEST
        key = (when, position, after)
        if wallet.last_after is None or key[:2] >= wallet.last_after[:2]:
            wallet.last_after = key


def _open(ctx: Context, customer_pk: int, parts: list[tuple[str, Decimal, str]], day) -> None:
    """One customer's opening entry and billing mode (the parts: his legacy wallets)."""
    report = ctx.collection(REPORT)
    balance = sum((amount for _, amount, _ in parts), Decimal(0))
    legacy = parts[0][0]
    merged = f" (with {', '.join(p[0] for p in parts[1:])}, merged into it)" if parts[1:] else ""
    where = "; ".join(f"{p[0]}: ₹{p[1]} from {p[2]}" for p in parts)
    existing = WalletEntry.objects.filter(customer_id=customer_pk, kind="opening").first()
    if balance == 0 and existing is None:
        report.entry(legacy, "zero_wallet", f"₹0 ({where}): left postpaid", customer=legacy)
        report.unchanged += 1
        report.merged += len(parts) - 1
        return
    report.merged += len(parts) - 1  # merged customers' wallets: one entry
    customer = Customer.objects.get(pk=customer_pk)
    if existing is not None:
        report.unchanged += 1
        if existing.amount != balance:
            report.warn(
                legacy,
                "balance_changed",
                f"the opening entry of {existing.date} says ₹{existing.amount}; the source now "
                f"says ₹{balance}: correct the wallet with an adjustment if it should follow",
                customer=legacy,
            )
    else:
        open_wallet(
            customer=customer,
            amount=balance,
            day=day,
            note=f"Wallet balance in the old system{merged}"[:200],
        )
        report.created += 1
        report.entry(legacy, "opening_wallet", f"₹{balance} from {where}", customer=legacy, day=day)
        if balance < 0:
            report.warn(
                legacy,
                "negative_wallet",
                f"the wallet owes ₹{-balance}: deliveries pause at the next generation unless "
                "the customer recharges or staff set a credit limit",
                customer=legacy,
                day=day,
            )
    if not BillingMode.objects.filter(customer_id=customer_pk).exists():
        set_billing_mode(customer=customer, mode=BillingMode.Mode.PREPAID, effective_from=day)
        report.entry(legacy, "prepaid_from", f"prepaid from {day}", customer=legacy, day=day)
