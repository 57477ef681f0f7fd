"""A customer's bill page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Bill, BillingLine, Payment
from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from orders.tests.factories import SubscriptionFactory
from web.tests.portal import BEFORE_CUTOFF, IST, d, page_of, staff_confirm

pytestmark = pytest.mark.django_db


def test_the_bill_page_shows_previous_balance_charges_payments_and_amount_due(
    client, owner, milk, clock
):
    SubscriptionFactory(customer=owner, product=milk, start_date=dt.date(2026, 2, 1))
    clock(dt.datetime(2026, 2, 3, 6, 0, tzinfo=IST))
    for day in (dt.date(2026, 2, 2), dt.date(2026, 2, 3)):
        generate_deliveries(day=day)
    deliveries = list(Delivery.objects.filter(customer=owner).order_by("date"))
    for row in deliveries:
        staff_confirm(row, "1")
    clock(BEFORE_CUTOFF)
    bill = Bill.objects.create(
        customer=owner, period=dt.date(2026, 2, 1), previous_balance=Decimal("500.00")
    )
    for row in deliveries:
        row.refresh_from_db()
        BillingLine.objects.create(
            bill=bill,
            delivery=row,
            quantity=row.delivered_qty,
            unit_price=row.unit_price,
            amount=row.delivered_qty * row.unit_price,
        )
    Bill.objects.filter(pk=bill.pk).update(
        charges=Decimal("120.00"),
        total=Decimal("120.00"),
        status=Bill.Status.ISSUED,
        code="BI-202602-0042",
        issued_at=timezone.now(),
    )
    Payment.objects.create(
        customer=owner,
        amount=Decimal("300"),
        method="cash",
        paid_on=dt.date(2026, 2, 14),
        code="PA-T-3",
    )
    Payment.objects.create(
        customer=owner, amount=Decimal("50"), method="upi", paid_on=d(2), code="PA-T-4"
    )

    listing = client.get(reverse("me:bills"))
    assert [b.code for b in listing.context["bills"]] == ["BI-202602-0042"]
    response = client.get(reverse("me:bill", args=[bill.pk]))

    # The same statement and charges as the staff bill page (billing.selectors.bill_detail).
    statement = response.context["statement"]
    assert [(c.product, c.quantity, c.amount) for c in response.context["detail"].products] == [
        ("Cow milk", Decimal("2.000"), Decimal("120.00"))
    ]
    assert statement.paid == Decimal("300")  # February's payments only
    assert statement.amount_due == Decimal("320.00")  # 500 + 120 − 300
    page = page_of(response)
    for text in ("₹500.00", "₹120.00", "₹300.00", "₹320.00", "BI-202602-0042"):
        assert text in page


def test_draft_bills_are_not_shown_to_the_customer(client, owner):
    draft = Bill.objects.create(customer=owner, period=dt.date(2026, 2, 1))
    assert client.get(reverse("me:bill", args=[draft.pk])).status_code == 404
    assert client.get(reverse("me:bills")).context["bills"] == []
