"""Reconciliation: check that money adds up and list every violation.

Four checks, each one SQL query (the ledger check two), whatever the size of the data:

* **unbilled** — delivered but never billed after a run: a delivered or partial delivery
  with no billing line although a finished billing run should have billed it: a run of a
  month ending on or after the delivery's date, started after the delivery was confirmed,
  for which the customer had no issued bill (an issued bill keeps later deliveries for
  the next month's run; that is not a violation). A bill voided or a draft discarded
  since the run shows its deliveries here until the next run bills them again.
* **billed twice** — more than one billing line for a delivery. The OneToOne on
  BillingLine.delivery makes it impossible; counting proves it.
* **bill total** — a live (draft or issued) bill whose charges differ from the sum of its
  lines, whose adjustments total differs from the sum of its adjustments, or whose
  total differs from both together.
* **ledger** — the balance the application shows (billing.selectors.balances_for) against
  an independent SQL computation: opening balance + issued bills − payments toward bills.

And the prepaid wallets (billing/reconcile_wallet.py), whose rules PostgreSQL enforces at
commit; these prove the data agrees:

* **wallet debits** — a delivered or partial delivery of a customer prepaid on its day
  without exactly one unreversed debit of its amount, or any other delivery with one;
* **prepaid billed** — a delivery of a customer prepaid on its day on a billing line;
* **wallet entries** — a reversal that does not give back exactly the debit it reverses,
  a debit reversed twice, a recharge that is not its wallet payment's amount, a wallet
  payment without its recharge, or a balance shown ≠ the sum of the entries.

`--month` (the `month` argument) narrows the first three checks and the wallet debits
and prepaid billed checks to the month's deliveries and bills; the ledger and the wallet
entries are checked for every customer.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection

from billing.selectors import balances_for
from billing.services.periods import month_end
from customers.models import Customer

UNBILLED = "unbilled"
BILLED_TWICE = "billed_twice"
BILL_TOTAL = "bill_total"
LEDGER = "ledger"
WALLET_DEBITS = "wallet_debits"
PREPAID_BILLED = "prepaid_billed"
WALLET_ENTRIES = "wallet_entries"
CHECKS = {
    UNBILLED: "Delivered but never billed after a run",
    BILLED_TWICE: "Billed twice",
    BILL_TOTAL: "Bill total ≠ its lines and adjustments",
    LEDGER: "Ledger ≠ bills − payments",
    WALLET_DEBITS: "Prepaid delivery not debited exactly once",
    PREPAID_BILLED: "Prepaid delivery on a bill",
    WALLET_ENTRIES: "Wallet entries inconsistent",
}


@dataclass(frozen=True)
class Violation:
    check: str  # one of CHECKS
    code: str  # the delivery's, bill's or customer's code
    customer_code: str
    detail: str

    def __str__(self) -> str:
        return f"{self.code} ({self.customer_code}): {self.detail}"


@dataclass
class Reconciliation:
    month: date | None
    violations: dict[str, list[Violation]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(found) for found in self.violations.values())

    @property
    def ok(self) -> bool:
        return self.total == 0

    def summary(self) -> list[tuple[str, str, int, list[Violation]]]:
        """[(check, label, count, violations)] in the checks' order."""
        return [
            (check, label, len(self.violations.get(check, [])), self.violations.get(check, []))
            for check, label in CHECKS.items()
        ]


def reconcile(*, month: date | None = None) -> Reconciliation:
    # Imported here: the wallet's checks build on this module's Violation and helpers.
    from billing.reconcile_wallet import (
        prepaid_billed,
        wallet_debit_differences,
        wallet_entry_problems,
    )

    result = Reconciliation(month=month)
    result.violations[UNBILLED] = unbilled_deliveries(month=month)
    result.violations[BILLED_TWICE] = deliveries_billed_twice(month=month)
    result.violations[BILL_TOTAL] = bills_not_adding_up(month=month)
    result.violations[LEDGER] = ledger_differences()
    result.violations[WALLET_DEBITS] = wallet_debit_differences(month=month)
    result.violations[PREPAID_BILLED] = prepaid_billed(month=month)
    result.violations[WALLET_ENTRIES] = wallet_entry_problems()
    return result


def _month_range(month: date | None, column: str) -> tuple[str, dict]:
    if month is None:
        return "", {}
    return f" AND {column} BETWEEN %(start)s AND %(end)s", {
        "start": month,
        "end": month_end(month),
    }


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def unbilled_deliveries(*, month: date | None = None) -> list[Violation]:
    where, params = _month_range(month, "d.date")
    rows = _fetch(
        f"""
        SELECT code, customer, date, status, delivered_qty, run_period FROM (
            SELECT d.id, d.code, c.code AS customer, d.date, d.status, d.delivered_qty,
                   (SELECT max(r.period) FROM billing_billingrun r
                     WHERE r.status = 'finished'
                       AND d.date < r.period + interval '1 month'
                       AND d.confirmed_at < r.started_at
                       AND NOT EXISTS (SELECT 1 FROM billing_bill b
                                        WHERE b.customer_id = d.customer_id
                                          AND b.period = r.period AND b.status = 'issued'))
                   AS run_period
              FROM deliveries_delivery d
              JOIN customers_customer c ON c.id = d.customer_id
             WHERE d.status IN ('delivered', 'partial'){where}
               AND NOT EXISTS (SELECT 1 FROM billing_billingline l WHERE l.delivery_id = d.id)
               AND billing_mode_on(d.customer_id, d.date) <> 'prepaid'
        ) unbilled
         WHERE run_period IS NOT NULL
         ORDER BY date, id
        """,  # noqa: S608 - `where` is a constant fragment; values are parameters
        params,
    )
    return [
        Violation(
            UNBILLED,
            code,
            customer,
            f"{status} on {day:%d %b %Y} ({Decimal(quantity).normalize():f}), not billed by the "
            f"run of {run_period:%Y-%m}",
        )
        for code, customer, day, status, quantity, run_period in rows
    ]


def deliveries_billed_twice(*, month: date | None = None) -> list[Violation]:
    where, params = _month_range(month, "d.date")
    rows = _fetch(
        f"""
        SELECT d.code, c.code, count(*), string_agg(coalesce(b.code, 'draft ' || b.id), ', '
                                                    ORDER BY l.id)
          FROM billing_billingline l
          JOIN deliveries_delivery d ON d.id = l.delivery_id
          JOIN customers_customer c ON c.id = d.customer_id
          JOIN billing_bill b ON b.id = l.bill_id
         WHERE true{where}
         GROUP BY d.id, d.code, c.code
        HAVING count(*) > 1
         ORDER BY d.id
        """,  # noqa: S608 - `where` is a constant fragment; values are parameters
        params,
    )
    return [
        Violation(BILLED_TWICE, code, customer, f"{count} billing lines, on {bills}")
        for code, customer, count, bills in rows
    ]


def bills_not_adding_up(*, month: date | None = None) -> list[Violation]:
    where, params = _month_range(month, "b.period")
    rows = _fetch(
        f"""
        SELECT coalesce(b.code, 'draft bill ' || b.id), c.code, b.period, b.charges,
               b.adjustments_total, b.total, s.lines, s.adjustments
          FROM billing_bill b
          JOIN customers_customer c ON c.id = b.customer_id
          CROSS JOIN LATERAL (
              SELECT coalesce((SELECT sum(l.amount) FROM billing_billingline l
                                WHERE l.bill_id = b.id), 0) AS lines,
                     coalesce((SELECT sum(a.amount) FROM billing_adjustment a
                                WHERE a.bill_id = b.id), 0) AS adjustments
          ) s
         WHERE b.status <> 'void'{where}
           AND (b.charges <> s.lines OR b.adjustments_total <> s.adjustments
                OR b.total <> s.lines + s.adjustments)
         ORDER BY b.period, b.id
        """,  # noqa: S608 - `where` is a constant fragment; values are parameters
        params,
    )
    return [
        Violation(
            BILL_TOTAL,
            code,
            customer,
            f"{period:%Y-%m}: total {total} (charges {charges} + adjustments {adjustments}) "
            f"but its lines add up to {lines} and its adjustments to {adjusted}",
        )
        for code, customer, period, charges, adjustments, total, lines, adjusted in rows
    ]


_INDEPENDENT_BALANCES = """
    SELECT c.id, c.code,
           c.opening_balance + coalesce(b.total, 0) - coalesce(p.total, 0)
      FROM customers_customer c
      LEFT JOIN (SELECT customer_id, sum(total) AS total FROM billing_bill
                  WHERE status = 'issued' GROUP BY customer_id) b ON b.customer_id = c.id
      LEFT JOIN (SELECT customer_id, sum(amount) AS total FROM billing_payment
                  WHERE purpose = 'bill' GROUP BY customer_id) p ON p.customer_id = c.id
     ORDER BY c.id
"""


def ledger_differences() -> list[Violation]:
    """Every customer's balance as the pages show it against a separate computation."""
    shown = balances_for(Customer.objects.all())
    return [
        Violation(
            LEDGER,
            code,
            code,
            f"the ledger shows {shown.get(pk)}; opening + issued bills − payments = {expected}",
        )
        for pk, code, expected in _fetch(_INDEPENDENT_BALANCES, {})
        if shown.get(pk) != expected
    ]
