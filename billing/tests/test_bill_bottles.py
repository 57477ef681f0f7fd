"""The bill says how many returnable bottles the customer has at the end of its month
(billing.pdf.bill_context → templates/billing/_bill.html), for the page and the PDF."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import pdf, selectors
from billing.models import Bill
from billing.services import run_billing
from billing.tests.factories import deliver, deliver_days
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer
from deliveries.services.bottles import record_bottles_collected
from earlybird.roles import ACCOUNTS
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
STAFF = Confirmer(via=Delivery.Via.STAFF)


def january_bill(product) -> Bill:
    customer = CustomerFactory(name="Ravi Teja")
    order = SubscriptionFactory(customer=customer, product=product, start_date=JAN)
    deliver_days(order, dt.date(2026, 1, 30), dt.date(2026, 1, 31))  # 2 bottles out
    if product.returnable:
        last = Delivery.objects.get(order=order, date=dt.date(2026, 1, 31))
        record_bottles_collected(deliveries=[last], collected={last.pk: 1}, by=STAFF)
    deliver(order, dt.date(2026, 2, 2))  # February's bottle is not January's
    run_billing(period=JAN)
    return Bill.objects.get(customer=customer, period=JAN)


def test_the_bill_shows_the_bottles_with_the_customer_at_the_months_end(client):
    glass = ProductFactory(name="Milk 1 L glass bottle", returnable=True, deposit=Decimal("25"))
    bill = january_bill(glass)
    assert pdf.bill_context(selectors.bill_detail(bill_id=bill.pk))["bottles"] == 1
    client.force_login(UserFactory(roles=[ACCOUNTS]))
    page = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()
    assert "Bottles with you: 1" in page


def test_no_bottles_line_without_returnable_products(client):
    bill = january_bill(ProductFactory(name="Cow milk"))
    client.force_login(UserFactory(roles=[ACCOUNTS]))
    page = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()
    assert "Bottles with you" not in page
    assert "Cow milk" in page
