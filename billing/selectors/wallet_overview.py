"""What the pages and the API show of a prepaid wallet: the summary (mode, balance, days
left at the usual quantities, the low-balance pause), the entries with the balance after
each, the wallet column of the lists, and the report of customers paused for low balance.

The facts come from billing.selectors.wallet (the balance is the sum of the entries, the
mode on a day the latest BillingMode row); this module only puts them together, in a
fixed number of queries whatever the number of customers or entries.

"Usual daily amount": what a day of the customer's live subscriptions costs on average at
the day's prices — each line's quantity × its price (the customer's own, else the
product's: orders_price_on) × how often it comes (every day 1, alternate days ½, chosen
weekdays n/7; listed dates and one-time orders are not "usual"). Subscriptions paused on
the day, or of a customer who is not trial or active, count 0.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast
from django.utils import timezone

from billing.models import BillingMode, Wallet, WalletEntry
from billing.selectors.wallet import (
    PREPAID,
    amounts_due_ahead,
    credit_limits,
    mode_in_force,
    wallet_balances,
    with_wallet_balances,
)
from customers.models import Customer
from deliveries.holds import explanation, label
from deliveries.models import Hold
from orders.models import Order, OrderLine, OrderPause
from orders.selectors import LIVE_CUSTOMER_STATUSES

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
RECHARGE_STEP = Decimal(100)  # a suggested recharge is a round number of rupees
SUGGESTED_DAYS = 30
RATE = DecimalField(max_digits=8, decimal_places=4)
MONEY = DecimalField(max_digits=14, decimal_places=2)


# --- the usual daily amount -------------------------------------------------------------


def usual_daily_amounts(customer_ids: Iterable[int], *, on: date) -> dict[int, Decimal]:
    """{customer id: what a usual day of their subscriptions costs} on `on` (absent: 0).
    One query."""
    ids = list(customer_ids)
    if not ids:
        return {}
    how_often = Case(
        When(order__pattern=Order.Pattern.DAILY, then=Value(Decimal(1))),
        When(order__pattern=Order.Pattern.ALTERNATE_DAYS, then=Value(Decimal("0.5"))),
        When(
            order__pattern=Order.Pattern.WEEKDAYS,
            then=Cast(Func(F("order__weekdays"), function="cardinality"), RATE) / Value(Decimal(7)),
        ),
        default=Value(Decimal(0)),
        output_field=RATE,
    )
    price = Func(
        F("order__customer_id"),
        F("product_id"),
        Value(on),
        function="orders_price_on",
        output_field=MONEY,
    )
    paused = OrderPause.objects.filter(order=OuterRef("order"), start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    rows = (
        OrderLine.objects.filter(
            order__customer_id__in=ids,
            order__kind=Order.Kind.SUBSCRIPTION,
            order__status=Order.Status.ACTIVE,
            order__customer__status__in=LIVE_CUSTOMER_STATUSES,
        )
        .filter(Q(order__end_date__isnull=True) | Q(order__end_date__gte=on))
        .exclude(Exists(paused))
        .order_by()
        .values("order__customer_id")
        .annotate(total=Sum(F("quantity") * price * how_often, output_field=MONEY))
        .values_list("order__customer_id", "total")
    )
    return {
        pk: (total or ZERO).quantize(CENT, rounding=ROUND_HALF_UP) for pk, total in rows if total
    }


def days_covered(*, balance: Decimal, credit_limit: Decimal, daily: Decimal) -> int | None:
    """Whole days of usual deliveries the wallet (and its credit limit) still pays for;
    None when nothing is usual (no live subscription)."""
    if daily <= 0:
        return None
    return max(0, int((balance + credit_limit) // daily))


def suggested_recharge(*, balance: Decimal, daily: Decimal, shortfall: Decimal) -> Decimal:
    """A round amount to offer: at least the shortfall of a paused day, else about a month
    of usual deliveries less what the wallet holds; ₹100 at the least."""
    wanted = max(shortfall, daily * SUGGESTED_DAYS - max(balance, ZERO), RECHARGE_STEP)
    return (wanted / RECHARGE_STEP).to_integral_value(rounding=ROUND_CEILING) * RECHARGE_STEP


# --- one customer's summary ---------------------------------------------------------------


@dataclass(frozen=True)
class HeldDay:
    """A day from today on that generation held for this customer, and why."""

    date: date
    reason: str
    label: str  # "Paused: low balance"
    explanation: str  # what the customer reads, and what to do
    need: Decimal  # what that day's deliveries would have cost


@dataclass
class WalletSummary:
    customer_id: int
    mode: str  # in force today
    mode_since: date | None  # the day the mode in force began (None: postpaid always)
    next_mode: BillingMode | None  # a change already set for a later day
    balance: Decimal
    credit_limit: Decimal
    low_balance_days: int  # in force (the customer's own, else the setting)
    own_low_balance_days: int | None  # the customer's own, if set
    daily: Decimal  # the usual daily amount
    days_left: int | None
    has_entries: bool
    held: list[HeldDay] = field(default_factory=list)
    shortfall: Decimal = ZERO  # what the first held day still lacks

    @property
    def is_prepaid(self) -> bool:
        return self.mode == PREPAID

    @property
    def shown(self) -> bool:
        """Whether the customer's pages show a wallet: prepaid now, or it holds history."""
        return self.is_prepaid or self.has_entries or self.next_mode is not None

    @property
    def is_low(self) -> bool:
        return (
            self.is_prepaid
            and self.days_left is not None
            and (self.days_left < self.low_balance_days)
        )

    @property
    def suggestion(self) -> Decimal:
        return suggested_recharge(balance=self.balance, daily=self.daily, shortfall=self.shortfall)


def wallet_summary(*, customer: Customer, today: date | None = None) -> WalletSummary:
    """Everything the wallet section says about one customer: four queries (the wallet's
    figures, the billing modes, the usual daily amount, the holds), five when held."""
    return _summary(customer, today or timezone.localdate(), only_shown=False)


def shown_wallet_summary(*, customer: Customer, today: date | None = None) -> WalletSummary | None:
    """wallet_summary if the customer's pages show a wallet (`shown`), else None. A customer
    who never had a billing mode set and has no wallet entry — most of a postpaid dairy —
    costs one query, not four."""
    summary = _summary(customer, today or timezone.localdate(), only_shown=True)
    return summary if summary is not None and summary.shown else None


def _summary(customer: Customer, today: date, *, only_shown: bool) -> WalletSummary | None:
    own = Wallet.objects.filter(customer=OuterRef("pk"))
    figures = (
        with_wallet_balances(Customer.objects.filter(pk=customer.pk))
        .annotate(
            has_entries=Exists(WalletEntry.objects.filter(customer=OuterRef("pk"))),
            has_modes=Exists(BillingMode.objects.filter(customer=OuterRef("pk"))),
            credit_limit=Subquery(own.values("credit_limit")[:1]),
            own_low_days=Subquery(own.values("low_balance_days")[:1]),
        )
        .values("wallet_balance", "has_entries", "has_modes", "credit_limit", "own_low_days")
        .get()
    )
    if only_shown and not (figures["has_entries"] or figures["has_modes"]):
        return None  # postpaid always, nothing coming, no history: no wallet to show
    modes = list(BillingMode.objects.filter(customer=customer).order_by("effective_from"))
    current = next((m for m in reversed(modes) if m.effective_from <= today), None)
    coming = next((m for m in modes if m.effective_from > today), None)
    mode = current.mode if current is not None else BillingMode.Mode.POSTPAID
    balance = figures["wallet_balance"]
    credit_limit = figures["credit_limit"] if figures["credit_limit"] is not None else ZERO
    own_low_days = figures["own_low_days"]
    low_days = own_low_days if own_low_days is not None else settings.WALLET_LOW_BALANCE_DAYS
    daily = usual_daily_amounts([customer.pk], on=today).get(customer.pk, ZERO)
    holds = list(Hold.objects.filter(customer=customer, date__gte=today).order_by("date"))
    held = [
        HeldDay(
            date=hold.date,
            reason=hold.reason,
            label=label(hold.reason),
            explanation=explanation(hold.reason),
            need=hold.amount,
        )
        for hold in holds
    ]
    shortfall = ZERO
    if held:
        ahead = amounts_due_ahead([customer.pk], since=today, exclude_day=held[0].date)
        available = balance - ahead.get(customer.pk, ZERO) + credit_limit
        shortfall = max(ZERO, held[0].need - available)
    return WalletSummary(
        customer_id=customer.pk,
        mode=mode,
        mode_since=current.effective_from if current is not None else None,
        next_mode=coming,
        balance=balance,
        credit_limit=credit_limit,
        low_balance_days=low_days,
        own_low_balance_days=own_low_days,
        daily=daily,
        days_left=days_covered(balance=balance, credit_limit=credit_limit, daily=daily),
        has_entries=figures["has_entries"],
        held=held,
        shortfall=shortfall,
    )


def wallet_entries(*, customer_id: int) -> QuerySet[WalletEntry]:
    """The customer's entries, newest first, each with `balance_after` (the running sum up
    to and including it) and its delivery's product: one query per page."""
    running = Window(
        Sum("amount"), order_by=[F("created_at").asc(), F("pk").asc()], output_field=MONEY
    )
    return (
        WalletEntry.objects.filter(customer_id=customer_id)
        .select_related("delivery__product", "payment", "created_by")
        .annotate(balance_after=running)
        .order_by("-created_at", "-pk")
    )


# --- lists: a wallet column ----------------------------------------------------------------


def with_wallet_column(customers: QuerySet[Customer], *, today: date | None = None) -> QuerySet:
    """Annotate `wallet_balance` and `billing_mode` (in force today: prepaid or postpaid)
    in the list's own query: no query more per page."""
    today = today or timezone.localdate()
    return with_wallet_balances(customers).annotate(
        billing_mode=mode_in_force(OuterRef("pk"), Value(today))
    )


# --- the report of customers paused for low balance ------------------------------------------


@dataclass(frozen=True)
class PausedRow:
    hold: Hold
    customer: Customer
    balance: Decimal
    due_ahead: Decimal  # pending deliveries from today on, other than the held day's
    credit_limit: Decimal
    need: Decimal  # what the held day would have cost

    @property
    def shortfall(self) -> Decimal:
        """What a recharge must at least bring for the day to be delivered."""
        return max(ZERO, self.need - (self.balance - self.due_ahead + self.credit_limit))


def low_balance_report(*, today: date | None = None, days: int = 2) -> list[PausedRow]:
    """Customers held for low balance today and on the next days (`days` in all), by day
    then route and stop: four queries (holds with customers, balances, pending deliveries
    per held day, credit limits)."""
    today = today or timezone.localdate()
    holds = list(
        Hold.objects.filter(
            reason=Hold.Reason.LOW_BALANCE,
            date__gte=today,
            date__lt=today + timedelta(days=days),
        )
        .select_related("customer__area", "customer__route_stop__delivery_boy")
        .order_by(
            "date",
            "customer__route_stop__delivery_boy__name",
            "customer__route_stop__position",
            "customer__name",
            "pk",
        )
    )
    ids = sorted({hold.customer_id for hold in holds})
    balances = wallet_balances(ids)
    limits = credit_limits(ids)
    ahead_by_day = {
        day: amounts_due_ahead(ids, since=today, exclude_day=day)
        for day in sorted({hold.date for hold in holds})
    }
    return [
        PausedRow(
            hold=hold,
            customer=hold.customer,
            balance=balances[hold.customer_id],
            due_ahead=ahead_by_day[hold.date].get(hold.customer_id, ZERO),
            credit_limit=limits[hold.customer_id],
            need=hold.amount,
        )
        for hold in holds
    ]
