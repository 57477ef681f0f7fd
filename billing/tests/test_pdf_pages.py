"""The staff bill page's "Download PDF" (billing:bill_pdf): accounts staff get any bill,
drafts stamped DRAFT; anyone else a 404, the anonymous the login."""

import pytest
from django.urls import reverse

from billing.tests.factories import accounts_user
from billing.tests.pdfs import january_bill, pdf_text
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import ADMIN, DELIVERY_BOY, MARKETING, SUPPORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return CustomerFactory(name="Ravi Teja")


def test_accounts_download_an_issued_bill_as_a_pdf(client, customer):
    bill = january_bill(customer)  # 560 − 25 − 100 = 435 due
    client.force_login(accounts_user())

    response = client.get(reverse("billing:bill_pdf", args=[bill.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{bill.code}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert bill.code in text
    assert "Ravi Teja" in text
    assert "₹435.00" in text
    assert "DRAFT" not in text


def test_a_draft_pdf_is_stamped_draft(client, customer):
    draft = january_bill(customer, issue=False)
    client.force_login(accounts_user())

    response = client.get(reverse("billing:bill_pdf", args=[draft.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="draft-{customer.code}-2026-01.pdf"'
    )
    text = pdf_text(response.content)
    assert "DRAFT" in text
    assert "₹435.00" in text


def test_the_bill_page_links_to_its_pdf(client, customer):
    bill = january_bill(customer)
    client.force_login(accounts_user())
    page = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()
    assert f'href="{reverse("billing:bill_pdf", args=[bill.pk])}"' in page


def test_an_unknown_bill_is_a_404(client):
    client.force_login(accounts_user())
    assert client.get(reverse("billing:bill_pdf", args=[987654321])).status_code == 404


@pytest.mark.parametrize("role", [SUPPORT, MARKETING, DELIVERY_BOY])
def test_staff_without_billing_get_a_404_as_on_the_bill_page(client, customer, role):
    bill = january_bill(customer)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("billing:bill_detail", args=[bill.pk])).status_code == 404
    assert client.get(reverse("billing:bill_pdf", args=[bill.pk])).status_code == 404


def test_an_admin_downloads_it_too(client, customer):
    bill = january_bill(customer)
    client.force_login(UserFactory(roles=[ADMIN]))
    response = client.get(reverse("billing:bill_pdf", args=[bill.pk]))
    assert response.content.startswith(b"%PDF")


def test_a_customer_gets_a_404(client, customer):
    bill = january_bill(customer)
    client.force_login(customer.user)
    assert client.get(reverse("billing:bill_pdf", args=[bill.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, customer):
    bill = january_bill(customer)
    response = client.get(reverse("billing:bill_pdf", args=[bill.pk]))
    assert response.status_code == 302
    assert "login" in response.url
