"""Cut-over: `--billed-through YYYY-MM`, and opening balances.

Billed through a month M: the old system billed every month up to M, so no imported
delivery dated up to the end of M may be billed again. For each customer and each month
up to M with imported delivered or partial deliveries that no bill holds, the import makes
one bill of that month, puts every such delivery on it as a billing line (its delivered
quantity at its unit price, while the bill is a draft, as the billing triggers require),
adds one adjustment of minus the lines' total ("billed by the old system"), and issues it:
an issued bill of total 0 that marks those deliveries billed. `run_billing` never bills a
delivery that has a billing line, so the next month's run bills only that month's
deliveries. A month whose bill was already issued by an earlier import keeps it; a
delivery confirmed in the source after that is reported (the next run bills it).

Opening balance (Customer.opening_balance; the balance is opening + issued bills −
payments):

* without --billed-through, nothing imported counts as billed: the opening balance is the
  customer's `previous_balance`, the carried-forward arrears of the old system;
* with --billed-through M, it is what the customer owed at cut-over, the old system's own
  balance for M (§7): `previous_balance` + M's bill (the schedule at the customer's prices,
  plus the one-time orders that bill captured) − the payments credited to M, for customers
  the old bill listed (active or trial; for the others `previous_balance`) — plus every
  imported payment credited to M or earlier, which the carried balance already accounts
  for and which the ledger subtracts again. So right after the import the balance equals
  the old carried balance less the payments credited to later months.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from simple_history.utils import bulk_update_with_history

from billing.models import Bill
from customers.models import Customer
from earlybird.codes import reserve_codes
from legacy_import.importer.base import Context, chunked, save_records

REASON = "Billed by the old system (imported, billed through {month})"


def month_end_of(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def mark_billed_through(ctx: Context) -> None:
    if ctx.billed_through is None:
        return
    report = ctx.collection("billed_through")
    end = month_end_of(ctx.billed_through)
    legacy_of = {info.pk: legacy for legacy, info in ctx.customers.items()}
    done = 0
    for batch in chunked(sorted(legacy_of), 1000):
        with transaction.atomic():
            _mark(ctx, batch, end, legacy_of)
        done += len(batch)
        ctx.tick("billed_through", done)
    report.notes.append(
        f"deliveries up to {end} carry a billing line on an issued bill of total 0: "
        "never billed again"
    )


def _mark(ctx: Context, customers: list[int], end: date, legacy_of: dict[int, str]) -> None:
    report = ctx.collection("billed_through")
    month = ctx.billed_through.strftime("%Y-%m")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT g.customer_id, g.period, g.n,
                   (SELECT b.id FROM billing_bill b WHERE b.customer_id = g.customer_id
                       AND b.period = g.period AND b.status <> 'void')
              FROM (SELECT d.customer_id, date_trunc('month', d.date)::date AS period,
                           count(*) AS n
                      FROM deliveries_delivery d
                     WHERE d.customer_id = ANY(%s) AND d.status IN ('delivered', 'partial')
                       AND d.date <= %s
                       AND NOT EXISTS (SELECT 1 FROM billing_billingline l
                                        WHERE l.delivery_id = d.id)
                     GROUP BY 1, 2) g
             ORDER BY 2, 1
            """,
            [customers, end],
        )
        groups = cursor.fetchall()
        todo = []
        for customer, period, count, bill in groups:
            if bill is not None:
                report.warn(
                    f"{legacy_of[customer]}|{period:%Y-%m}",
                    "bill_already_exists",
                    f"{count} deliveries of {period:%Y-%m} are unbilled but that month has a "
                    "bill already: the next billing run bills them",
                    customer=legacy_of[customer],
                    day=period,
                )
                continue
            todo.append((customer, period))
        if not todo:
            return
        cursor.execute(
            """
            INSERT INTO billing_bill (created_at, updated_at, period, code, status,
                                      previous_balance, charges, adjustments_total, total,
                                      issued_at, voided_at, void_reason, customer_id, run_id)
            SELECT now(), now(), t.period, NULL, 'draft', 0, 0, 0, 0, NULL, NULL, '',
                   t.customer, NULL
              FROM unnest(%s::bigint[], %s::date[]) AS t(customer, period)
            RETURNING id, customer_id, period
            """,
            [[c for c, _p in todo], [p for _c, p in todo]],
        )
        bills = sorted(cursor.fetchall(), key=lambda b: (b[2], b[1]))
        bill_ids = [b[0] for b in bills]
        cursor.execute(
            """
            INSERT INTO billing_billingline (created_at, updated_at, quantity, unit_price,
                                             amount, bill_id, delivery_id)
            SELECT now(), now(), d.delivered_qty, d.unit_price,
                   round(d.delivered_qty * d.unit_price, 2), b.id, d.id
              FROM billing_bill b
              JOIN deliveries_delivery d
                ON d.customer_id = b.customer_id AND date_trunc('month', d.date)::date = b.period
             WHERE b.id = ANY(%s) AND d.status IN ('delivered', 'partial') AND d.date <= %s
               AND NOT EXISTS (SELECT 1 FROM billing_billingline l WHERE l.delivery_id = d.id)
             ORDER BY d.id
            """,
            [bill_ids, end],
        )
        cursor.execute(
            """
            INSERT INTO billing_adjustment (created_at, updated_at, amount, reason, date,
                                            bill_id, created_by_id, customer_id)
            SELECT now(), now(), -s.charges, %s,
                   (b.period + interval '1 month' - interval '1 day')::date, b.id, NULL,
                   b.customer_id
              FROM billing_bill b
              JOIN (SELECT bill_id, sum(amount) AS charges FROM billing_billingline
                     WHERE bill_id = ANY(%s) GROUP BY bill_id) s ON s.bill_id = b.id
             WHERE s.charges <> 0
            """,
            [REASON.format(month=month), bill_ids],
        )
        codes: dict[int, str] = {}
        by_period: dict[date, list[int]] = {}
        for bill_id, _customer, period in bills:
            by_period.setdefault(period, []).append(bill_id)
        for period, ids in sorted(by_period.items()):
            codes.update(zip(ids, reserve_codes("BI", on=period, count=len(ids)), strict=True))
        cursor.execute(
            """
            UPDATE billing_bill b
               SET charges = coalesce(l.charges, 0), adjustments_total = coalesce(a.total, 0),
                   total = coalesce(l.charges, 0) + coalesce(a.total, 0),
                   status = 'issued', code = c.code, issued_at = now(), updated_at = now()
              FROM unnest(%s::bigint[], %s::text[]) AS c(id, code)
              LEFT JOIN (SELECT bill_id, sum(amount) AS charges FROM billing_billingline
                          GROUP BY bill_id) l ON l.bill_id = c.id
              LEFT JOIN (SELECT bill_id, sum(amount) AS total FROM billing_adjustment
                          GROUP BY bill_id) a ON a.bill_id = c.id
             WHERE b.id = c.id
            """,
            [list(codes), list(codes.values())],
        )
    save_records(
        "billed_through",
        Bill,
        [(f"{legacy_of[c]}|{p:%Y-%m}", bill_id, "") for bill_id, c, p in bills],
    )
    report.created += len(bills)


def set_opening_balances(ctx: Context) -> None:
    """Customer.opening_balance per the rule above; only changed values are written."""
    report = ctx.collection("customers_v2")
    wanted: dict[int, Decimal] = {}
    members: dict[str, list[str]] = {legacy: [legacy] for legacy in ctx.customers}
    for merged, kept in ctx.customer_alias.items():
        members.setdefault(kept, [kept]).append(merged)
    for legacy, info in ctx.customers.items():
        previous = ctx.previous_balance.get(legacy, Decimal("0.00"))  # merged ones included
        if ctx.billed_through is None:
            wanted[info.pk] = previous
            continue
        carried = previous
        for member in members[legacy]:
            if ctx.raw_statuses.get(member) in ("active", "trial"):
                carried += ctx.legacy_bill.get(member, Decimal(0)) - ctx.paid_in_month.get(
                    member, Decimal(0)
                )
            carried += ctx.paid_up_to.get(member, Decimal(0))
        wanted[info.pk] = carried.quantize(Decimal("0.01"))
    changed = []
    for part in chunked(sorted(wanted), 5000):
        for customer in Customer.objects.filter(pk__in=part):
            if customer.opening_balance != wanted[customer.pk]:
                customer.opening_balance = wanted[customer.pk]
                changed.append(customer)
    with transaction.atomic():
        for part in chunked(changed, 1000):
            bulk_update_with_history(
                part,
                Customer,
                ["opening_balance"],
                default_change_reason="opening balance from the old system",
            )
    if changed:
        how = (
            f"the old system's balance at the end of {ctx.billed_through:%Y-%m}"
            if ctx.billed_through
            else "previous_balance"
        )
        report.notes.append(f"{len(changed)} opening balances set from {how}")
