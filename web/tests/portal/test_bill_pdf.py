"""The customer's own bill as a PDF (/me/bills/<id>/pdf/): the same bills as the bill
page, anyone else's or a draft is a 404."""

import pytest
from django.urls import reverse

from billing.tests.pdfs import january_bill, pdf_text
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles
from web.tests.portal import page_of

pytestmark = pytest.mark.django_db


def test_the_customer_downloads_their_own_bill_as_a_pdf(client, owner, settings):
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"
    bill = january_bill(owner)  # 560 − 25 − 100 = 435 due

    response = client.get(reverse("me:bill_pdf", args=[bill.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{bill.code}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert bill.code in text
    assert "Asha Rao" in text
    assert "₹435.00" in text
    assert "Scan to pay ₹435.00 by UPI" in text


def test_the_bill_page_links_to_its_pdf(client, owner):
    bill = january_bill(owner)
    page = page_of(client.get(reverse("me:bill", args=[bill.pk])))
    assert f'href="{reverse("me:bill_pdf", args=[bill.pk])}"' in page


def test_another_customers_bill_pdf_is_a_404(client, owner):
    january_bill(owner)
    theirs = january_bill(CustomerFactory())
    assert client.get(reverse("me:bill_pdf", args=[theirs.pk])).status_code == 404


def test_a_draft_bill_pdf_is_a_404_for_the_customer(client, owner):
    draft = january_bill(owner, issue=False)
    assert client.get(reverse("me:bill_pdf", args=[draft.pk])).status_code == 404


def test_an_unknown_bill_pdf_is_a_404(client, owner):
    assert client.get(reverse("me:bill_pdf", args=[987654321])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_customer_login(client):
    bill = january_bill(CustomerFactory())
    response = client.get(reverse("me:bill_pdf", args=[bill.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("me:login") + "?next=")


def test_staff_get_a_404_on_the_customer_pdf_url(client):
    bill = january_bill(CustomerFactory())
    client.force_login(UserFactory(roles=[roles.ACCOUNTS]))
    assert client.get(reverse("me:bill_pdf", args=[bill.pk])).status_code == 404
