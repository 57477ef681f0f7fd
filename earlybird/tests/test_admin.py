"""The Django admin: it writes through the services, renders every page, stays cheap."""

import datetime as dt
import re
from decimal import Decimal
from itertools import count

import pytest
from django.contrib import admin
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from billing.models import Adjustment, Bill, BillingLine, BillingRun, Payment
from customers.models import Customer
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery, DeliveryLink
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from legacy_import.models import ArchivedDocument, ImportIssue, ImportRun, LegacyRecord
from orders.models import DayOverride, Order, OrderPause
from orders.services import set_price
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

PHONE = "9848022338"
PASSWORD = "Fresh-Milk-At-6am"
_codes = count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def customer_form(**overrides) -> dict:
    """A complete POST for the customer add/change form."""
    data = {
        "name": "Lakshmi Devi",
        "phone": "+91 98480-22338",
        "email": "",
        "status": Customer.Status.ACTIVE,
        "marketing_staff": "",
        "area": "",
        "address": "12 Temple Street",
        "landmark": "",
        "map_link": "",
        "latitude": "",
        "longitude": "",
        "opening_balance": "0",
        "notes": "",
    }
    data.update(overrides)
    return data


def change_form_of(customer: Customer, **overrides) -> dict:
    current = {
        "name": customer.name,
        "phone": customer.phone,
        "status": customer.status,
        "area": customer.area_id or "",
        "address": customer.address,
    }
    return customer_form(**{**current, **overrides})


def make_delivery(order: Order, *, day: dt.date, boy=None, delivered: bool = False) -> Delivery:
    line = order.lines.select_related("product").first()
    confirmation = {}
    if delivered:
        confirmation = {
            "status": Delivery.Status.DELIVERED,
            "delivered_qty": line.quantity,
            "confirmed_at": timezone.now(),
            "confirmed_via": Delivery.Via.STAFF,
        }
    return Delivery.objects.create(
        code=f"DL-TEST-{next(_codes):05d}",
        order=order,
        order_line=line,
        product=line.product,
        customer=order.customer,
        delivery_boy=boy,
        date=day,
        shift=order.shift,
        ordered_qty=line.quantity,
        unit_price=Decimal("60.00"),
        **confirmation,
    )


# Customers are created and changed through the services ------------------------------


def test_a_customer_added_in_the_admin_gets_a_login_that_works(admin_client):
    response = admin_client.post(
        reverse("admin:customers_customer_add"), customer_form(password=PASSWORD)
    )

    assert response.status_code == 302
    customer = Customer.objects.select_related("user").get()
    assert customer.phone == PHONE
    assert customer.code.startswith("CU-")
    assert customer.user.username == PHONE
    assert customer.user.groups.filter(name="customer").exists()
    assert authenticate(username=PHONE, password=PASSWORD) == customer.user


def test_a_blank_password_is_generated_and_shown_once(admin_client):
    response = admin_client.post(reverse("admin:customers_customer_add"), customer_form())

    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request) if "password" in str(m)]
    assert len(shown) == 1
    password = re.search(r"the password (\S+) ", shown[0]).group(1)
    assert len(password) >= 12
    assert authenticate(username=PHONE, password=password) == Customer.objects.get().user


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+91 98480 22338", "already belongs to customer"),
        ("98480 11111", "already the login"),  # a delivery boy's login
        ("12345", "10-digit"),
    ],
)
def test_a_taken_or_bad_phone_is_an_error_on_the_phone_field_and_writes_nothing(
    admin_client, phone, expected
):
    CustomerFactory(phone=PHONE)
    DeliveryBoyFactory(phone="9848011111")
    customers, users = Customer.objects.count(), User.objects.count()

    response = admin_client.post(
        reverse("admin:customers_customer_add"), customer_form(phone=phone, password=PASSWORD)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["phone"]
    assert expected in errors["phone"][0]
    assert (Customer.objects.count(), User.objects.count()) == (customers, users)


def test_a_weak_password_is_an_error_on_the_password_field(admin_client):
    response = admin_client.post(
        reverse("admin:customers_customer_add"), customer_form(password="12345678")
    )

    assert response.status_code == 200
    assert "password" in response.context["adminform"].form.errors
    assert not Customer.objects.exists()


def test_changing_the_phone_in_the_admin_changes_the_login_too(admin_client):
    customer = CustomerFactory(phone=PHONE, password=PASSWORD)

    response = admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        change_form_of(customer, phone="+91 98480 99999"),
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert (customer.phone, customer.user.username) == ("9848099999", "9848099999")
    assert authenticate(username="9848099999", password=PASSWORD) == customer.user


def test_the_history_page_shows_a_change_made_in_the_admin(admin_client, admin_user):
    customer = CustomerFactory(name="Lakshmi Devi")

    admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        change_form_of(customer, name="Lakshmi Rao"),
    )
    response = admin_client.get(reverse("admin:customers_customer_history", args=[customer.pk]))

    assert response.status_code == 200
    latest = response.context["page_obj"].object_list[0]
    assert (latest.name, latest.history_user) == ("Lakshmi Rao", admin_user)
    content = response.content.decode()
    assert "Lakshmi Rao" in content
    assert admin_user.username in content


def test_a_revert_from_the_history_is_refused(admin_client):
    customer = CustomerFactory(name="Lakshmi Devi")
    first = customer.history.earliest()
    admin_client.post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        change_form_of(customer, name="Lakshmi Rao"),
    )

    url = reverse("admin:customers_customer_simple_history", args=[customer.pk, first.history_id])
    response = admin_client.post(url, change_form_of(customer, name="Lakshmi Devi"))

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Lakshmi Rao"


# Other writes get their codes and logins ----------------------------------------------


def order_form(**overrides) -> dict:
    data = {
        "customer": "",
        "kind": Order.Kind.SUBSCRIPTION,
        "status": Order.Status.ACTIVE,
        "shift": Order.Shift.MORNING,
        "notes": "",
        "start_date": "2026-02-01",
        "end_date": "",
        "pattern": Order.Pattern.DAILY,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": "",
        "lines-0-quantity": "1.5",
        "pauses-TOTAL_FORMS": "0",
        "pauses-INITIAL_FORMS": "0",
        "pauses-MIN_NUM_FORMS": "0",
        "pauses-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("kind", "status", "prefix"),
    [
        (Order.Kind.SUBSCRIPTION, Order.Status.ACTIVE, "SU-"),
        (Order.Kind.ONE_TIME, Order.Status.PLACED, "OR-"),
    ],
)
def test_an_order_added_in_the_admin_gets_its_code_and_lines(admin_client, kind, status, prefix):
    customer, product = CustomerFactory(), ProductFactory()

    response = admin_client.post(
        reverse("admin:orders_order_add"),
        order_form(
            customer=customer.pk, kind=kind, status=status, **{"lines-0-product": product.pk}
        ),
    )

    assert response.status_code == 302
    order = Order.objects.get()
    assert order.code.startswith(prefix)
    assert [(line.product, line.quantity) for line in order.lines.all()] == [
        (product, Decimal("1.5"))
    ]
    if kind == Order.Kind.ONE_TIME:
        assert order.end_date == order.start_date


def test_an_order_without_lines_is_refused(admin_client):
    customer = CustomerFactory()

    response = admin_client.post(
        reverse("admin:orders_order_add"),
        order_form(customer=customer.pk, **{"lines-TOTAL_FORMS": "0"}),
    )

    assert response.status_code == 200
    assert not Order.objects.exists()


def test_a_delivery_boy_added_in_the_admin_can_log_in(admin_client):
    response = admin_client.post(
        reverse("admin:deliveries_deliveryboy_add"),
        {"name": "Ravi", "phone": "+91 99887 76655", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert authenticate(username="9988776655", password=PASSWORD).delivery_boy.name == "Ravi"


def test_a_payment_added_in_the_admin_gets_a_code_for_its_day(admin_client, admin_user):
    customer = CustomerFactory()

    response = admin_client.post(
        reverse("admin:billing_payment_add"),
        {
            "customer": customer.pk,
            "amount": "450.00",
            "method": Payment.Method.UPI,
            "paid_on": "2026-02-03",
            "reference": "UPI123",
            "received_by": admin_user.pk,
            "notes": "",
        },
    )

    assert response.status_code == 302
    assert Payment.objects.get().code == "PA-20260203-0001"


def test_a_product_price_changed_in_the_admin_replaces_that_days_price(admin_client):
    product = ProductFactory(price="60.00")
    price = product.prices.get()

    response = admin_client.post(
        reverse("admin:orders_productprice_change", args=[price.pk]), {"price": "62.50"}
    )

    assert response.status_code == 302
    assert list(product.prices.values_list("price", flat=True)) == [Decimal("62.50")]


# Every page renders, and lists do not query per row ------------------------------------


@pytest.fixture
def one_of_everything(admin_user):
    """At least one row of every model, so every list shows something."""
    boy = DeliveryBoyFactory()
    order = SubscriptionFactory(start_date=dt.date(2026, 1, 1))
    customer = order.customer
    OneTimeOrderFactory(customer=customer)
    line = order.lines.get()
    OrderPause.objects.create(order=order, start_date=dt.date(2026, 1, 20))
    DayOverride.objects.create(line=line, date=dt.date(2026, 1, 12), quantity=Decimal("2"))
    set_price(
        product=line.product,
        price=Decimal("55"),
        effective_from=order.start_date,
        customer=customer,
    )
    assign_to_route(customer=customer, delivery_boy=boy)
    delivery = make_delivery(order, day=dt.date(2026, 1, 10), boy=boy, delivered=True)
    DeliveryLink.objects.create(
        delivery_boy=boy,
        shift=Order.Shift.MORNING,
        token_hash="a" * 64,
        valid_from=dt.date(2026, 1, 10),
        valid_until=dt.date(2026, 1, 10),
        expires_at=timezone.now(),
        created_by=admin_user,
    )
    run = BillingRun.objects.create(period=dt.date(2026, 1, 1), started_by=admin_user)
    bill = Bill.objects.create(
        customer=customer,
        period=dt.date(2026, 1, 1),
        run=run,
        charges=Decimal("60.00"),
        total=Decimal("60.00"),
    )
    BillingLine.objects.create(
        bill=bill,
        delivery=delivery,
        quantity=delivery.delivered_qty,
        unit_price=delivery.unit_price,
        amount=Decimal("60.00"),
    )
    Payment.objects.create(
        code="PA-20260131-0001",
        customer=customer,
        amount=Decimal("60"),
        method=Payment.Method.CASH,
        paid_on=dt.date(2026, 1, 31),
    )
    Adjustment.objects.create(
        customer=customer, amount=Decimal("-5"), reason="Sour milk", date=dt.date(2026, 1, 11)
    )
    LegacyRecord.objects.create(
        collection="customers",
        legacy_id="5f1a",
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=customer.pk,
    )
    Token.objects.create(user=admin_user)
    run = ImportRun.objects.create(source="dump/", report={"customers_v2": {"read": 1}})
    ImportIssue.objects.create(
        run=run,
        collection="customers_v2",
        legacy_id="c-9",
        kind="rejected",
        reason="duplicate_phone",
    )
    ArchivedDocument.objects.create(
        collection="wallets", legacy_id="w-1", checksum="0" * 64, document={"id": "w-1"}
    )


REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED]
)
def test_every_admin_page_renders(admin_client, admin_user, one_of_everything, model, model_admin):
    info = model._meta.app_label, model._meta.model_name
    rows = model._default_manager.count()
    assert rows > 0, "the fixture should make a row of every model"

    changelist = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == rows

    obj = model._default_manager.first()
    change = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert change.status_code == 200
    assert change.context["original"] == obj

    request = RequestFactory().get("/")
    request.user = admin_user
    add = admin_client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)


def test_read_only_records_cannot_be_added_or_changed_in_the_admin(admin_client, one_of_everything):
    bill = Bill.objects.get()

    assert admin_client.get(reverse("admin:billing_bill_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:billing_bill_change", args=[bill.pk]), {"status": Bill.Status.VOID}
    )

    assert response.status_code == 403
    bill.refresh_from_db()
    assert bill.status == Bill.Status.DRAFT


# Session, user, filters, count, rows, date-hierarchy bounds and days, paginator count.
LIST_QUERIES = 9


def test_the_customer_list_does_not_query_per_row(admin_client, django_assert_max_num_queries):
    url = reverse("admin:customers_customer_changelist")
    for _ in range(3):
        CustomerFactory(marketing_staff=UserFactory())
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(admin_client.get(url).context["cl"].result_list) == 3

    for _ in range(27):
        CustomerFactory(marketing_staff=UserFactory())
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(admin_client.get(url).context["cl"].result_list) == 30


def test_the_delivery_list_does_not_query_per_row(admin_client, django_assert_max_num_queries):
    url = reverse("admin:deliveries_delivery_changelist")
    boys = [DeliveryBoyFactory() for _ in range(3)]
    days = [dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)]

    def add_customers(n: int) -> None:
        for i in range(n):
            order = SubscriptionFactory(start_date=days[0])
            assign_to_route(customer=order.customer, delivery_boy=boys[i % 3])
        for day in days:
            generate_deliveries(day=day)

    add_customers(1)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(admin_client.get(url).context["cl"].result_list) == 3

    add_customers(9)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(admin_client.get(url).context["cl"].result_list) == 30


def submitted(response) -> dict:
    """What the browser would post back from an admin change page, untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value
    return data


ORDER_PAGE_QUERIES = 11


def test_an_order_with_deliveries_can_be_changed_and_its_page_does_not_query_per_delivery(
    admin_client, django_assert_max_num_queries
):
    order = SubscriptionFactory(start_date=dt.date(2026, 1, 1))
    url = reverse("admin:orders_order_change", args=[order.pk])
    boy = DeliveryBoyFactory()
    for day in range(1, 4):
        make_delivery(order, day=dt.date(2026, 1, day), boy=boy)
    with django_assert_max_num_queries(ORDER_PAGE_QUERIES):
        admin_client.get(url)
    for day in range(4, 31):
        make_delivery(order, day=dt.date(2026, 1, day), boy=boy)
    with django_assert_max_num_queries(ORDER_PAGE_QUERIES):
        page = admin_client.get(url)
    assert len(page.context["inline_admin_formsets"][-1].formset.forms) == 30

    response = admin_client.post(url, {**submitted(page), "notes": "Ring twice"})

    assert response.status_code == 302, response.context["errors"]
    order.refresh_from_db()
    assert order.notes == "Ring twice"
    assert order.deliveries.count() == 30


def test_a_stop_added_in_the_admin_at_a_taken_place_moves_the_later_stops_down(admin_client):
    boy = DeliveryBoyFactory()
    first, second, newcomer = CustomerFactory(), CustomerFactory(), CustomerFactory()
    assign_to_route(customer=first, delivery_boy=boy)
    assign_to_route(customer=second, delivery_boy=boy)

    response = admin_client.post(
        reverse("admin:deliveries_routestop_add"),
        {"delivery_boy": boy.pk, "customer": newcomer.pk, "place": "1"},
    )

    assert response.status_code == 302
    route = boy.stops.order_by("position").values_list("customer", "position")
    assert list(route) == [(newcomer.pk, 1), (first.pk, 2), (second.pk, 3)]


def test_a_stop_moved_in_the_admin_keeps_the_route_in_order(admin_client):
    boy = DeliveryBoyFactory()
    customers = [CustomerFactory() for _ in range(3)]
    stops = [assign_to_route(customer=c, delivery_boy=boy) for c in customers]

    response = admin_client.post(
        reverse("admin:deliveries_routestop_change", args=[stops[2].pk]),
        {"delivery_boy": boy.pk, "place": "1"},
    )

    assert response.status_code == 302
    route = boy.stops.order_by("position").values_list("customer", flat=True)
    assert list(route) == [customers[2].pk, customers[0].pk, customers[1].pk]


def test_the_admin_index_links_every_registered_model(admin_client):
    content = admin_client.get(reverse("admin:index")).content.decode()

    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        assert reverse("admin:{}_{}_changelist".format(*info)) in content


def test_revoking_links_in_the_admin_records_who_and_when(admin_client, admin_user):
    link = DeliveryLink.objects.create(
        delivery_boy=DeliveryBoyFactory(),
        shift=Order.Shift.MORNING,
        token_hash="b" * 64,
        valid_from=dt.date(2026, 1, 10),
        valid_until=dt.date(2026, 1, 10),
        expires_at=timezone.now(),
    )

    response = admin_client.post(
        reverse("admin:deliveries_deliverylink_changelist"),
        {"action": "revoke", "_selected_action": [link.pk]},
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.revoked_by == admin_user
