"""The printable bill shared by WhatsApp (in each language, from the messaging templates
edited in the admin) with a UPI payment link and its QR code."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from billing import upi
from billing.models import Bill
from billing.services import issue_bill, run_billing
from billing.tests.factories import PaymentFactory, accounts_user, deliver_days
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import ADMIN, CUSTOMER, DELIVERY_BOY, MARKETING, SUPPORT
from messaging import defaults
from messaging import selectors as messaging_selectors
from messaging.models import MessageTemplate
from messaging.rendering import format_message
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
TELUGU = re.compile(r"[\u0C00-\u0C7F]")


@pytest.fixture(autouse=True)
def business(settings):
    settings.BUSINESS_NAME = "EarlyBird Dairy"
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"


@pytest.fixture
def customer():
    return CustomerFactory(name="Ravi Teja", phone="9848022338")


@pytest.fixture
def bill(customer):
    """January: 10 days of 1 l of milk at ₹56 = ₹560, issued."""
    milk = ProductFactory(name="Cow milk", price="56.00")
    order = SubscriptionFactory(customer=customer, product=milk, start_date=JAN)
    deliver_days(order, JAN, JAN.replace(day=10))
    run_billing(period=JAN)
    return issue_bill(bill=Bill.objects.get(customer=customer, period=JAN))


def page_of(client, bill, **query) -> str:
    return client.get(reverse("billing:bill_detail", args=[bill.pk]), query).content.decode()


# --- rendering a message ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {name}, {amount_due}", "Hi Ravi, ₹10.00"),
        ("Hi {name} {nickname}", "Hi Ravi {nickname}"),  # unknown: left as written
        ("{name} owes {", "Ravi owes {"),  # a lone brace
        ("{0} {name}", "{0} Ravi"),  # a positional field
        ("{name.upper} {name}", "{name.upper} Ravi"),
        ("{name!z} {name}", "{name!z} Ravi"),
    ],
)
def test_a_message_fills_what_it_knows_and_never_raises(text, expected):
    values = {"name": "Ravi", "amount_due": "₹10.00"}
    assert format_message(text, values) == expected


BILL = "bill_issued"


def test_the_admin_form_refuses_unknown_placeholders_and_lone_braces():
    bad = MessageTemplate(language="en", purpose=BILL, text="Hello {nmae}")
    with pytest.raises(ValidationError, match=r"Unknown placeholder \{nmae\}"):
        bad.full_clean()
    with pytest.raises(ValidationError, match="brace"):
        MessageTemplate(language="en", purpose=BILL, text="Hello {name").full_clean()
    MessageTemplate(language="en", purpose=BILL, text="Hi {name}", is_active=False).full_clean()


def test_english_telugu_and_hindi_texts_are_seeded_and_one_is_active_per_language():
    seeded = dict(
        MessageTemplate.objects.filter(purpose=BILL, is_active=True).values_list("language", "text")
    )
    assert set(seeded) == {"en", "te", "hi"}
    assert TELUGU.search(seeded["te"]) and "{upi_link}" in seeded["te"]
    assert not TELUGU.search(seeded["en"]) and "{amount_due}" in seeded["en"]
    with (
        pytest.raises(IntegrityError, match="messaging_messagetemplate_one_active"),
        transaction.atomic(),
    ):
        MessageTemplate.objects.create(language="te", purpose=BILL, text="రెండవది {name}")


def test_without_templates_the_texts_in_code_are_used():
    MessageTemplate.objects.all().delete()
    texts = messaging_selectors.active_texts(BILL)
    assert texts["en"] == defaults.TEXTS[BILL]["en"]
    assert TELUGU.search(texts["te"])


# --- the UPI link and its QR code ---------------------------------------------------------


def test_the_upi_link_names_payee_amount_and_bill():
    link = upi.upi_link(amount=Decimal("1234.5"), note="BI-202601-0007")

    assert link == (
        "upi://pay?pa=earlybird%40okhdfc&pn=EarlyBird%20Dairy&am=1234.50&cu=INR&tn=BI-202601-0007"
    )
    assert parse_qs(urlsplit(link).query)["pn"] == ["EarlyBird Dairy"]


def test_no_upi_link_without_a_upi_id_or_with_nothing_due(settings):
    assert upi.upi_link(amount=Decimal("0.00"), note="BI-1") is None
    assert upi.upi_link(amount=Decimal("-5"), note="BI-1") is None
    assert upi.upi_link(amount=None, note="BI-1") is None
    settings.BUSINESS_UPI_ID = ""
    assert upi.upi_link(amount=Decimal("10"), note="BI-1") is None


def test_the_qr_code_is_inline_svg_the_csp_allows():
    svg = upi.qr_svg("upi://pay?pa=x%40y&am=1.00", title="Pay <now>")

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'class="upi-qr"' in svg
    assert "style" not in svg and "<script" not in svg
    assert "<title>Pay &lt;now&gt;</title>" in svg


# --- the bill page ------------------------------------------------------------------------


class TestBillShare:
    def test_an_issued_bill_offers_whatsapp_in_english_and_telugu_with_the_upi_link(
        self, client, bill
    ):
        client.force_login(accounts_user())

        response = client.get(reverse("billing:bill_detail", args=[bill.pk]))

        share = response.context["share"]
        assert share.amount_due == Decimal("560.00")
        assert share.upi_link == upi.upi_link(amount=Decimal("560"), note=bill.code)
        links = dict(share.whatsapp)
        english, telugu = links["English"], links["Telugu (తెలుగు)"]
        assert english.startswith("https://wa.me/919848022338?text=")
        message = unquote(english.split("?text=", 1)[1])
        assert message.startswith("Hello Ravi Teja,")
        assert "January 2026" in message and bill.code in message
        assert "₹560.00" in message and share.upi_link in message
        telugu_message = unquote(telugu.split("?text=", 1)[1])
        assert "జనవరి 2026" in telugu_message and "₹560.00" in telugu_message
        assert TELUGU.search(telugu_message)
        page = response.content.decode()
        assert english.replace("&", "&amp;") in page
        assert '<svg viewBox="0 0' in page and 'class="upi-qr"' in page
        assert "Scan to pay ₹560.00 by UPI" in page

    def test_the_message_comes_from_the_template_edited_in_the_admin(self, client, bill):
        client.force_login(UserFactory(roles=[ADMIN], is_staff=True, is_superuser=True))
        english = MessageTemplate.objects.get(purpose=BILL, language="en", is_active=True)
        change = reverse("admin:messaging_messagetemplate_change", args=[english.pk])
        assert client.get(reverse("admin:messaging_messagetemplate_changelist")).status_code == 200

        refused = client.post(
            change, {"purpose": BILL, "language": "en", "is_active": "on", "text": "Hi {nmae}"}
        )
        saved = client.post(
            change,
            {
                "purpose": BILL,
                "language": "en",
                "is_active": "on",
                "text": "Dear {name}, pay {amount_due} for {bill_code}",
            },
        )

        assert "Unknown placeholder {nmae}" in refused.content.decode()
        assert saved.status_code == 302
        share = client.get(reverse("billing:bill_detail", args=[bill.pk])).context["share"]
        assert share.messages["en"] == f"Dear Ravi Teja, pay ₹560.00 for {bill.code}"
        # Written past the form, an unknown placeholder is left as it is.
        MessageTemplate.objects.filter(pk=english.pk).update(text="Dear {name} {mood}")
        share = client.get(reverse("billing:bill_detail", args=[bill.pk])).context["share"]
        assert share.messages["en"] == "Dear Ravi Teja {mood}"

    def test_payments_since_the_bill_lower_what_is_asked(self, client, bill):
        PaymentFactory(customer=bill.customer, amount=Decimal("160.00"), paid_on=FEB)
        client.force_login(accounts_user())

        response = client.get(reverse("billing:bill_detail", args=[bill.pk]))

        share, statement = response.context["share"], response.context["statement"]
        assert statement.amount_due == Decimal("560.00")  # what the bill says
        assert share.amount_due == Decimal("400.00")  # what is still owed of it
        assert "am=400.00" in share.upi_link

    def test_nothing_due_hides_the_upi_link_with_a_note(self, client, bill):
        PaymentFactory(customer=bill.customer, amount=Decimal("560.00"), paid_on=FEB)
        client.force_login(accounts_user())

        response = client.get(reverse("billing:bill_detail", args=[bill.pk]))

        share = response.context["share"]
        assert share.upi_link is None and share.upi_qr is None
        assert "nothing is due on this bill" in response.content.decode()
        assert "Pay by UPI" not in share.messages["en"]  # the line is left out
        assert "upi://" not in response.content.decode()

    def test_no_upi_id_hides_the_upi_link_with_a_note(self, client, bill, settings):
        settings.BUSINESS_UPI_ID = ""
        client.force_login(accounts_user())

        page = page_of(client, bill)

        assert "set BUSINESS_UPI_ID" in page
        assert "upi://" not in page and "<svg" not in page
        assert "https://wa.me/919848022338" in page  # the message is still shared

    def test_a_draft_is_not_shared(self, client, customer):
        milk = ProductFactory(price="50.00")
        deliver_days(SubscriptionFactory(customer=customer, product=milk), JAN, JAN)
        run_billing(period=JAN)
        draft = Bill.objects.get(customer=customer)
        client.force_login(accounts_user())

        response = client.get(reverse("billing:bill_detail", args=[draft.pk]))

        assert response.context["share"] is None
        page = response.content.decode()
        assert "Issue the bill to share it" in page and "wa.me" not in page


# --- printing -----------------------------------------------------------------------------


class TestPrinting:
    def test_a4_by_default_and_a5_on_request(self, client, bill):
        client.force_login(accounts_user())

        a4, a5 = page_of(client, bill), page_of(client, bill, paper="a5")

        assert '<body class="bill-page">' in a4
        assert '<body class="bill-page a5">' in a5
        assert 'href="?paper=a5"' in a4 and 'href="?paper=a4"' in a5
        assert "Print (A5)" in a5

    def test_the_stylesheet_has_a4_and_a_named_a5_page(self):
        css = (Path(django_settings.BASE_DIR) / "static/css/app.css").read_text()

        assert re.search(r"@page\s*\{\s*size:\s*A4", css)
        assert re.search(r"@page a5\s*\{\s*size:\s*A5", css)
        assert re.search(r"body\.a5\s*\{\s*page:\s*a5", css)

    def test_the_printed_bill_has_its_day_by_day_calendar(self, client, bill):
        client.force_login(accounts_user())

        page = page_of(client, bill)

        days = re.findall(
            r'<span class="cal-no">(\d+)</span><span class="cal-item delivered">Cow milk 1</span>',
            page,
        )
        assert days == [str(n) for n in range(1, 11)]

    def test_the_page_keeps_to_the_content_security_policy(self, client, bill):
        client.force_login(accounts_user())

        response = client.get(reverse("billing:bill_detail", args=[bill.pk]))

        assert "style-src 'self'" in response["Content-Security-Policy"]
        page = response.content.decode()
        assert " style=" not in page and "<style" not in page
        assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []


@pytest.mark.parametrize("role", [SUPPORT, MARKETING, DELIVERY_BOY, CUSTOMER])
def test_other_roles_get_a_404_for_the_bill(client, bill, role):
    url = reverse("billing:bill_detail", args=[bill.pk])
    assert reverse("login") in client.get(url).url
    client.force_login(UserFactory(roles=[role]))
    assert client.get(url).status_code == 404
