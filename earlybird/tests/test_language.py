"""Each person's language (earlybird.i18n): the buttons' view, the service that saves it,
the middleware that reads it back, and the Indian formats in Telugu and Hindi. The
customer and shared-link pages in each language: web/tests/test_languages.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import formats, translation

from earlybird.i18n import SESSION_KEY, UserLanguageMiddleware, save_language
from earlybird.models import UserProfile
from earlybird.templatetags.money import format_inr

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def person():
    return get_user_model().objects.create_user(username="asha", password="x-long-password")


def switch(client, language, **extra):
    return client.post("/language/", {"language": language, **extra})


# --- the view -----------------------------------------------------------------------------


def test_a_visitor_switches_by_cookie_and_goes_back_where_they_were(client):
    response = switch(client, "te", next="/s/some-token/")

    assert response.status_code == 302
    assert response["Location"] == "/s/some-token/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "te"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["httponly"]
    assert not UserProfile.objects.exists()
    # The next page is in Telugu, whatever the browser asks for.
    page = client.get("/me/login/", HTTP_ACCEPT_LANGUAGE="hi")
    assert page["Content-Language"] == "te"
    assert '<html lang="te">' in page.content.decode()


def test_a_signed_in_person_has_it_saved_on_their_profile(client, person):
    client.force_login(person)

    response = switch(client, "hi", next="/me/")

    assert response["Location"] == "/me/"
    assert UserProfile.objects.get(user=person).language == "hi"
    assert client.session[SESSION_KEY] == "hi"
    assert response.cookies[COOKIE].value == "hi"
    # Switching again changes the one row.
    switch(client, "en-in")
    assert list(UserProfile.objects.values_list("user_id", "language")) == [(person.pk, "en-in")]


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_it_never_sends_anyone_to_another_site(client, next_url):
    response = switch(client, "te", next=next_url, HTTP_REFERER="https://evil.example/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_without_next_it_goes_back_to_the_referring_page_of_this_site(client):
    response = client.post(
        "/language/", {"language": "hi"}, HTTP_REFERER="http://testserver/me/bills/"
    )

    assert response["Location"] == "http://testserver/me/bills/"


@pytest.mark.parametrize("language", ["", "fr", "TE", "te-IN", "తెలుగు", "en-in\x00"])
def test_an_unknown_language_is_refused_with_the_reason_and_nothing_saved(client, person, language):
    client.force_login(person)

    response = switch(client, language, next="/me/")

    assert response.status_code == 400
    assert "Unknown language: choose one of en-in, te, hi." in response.content.decode()
    assert COOKIE not in response.cookies
    assert not UserProfile.objects.exists()
    assert SESSION_KEY not in client.session


def test_reading_the_address_changes_nothing(client, person):
    client.force_login(person)

    response = client.get("/language/", {"language": "te"})

    assert response.status_code == 405
    assert COOKIE not in response.cookies
    assert not UserProfile.objects.exists()


# --- the service and the middleware -------------------------------------------------------


def test_the_service_refuses_a_language_we_do_not_have(person):
    with pytest.raises(ValidationError):
        save_language(user=person, language="ta")
    assert not UserProfile.objects.exists()


def test_logging_in_brings_the_saved_language_over_the_browsers(client, person):
    save_language(user=person, language="te")

    client.force_login(person)
    client.cookies[COOKIE] = "hi"
    page = client.get("/s/no-such-link/", HTTP_ACCEPT_LANGUAGE="hi")

    assert client.session[SESSION_KEY] == "te"
    assert page["Content-Language"] == "te"
    assert '<html lang="te">' in page.content.decode()
    assert "ఈ లింక్ చెల్లదు" in page.content.decode()  # "This link is not valid"


def test_staff_pages_and_the_admin_stay_in_english(client, person):
    save_language(user=person, language="te")
    client.force_login(person)
    client.cookies[COOKIE] = "hi"

    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="hi")

    assert page["Content-Language"] == "en-in"
    assert '<html lang="en-IN">' in page.content.decode()


def test_with_nothing_saved_the_browser_decides_and_english_is_the_default(client, person):
    client.force_login(person)

    assert SESSION_KEY not in client.session
    assert client.get("/s/x/", HTTP_ACCEPT_LANGUAGE="hi")["Content-Language"] == "hi"
    assert client.get("/s/x/")["Content-Language"] == "en-in"


def test_logging_out_forgets_it(client, person):
    save_language(user=person, language="te")
    client.force_login(person)

    client.post("/logout/")

    assert client.get("/s/x/")["Content-Language"] == "en-in"


def test_the_middleware_reads_the_session_without_a_query(django_assert_num_queries):
    request = RequestFactory().get("/me/")
    request.session = {SESSION_KEY: "hi"}
    seen = {}

    def view(request):
        seen["language"] = translation.get_language()
        return HttpResponse()

    with translation.override("en-in"), django_assert_num_queries(0):
        UserLanguageMiddleware(view)(request)

    assert seen["language"] == "hi"
    assert request.LANGUAGE_CODE == "hi"


# --- Indian formats in every language -----------------------------------------------------


@pytest.mark.parametrize("language", ["en-in", "te", "hi"])
def test_amounts_numbers_and_dates_are_indian_style_in_every_language(language):
    day = dt.date(2026, 11, 29)
    with translation.override(language):
        assert format_inr(Decimal("123456.5")) == "₹1,23,456.50"
        assert format_inr(Decimal("-12345678")) == "-₹1,23,45,678.00"
        assert formats.number_format(12345678, force_grouping=True) == "1,23,45,678"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "29/11/2026"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"


def test_day_and_month_names_are_in_the_language():
    day = dt.date(2026, 11, 29)  # a Sunday
    with translation.override("en-in"):
        assert formats.date_format(day, "D j M") == "Sun 29 Nov"
    with translation.override("hi"):
        assert formats.date_format(day, "F") == "नवंबर"  # not Django's misspelt नवमबर
        assert formats.time_format(dt.time(21, 0), "TIME_FORMAT") == "9:00 PM"
    with translation.override("te"):
        assert formats.date_format(day, "F") == "నవంబర్"


@pytest.mark.parametrize("language", ["te", "hi"])
def test_dates_written_into_messages_stay_english_on_a_telugu_or_hindi_page(language):
    """A message (its template in the customer's language) is often written while a boy's
    Telugu or Hindi page is open: its dates must not take that page's language."""
    from datetime import date

    from django.utils import translation

    from earlybird.formats import day_text

    with translation.override(language):
        assert day_text(date(2026, 11, 3)) == "Tue 3 Nov 2026"
