"""Staff customer pages: list, detail, create (login + first subscription), edit, activate.

The cast: the marketer who owns the customer, a colleague in another staff role, and
outsiders (another marketer, a delivery boy, a customer, nobody logged in).
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import Bill, Payment
from billing.services import record_payment
from customers.models import Area, Customer
from customers.tests.factories import AreaFactory, CustomerFactory, UserFactory
from deliveries.models import Delivery, RouteStop
from deliveries.services import Confirmer, assign_to_route, confirm_delivery, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import DayOverride, Order
from orders.services import pause_order, set_day_override
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
# Measured: 8 and 12 (session, user, roles, then the page's own); a little headroom.
MAX_LIST_QUERIES = 10
MAX_DETAIL_QUERIES = 14


def today() -> dt.date:
    return timezone.localdate()


def staff(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


def login(client, user):
    client.force_login(user)
    return user


def issue_bill(customer, *, total: str, period=dt.date(2026, 1, 1), number: int = 1) -> Bill:
    return Bill.objects.create(
        customer=customer,
        period=period,
        status=Bill.Status.ISSUED,
        code=f"BI-{period:%Y%m}-{number:04d}",
        issued_at=timezone.now(),
        charges=Decimal(total),
        total=Decimal(total),
    )


@pytest.fixture
def marketer():
    return staff(roles.MARKETING, username="meera")


@pytest.fixture
def own(marketer):
    """A customer brought in by `marketer`."""
    return CustomerFactory(name="Asha Rao", phone="9848022338", marketing_staff=marketer)


@pytest.fixture
def theirs():
    """A customer of another marketer."""
    return CustomerFactory(name="Bala Krishna", marketing_staff=staff(roles.MARKETING))


def outsiders():
    """Users who get a 404 on every staff page."""
    return {
        "delivery boy": DeliveryBoyFactory().user,
        "customer": CustomerFactory().user,
        "no role": UserFactory(roles=["nonexistent group"]),  # saved with its password
    }


def staff_pages(customer) -> list[str]:
    return [
        reverse("customers:list"),
        reverse("customers:create"),
        reverse("customers:detail", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]),
    ]


# --- who may open what -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, own):
    for url in staff_pages(own):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_delivery_boys_customers_and_users_without_a_role_get_a_404(client, own):
    for who, user in outsiders().items():
        login(client, user)
        for url in staff_pages(own):
            assert client.get(url).status_code == 404, (who, url)
        response = client.post(reverse("customers:activate", args=[own.pk]))
        assert response.status_code == 404, who


def test_a_marketer_sees_their_own_customer_and_gets_a_404_for_anothers(
    client, marketer, own, theirs
):
    login(client, marketer)
    assert own.name in client.get(reverse("customers:detail", args=[own.pk])).content.decode()
    assert client.get(reverse("customers:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("customers:edit", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("customers:edit", args=[theirs.pk]), {"name": "Hijacked", "phone": theirs.phone}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Bala Krishna"


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.ACCOUNTS, roles.ADMIN])
def test_support_accounts_and_admin_see_every_customer(client, own, theirs, role):
    login(client, staff(role))
    page = client.get(reverse("customers:list")).content.decode()
    assert own.name in page and theirs.name in page
    detail = client.get(reverse("customers:detail", args=[theirs.pk]))
    assert theirs.code in detail.content.decode()


def test_accounts_reads_customers_but_may_not_create_or_change_them(client, own):
    login(client, staff(roles.ACCOUNTS))
    detail = client.get(reverse("customers:detail", args=[own.pk])).content.decode()
    assert reverse("customers:edit", args=[own.pk]) not in detail
    assert client.get(reverse("customers:create")).status_code == 404
    assert client.get(reverse("customers:edit", args=[own.pk])).status_code == 404
    response = client.post(reverse("customers:create"), {"name": "X", "phone": "9000000001"})
    assert response.status_code == 404
    assert not Customer.objects.filter(phone="9000000001").exists()


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_route_and_balance_of_each_customer(client, own):
    boy = DeliveryBoyFactory(name="Suresh")
    assign_to_route(customer=own, delivery_boy=boy)
    Customer.objects.filter(pk=own.pk).update(opening_balance=Decimal("100"))
    issue_bill(own, total="1250.50")
    record_payment(customer=own, amount="350", method=Payment.Method.UPI, paid_on=today())
    login(client, staff(roles.SUPPORT))

    page = client.get(reverse("customers:list")).content.decode()

    assert "Suresh" in page
    assert "₹1,000.50" in page  # 100 + 1,250.50 − 350


def test_a_marketer_lists_only_their_own_customers(client, marketer, own, theirs):
    login(client, marketer)
    page = client.get(reverse("customers:list")).content.decode()
    assert own.name in page
    assert theirs.name not in page
    assert 'name="marketing_staff"' not in page  # the filter means nothing to them


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("asha", True),
        ("98480 22338", True),
        ("+91 98480-22338", True),
        ("CU-", True),
        ("zz", False),
    ],
)
def test_search_finds_by_name_phone_or_code(client, own, theirs, query, found):
    login(client, staff(roles.SUPPORT))
    page = client.get(reverse("customers:list"), {"q": query}).content.decode()
    assert (own.name in page) is found
    if query != "CU-":
        assert theirs.name not in page


def test_search_by_code(client, own, theirs):
    login(client, staff(roles.SUPPORT))
    page = client.get(reverse("customers:list"), {"q": own.code}).content.decode()
    assert own.name in page and theirs.name not in page


def test_filters_by_status_area_route_and_marketer(client, marketer, own, theirs):
    hill = AreaFactory(name="Banjara Hills")
    trial = CustomerFactory(name="Chitra Trial", status=Customer.Status.TRIAL, area=hill)
    boy = DeliveryBoyFactory(name="Suresh")
    assign_to_route(customer=theirs, delivery_boy=boy)
    login(client, staff(roles.SUPPORT))

    def names(**params):
        page = client.get(reverse("customers:list"), params).content.decode()
        return {c.name for c in (own, theirs, trial) if c.name in page}

    assert names(status="trial") == {"Chitra Trial"}
    assert names(area=hill.pk) == {"Chitra Trial"}
    assert names(delivery_boy=boy.pk) == {"Bala Krishna"}
    assert names(delivery_boy="none") == {"Asha Rao", "Chitra Trial"}
    assert names(marketing_staff=marketer.pk) == {"Asha Rao"}
    assert names(status="nonsense") == {"Asha Rao", "Bala Krishna", "Chitra Trial"}


def test_the_list_shows_50_customers_a_page_and_keeps_the_filters_on_other_pages(client):
    bulk_customers(60, status=Customer.Status.ACTIVE)
    login(client, staff(roles.SUPPORT))
    first = client.get(reverse("customers:list"), {"status": "active"})
    assert len(first.context["page"].object_list) == 50
    assert "status=active&amp;page=2" in first.content.decode()
    second = client.get(reverse("customers:list"), {"status": "active", "page": 2})
    assert len(second.context["page"].object_list) == 10


def bulk_customers(count: int, **fields) -> list[Customer]:
    """Many customers fast for query-count tests: users and customers in two inserts,
    half of them on a route, each tenth with a bill and a payment."""
    start = Customer.objects.count() + User.objects.count() + 1
    users = User.objects.bulk_create(
        User(username=f"7{start + n:09d}", password="!") for n in range(count)
    )
    Group.objects.get(name=roles.CUSTOMER).user_set.add(*users)
    area = AreaFactory()
    customers = Customer.objects.bulk_create(
        Customer(
            user=user,
            code=f"CU-BULK-{start + n:06d}",
            name=f"Bulk customer {start + n:06d}",
            phone=user.username,
            area=area,
            **{"status": Customer.Status.ACTIVE, **fields},
        )
        for n, user in enumerate(users)
    )
    boy = DeliveryBoyFactory()
    RouteStop.objects.bulk_create(
        RouteStop(delivery_boy=boy, customer=customer, position=n + 1)
        for n, customer in enumerate(customers[::2])
    )
    for n, customer in enumerate(customers[::10]):
        issue_bill(customer, total="100", number=start + n)
        Payment.objects.create(
            customer=customer,
            code=f"PA-BULK-{start + n:06d}",
            amount=Decimal("40"),
            method=Payment.Method.CASH,
            paid_on=today(),
        )
    return customers


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_few_queries_for_10_and_500_customers(
    client, django_assert_max_num_queries
):
    login(client, staff(roles.SUPPORT))
    url = reverse("customers:list")
    bulk_customers(10)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        few = queries_for(client, url)
    bulk_customers(490)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        many = queries_for(client, url)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        filtered = queries_for(client, url, {"q": "Bulk", "status": "active", "page": 3})
    assert few == many == filtered


# --- the detail page ---------------------------------------------------------------------


def test_the_detail_page_shows_orders_calendar_bills_payments_and_balance(client, own):
    milk, curd = ProductFactory(name="Cow milk"), ProductFactory(name="Curd 500 g")
    start = today() - dt.timedelta(days=2)
    subscription = SubscriptionFactory(customer=own, product=milk, start_date=start)
    pause_order(
        order=subscription,
        start_date=today() + dt.timedelta(days=5),
        end_date=today() + dt.timedelta(days=6),
        reason="Travelling",
    )
    set_day_override(
        line=subscription.lines.get(), day=today() + dt.timedelta(days=3), quantity=Decimal("3")
    )
    OneTimeOrderFactory(
        customer=own, product=curd, quantity=Decimal("2"), delivery_date=today() + dt.timedelta(1)
    )
    generate_deliveries(day=start)
    delivery = Delivery.objects.get(customer=own, date=start)
    confirm_delivery(
        delivery=delivery,
        delivered_qty=Decimal("0.5"),
        by=Confirmer(via=Delivery.Via.STAFF, user=staff(roles.SUPPORT)),
    )
    issue_bill(own, total="1860.00")
    record_payment(
        customer=own, amount="860", method=Payment.Method.UPI, paid_on=today(), reference="UPI123"
    )
    login(client, staff(roles.SUPPORT))

    page = client.get(
        reverse("customers:detail", args=[own.pk]), {"month": f"{start:%Y-%m}"}
    ).content.decode()

    assert subscription.code in page
    assert "Travelling" in page
    assert "Curd 500 g × 2" in page
    assert "Partly delivered" in page and "Cow milk × 0.5 of 1" in page
    assert "BI-202601-0001" in page and "₹1,860.00" in page
    assert "UPI123" in page
    assert "Balance: ₹1,000.00" in page
    assert f'id="day-{start:%Y-%m-%d}"' in page


def test_the_calendar_moves_by_month(client, own):
    login(client, staff(roles.SUPPORT))
    page = client.get(reverse("customers:detail", args=[own.pk]), {"month": "2026-02"})
    body = page.content.decode()
    assert "February 2026" in body
    assert "?month=2026-01" in body and "?month=2026-03" in body
    assert 'id="day-2026-02-28"' in body
    nonsense = client.get(reverse("customers:detail", args=[own.pk]), {"month": "2026-13"})
    assert today().strftime("%B %Y") in nonsense.content.decode()


BILL_NUMBERS = itertools.count(1)


def busy_customer(customer, *, subscriptions: int, days: int):
    """Give a customer several subscriptions with pauses and overrides, deliveries on
    `days` days, a bill per subscription and payments."""
    start = today().replace(day=1)
    for n in range(subscriptions):
        order = SubscriptionFactory(customer=customer, start_date=start)
        pause_order(order=order, start_date=today() + dt.timedelta(days=40 + n))
        set_day_override(
            line=order.lines.get(), day=today() + dt.timedelta(days=20 + n), quantity=Decimal(2)
        )
        issue_bill(customer, total="10", period=dt.date(2025, n + 1, 1), number=next(BILL_NUMBERS))
        record_payment(customer=customer, amount="5", method="cash", paid_on=today())
        OneTimeOrderFactory(customer=customer, delivery_date=today() + dt.timedelta(days=n + 1))
    for n in range(days):
        generate_deliveries(day=start + dt.timedelta(days=n))


def test_the_detail_page_runs_the_same_queries_for_a_quiet_and_a_busy_customer(
    client, django_assert_max_num_queries
):
    login(client, staff(roles.SUPPORT))
    quiet, busy = CustomerFactory(), CustomerFactory()
    busy_customer(quiet, subscriptions=1, days=1)
    bulk_customers(10)
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):
        few = queries_for(client, reverse("customers:detail", args=[quiet.pk]))
    busy_customer(busy, subscriptions=4, days=5)
    bulk_customers(490)
    with django_assert_max_num_queries(MAX_DETAIL_QUERIES):
        many = queries_for(client, reverse("customers:detail", args=[busy.pk]))
    assert few == many
    assert DayOverride.objects.filter(line__order__customer=busy).count() == 4


# --- create ------------------------------------------------------------------------------


def create_data(**overrides) -> dict:
    data = {
        "name": "Deepa Nair",
        "phone": "+91 98765 43210",
        "status": "trial",
        "address": "12 MG Road",
        "generate_password": "on",
        "sub_pattern": "daily",
        "sub_shift": "morning",
        "sub_start_date": (today() + dt.timedelta(days=1)).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_support_creates_a_customer_whose_generated_password_is_shown_once(client):
    login(client, staff(roles.SUPPORT))
    response = client.post(reverse("customers:create"), create_data(), follow=True)

    customer = Customer.objects.get(phone="9876543210")
    assert response.redirect_chain[-1][0] == reverse("customers:detail", args=[customer.pk])
    shown = [str(m) for m in response.context["messages"]]
    password = next(m for m in shown if "password" in m).split("password ")[1].split(" ")[0]
    assert authenticate(username="98765 43210", password=password) == customer.user
    assert customer.user.groups.filter(name=roles.CUSTOMER).exists()
    again = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert password not in again


def test_a_customer_is_created_with_a_chosen_password_and_a_first_subscription(client):
    milk = ProductFactory(name="Buffalo milk")
    user = login(client, staff(roles.SUPPORT))
    start = today() + dt.timedelta(days=1)
    client.post(
        reverse("customers:create"),
        create_data(
            password="Ghee-Lamp-2026",
            generate_password=None,
            sub_product=milk.pk,
            sub_quantity="1.5",
            sub_pattern="weekdays",
            sub_weekdays=["0", "3"],
            sub_start_date=start.isoformat(),
        ),
    )
    customer = Customer.objects.get(phone="9876543210")
    order = customer.orders.get()
    line = order.lines.get()
    assert authenticate(username="9876543210", password="Ghee-Lamp-2026") == customer.user
    assert (order.kind, order.pattern, order.weekdays, order.start_date) == (
        "subscription",
        "weekdays",
        [0, 3],
        start,
    )
    assert (line.product, line.quantity, order.created_by) == (milk, Decimal("1.5"), user)


def test_a_marketer_becomes_the_marketer_of_the_customers_they_create(client, marketer):
    login(client, marketer)
    page = client.get(reverse("customers:create")).content.decode()
    assert 'name="marketing_staff"' not in page
    assert 'name="opening_balance"' not in page
    client.post(reverse("customers:create"), create_data())
    assert Customer.objects.get(phone="9876543210").marketing_staff == marketer


def test_only_an_admin_sets_an_opening_balance(client):
    login(client, staff(roles.ADMIN))
    client.post(reverse("customers:create"), create_data(opening_balance="450.00"))
    assert Customer.objects.get(phone="9876543210").opening_balance == Decimal("450.00")


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"phone": "12345"}, "phone", "not a 10-digit Indian mobile number"),
        ({"name": ""}, "name", "Give the customer's name."),
        ({"password": "123", "generate_password": None}, "password", "too short"),
        ({"map_link": "not a link"}, "map_link", "Paste the whole map link"),
        ({"latitude": "17.38"}, "longitude", "Give both latitude and longitude"),
        ({"sub_quantity": "2"}, "sub_product", "Choose the product"),
        ({"sub_product": "PRODUCT"}, "sub_quantity", "How much"),
        ({"sub_product": "PRODUCT", "sub_quantity": "abc"}, "sub_quantity", "Enter a number"),
        (
            {"sub_product": "PRODUCT", "sub_quantity": "1", "sub_pattern": "weekdays"},
            "sub_weekdays",
            "Tick at least one weekday.",
        ),
        (
            {"sub_product": "PRODUCT", "sub_quantity": "1", "sub_start_date": "2020-01-01"},
            "sub_start_date",
            "cannot be in the past",
        ),
    ],
)
def test_a_form_with_mistakes_says_what_is_wrong_and_writes_nothing(client, data, field, words):
    milk = ProductFactory()
    login(client, staff(roles.SUPPORT))
    data = {k: (milk.pk if v == "PRODUCT" else v) for k, v in data.items()}
    users, customers, orders = User.objects.count(), Customer.objects.count(), Order.objects.count()

    response = client.post(reverse("customers:create"), create_data(**data))

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert words.split("’")[0] in response.content.decode().replace("&#x27;", "'")
    assert (User.objects.count(), Customer.objects.count(), Order.objects.count()) == (
        users,
        customers,
        orders,
    )


def test_a_phone_already_registered_is_refused_on_the_phone_field(client, own):
    login(client, staff(roles.SUPPORT))
    response = client.post(reverse("customers:create"), create_data(phone="098480 22338"))
    assert "already belongs to customer Asha Rao" in response.context["form"].errors["phone"][0]
    assert Customer.objects.count() == 1


def test_if_the_subscription_is_refused_the_customer_is_not_created_either(client, monkeypatch):
    """The service refuses the product after the customer row was written: all rolls back."""
    from orders import services

    milk = ProductFactory(name="Old milk")
    login(client, staff(roles.SUPPORT))
    real = services.create_subscription

    def withdrawn_meanwhile(**kwargs):
        milk.is_active = False  # stopped being sold while the form was being filled in
        return real(**{**kwargs, "lines": [services.LineSpec(milk, Decimal(1))]})

    monkeypatch.setattr(services, "create_subscription", withdrawn_meanwhile)
    response = client.post(
        reverse("customers:create"), create_data(sub_product=milk.pk, sub_quantity="1")
    )

    assert "Old milk is no longer sold." in response.context["form"].errors["sub_quantity"]
    assert not Customer.objects.filter(phone="9876543210").exists()
    assert not User.objects.filter(username="9876543210").exists()
    assert not Order.objects.exists()


# --- edit and activate -------------------------------------------------------------------


def edit_data(customer, **overrides) -> dict:
    data = {
        "name": customer.name,
        "phone": customer.phone,
        "status": customer.status,
        "address": customer.address,
    }
    data.update(overrides)
    return data


def test_a_marketer_edits_their_customer_and_a_new_phone_becomes_the_login(client, marketer, own):
    login(client, marketer)
    response = client.post(
        reverse("customers:edit", args=[own.pk]),
        edit_data(own, name="Asha R. Rao", phone="9000011111", email="asha@example.in"),
    )
    assert response.url == reverse("customers:detail", args=[own.pk])
    own.refresh_from_db()
    own.user.refresh_from_db()
    assert (own.name, own.phone, own.user.username, own.user.email) == (
        "Asha R. Rao",
        "9000011111",
        "9000011111",
        "asha@example.in",
    )
    assert own.marketing_staff == marketer  # kept, though the field is not on their form


def test_editing_to_a_phone_of_another_customer_is_refused_and_nothing_changes(client, own, theirs):
    login(client, staff(roles.SUPPORT))
    response = client.post(
        reverse("customers:edit", args=[own.pk]),
        edit_data(own, name="Changed", phone=theirs.phone),
    )
    assert "already belongs to customer Bala Krishna" in response.content.decode()
    own.refresh_from_db()
    assert (own.name, own.phone) == ("Asha Rao", "9848022338")


def test_editing_keeps_the_opening_balance_when_the_form_does_not_show_it(client, own):
    Customer.objects.filter(pk=own.pk).update(opening_balance=Decimal("75"))
    login(client, staff(roles.SUPPORT))
    client.post(reverse("customers:edit", args=[own.pk]), edit_data(own, name="Asha"))
    own.refresh_from_db()
    assert (own.name, own.opening_balance) == ("Asha", Decimal("75.00"))


def test_a_trial_customer_is_moved_to_active(client, marketer):
    customer = CustomerFactory(status=Customer.Status.TRIAL, marketing_staff=marketer)
    login(client, marketer)
    response = client.post(reverse("customers:activate", args=[customer.pk]), follow=True)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE
    assert "is now an active customer" in response.content.decode()


def test_a_stopped_customer_is_not_activated_and_the_page_says_why(client):
    customer = CustomerFactory(status=Customer.Status.STOPPED)
    login(client, staff(roles.SUPPORT))
    response = client.post(reverse("customers:activate", args=[customer.pk]), follow=True)
    customer.refresh_from_db()
    assert customer.status == Customer.Status.STOPPED
    assert "not on trial" in response.content.decode()


def test_activate_is_a_404_for_accounts_and_for_another_marketers_customer(
    client, marketer, theirs
):
    Customer.objects.filter(pk=theirs.pk).update(status=Customer.Status.TRIAL)
    for user in (staff(roles.ACCOUNTS), marketer):
        login(client, user)
        assert client.post(reverse("customers:activate", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Customer.Status.TRIAL
    assert client.get(reverse("customers:activate", args=[theirs.pk])).status_code == 405


def test_areas_closed_since_stay_on_a_customers_form(client, own):
    Area.objects.filter(pk=own.area_id).update(is_active=False)
    login(client, staff(roles.SUPPORT))
    form = client.get(reverse("customers:edit", args=[own.pk])).context["form"]
    assert own.area in form.fields["area"].queryset
    assert (
        own.area
        not in client.get(reverse("customers:create")).context["form"].fields["area"].queryset
    )
