"""Reads for the staff customer pages: the list with balances, and everything a
customer's page shows — its orders (orders), deliveries and route (deliveries), bills,
payments and balance (billing).

Every function here runs a fixed number of queries, whatever the number of customers,
orders, deliveries or bills.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from billing.models import Bill, Payment
from billing.selectors import with_balances
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


def customer_list(**filters) -> QuerySet[Customer]:
    """customers.selectors.customer_list (same arguments), each with its `balance`, and
    its `billing_mode` today and `wallet_balance` (the wallet column), in the same query."""
    return with_wallet_column(with_balances(customer_selectors.customer_list(**filters)))


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
