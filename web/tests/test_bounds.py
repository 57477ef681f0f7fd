"""One set of bounds for what people type (earlybird.bounds), on every path: a day from
1 Jan 2000 to 31 Dec 2099, a quantity up to 50, money up to the cap. Out of bounds is a
message on the form, a 400 from the API or a page for the month it can show — never a
500, and the same words on every path.

Today is Wednesday 18 November 2026 (conftest)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from billing.tests.factories import accounts_user
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import bounds, roles
from orders.models import DayOverride, Order, OrderPause
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

DAY_WORDS = "Choose a date between 1 Jan 2000 and 31 Dec 2099."
MONTH_WORDS = "Choose a month between Jan 2000 and Dec 2099."
TOO_MUCH = "Enter a quantity from 0.001 to 50."
FAR_DAYS = ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"]


def later(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk", price="56.00")


@pytest.fixture
def customer():
    return CustomerFactory(name="Lakshmi Devi")


@pytest.fixture
def subscription(customer, milk):
    return SubscriptionFactory(
        customer=customer, product=milk, start_date=timezone.localdate() - dt.timedelta(days=5)
    )


def form_errors(response, form: str = "form") -> str:
    assert response.status_code in (200, 400), response.status_code
    return " ".join(
        message for errors in response.context[form].errors.values() for message in errors
    )


# --- the module itself --------------------------------------------------------------------


def test_the_bounds_check_days_months_quantities_and_money():
    assert bounds.parse_day("2099-12-31") == bounds.LAST_DAY
    assert bounds.parse_month("2000-01") == bounds.FIRST_DAY
    assert bounds.day_or_default("0001-01-01") is None
    assert bounds.month_or_default("0000-01", dt.date(2026, 10, 9)) == dt.date(2026, 10, 1)
    assert bounds.check_quantity(Decimal("50")) == Decimal("50")
    assert bounds.check_amount(Decimal("0"), allow_zero=True) == Decimal("0")
    for refused in (
        lambda: bounds.parse_day("9999-12-31"),
        lambda: bounds.parse_month("0000-01"),
        lambda: bounds.check_quantity(Decimal("50.001")),
        lambda: bounds.check_quantity(Decimal("0"), allow_zero=False),
        lambda: bounds.check_amount(Decimal("0")),
        lambda: bounds.check_amount(bounds.max_amount() + 1, allow_zero=True),
    ):
        with pytest.raises(bounds.ValidationError):
            refused()


# --- a page's ?month= and ?day= -----------------------------------------------------------


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-13", "x"])
def test_the_money_pages_answer_a_month_out_of_bounds_without_an_error(client, month):
    client.force_login(accounts_user())

    bills = client.get(reverse("billing:bills"), {"month": month})
    grid = client.get(reverse("billing:grid"), {"month": month})
    reconcile = client.get(reverse("billing:reconcile"), {"month": month})

    assert bills.status_code == 200
    assert bills.context["period"] == dt.date(2026, 11, 1)  # today's month instead
    assert grid.status_code == 200 and grid.context["filters"] is None
    assert reconcile.status_code == 200 and reconcile.context["result"] is None
    if month.startswith(("0000", "9999")):
        assert MONTH_WORDS in grid.content.decode()
        assert MONTH_WORDS in reconcile.content.decode()
    for export in ("billing:grid_csv", "billing:grid_xlsx"):
        assert client.get(reverse(export), {"month": month}).status_code == 404


def test_the_staff_pages_answer_a_day_or_month_out_of_bounds_with_the_usual_page(
    client, subscription
):
    client.force_login(UserFactory(roles=[roles.SUPPORT]))
    order_page = reverse("orders:detail", args=[subscription.pk])
    customer_page = reverse("customers:detail", args=[subscription.customer_id])

    for day in FAR_DAYS:
        response = client.get(order_page, {"day": day})
        assert response.status_code == 200
        assert response.context["month"] == timezone.localdate().replace(day=1)
    for month in ("0000-01", "9999-12"):
        assert client.get(order_page, {"month": month}).status_code == 200
        assert client.get(customer_page, {"month": month}).status_code == 200


# --- forms ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", FAR_DAYS)
def test_a_stop_date_out_of_bounds_is_a_form_error(client, subscription, day):
    client.force_login(UserFactory(roles=[roles.SUPPORT]))

    response = client.post(
        reverse("orders:stop", args=[subscription.pk]), {"stop-last_day": day, "stop-confirm": "on"}
    )

    assert DAY_WORDS in form_errors(response, "stop_form")
    subscription.refresh_from_db()
    assert (subscription.status, subscription.end_date) == (Order.Status.ACTIVE, None)


@pytest.mark.parametrize("day", FAR_DAYS)
def test_the_customers_own_forms_refuse_a_day_out_of_bounds(client, subscription, day):
    client.force_login(subscription.customer.user)
    order = subscription.pk
    line = subscription.lines.get().pk

    pause = client.post(
        reverse("me:pause", args=[order]), {"start_date": later(3), "end_date": day}
    )
    skip = client.post(reverse("me:skip", args=[order]), {"day": day})
    extra = client.post(
        reverse("me:extra", args=[order]), {"line": line, "day": day, "quantity": "2"}
    )
    new_order = client.post(
        reverse("me:new_order"), {"delivery_date": day, "shift": "morning", "qty_1": "1"}
    )

    assert DAY_WORDS in form_errors(pause, "pause_form")
    assert DAY_WORDS in form_errors(skip, "skip_form")
    assert DAY_WORDS in form_errors(extra, "extra_form")
    assert DAY_WORDS in form_errors(new_order)
    assert not OrderPause.objects.exists() and not DayOverride.objects.exists()


def test_the_same_quantity_cap_holds_on_the_staff_page_the_customer_page_and_the_api(
    client, subscription, milk
):
    client.force_login(subscription.customer.user)
    page = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": subscription.lines.get().pk, "day": later(3), "quantity": "51"},
    )
    api = APIClient()
    api.force_login(subscription.customer.user)
    from_api = api.post(
        reverse("api:me-orders"),
        {"delivery_date": later(3), "lines": [{"product": milk.pk, "quantity": "51"}]},
        format="json",
    )
    override = api.post(
        reverse("api:me-overrides"),
        {"order_line": subscription.lines.get().pk, "date": later(3), "quantity": "51"},
        format="json",
    )
    client.force_login(UserFactory(roles=[roles.SUPPORT]))
    staff_page = client.post(
        reverse("orders:subscription_create", args=[subscription.customer_id]),
        {
            "pattern": "daily",
            "shift": "evening",
            "start_date": later(3),
            f"qty_{milk.pk}": "51",
        },
    )

    assert TOO_MUCH in form_errors(page, "extra_form")
    assert from_api.status_code == 400
    assert from_api.json()["lines"]["0"]["quantity"] == [TOO_MUCH]
    # Where 0 is allowed (0 skips the day, or leaves a product out), 0 is in the words.
    assert override.json()["quantity"] == ["Enter a quantity from 0 to 50."]
    assert "Enter a quantity from 0 to 50." in form_errors(staff_page)
    assert not DayOverride.objects.exists()
    assert Order.objects.count() == 1


# --- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", ["51", "9999999.999", "0", "-1", "0.0001"])
def test_the_customer_api_refuses_a_quantity_out_of_bounds(subscription, milk, quantity):
    api = APIClient()
    api.force_login(subscription.customer.user)

    order = api.post(
        reverse("api:me-orders"),
        {"delivery_date": later(3), "lines": [{"product": milk.pk, "quantity": quantity}]},
        format="json",
    )

    assert order.status_code == 400
    assert list(order.json()["lines"]["0"]) == ["quantity"]
    assert Order.objects.count() == 1


@pytest.mark.parametrize("day", FAR_DAYS)
def test_the_api_refuses_a_day_out_of_bounds(subscription, milk, day):
    api = APIClient()
    api.force_login(subscription.customer.user)
    pause = api.post(
        reverse("api:me-pauses"),
        {"order": subscription.pk, "start_date": later(3), "end_date": day},
        format="json",
    )
    staff = APIClient()
    staff.force_login(UserFactory(roles=[roles.SUPPORT]))
    order = staff.post(
        reverse("api:orders"),
        {
            "customer": subscription.customer_id,
            "lines": [{"product": milk.pk, "quantity": "1"}],
            "start_date": later(1),
            "end_date": day,
        },
        format="json",
    )

    assert (pause.status_code, pause.json()) == (400, {"end_date": [DAY_WORDS]})
    assert order.status_code == 400 and order.json()["end_date"] == [DAY_WORDS]
    assert not OrderPause.objects.exists()


@pytest.mark.parametrize("balance", ["10000000", "-10000000", "1e20", "12.345"])
def test_an_opening_balance_out_of_bounds_is_refused_on_the_page_and_the_api(client, balance):
    admin = UserFactory(roles=[roles.ADMIN])
    api = APIClient()
    api.force_login(admin)
    from_api = api.post(
        reverse("api:customers"),
        {"name": "Anil", "phone": "98480 22338", "opening_balance": balance},
        format="json",
    )
    client.force_login(admin)
    page = client.post(
        reverse("customers:create"),
        {
            "name": "Anil",
            "phone": "98480 22338",
            "status": "trial",
            "opening_balance": balance,
            "sub_pattern": "daily",
            "sub_shift": "morning",
        },
    )

    assert from_api.status_code == 400 and "opening_balance" in from_api.json()
    assert form_errors(page) and page.context["form"].errors["opening_balance"]
