"""Invariant 6: money is Decimal with 2 places, quantities Decimal with 3, end to end;
no float touches money — checked on every app's models and columns."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DataError, connection, models, transaction
from django.db.models import Sum
from django.utils import timezone

from billing.models import Bill, BillingLine
from deliveries.models import Delivery
from earlybird.fields import MoneyField, QuantityField
from orders.models import ProductPrice
from orders.tests.factories import ProductFactory, SubscriptionFactory

PROJECT_APPS = ("customers", "orders", "deliveries", "billing", "earlybird")


def project_fields(kind):
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, kind):
                    yield model, field


def test_every_amount_and_quantity_in_the_project_uses_them():
    money = {f"{m.__name__}.{f.name}" for m, f in project_fields(MoneyField)}
    quantity = {f"{m.__name__}.{f.name}" for m, f in project_fields(QuantityField)}
    assert {
        "Customer.opening_balance",
        "ProductPrice.price",
        "CustomerPrice.price",
        "Delivery.unit_price",
        "Bill.previous_balance",
        "Bill.charges",
        "Bill.adjustments_total",
        "Bill.total",
        "BillingLine.unit_price",
        "BillingLine.amount",
        "Payment.amount",
        "Adjustment.amount",
        "BillingRun.amount_billed",
    } <= money
    assert {
        "OrderLine.quantity",
        "DayOverride.quantity",
        "Delivery.ordered_qty",
        "Delivery.delivered_qty",
        "BillingLine.quantity",
    } <= quantity


def test_no_model_in_the_project_has_a_float_field():
    floats = [f"{m.__name__}.{f.name}" for m, f in project_fields(models.FloatField)]
    assert floats == []


@pytest.mark.django_db
def test_the_columns_are_numeric_with_2_or_3_places():
    expected = {}
    for kind, places in ((MoneyField, (12, 2)), (QuantityField, (10, 3))):
        for model, field in project_fields(kind):
            expected[(model._meta.db_table, field.column)] = places
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type, numeric_precision, numeric_scale
              FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ANY(%s)
            """,
            [sorted({table for table, _ in expected})],
        )
        found = {(t, c): (dtype, (p, s)) for t, c, dtype, p, s in cursor.fetchall()}
    assert {key: found[key] for key in expected} == {
        key: ("numeric", places) for key, places in expected.items()
    }


# --- values read back -------------------------------------------------------------


@pytest.mark.django_db
def test_money_and_quantities_read_back_as_decimal_with_their_places():
    order = SubscriptionFactory(quantity=Decimal("1.5"))
    line = order.lines.get()
    delivery = Delivery.objects.create(
        code="DL-TEST-00001",
        order=order,
        order_line=line,
        product=line.product,
        customer=order.customer,
        date=dt.date(2026, 1, 10),
        shift=order.shift,
        ordered_qty=Decimal("1.5"),
        delivered_qty=Decimal("1.5"),
        unit_price=Decimal("62"),
        status=Delivery.Status.DELIVERED,
        confirmed_at=timezone.now(),
        confirmed_via=Delivery.Via.STAFF,
    )
    bill = Bill.objects.create(customer=order.customer, period=dt.date(2026, 1, 1))
    BillingLine.objects.create(
        bill=bill,
        delivery=delivery,
        quantity=Decimal("1.5"),
        unit_price=Decimal("62"),
        amount=Decimal("93"),
    )

    delivery.refresh_from_db()
    billed = BillingLine.objects.get()
    total = BillingLine.objects.aggregate(total=Sum("amount"))["total"]
    listed = list(Delivery.objects.values_list("unit_price", "delivered_qty"))

    for value, places in [
        (delivery.unit_price, 2),
        (delivery.ordered_qty, 3),
        (delivery.delivered_qty, 3),
        (billed.amount, 2),
        (billed.quantity, 3),
        (line.quantity, 3),
        (total, 2),
        (listed[0][0], 2),
        (listed[0][1], 3),
    ]:
        assert type(value) is Decimal
        assert value.as_tuple().exponent == -places
    assert billed.amount == Decimal("93.00")
    assert str(delivery.unit_price) == "62.00"
    assert str(delivery.delivered_qty) == "1.500"


@pytest.mark.django_db
def test_full_clean_refuses_money_with_more_than_2_places():
    price = ProductPrice(
        product=ProductFactory(), price=Decimal("60.005"), effective_from=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        price.full_clean()
    assert "price" in excinfo.value.message_dict


@pytest.mark.django_db
def test_the_database_refuses_money_beyond_12_digits():
    product = ProductFactory()
    with pytest.raises(DataError), transaction.atomic():
        ProductPrice.objects.create(
            product=product, price=Decimal("10000000000.00"), effective_from=dt.date(2026, 1, 1)
        )
    assert product.prices.count() == 1  # only the factory's
