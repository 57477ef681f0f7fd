"""The customer's pages (/me/) and the substitute's (/s/) in English, Telugu and Hindi:
the language saved on the profile, the buttons on every phone page, ₹ amounts and dates
Indian style in each. (The view, service and middleware themselves:
earlybird/tests/test_language.py; every string translated: test_translations.py.)"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.shared_links import customer_on, make_link, route_url, stop_url, today
from deliveries.tests.shared_links import type_name as type_name_on
from earlybird.i18n import save_language
from earlybird.models import UserProfile

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
# A few strings of each page, as each language says them.
HOME = {"en-in": "Your deliveries", "te": "మీ డెలివరీలు", "hi": "आपकी डिलीवरी"}
NAV = {"en-in": ">Bills<", "te": ">బిల్లులు<", "hi": ">बिल<"}
NAME_PAGE = {"en-in": "Type your name once", "te": "మీ పేరు", "hi": "आपका नाम"}
ROUTE = {"en-in": "Delivering as Ravi", "te": "Ravi పేరుతో", "hi": "Ravi के नाम से"}


@pytest.fixture
def customer(client):
    customer = CustomerFactory(name="Asha Rao")
    client.force_login(customer.user)
    return customer


@pytest.fixture
def link():
    boy = DeliveryBoyFactory(name="Suresh")
    customer_on(boy, name="Asha Rao")
    generate_deliveries(day=today())
    return make_link(boy)[1]


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- /me/ ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en-in", "te", "hi"])
def test_the_home_page_speaks_the_language_saved_on_the_profile(client, customer, language):
    save_language(user=customer.user, language=language)
    client.force_login(customer.user)  # a new session: the saved language comes along

    # Whatever the browser asks for, and whatever its cookie says.
    html = page(client.get(reverse("me:home"), HTTP_ACCEPT_LANGUAGE="hi,te;q=0.8"))

    assert HOME[language] in html and NAV[language] in html
    others = set(HOME.values()) - {HOME[language]}
    assert not any(text in html for text in others)


def test_english_stays_the_default(client, customer):
    html = page(client.get(reverse("me:home")))

    assert '<html lang="en-IN">' in html
    assert "Your deliveries" in html


def test_the_buttons_on_the_page_switch_it_and_save_the_choice(client, customer):
    html = page(client.get(reverse("me:bills")))
    assert 'action="/language/"' in html
    assert 'value="te" lang="te">తెలుగు</button>' in html
    assert '<input type="hidden" name="next" value="/me/bills/">' in html

    response = client.post("/language/", {"language": "te", "next": "/me/bills/"})

    assert response["Location"] == "/me/bills/"
    assert UserProfile.objects.get(user=customer.user).language == "te"
    html = page(client.get(reverse("me:bills")))
    assert "<h1>బిల్లులు</h1>" in html
    assert 'value="te" lang="te" aria-pressed="true">' in html


@pytest.mark.parametrize(
    "language, owe",
    [
        ("en-in", "You owe <strong>₹1,23,456.50</strong>"),
        ("te", "మీరు చెల్లించాల్సింది <strong>₹1,23,456.50</strong>"),
        ("hi", "आपको <strong>₹1,23,456.50</strong> चुकाने हैं"),
    ],
)
def test_amounts_are_in_lakhs_in_every_language(client, customer, language, owe):
    customer.opening_balance = Decimal("123456.50")
    customer.save(update_fields=["opening_balance"])
    client.cookies[COOKIE] = language

    html = page(client.get(reverse("me:bills")))

    assert owe in html


def test_a_message_after_a_change_is_in_the_language(client, customer):
    save_language(user=customer.user, language="hi")
    client.force_login(customer.user)

    response = client.post(reverse("me:new_order"), {"delivery_date": "", "shift": "morning"})

    assert "तारीख चुनें।" in page(response)  # "Choose a date."


# --- /s/ ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en-in", "te", "hi"])
def test_the_shared_link_pages_follow_the_substitutes_cookie(client, link, language):
    client.cookies[COOKIE] = language

    assert NAME_PAGE[language] in page(client.get(route_url(link)))
    type_name_on(client, link, "Ravi")
    html = page(client.get(route_url(link)))

    assert ROUTE[language] in html
    assert f'<html lang="{"en-IN" if language == "en-in" else language}">' in html
    assert 'action="/language/"' in html


def test_a_substitute_switches_language_without_a_login_and_comes_back(client, link):
    response = client.post("/language/", {"language": "te", "next": route_url(link)})

    assert response["Location"] == route_url(link)
    assert "మీ పేరు" in page(client.get(route_url(link)))
    assert not UserProfile.objects.exists()


def test_a_shared_link_message_is_in_the_language(client, link):
    client.cookies[COOKIE] = "te"
    customer = Delivery.objects.get().customer

    response = client.post(stop_url(link, customer), {"action": "delivered"}, follow=True)

    assert "నిర్ధారించే ముందు మీ పేరు టైప్ చేయండి." in page(response)
