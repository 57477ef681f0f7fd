"""The prepaid wallets' checks of the reconciliation (billing.reconciliation says what
each one finds). One SQL query each, whatever the size of the data; the mode on a day is
worked out here from the billing modes themselves, apart from billing_mode_on()."""

from datetime import date

from billing.reconciliation import (
    PREPAID_BILLED,
    WALLET_DEBITS,
    WALLET_ENTRIES,
    Violation,
    _fetch,
    _month_range,
)
from billing.selectors.wallet import wallet_balances

# True when the customer of delivery `d` is prepaid on its day.
_PREPAID = """
    coalesce((SELECT m.mode FROM billing_billingmode m
               WHERE m.customer_id = d.customer_id AND m.effective_from <= d.date
               ORDER BY m.effective_from DESC LIMIT 1), 'postpaid') = 'prepaid'
"""

# Unreversed debits per delivery.
_OPEN_DEBITS = """
    SELECT e.delivery_id, count(*) AS n, sum(e.amount) AS total
      FROM billing_walletentry e
     WHERE e.kind = 'debit'
       AND NOT EXISTS (SELECT 1 FROM billing_walletentry r WHERE r.reverses_id = e.id)
     GROUP BY e.delivery_id
"""


def wallet_debit_differences(*, month: date | None = None) -> list[Violation]:
    where, params = _month_range(month, "d.date")
    rows = _fetch(
        f"""
        SELECT d.code, c.code, d.date, d.status, expected.amount,
               coalesce(o.n, 0), coalesce(o.total, 0)
          FROM deliveries_delivery d
          JOIN customers_customer c ON c.id = d.customer_id
          LEFT JOIN ({_OPEN_DEBITS}) o ON o.delivery_id = d.id
          CROSS JOIN LATERAL (
              SELECT CASE WHEN d.status IN ('delivered', 'partial') AND {_PREPAID}
                          THEN -round(d.delivered_qty * d.unit_price, 2) ELSE 0 END AS amount
          ) expected
         WHERE (o.delivery_id IS NOT NULL OR (d.status IN ('delivered', 'partial')
                                              AND {_PREPAID})){where}
           AND (coalesce(o.n, 0) <> (CASE WHEN expected.amount < 0 THEN 1 ELSE 0 END)
                OR coalesce(o.total, 0) <> expected.amount)
         ORDER BY d.date, d.id
        """,  # noqa: S608 - constant fragments only; values are parameters
        params,
    )
    return [
        Violation(
            WALLET_DEBITS,
            code,
            customer,
            f"{status} on {day:%d %b %Y}: should take {-expected} from the wallet once; "
            f"{count} unreversed debit(s) take {-total}",
        )
        for code, customer, day, status, expected, count, total in rows
    ]


def prepaid_billed(*, month: date | None = None) -> list[Violation]:
    where, params = _month_range(month, "d.date")
    rows = _fetch(
        f"""
        SELECT d.code, c.code, d.date, coalesce(b.code, 'draft bill ' || b.id)
          FROM billing_billingline l
          JOIN deliveries_delivery d ON d.id = l.delivery_id
          JOIN customers_customer c ON c.id = d.customer_id
          JOIN billing_bill b ON b.id = l.bill_id
         WHERE {_PREPAID}{where}
         ORDER BY d.date, d.id
        """,  # noqa: S608 - constant fragments only; values are parameters
        params,
    )
    return [
        Violation(PREPAID_BILLED, code, customer, f"prepaid on {day:%d %b %Y} but on {bill}")
        for code, customer, day, bill in rows
    ]


_ENTRY_PROBLEMS = """
    SELECT c.code, 'entry ' || e.id, 'reversal does not give back its debit exactly'
      FROM billing_walletentry e
      JOIN billing_walletentry r ON r.id = e.reverses_id
      JOIN customers_customer c ON c.id = e.customer_id
     WHERE r.kind <> 'debit' OR r.delivery_id IS DISTINCT FROM e.delivery_id
        OR e.amount <> -r.amount OR e.customer_id <> r.customer_id
    UNION ALL
    SELECT c.code, 'entry ' || e.reverses_id, count(*) || ' reversals of one debit'
      FROM billing_walletentry e
      JOIN customers_customer c ON c.id = e.customer_id
     WHERE e.reverses_id IS NOT NULL
     GROUP BY c.code, e.reverses_id HAVING count(*) > 1
    UNION ALL
    SELECT c.code, p.code, 'recharge ' || coalesce(e.amount::text, 'missing')
                           || ' for a wallet payment of ' || p.amount
      FROM billing_payment p
      JOIN customers_customer c ON c.id = p.customer_id
      LEFT JOIN billing_walletentry e ON e.payment_id = p.id AND e.kind = 'recharge'
     WHERE (p.purpose = 'wallet' AND (e.id IS NULL OR e.amount <> p.amount
                                      OR e.customer_id <> p.customer_id))
        OR (p.purpose <> 'wallet' AND e.id IS NOT NULL)
"""

_INDEPENDENT_WALLETS = """
    SELECT c.id, c.code, sum(e.amount)
      FROM billing_walletentry e JOIN customers_customer c ON c.id = e.customer_id
     GROUP BY c.id, c.code ORDER BY c.id
"""


def wallet_entry_problems() -> list[Violation]:
    problems = [
        Violation(WALLET_ENTRIES, code, customer, detail)
        for customer, code, detail in _fetch(_ENTRY_PROBLEMS, {})
    ]
    independent = _fetch(_INDEPENDENT_WALLETS, {})
    shown = wallet_balances(pk for pk, _, _ in independent)
    problems += [
        Violation(
            WALLET_ENTRIES,
            code,
            code,
            f"the wallet shows {shown.get(pk)}; its entries add up to {total}",
        )
        for pk, code, total in independent
        if shown.get(pk) != total
    ]
    return problems


__all__ = ["prepaid_billed", "wallet_debit_differences", "wallet_entry_problems"]
