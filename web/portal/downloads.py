"""The customer's own bill as a PDF: /me/bills/<id>/pdf/. The same bills as the bill page
(their own issued ones, billing.selectors.issued_bills): anyone else's, or a draft, is a
404."""

from django.shortcuts import get_object_or_404

from billing import selectors as billing
from billing.pdf import pdf_download
from customers.models import Customer
from web.portal.access import customer_required


@customer_required
def bill_pdf(request, customer: Customer, bill_id: int):
    bill = get_object_or_404(billing.issued_bills(customer=customer), pk=bill_id)
    return pdf_download(bill)
