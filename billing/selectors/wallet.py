"""Reads on prepaid wallets: the billing mode on a day, the wallet balance (the sum of
the entries, never stored), what is already due from it, and the settings in force.

The mode on a day is the latest BillingMode row with effective_from <= day, else
postpaid; PostgreSQL's billing_mode_on() (migration 0011) says the same and the
database's checks use it."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    CharField,
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from billing.models import BillingMode, Wallet, WalletEntry
from deliveries.models import Delivery

ZERO = Decimal("0.00")
PREPAID = BillingMode.Mode.PREPAID
POSTPAID = BillingMode.Mode.POSTPAID


def _money(expression) -> Coalesce:
    return Coalesce(
        expression, Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


# --- billing mode ---------------------------------------------------------------------


def mode_in_force(customer_ref, day_ref) -> Coalesce:
    """The mode in force for a customer (an OuterRef or expression) on a day, as an
    expression: the latest change on or before it, else postpaid."""
    latest = Subquery(
        BillingMode.objects.filter(customer=customer_ref, effective_from__lte=day_ref)
        .order_by("-effective_from")
        .values("mode")[:1]
    )
    return Coalesce(latest, Value(POSTPAID), output_field=CharField())


def billing_mode_on(customer_id: int, day: date) -> str:
    """'prepaid' or 'postpaid' for one customer on one day. One query."""
    row = (
        BillingMode.objects.filter(customer_id=customer_id, effective_from__lte=day)
        .order_by("-effective_from")
        .values_list("mode", flat=True)
        .first()
    )
    return row or POSTPAID


def prepaid_customer_ids(day: date, customer_ids: Iterable[int] | None = None) -> set[int]:
    """The customers prepaid on `day` (among `customer_ids`, if given). One query."""
    modes = BillingMode.objects.filter(effective_from__lte=day)
    if customer_ids is not None:
        modes = modes.filter(customer_id__in=list(customer_ids))
    latest = (
        modes.order_by("customer_id", "-effective_from")
        .distinct("customer_id")
        .values_list("customer_id", "mode")
    )
    return {customer_id for customer_id, mode in latest if mode == PREPAID}


def postpaid_deliveries(deliveries: QuerySet) -> QuerySet:
    """`deliveries` less those of customers prepaid on their day (which are never billed)."""
    return deliveries.alias(_mode=mode_in_force(OuterRef("customer"), OuterRef("date"))).exclude(
        _mode=PREPAID
    )


def prepaid_deliveries(deliveries: QuerySet) -> QuerySet:
    return deliveries.alias(_mode=mode_in_force(OuterRef("customer"), OuterRef("date"))).filter(
        _mode=PREPAID
    )


# --- balance --------------------------------------------------------------------------


def with_wallet_balances(customers: QuerySet) -> QuerySet:
    """Annotate `wallet_balance`, the sum of each customer's wallet entries, in the same
    query (a list page's column)."""
    total = (
        WalletEntry.objects.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return customers.annotate(wallet_balance=_money(Subquery(total)))


def wallet_balance(customer_id: int) -> Decimal:
    """What one customer has in the wallet now (negative: used on credit). One query."""
    return WalletEntry.objects.filter(customer_id=customer_id).aggregate(
        total=_money(Sum("amount"))
    )["total"]


def wallet_balances(customer_ids: Iterable[int]) -> dict[int, Decimal]:
    """{customer id: balance} for the given customers (0 for those with no entry)."""
    ids = list(customer_ids)
    totals = dict(
        WalletEntry.objects.filter(customer_id__in=ids)
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values_list("customer", "total")
    )
    return {pk: totals.get(pk, ZERO) for pk in ids}


def amounts_due_ahead(
    customer_ids: Iterable[int], *, since: date | None = None, exclude_day: date | None = None
) -> dict[int, Decimal]:
    """For prepaid customers: what their deliveries already generated but not yet
    confirmed (pending) from `since` (today) on will take from the wallet, at the ordered
    quantity (`exclude_day`'s left out: the day being generated). {customer id: amount},
    customers with nothing absent. One query."""
    since = since or timezone.localdate()
    pending = Delivery.objects.filter(
        customer_id__in=list(customer_ids), date__gte=since, status=Delivery.Status.PENDING
    )
    if exclude_day is not None:
        pending = pending.exclude(date=exclude_day)
    return dict(
        prepaid_deliveries(pending)
        .order_by()
        .values("customer")
        .annotate(total=Sum(Round(F("ordered_qty") * F("unit_price"), 2)))
        .values_list("customer", "total")
    )


# --- settings -------------------------------------------------------------------------


def credit_limits(customer_ids: Iterable[int]) -> dict[int, Decimal]:
    """{customer id: credit limit} (0 for customers with no wallet row)."""
    ids = list(customer_ids)
    limits = dict(
        Wallet.objects.filter(customer_id__in=ids).values_list("customer_id", "credit_limit")
    )
    return {pk: limits.get(pk, ZERO) for pk in ids}


def low_balance_days(customer_id: int) -> int:
    """Days of usual deliveries under which the balance is "low" for this customer."""
    days = (
        Wallet.objects.filter(customer_id=customer_id)
        .values_list("low_balance_days", flat=True)
        .first()
    )
    return days if days is not None else settings.WALLET_LOW_BALANCE_DAYS
