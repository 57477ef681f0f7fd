"""Balances (the one formula: with_balances), what is still to bill, the bills a
customer sees, and a customer's ledger. The rules: billing.selectors."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from billing.models import Adjustment, Bill, Payment
from billing.selectors.wallet import postpaid_deliveries
from customers.models import Customer
from deliveries.models import Delivery

ZERO = Decimal("0.00")


def money_or_zero(expression) -> Coalesce:
    """A sum of money, 0.00 where there is nothing to sum."""
    return Coalesce(
        expression,
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _sum_per_customer(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(total=Sum(field))
        .values("total")
    )


def bill_payments() -> QuerySet[Payment]:
    """Payments toward the bills: a prepaid wallet's recharges (purpose "wallet") are the
    wallet's (billing.selectors.wallet), never part of the postpaid balance."""
    return Payment.objects.filter(purpose=Payment.Purpose.BILL)


def with_balances(customers: QuerySet) -> QuerySet:
    """Annotate `billed` (issued bills), `paid` (payments toward bills) and `balance`, in
    the same query.

    The one balance formula: every page, the API, the dashboard and the reconciliation
    read it here (balance_for and balance_totals are built on it; balances_for sums
    the same rows GROUP BY customer, and the reconciliation checks it).
    """
    return customers.annotate(
        billed=money_or_zero(
            _sum_per_customer(Bill.objects.filter(status=Bill.Status.ISSUED), "total")
        ),
        paid=money_or_zero(_sum_per_customer(bill_payments(), "amount")),
    ).annotate(balance=F("opening_balance") + F("billed") - F("paid"))


def balances_for(customers: Iterable[Customer | int] | QuerySet) -> dict[int, Decimal]:
    """{customer id: balance} for a list page (or every customer), in one query whatever
    the number of rows: the issued bills and the payments toward bills are summed once,
    GROUP BY customer, and joined to the customers — with_balances' formula without its
    two subqueries per row (which a paginated page pays for every row before its own)."""
    if isinstance(customers, QuerySet):
        chosen = customers.order_by().values("pk")
    else:
        chosen = [c if isinstance(c, int) else c.pk for c in customers]
        if not chosen:
            return {}
    people = Customer.objects.filter(pk__in=chosen).order_by().values("pk", "opening_balance")
    billed = _totals(Bill.objects.filter(status=Bill.Status.ISSUED), "total", chosen)
    paid = _totals(bill_payments(), "amount", chosen)
    parts = [q.query.sql_with_params() for q in (people, billed, paid)]
    # The parts are SQL that Django compiled from querysets, their values parameters.
    sql = (  # noqa: S608
        "SELECT c.id, c.opening + COALESCE(b.total, 0) - COALESCE(p.total, 0)"
        " FROM ({}) c (id, opening)"
        " LEFT JOIN ({}) b (customer_id, total) ON b.customer_id = c.id"
        " LEFT JOIN ({}) p (customer_id, total) ON p.customer_id = c.id"
    ).format(*(part_sql for part_sql, _ in parts))
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in parts for param in params])
        return {pk: Decimal(balance).quantize(ZERO) for pk, balance in cursor.fetchall()}


def _totals(queryset: QuerySet, field: str, customers) -> QuerySet:
    """Σ field per customer among `customers` (ids, or a queryset of their pks)."""
    return (
        queryset.filter(customer_id__in=customers)
        .order_by()
        .values("customer_id")
        .annotate(total=Sum(field))
    )


def balance_for(customer: Customer) -> Decimal:
    """What one customer owes now (negative: credit). One query."""
    return balances_for([customer]).get(customer.pk, ZERO)


def balance_totals(customers: QuerySet) -> dict[str, Decimal]:
    """with_balances summed over `customers` (the dashboard's money due): `opening`,
    `billed`, `paid` and `due`, the sum of their balances. One query."""
    totals = with_balances(customers.order_by()).aggregate(
        total_opening=Sum("opening_balance", default=ZERO),
        total_billed=Sum("billed", default=ZERO),
        total_paid=Sum("paid", default=ZERO),
    )
    opening, billed, paid = (totals[f"total_{name}"] for name in ("opening", "billed", "paid"))
    # Σ balance = Σ opening + Σ billed − Σ paid: summed here rather than selecting
    # `balance`, which would run the two subqueries once more per customer.
    return {"opening": opening, "billed": billed, "paid": paid, "due": opening + billed - paid}


def billed_amount() -> Round:
    """What a delivered row bills: round(delivered_qty × unit_price, 2), as run_billing
    writes it on the billing line."""
    return Round(F("delivered_qty") * F("unit_price"), 2)


def unbilled_totals(deliveries: QuerySet) -> dict:
    """Among `deliveries`, those delivered or partly delivered and on no bill yet (and
    not prepaid: the wallet pays those): how many, what they will bill, and the oldest
    date. One query."""
    return (
        postpaid_deliveries(
            deliveries.filter(status__in=Delivery.BILLABLE_STATUSES, billing_line__isnull=True)
        )
        .order_by()
        .aggregate(count=Count("pk"), amount=Sum(billed_amount()), oldest=Min("date"))
    )


def issued_bills(*, customer: Customer) -> QuerySet[Bill]:
    """The bills a customer sees, newest first: issued ones (a draft may still change, a
    void bill is gone)."""
    return Bill.objects.filter(customer=customer, status=Bill.Status.ISSUED).order_by(
        "-period", "-pk"
    )


# --- the ledger -----------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    date: date | None  # None for the opening balance
    kind: str  # "opening", "bill" or "payment"
    description: str
    amount: Decimal  # + owed (bills), − paid (payments)
    balance: Decimal  # running balance after this entry
    bill: Bill | None = None
    payment: Payment | None = None


@dataclass(frozen=True)
class Ledger:
    customer: Customer
    entries: list[LedgerEntry]
    balance: Decimal  # what the customer owes now (negative: credit)
    draft_total: Decimal  # on draft bills, not yet in the balance
    open_adjustments: Decimal  # adjustments no bill holds yet, not in the balance either

    @property
    def not_yet_billed(self) -> Decimal:
        return self.draft_total + self.open_adjustments


def customer_ledger(*, customer: Customer) -> Ledger:
    """Opening balance, issued bills and payments in date order with a running balance.

    Four queries, whatever the length of the history; the balance is computed here, in
    Decimal, from the rows themselves.
    """
    bills = list(
        Bill.objects.filter(customer=customer)
        .exclude(status=Bill.Status.VOID)
        .order_by("period", "issued_at", "pk")
    )
    payments = list(bill_payments().filter(customer=customer).order_by("paid_on", "pk"))
    open_adjustments = Adjustment.objects.filter(customer=customer, bill__isnull=True).aggregate(
        total=money_or_zero(Sum("amount"))
    )["total"]
    opening = Decimal(customer.opening_balance)

    dated: list[tuple[tuple, str, Decimal, Bill | None, Payment | None]] = []
    draft_total = ZERO
    for bill in bills:
        if bill.status == Bill.Status.DRAFT:
            draft_total += bill.total
            continue
        day = timezone.localdate(bill.issued_at)
        description = f"Bill {bill.code} for {bill.period:%B %Y}"
        dated.append(((day, 0, bill.pk), description, bill.total, bill, None))
    for payment in payments:
        description = f"Payment {payment.code} ({payment.get_method_display()})"
        if payment.reference:
            description += f", ref. {payment.reference}"
        dated.append(
            ((payment.paid_on, 1, payment.pk), description, -payment.amount, None, payment)
        )
    dated.sort(key=lambda row: row[0])

    balance = opening
    entries = [LedgerEntry(None, "opening", "Opening balance", opening, opening)]
    for (day, _, _), description, amount, bill, payment in dated:
        balance += amount
        kind = "bill" if bill else "payment"
        entries.append(LedgerEntry(day, kind, description, amount, balance, bill, payment))
    return Ledger(
        customer=customer,
        entries=entries,
        balance=balance,
        draft_total=draft_total,
        open_adjustments=open_adjustments,
    )
