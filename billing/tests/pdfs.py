"""Helpers for the bill PDF tests (billing/tests/test_pdf*.py, web/tests/portal/): a
January bill with every part a bill shows, and the text of a PDF as a reader gets it."""

import datetime as dt
from decimal import Decimal

import pypdfium2

from billing.models import Bill
from billing.services import issue_bill, run_billing
from billing.tests.factories import AdjustmentFactory, PaymentFactory, deliver_days
from customers.models import Customer
from orders.models import Product
from orders.tests.factories import ProductFactory, SubscriptionFactory

JAN = dt.date(2026, 1, 1)


def january_bill(customer: Customer, *, issue: bool = True) -> Bill:
    """10 days of 1 l of cow milk at ₹56 (₹560), a ₹25 credit, ₹100 paid on 5 January,
    on top of the customer's opening balance: amount due = opening + 560 − 25 − 100."""
    milk = Product.objects.filter(name="Cow milk").first() or ProductFactory(
        name="Cow milk", price="56.00"
    )
    order = SubscriptionFactory(customer=customer, product=milk, start_date=JAN)
    deliver_days(order, JAN, JAN.replace(day=10))
    AdjustmentFactory(customer=customer, amount=Decimal("-25.00"), reason="Sour milk on the 10th")
    PaymentFactory(customer=customer, amount=Decimal("100.00"), paid_on=dt.date(2026, 1, 5))
    run_billing(period=JAN)
    bill = Bill.objects.get(customer=customer, period=JAN)
    return issue_bill(bill=bill) if issue else bill


def pdf_text(data: bytes) -> str:
    """Every page's text, through PDFium (the text layer a PDF reader copies or searches)."""
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
