"""Dues and ageing: what each customer owes on their monthly bills at the end of a day,
split by how long it has been owed.

The balance is billing.selectors' (opening balance + issued bills − payments toward the
bills), taken as of the day: bills issued on or before it, payments dated on or before
it. Prepaid wallets are not in it (their recharges are not payments toward bills); a
customer prepaid now still owes any postpaid bills left unpaid, so they are listed,
marked, and the wallets below zero are summed apart.

Which bills are unpaid — oldest first: everything that reduces what is owed (payments,
a credit opening balance, a bill whose total is negative) pays the opening balance first,
then the issued bills in billing order (period, issue time), as billing.selectors does.
What is left of each is aged by its bill's issue day: 0–30 days, 31–60 days, over 60
days. An unpaid opening balance predates every bill: it is counted over 60 days. A
customer who has paid more than everything is in credit and is not listed (counted
apart). The buckets of a customer add up to their balance on the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from billing.models import Bill, WalletEntry
from billing.selectors import ZERO, bill_payments
from billing.selectors.wallet import prepaid_customer_ids
from customers.models import Customer
from web.reports.charts import BAD, GOOD, PARTIAL, Chart, Column, Segment, columns_chart
from web.reports.exports import Table
from web.reports.units import rupees

BUCKETS = ("0–30 days", "31–60 days", "Over 60 days")
COLOURS = (GOOD, PARTIAL, BAD)


def bucket_of(age_in_days: int) -> int:
    return 0 if age_in_days <= 30 else 1 if age_in_days <= 60 else 2


@dataclass(frozen=True)
class Ageing:
    buckets: tuple[Decimal, Decimal, Decimal]  # still owed, by BUCKETS
    credit: Decimal  # paid beyond everything owed (then every bucket is 0)
    oldest_unpaid: date | None  # issue day of the oldest bill not fully paid

    @property
    def due(self) -> Decimal:
        return sum(self.buckets, ZERO)


def age_dues(
    *, opening: Decimal, bills: list[tuple[date, Decimal]], paid: Decimal, as_of: date
) -> Ageing:
    """Allocate what was paid to what is owed, oldest first (see the module's rules).
    `bills`: (issue day, total) in billing order."""
    owed: list[tuple[date | None, Decimal]] = []
    credit = paid
    if opening > 0:
        owed.append((None, opening))
    else:
        credit -= opening
    for day, total in bills:
        if total > 0:
            owed.append((day, total))
        else:
            credit -= total
    buckets, oldest = [ZERO, ZERO, ZERO], None
    for day, amount in owed:
        used = min(amount, credit)
        credit -= used
        if amount > used:
            buckets[2 if day is None else bucket_of((as_of - day).days)] += amount - used
            oldest = oldest or day
    return Ageing((buckets[0], buckets[1], buckets[2]), credit, oldest)


@dataclass(frozen=True)
class DuesRow:
    customer: Customer
    ageing: Ageing
    prepaid_now: bool


@dataclass(frozen=True)
class DuesReport:
    as_of: date
    rows: list[DuesRow]
    totals: tuple[Decimal, Decimal, Decimal]
    in_credit: int  # customers who have paid ahead
    credit_total: Decimal
    wallets_overdrawn: int  # prepaid wallets below zero on the day
    wallets_overdrawn_total: Decimal  # how far below, together (negative)

    @property
    def total_due(self) -> Decimal:
        return sum(self.totals, ZERO)

    @property
    def chart(self) -> Chart:
        columns = [
            Column(
                name,
                [Segment(name, amount, colour, f"{name}: {rupees(amount)}")],
                note=rupees(amount),
            )
            for name, amount, colour in zip(BUCKETS, self.totals, COLOURS, strict=True)
        ]
        return columns_chart(
            columns,
            description=f"Dues on {self.as_of:%d %b %Y} by age: "
            + ", ".join(
                f"{name} {rupees(amount)}"
                for name, amount in zip(BUCKETS, self.totals, strict=True)
            ),
            legend=[],
        )


def dues_report(*, as_of: date) -> DuesReport:
    """Every customer owing on their bills at the end of `as_of`, most overdue first.
    Six queries, whatever the number of customers and bills."""
    cutoff = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    bills: dict[int, list[tuple[date, Decimal]]] = {}
    for customer_id, issued_at, total in (
        Bill.objects.filter(status=Bill.Status.ISSUED, issued_at__lt=cutoff)
        .order_by("customer_id", "period", "issued_at", "pk")
        .values_list("customer_id", "issued_at", "total")
    ):
        bills.setdefault(customer_id, []).append((timezone.localdate(issued_at), total))
    paid = dict(
        bill_payments()
        .filter(paid_on__lte=as_of)
        .order_by()
        .values_list("customer_id")
        .annotate(total=Sum("amount"))
    )
    openings = dict(
        Customer.objects.exclude(opening_balance=0).values_list("pk", "opening_balance")
    )

    ageing: dict[int, Ageing] = {}
    in_credit, credit_total = 0, ZERO
    for customer_id in bills.keys() | paid.keys() | openings.keys():
        aged = age_dues(
            opening=openings.get(customer_id, ZERO),
            bills=bills.get(customer_id, []),
            paid=paid.get(customer_id, ZERO),
            as_of=as_of,
        )
        if aged.due > 0:
            ageing[customer_id] = aged
        elif aged.credit > 0:
            in_credit, credit_total = in_credit + 1, credit_total + aged.credit

    customers = Customer.objects.filter(pk__in=list(ageing)).select_related(
        "area", "route_stop__delivery_boy"
    )
    prepaid = prepaid_customer_ids(as_of, list(ageing)) if ageing else set()
    rows = sorted(
        (DuesRow(c, ageing[c.pk], c.pk in prepaid) for c in customers),
        key=lambda row: (
            -row.ageing.buckets[2],
            -row.ageing.due,
            row.customer.name,
            row.customer.pk,
        ),
    )
    totals = tuple(sum((row.ageing.buckets[n] for row in rows), ZERO) for n in range(3))
    overdrawn = [
        balance
        for balance in WalletEntry.objects.filter(date__lte=as_of)
        .order_by()
        .values("customer_id")
        .annotate(balance=Sum("amount"))
        .filter(balance__lt=0)
        .values_list("balance", flat=True)
    ]
    return DuesReport(
        as_of=as_of,
        rows=rows,
        totals=totals,
        in_credit=in_credit,
        credit_total=credit_total,
        wallets_overdrawn=len(overdrawn),
        wallets_overdrawn_total=sum(overdrawn, ZERO),
    )


HEADER = [
    "Customer code",
    "Customer",
    "Phone",
    "Area",
    "Delivery boy",
    "Prepaid now",
    "Oldest unpaid bill",
    *BUCKETS,
    "Total due",
]


def dues_table(report: DuesReport) -> Table:
    rows = []
    for row in report.rows:
        customer, aged = row.customer, row.ageing
        stop = getattr(customer, "route_stop", None)
        rows.append(
            [
                customer.code,
                customer.name,
                customer.phone,
                customer.area.name if customer.area else "",
                stop.delivery_boy.name if stop else "",
                "yes" if row.prepaid_now else "",
                f"{aged.oldest_unpaid:%Y-%m-%d}" if aged.oldest_unpaid else "opening balance",
                *aged.buckets,
                aged.due,
            ]
        )
    return Table(
        name=f"earlybird-dues-{report.as_of:%Y-%m-%d}",
        title=f"Dues {report.as_of:%Y-%m-%d}",
        header=HEADER,
        rows=rows,
        totals=[
            "Total",
            f"{len(rows)} customers",
            "",
            "",
            "",
            "",
            "",
            *report.totals,
            report.total_due,
        ],
        money=frozenset([*BUCKETS, "Total due"]),
    )
