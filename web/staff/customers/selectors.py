"""Reads for the staff customer pages: the list with balances, and everything a
customer's page shows — its orders (orders), deliveries and route (deliveries), bills,
payments and balance (billing).

Every function here runs a fixed number of queries, whatever the number of customers,
orders, deliveries or bills.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from billing.models import Bill, Payment
from billing.selectors import ZERO, balances_for, with_balances
from billing.selectors.wallet_overview import with_wallet_column
from customers import selectors as customer_selectors
from customers.models import Customer
from deliveries.models import Delivery
from earlybird.months import month_after
from orders.models import CustomerPrice, Order
from web.staff.calendar import CalendarDay, describe_ahead, month_calendar, orders_for_calendar

RECENT_BILLS = 12
RECENT_PAYMENTS = 20
RECENT_ONE_TIME_DAYS = 60


@dataclass(slots=True)
class ListRow:
    """A customer as the list shows it (web/staff/customers/list_rows.py): read as plain
    values, not five model instances per row."""

    pk: int
    name: str
    code: str
    phone: str
    status: str
    area: str | None
    marketer: str | None
    position: int | None
    route: str | None  # the delivery boy's name, None on no route
    balance: Decimal = ZERO
    billing_mode: str = ""
    wallet_balance: Decimal = ZERO


LIST_VALUES = (
    "pk",
    "name",
    "code",
    "phone",
    "status",
    "area__name",
    "marketing_staff__username",
    "route_stop__position",
    "route_stop__delivery_boy__name",
)


def customer_list(**filters) -> QuerySet:
    """customers.selectors.customer_list (same arguments) as the (values) a row shows;
    page it, then add_money."""
    return customer_selectors.customer_list(**filters).values_list(*LIST_VALUES)


def add_money(customers: list[tuple]) -> list[ListRow]:
    """One page of customer_list's rows as ListRows with `balance`, `billing_mode`
    (today) and `wallet_balance`: two queries for the page's ids, whatever their number —
    never a subquery per row of the whole list, which the database would run before
    sorting and cutting the page."""
    rows = [ListRow(*values) for values in customers]
    ids = [row.pk for row in rows]
    balances = balances_for(ids)
    wallets = {
        pk: (mode, wallet)
        for pk, mode, wallet in with_wallet_column(Customer.objects.filter(pk__in=ids))
        .order_by()
        .values_list("pk", "billing_mode", "wallet_balance")
    }
    for row in rows:
        row.balance = balances.get(row.pk, ZERO)
        row.billing_mode, row.wallet_balance = wallets.get(row.pk, ("", ZERO))
    return rows


@dataclass
class CustomerPage:
    customer: Customer
    subscriptions: list[Order]
    one_time_orders: list[Order]
    month: date
    weeks: list[list[CalendarDay]]
    bills: list[Bill]
    payments: list[Payment]
    special_prices: list[CustomerPrice]
    upcoming_from: date


def customer_page(*, customer_id: int, user, month: date, today: date | None = None):
    """Everything the customer's staff page shows, or None if the user may not see it.

    A fixed number of queries (about ten): the customer with its balance, orders,
    their lines, overrides and pauses, the month's deliveries, recent bills, recent
    payments and special prices.
    """
    today = today or timezone.localdate()
    customer = (
        with_balances(customer_selectors.customers_visible_to(user))
        .select_related("area", "marketing_staff", "route_stop__delivery_boy", "user")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        return None
    since = min(today, month)
    # Every subscription; one-time orders of the shown month and of the last weeks on,
    # not years of them.
    orders = list(
        orders_for_calendar(
            Order.objects.filter(customer=customer)
            .filter(
                Q(kind=Order.Kind.SUBSCRIPTION)
                | Q(start_date__gte=min(since, today - timedelta(days=RECENT_ONE_TIME_DAYS)))
            )
            .order_by("-start_date", "-pk"),
            since=since,
        )
    )
    for order in orders:
        describe_ahead(order, today=today)
    subscriptions = [o for o in orders if o.kind == Order.Kind.SUBSCRIPTION]
    one_time = [o for o in orders if o.kind == Order.Kind.ONE_TIME]
    deliveries = list(
        Delivery.objects.filter(customer=customer, date__gte=month, date__lt=month_after(month))
        .exclude(status=Delivery.Status.CANCELLED)
        .select_related("product", "order")
        .order_by("date", "shift", "product__sort_order", "pk")
    )
    live = [o for o in orders if o.end_date is None or o.end_date >= month]
    weeks = month_calendar(
        month=month,
        orders=live,
        deliveries=deliveries,
        customer_status=customer.status,
        today=today,
    )
    bills = list(
        Bill.objects.filter(customer=customer)
        .exclude(status=Bill.Status.VOID)
        .order_by("-period", "-pk")[:RECENT_BILLS]
    )
    payments = list(
        Payment.objects.filter(customer=customer)
        .select_related("received_by")
        .order_by("-paid_on", "-pk")[:RECENT_PAYMENTS]
    )
    special_prices = list(
        CustomerPrice.objects.filter(customer=customer)
        .select_related("product")
        .order_by("product__sort_order", "product__name", "-effective_from")
    )
    return CustomerPage(
        customer=customer,
        subscriptions=subscriptions,
        one_time_orders=one_time,
        month=month,
        weeks=weeks,
        bills=bills,
        payments=payments,
        special_prices=special_prices,
        upcoming_from=today,
    )
