"""The amount due on each stop of the delivery boy's route, read inside the route's own
query (billing.offline_cash.amount_due_sql): the same figures as amounts_due, the one
balance formula (opening + issued bills − payments toward bills)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Payment
from billing.offline_cash import amounts_due
from billing.services import issue_bills, run_billing
from billing.services.wallet import recharge_wallet
from billing.tests.factories import PaymentFactory
from deliveries import route_rows, stop_extras
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_stop
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.route_fixtures import bulk_route

pytestmark = pytest.mark.django_db


def test_the_folded_amount_due_is_amounts_due():
    boy = DeliveryBoyFactory()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    billed, paid_up, credit, nothing = bulk_route(boy, 4, day=last_month)
    by = Confirmer(via=Delivery.Via.STAFF)
    for customer in (billed, paid_up):
        rows = Delivery.objects.filter(customer=customer)
        confirm_stop(quantities={d: d.ordered_qty for d in rows}, by=by)
    run_billing(period=last_month)
    assert issue_bills(period=last_month) == 2
    PaymentFactory(customer=billed, amount=Decimal("1.00"), paid_on=today)
    PaymentFactory(customer=paid_up, amount=Decimal("100000.00"), paid_on=today)
    credit.opening_balance = Decimal("-50.00")
    credit.save(update_fields=["opening_balance"])
    recharge_wallet(
        customer=nothing, amount=Decimal("500.00"), method=Payment.Method.CASH, paid_on=today
    )
    nothing.opening_balance = Decimal("75.25")
    nothing.save(update_fields=["opening_balance"])
    ids = [c.pk for c in (billed, paid_up, credit, nothing)]
    # The route of last month's day: the four stops, the amount due as of now.
    stops = route_rows.every_stop(
        delivery_boy_id=boy.pk,
        day=last_month,
        shift="morning",
        extras=stop_extras.sql_for(route_rows.WINDOW_CUSTOMERS),
    )
    folded = {s.customer.pk: s.amount_due for s in stops if s.amount_due is not None}
    assert folded == amounts_due(ids)
    assert set(folded) == {billed.pk, nothing.pk}
    assert folded[nothing.pk] == Decimal("75.25")  # the wallet's recharge is not a bill's
