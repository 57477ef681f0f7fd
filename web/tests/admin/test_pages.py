"""Every admin page renders, and lists and change pages do not query per row."""

import datetime as dt
from decimal import Decimal
from itertools import count

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
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
from deliveries.tests.order_admin import submitted
from legacy_import.models import ArchivedDocument, ImportIssue, ImportRun, LegacyRecord
from messaging.models import Message
from messaging.services import queue_message, set_preference
from orders.models import DayOverride, Order, OrderPause
from orders.services import set_price
from orders.tests.factories import OneTimeOrderFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

_codes = count(1)


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
    # Message templates and switches are seeded; a message and a customer's choice:
    set_preference(customer=customer, opted_in=True, channel="sms", language="te")
    queue_message(
        customer=customer,
        purpose=Message.Purpose.PAUSE_CONFIRMED,
        context={"name": customer.name, "products": "Milk", "days": "20/01/2026"},
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


def test_the_admin_index_links_every_registered_model(admin_client):
    content = admin_client.get(reverse("admin:index")).content.decode()

    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        assert reverse("admin:{}_{}_changelist".format(*info)) in content
