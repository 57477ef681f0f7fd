"""A bill as a PDF (billing/pdf.py): what it says, drafts stamped, the attachment messaging
sends, Indian scripts, and a URL fetcher that never reaches the network."""

import socket
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders

from billing import pdf
from billing.models import Bill
from billing.tests.pdfs import january_bill, pdf_text
from customers.tests.factories import CustomerFactory
from messaging import attachments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def business(settings):
    settings.BUSINESS_NAME = "EarlyBird Dairy"
    settings.BUSINESS_ADDRESS = "12-4 Gandhi Nagar\nVijayawada 520003"
    settings.BUSINESS_PHONE = "0866 2470000"
    settings.BUSINESS_GSTIN = "37ABCDE1234F1Z5"
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"


@pytest.fixture
def customer():
    return CustomerFactory(
        name="Ravi Teja",
        phone="9848022338",
        address="4-12 Benz Circle",
        opening_balance=Decimal("300.00"),
    )


def test_the_pdf_has_the_business_the_customer_the_calendar_the_statement_and_the_qr(customer):
    bill = january_bill(customer)  # 300 + 560 − 25 − 100 = 735 due

    data = pdf.bill_pdf(bill)

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        "EarlyBird Dairy",
        "12-4 Gandhi Nagar",
        "Vijayawada 520003",  # the address keeps its lines
        "0866 2470000",
        "GSTIN 37ABCDE1234F1Z5",
        "Ravi Teja",
        customer.code,
        "9848022338",
        "4-12 Benz Circle",
        f"Bill {bill.code}",
        "January 2026",
        "₹300.00",  # previous balance: the opening balance
        "Paid 5 Jan",
        "-₹100.00",
        "₹560.00",  # 10 × ₹56
        "Sour milk on the 10th",
        "-₹25.00",
        "₹735.00",  # amount due
        "Cow milk 1",  # the day-by-day calendar
        "Scan to pay ₹735.00 by UPI",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text


def test_the_qr_code_is_drawn_only_when_there_is_a_upi_link(customer, settings):
    bill = january_bill(customer)
    with_qr = pdf.bill_pdf(bill)
    settings.BUSINESS_UPI_ID = ""
    without_qr = pdf.bill_pdf(bill)

    assert "Scan to pay" in pdf_text(with_qr)
    assert "Scan to pay" not in pdf_text(without_qr)
    # The QR code is vector drawing (inline SVG), hundreds of module strokes.
    assert len(with_qr) > len(without_qr) + 500


def test_no_gstin_line_when_the_business_has_none(customer, settings):
    settings.BUSINESS_GSTIN = ""
    text = pdf_text(pdf.bill_pdf(january_bill(customer)))
    assert "GSTIN" not in text
    assert "0866 2470000" in text


def test_a_draft_is_stamped_draft_and_a_void_bill_void(customer):
    draft = january_bill(customer, issue=False)
    text = pdf_text(pdf.bill_pdf(draft))
    assert "DRAFT" in text
    assert "Draft bill" in text
    assert "Scan to pay" not in text  # nobody pays a draft

    Bill.objects.filter(pk=draft.pk).update(
        status=Bill.Status.VOID,
        code="BI-202601-0900",
        issued_at=draft.created_at,
        voided_at=draft.created_at,
        void_reason="Wrong customer",
    )
    text = pdf_text(pdf.bill_pdf(draft.pk))
    assert "VOID" in text
    assert "Wrong customer" in text


@pytest.mark.parametrize("name", ["రవి తేజ", "राम प्रसाद", "Ravi రవి राम"])
def test_telugu_and_hindi_names_render(name):
    customer = CustomerFactory(name=name, phone="9848022339")
    data = pdf.bill_pdf(january_bill(customer))
    assert data.startswith(b"%PDF")
    assert name in pdf_text(data)  # the text layer keeps the script, whatever the font


def test_the_attachment_maker_gives_the_file_name_the_pdf_and_its_type(customer):
    bill = january_bill(customer)

    name, content, mime_type = attachments.make("bill_pdf", bill.pk)

    assert name == f"{bill.code}.pdf"
    assert content.startswith(b"%PDF")
    assert mime_type == "application/pdf"
    assert bill.code in pdf_text(content)


def test_a_draft_attachment_is_named_by_customer_and_month(customer):
    draft = january_bill(customer, issue=False)
    name, content, _ = attachments.make("bill_pdf", draft.pk)
    assert name == f"draft-{customer.code}-2026-01.pdf"
    assert content.startswith(b"%PDF")


def test_the_attachment_of_an_unknown_bill_is_an_error():
    with pytest.raises(Bill.DoesNotExist):
        attachments.make("bill_pdf", 987654321)


# --- no network -----------------------------------------------------------------------


class Listener:
    """A TCP port on 127.0.0.1 that counts who connected to it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.setblocking(False)
        self.port = self.server.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.server.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.server.close()


def test_the_fetcher_refuses_http_https_and_files_without_connecting(listener):
    port = listener.port
    fetch = pdf.static_files_fetcher()
    for url in (
        f"http://127.0.0.1:{port}/logo.png",
        f"https://127.0.0.1:{port}/app.css",
        "file:///etc/hostname",
        f"{pdf.BASE_URL}static/../../earlybird/settings.py",
        f"{pdf.BASE_URL}media/logo.png",
    ):
        with pytest.raises(pdf.RefusedURL):
            fetch(url)
    assert listener.connections() == 0


def test_a_page_naming_remote_resources_renders_without_fetching_them(listener):
    port = listener.port
    html = (
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
        f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">Bill'
        f'<img src="http://127.0.0.1:{port}/logo.png" alt="">'
        '<img src="/etc/hostname" alt="">'
    )
    data = pdf.render_pdf(html)
    assert data.startswith(b"%PDF")
    assert "Bill" in pdf_text(data)
    assert listener.connections() == 0


def test_the_fetcher_serves_our_static_files_and_data_uris():
    fetch = pdf.static_files_fetcher()
    url = f"{pdf.BASE_URL}{django_settings.STATIC_URL.lstrip('/')}css/bill-pdf.css"
    response = fetch(url)
    with open(finders.find("css/bill-pdf.css"), "rb") as source:
        assert response.read() == source.read()
    assert response.content_type == "text/css"
    assert fetch("data:text/plain,hello").read() == b"hello"
