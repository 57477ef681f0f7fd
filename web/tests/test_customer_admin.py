"""/admin/ for a staff user who is not a superuser scopes rows like the staff pages, and
only an admin sets a customer's opening balance (the rule lives in customers.services).

Cast: a marketer given admin access (is_staff) and his own customer, a colleague's
customer, and an admin-group staff user."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird import roles
from orders.models import Order
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer():
    return UserFactory(roles=[roles.MARKETING], is_staff=True)


@pytest.fixture
def own(marketer):
    return CustomerFactory(name="Own Customer", marketing_staff=marketer)


@pytest.fixture
def colleagues():
    return CustomerFactory(
        name="Colleague's Customer", marketing_staff=UserFactory(roles=[roles.MARKETING])
    )


def change_data(customer: Customer, **overrides) -> dict:
    data = {
        "name": customer.name,
        "phone": customer.phone,
        "email": "",
        "status": customer.status,
        "marketing_staff": customer.marketing_staff_id or "",
        "area": customer.area_id or "",
        "address": customer.address,
        "landmark": "",
        "map_link": "",
        "latitude": "",
        "longitude": "",
        "opening_balance": str(customer.opening_balance),
        "notes": "",
    }
    data.update(overrides)
    return data


def test_a_marketer_in_the_admin_lists_only_his_own_customers(client, marketer, own, colleagues):
    client.force_login(marketer)

    response = client.get(reverse("admin:customers_customer_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]


def test_a_marketer_cannot_open_a_colleagues_customer_in_the_admin(client, marketer, colleagues):
    client.force_login(marketer)

    response = client.get(reverse("admin:customers_customer_change", args=[colleagues.pk]))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_a_marketer_in_the_admin_lists_only_his_own_customers_orders(
    client, marketer, own, colleagues
):
    mine = SubscriptionFactory(customer=own)
    SubscriptionFactory(customer=colleagues)
    client.force_login(marketer)

    response = client.get(reverse("admin:orders_order_changelist"))

    assert list(response.context["cl"].result_list) == [mine]


def test_a_marketer_cannot_add_an_order_for_a_colleagues_customer(client, marketer, colleagues):
    client.force_login(marketer)

    response = client.post(
        reverse("admin:orders_order_add"),
        {
            "customer": colleagues.pk,
            "kind": Order.Kind.SUBSCRIPTION,
            "status": Order.Status.ACTIVE,
            "shift": Order.Shift.MORNING,
            "start_date": "2026-12-01",
            "pattern": Order.Pattern.DAILY,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": ProductFactory().pk,
            "lines-0-quantity": "1",
            "pauses-TOTAL_FORMS": "0",
            "pauses-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "customer" in response.context["adminform"].form.errors
    assert not Order.objects.exists()


def test_the_opening_balance_is_read_only_for_a_marketer_in_the_admin(client, marketer, own):
    client.force_login(marketer)
    url = reverse("admin:customers_customer_change", args=[own.pk])

    page = client.get(url)
    response = client.post(url, change_data(own, opening_balance="5000.00", notes="Gate 2"))

    assert "opening_balance" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.opening_balance, own.notes) == (Decimal("0.00"), "Gate 2")


def test_a_customer_a_marketer_adds_in_the_admin_is_his_own(client, marketer):
    client.force_login(marketer)

    response = client.post(
        reverse("admin:customers_customer_add"),
        {**change_data(Customer(name="Lakshmi", phone="9848022338")), "password": ""},
    )

    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.marketing_staff, customer.opening_balance) == (marketer, Decimal("0"))


def test_an_admin_sets_the_opening_balance_in_the_admin(client, own):
    client.force_login(UserFactory(roles=[roles.ADMIN], is_staff=True))
    url = reverse("admin:customers_customer_change", args=[own.pk])

    response = client.post(url, change_data(own, opening_balance="1250.50"))

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.opening_balance == Decimal("1250.50")


def test_support_in_the_admin_sees_every_customer_but_not_the_opening_balance(
    client, own, colleagues
):
    client.force_login(UserFactory(roles=[roles.SUPPORT], is_staff=True))

    listed = client.get(reverse("admin:customers_customer_changelist"))
    page = client.get(reverse("admin:customers_customer_change", args=[own.pk]))

    assert set(listed.context["cl"].result_list) == {own, colleagues}
    form = page.context["adminform"].form
    assert "opening_balance" not in form.fields
    assert "marketing_staff" in form.fields


def test_a_staff_user_without_a_role_sees_no_customers_in_the_admin(client, own):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(user)

    response = client.get(reverse("admin:customers_customer_changelist"))

    assert list(response.context["cl"].result_list) == []
