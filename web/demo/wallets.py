"""The demo's prepaid customers, written through the services once the history's days
are generated and before they are confirmed (web.demo.history): the demo customer and
three daily-milk customers (the demo delivery boy's first, by their stop) went prepaid
six days ago and recharged (UPI, cash at the door, bank) for that week's deliveries and
some days more; the history then delivers their week in full, and each confirmation
debits the wallet. The last of them recharged too little: once today or tomorrow is
generated (`generate_deliveries`, the evening job) he is paused for low balance, on the
staff report, the boy's list and his own calendar. Deterministic: the customers are
chosen by route and stop.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Round

from billing.models import BillingMode, Payment
from billing.selectors.wallet_overview import usual_daily_amounts
from billing.services.wallet import recharge_wallet, set_billing_mode
from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy
from orders.models import Order, OrderPause
from web.demo.clock import moment, story_time
from web.demo.dairy import CUSTOMER_LOGIN, DELIVERY_BOY_LOGIN

PREPAID_DAYS = 6  # prepaid since this many days ago, delivered every day since
OTHERS = 3  # prepaid customers besides the demo customer; the last one runs low


@dataclass(frozen=True)
class Recharge:
    method: str
    days_left: Decimal  # usual days it pays for after the week's deliveries
    by_the_boy: bool = False


# The demo customer's, then the others' in stop order; the last one's runs out.
RECHARGES = [
    Recharge(Payment.Method.UPI, Decimal(24)),
    Recharge(Payment.Method.CASH, Decimal(14), by_the_boy=True),
    Recharge(Payment.Method.BANK, Decimal(39)),
    # Half a usual day left after the week: today and tomorrow pause.
    Recharge(Payment.Method.UPI, Decimal("0.5")),
]


def seed_wallets(*, today: date, accounts) -> dict[int, date]:
    """Make the demo's prepaid customers (see the module). Returns {customer id: the day
    their wallet began}."""
    start = today - timedelta(days=PREPAID_DAYS)
    demo = Customer.objects.get(phone=CUSTOMER_LOGIN.username)
    candidates = _daily_customers(start=start, today=today)
    # The one who runs low has only his daily milk: tomorrow costs what a usual day does.
    plain = set(
        Customer.objects.filter(pk__in=[c.pk for c in candidates])
        .annotate(orders_count=Count("orders", distinct=True))
        .filter(orders_count=1)
        .exclude(orders__lines__overrides__isnull=False)
        .values_list("pk", flat=True)
    )
    low = next((c for c in candidates if c.pk in plain), candidates[OTHERS - 1])
    chosen = [demo, *[c for c in candidates if c != low][: OTHERS - 1], low]
    boy = DeliveryBoy.objects.select_related("user").get(phone=DELIVERY_BOY_LOGIN.username)
    order_ids = list(Order.objects.filter(customer__in=chosen).values_list("pk", flat=True))
    for customer in chosen:
        set_billing_mode(customer=customer, mode=BillingMode.Mode.PREPAID, effective_from=start)
    week = _pending_cost(order_ids, start=start)
    daily = usual_daily_amounts([c.pk for c in chosen], on=today)
    for customer, recharge in zip(chosen, RECHARGES, strict=True):
        # What the week's deliveries take, and that many usual days more.
        amount = _round(week.get(customer.pk, 0) + daily[customer.pk] * recharge.days_left)
        with story_time(moment(start, 8, 30)):
            recharge_wallet(
                customer=customer,
                amount=amount,
                method=recharge.method,
                paid_on=start,
                reference="" if recharge.method == Payment.Method.CASH else f"DEMO-{customer.code}",
                received_by=boy.user if recharge.by_the_boy else accounts,
                by=accounts,
                notes="Recharged at the door" if recharge.by_the_boy else "",
            )
    return {customer.pk: start for customer in chosen}


def _daily_customers(*, start: date, today: date) -> list[Customer]:
    """Active customers with a live daily subscription since before `start` and no pause
    from then to tomorrow: the demo boy's first, in stop order, then the other routes'."""
    window_end = today + timedelta(days=1)
    paused = OrderPause.objects.filter(start_date__lte=window_end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    daily = Order.objects.filter(
        kind=Order.Kind.SUBSCRIPTION,
        pattern=Order.Pattern.DAILY,
        status=Order.Status.ACTIVE,
        start_date__lte=start,
        end_date__isnull=True,
    )
    return list(
        Customer.objects.filter(
            status=Customer.Status.ACTIVE,
            route_stop__isnull=False,
            pk__in=daily.values("customer_id"),
        )
        .exclude(pk__in=paused.values("order__customer_id"))
        .exclude(phone=CUSTOMER_LOGIN.username)
        .annotate(on_demo_route=Q(route_stop__delivery_boy__phone=DELIVERY_BOY_LOGIN.username))
        .order_by("-on_demo_route", "route_stop__delivery_boy__name", "route_stop__position")
    )


def _pending_cost(order_ids: list[int], *, start: date) -> dict[int, Decimal]:
    """{customer id: what their pending deliveries from `start` will take}, each rounded
    as a debit."""
    return dict(
        Delivery.objects.filter(
            order_id__in=order_ids, date__gte=start, status=Delivery.Status.PENDING
        )
        .order_by()
        .values("customer_id")
        .annotate(total=Sum(Round(F("ordered_qty") * F("unit_price"), 2)))
        .values_list("customer_id", "total")
    )


def _round(amount: Decimal) -> Decimal:
    """Whole rupees, as people pay."""
    return Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
