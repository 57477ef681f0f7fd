"""The API as mounted by web.api_urls: authentication (session and token), refusals by
role, the schema and its documentation page. (The exception handler's error answers:
earlybird/tests/test_api.py.)"""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def test_it_answers_401_with_a_token_challenge_without_credentials(api):
    response = api.get(reverse("api:customers"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_answers_401_for_an_unknown_token(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert api.get(reverse("api:me")).status_code == 401


def test_a_customer_gets_a_token_with_his_phone_number_and_it_authenticates(api):
    customer = CustomerFactory(phone="9876543210", password="Fresh-milk-2026")
    response = api.post(
        reverse("api:token"), {"username": "+91 98765 43210", "password": "Fresh-milk-2026"}
    )
    assert response.status_code == 200
    token = response.json()["token"]

    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = other.get(reverse("api:me"))
    assert me.status_code == 200
    assert me.json()["code"] == customer.code


def test_staff_get_a_token_with_their_username(api):
    UserFactory(username="asha", roles=[roles.SUPPORT])
    response = api.post(reverse("api:token"), {"username": "asha", "password": "s3cret-pass"})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(reverse("api:customers")).status_code == 200


@pytest.mark.usefixtures("clean_cache")
def test_a_wrong_password_gets_no_token(api):
    CustomerFactory(phone="9876543210", password="Fresh-milk-2026")
    response = api.post(reverse("api:token"), {"username": "9876543210", "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert "non_field_errors" in response.json()


@pytest.mark.usefixtures("clean_cache")
def test_after_five_wrong_passwords_the_token_endpoint_says_to_wait_even_for_the_right_one(
    api,
):
    CustomerFactory(phone="9876543210", password="Fresh-milk-2026")
    for _ in range(4):
        response = api.post(reverse("api:token"), {"username": "9876543210", "password": "no"})
        assert response.status_code == 400
    response = api.post(reverse("api:token"), {"username": "9876543210", "password": "no"})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.json()["detail"]
    response = api.post(
        reverse("api:token"), {"username": "+919876543210", "password": "Fresh-milk-2026"}
    )
    assert response.status_code == 429
    assert "token" not in response.json()


def test_a_logged_in_session_works_too(api):
    customer = CustomerFactory()
    api.force_login(customer.user)
    assert api.get(reverse("api:me")).json()["id"] == customer.pk


def test_a_user_with_no_role_is_refused_staff_customer_and_delivery_boy_endpoints(api):
    nobody = UserFactory()
    nobody.save()  # the factory saves the password only with roles
    api.force_login(nobody)
    for name in ("api:customers", "api:me", "api:route", "api:payments", "api:deliveries"):
        assert api.get(reverse(name)).status_code == 403, name


def test_the_schema_is_served_and_lists_the_v1_endpoints(api):
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/me/",
        "/api/v1/me/pauses/{id}/resume/",
        "/api/v1/route/",
        "/api/v1/deliveries/{id}/confirm/",
        "/api/v1/customers/",
        "/api/v1/payments/",
        "/api/v1/auth/token/",
    ):
        assert path in paths
    assert "tokenAuth" in response.json()["components"]["securitySchemes"]


def test_the_documentation_page_points_at_the_schema(api):
    # Its start-up script, served apart (no inline script: web/tests/test_api_docs.py).
    response = api.get(reverse("api:docs") + "?script=")
    assert response.status_code == 200
    assert reverse("api:schema") in response.content.decode()
