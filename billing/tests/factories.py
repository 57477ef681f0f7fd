"""Billing test data, made through the services like everything else."""

import datetime as dt
from decimal import Decimal

import factory

from billing.models import Payment
from billing.services import add_adjustment, record_payment
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_delivery, generate_deliveries
from earlybird.roles import ACCOUNTS
from orders.models import Order

STAFF = Confirmer(via=Delivery.Via.STAFF)


def accounts_user(**kwargs):
    return UserFactory(roles=[ACCOUNTS], **kwargs)


class PaymentFactory(factory.Factory):
    class Meta:
        model = dict

    customer = factory.SubFactory(CustomerFactory)
    amount = Decimal("100.00")
    method = Payment.Method.UPI
    paid_on = dt.date(2026, 2, 5)
    reference = factory.Sequence(lambda n: f"UPI{n:08d}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return record_payment(**kwargs)


class AdjustmentFactory(factory.Factory):
    class Meta:
        model = dict

    customer = factory.SubFactory(CustomerFactory)
    amount = Decimal("-25.00")
    reason = "Sour milk on the 10th"
    day = dt.date(2026, 1, 10)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return add_adjustment(**kwargs)


def delivery_of(order: Order, day: dt.date) -> Delivery:
    """The order's (single-line) delivery on `day`, generating the day if needed."""
    found = Delivery.objects.filter(order=order, date=day).first()
    if found is None:
        generate_deliveries(day=day)
        found = Delivery.objects.get(order=order, date=day)
    return found


def deliver(
    order: Order,
    day: dt.date,
    quantity=None,
    *,
    confirmed_on: dt.date | None = None,
    reason: str = "",
) -> Delivery:
    """Generate the day and confirm the order's delivery: all of it by default, `quantity`
    for a partial one, 0 for not delivered (with a reason)."""
    delivery = delivery_of(order, day)
    quantity = delivery.ordered_qty if quantity is None else Decimal(quantity)
    if quantity == 0 and not reason:
        reason = Delivery.Reason.CUSTOMER_AWAY
    return confirm_delivery(
        delivery=delivery,
        delivered_qty=quantity,
        by=STAFF,
        reason=reason,
        today=confirmed_on or day,
    )


def deliver_days(order: Order, first: dt.date, last: dt.date) -> list[Delivery]:
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [deliver(order, day) for day in days]
