"""Login throttling (earlybird.throttle, enforced in earlybird.auth): 5 failures for one
username or 20 from one address within 15 minutes, and further attempts are refused,
even with the right password, on every login path, until the window has passed."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.test import APIRequestFactory

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles, throttle
from earlybird.auth import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm
from earlybird.models import ThrottleCounter

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts; try again in 15 minutes."
PASSWORD = "Milk-morning-7"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Hundreds of password checks: a fast hasher keeps this file quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def later(monkeypatch):
    """Move the throttle's clock past the 15-minute window."""
    now = throttle.clock()

    def move(seconds: int = 16 * 60):
        monkeypatch.setattr(throttle, "clock", lambda: now + seconds)

    return move


@pytest.fixture
def customer():
    return CustomerFactory(phone="9848022338", password=PASSWORD)


def request_from(rf, ip="203.0.113.7"):
    return rf.post("/login/", REMOTE_ADDR=ip)


def fail(rf, username, times=5, ip="203.0.113.7"):
    for _ in range(times):
        assert authenticate(request_from(rf, ip), username=username, password="wrong") is None


# --- the backend: every path's authenticate() -----------------------------------------


def test_five_failures_then_the_right_password_is_refused(rf, customer):
    fail(rf, "9848022338", times=4)
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD)
    fail(rf, "9848022338", times=5)
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD) is None


def test_the_lock_holds_from_another_address_too(rf, customer):
    fail(rf, "9848022338")
    other = request_from(rf, ip="198.51.100.9")
    assert authenticate(other, username="9848022338", password=PASSWORD) is None


def test_the_spellings_of_one_phone_number_count_together(rf, customer):
    for spelling in (
        "+91 98480 22338",
        "098480-22338",
        "919848022338",
        "9848022338",
        "98480 22338",
    ):
        assert authenticate(request_from(rf), username=spelling, password="wrong") is None
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD) is None


def test_an_attempt_after_the_window_succeeds(rf, customer, later):
    fail(rf, "9848022338")
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD) is None
    later(14 * 60)
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD) is None
    later()
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD) == (
        customer.user
    )


def test_emptying_the_counter_table_lifts_every_lock(rf, customer):
    fail(rf, "9848022338")
    ThrottleCounter.objects.all().delete()
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD)


def test_reset_lifts_one_usernames_lock(rf, customer):
    fail(rf, "9848022338")
    throttle.reset(username="+91 98480 22338")
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD)


def test_a_success_clears_the_usernames_failures(rf, customer):
    for _ in range(3):
        fail(rf, "9848022338", times=4)
        assert authenticate(request_from(rf), username="9848022338", password=PASSWORD)


def test_without_a_request_the_username_is_still_counted(customer):
    for _ in range(5):
        assert authenticate(username="9848022338", password="wrong") is None
    assert authenticate(username="9848022338", password=PASSWORD) is None


def test_the_async_path_is_throttled_too(rf, customer):
    fail(rf, "9848022338")
    user = async_to_sync(aauthenticate)(request_from(rf), username="9848022338", password=PASSWORD)
    assert user is None


def test_twenty_failures_from_one_address_stop_new_usernames_from_it(rf, customer):
    for n in range(20):
        fail(rf, f"guess{n}", times=1)
    here = request_from(rf)
    assert authenticate(here, username="9848022338", password=PASSWORD) is None
    elsewhere = request_from(rf, ip="198.51.100.9")
    assert authenticate(elsewhere, username="9848022338", password=PASSWORD) == customer.user


def test_people_who_logged_in_from_a_shared_address_before_are_not_locked_out(rf, customer):
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD)
    for n in range(25):
        fail(rf, f"guess{n}", times=1)
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD)
    # ... but a guesser on that address still cannot try a new username.
    newcomer = CustomerFactory(phone="9848022339", password=PASSWORD)
    assert authenticate(request_from(rf), username=newcomer.phone, password=PASSWORD) is None


@override_settings(LOGIN_THROTTLE={"username": 3, "window": 60})
def test_the_limits_come_from_settings(rf, customer):
    fail(rf, "9848022338", times=3)
    assert authenticate(request_from(rf), username="9848022338", password=PASSWORD) is None
    assert throttle.refusal(request_from(rf), "9848022338") == (
        "Too many failed attempts; try again in 1 minutes."
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_comes_from_x_forwarded_for(rf, customer):
    for n in range(20):
        request = rf.post(
            "/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, 203.0.113.{n}"
        )
        authenticate(request, username=f"guess{n}", password="wrong")
    # Twenty different clients behind one proxy: nobody is locked out by address.
    request = rf.post("/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert authenticate(request, username="9848022338", password=PASSWORD) == customer.user


# --- no hint whether an account exists ------------------------------------------------


def test_an_unknown_username_is_locked_and_told_exactly_like_a_real_one(client, customer):
    pages = {}
    for username in ("9848022338", "9000000001"):
        for _ in range(5):
            client.post(reverse("me:login"), {"username": username, "password": "wrong"})
        response = client.post(reverse("me:login"), {"username": username, "password": PASSWORD})
        pages[username] = response.context["form"].errors.as_data()["__all__"][0].message
    assert pages == {"9848022338": LOCKED, "9000000001": LOCKED}


def test_counter_keys_do_not_hold_the_username_or_address(rf, customer):
    fail(rf, "9848022338")
    keys = list(ThrottleCounter.objects.values_list("key", flat=True))
    assert keys
    assert not any("9848022338" in key or "203.0.113.7" in key for key in keys)


# --- every login path, end to end -----------------------------------------------------


def post_five_wrong_then_right(client, url, username, password, **extra):
    for _ in range(5):
        response = client.post(url, {"username": username, "password": "wrong"}, **extra)
        assert response.status_code == 200
    return client.post(url, {"username": username, "password": password}, **extra)


def test_customer_login_me_is_refused_with_the_message(client, customer):
    response = post_five_wrong_then_right(client, reverse("me:login"), "9848022338", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert LOCKED in response.content.decode()


def test_customer_login_me_works_again_after_the_window(client, customer, later):
    post_five_wrong_then_right(client, reverse("me:login"), "9848022338", PASSWORD)
    later()
    response = client.post(reverse("me:login"), {"username": "9848022338", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == customer.user.pk


def test_the_fifth_failure_already_says_so(client, customer):
    for _ in range(4):
        response = client.post(reverse("me:login"), {"username": customer.phone, "password": "x"})
        assert LOCKED not in response.content.decode()
    response = client.post(reverse("me:login"), {"username": customer.phone, "password": "x"})
    assert LOCKED in response.content.decode()


@pytest.mark.parametrize("path", ["login", "boy:login", "admin:login", "me:login"])
def test_without_failures_each_login_path_lets_the_right_password_in(client, path):
    """The control for the refusals below: the same logins work when nothing failed."""
    logins = {
        "login": lambda: ("meena", UserFactory(username="meena", roles=[roles.SUPPORT])),
        "boy:login": lambda: ("9000012345", DeliveryBoyFactory(phone="9000012345").user),
        "admin:login": lambda: (
            "boss",
            UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[roles.ADMIN]),
        ),
        "me:login": lambda: ("9848022338", CustomerFactory(phone="9848022338").user),
    }
    username, user = logins[path]()
    user.set_password("Right-pass-2026")
    user.save()
    response = client.post(reverse(path), {"username": username, "password": "Right-pass-2026"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_staff_login_is_refused(client):
    staff = UserFactory(username="meena", roles=[roles.SUPPORT])
    response = post_five_wrong_then_right(client, reverse("login"), "meena", "s3cret-pass")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert staff.check_password("s3cret-pass")


def test_delivery_boy_login_is_refused(client):
    boy = DeliveryBoyFactory(phone="9000012345", password="Route-2026!")
    response = post_five_wrong_then_right(client, reverse("boy:login"), boy.phone, "Route-2026!")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_admin_login_is_refused(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True, roles=[roles.ADMIN])
    response = post_five_wrong_then_right(client, reverse("admin:login"), "boss", "s3cret-pass")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_api_token_login_is_refused(customer):
    factory = APIRequestFactory()

    def token(password):
        request = factory.post(
            "/api/v1/auth/token/", {"username": "9848022338", "password": password}
        )
        return obtain_auth_token(request)

    for _ in range(5):
        assert token("wrong").status_code == 400
    assert token(PASSWORD).status_code == 400
    ThrottleCounter.objects.all().delete()
    assert token(PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "form_class", [ThrottledAuthenticationForm, ThrottledAdminAuthenticationForm]
)
def test_the_throttled_forms_say_why(rf, form_class):
    UserFactory(username="boss", is_staff=True, roles=[roles.ADMIN])
    request = request_from(rf)
    for _ in range(5):
        form_class(request, data={"username": "boss", "password": "wrong"}).is_valid()
    form = form_class(request, data={"username": "boss", "password": "s3cret-pass"})
    assert not form.is_valid()
    assert form.non_field_errors() == [LOCKED]
    assert form.errors.as_data()["__all__"][0].code == "throttled"
