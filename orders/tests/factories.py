import datetime as dt
from decimal import Decimal

import factory

from customers.tests.factories import CustomerFactory
from orders.models import Order, Product, ProductPrice
from orders.services import LineSpec, create_one_time_order, create_subscription


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Product {n}")
    unit = Product.Unit.LITRE

    @factory.post_generation
    def price(self, create, extracted, **kwargs):
        if create:
            ProductPrice.objects.create(
                product=self,
                price=Decimal(extracted or "60.00"),
                effective_from=dt.date(2020, 1, 1),
            )


class SubscriptionFactory(factory.Factory):
    """A subscription made through create_subscription; `quantity` of one product."""

    class Meta:
        model = dict

    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("1")
    start_date = dt.date(2026, 1, 1)
    pattern = Order.Pattern.DAILY
    shift = Order.Shift.MORNING

    @classmethod
    def _create(cls, model_class, *, product, quantity, **kwargs):
        return create_subscription(lines=[LineSpec(product, Decimal(quantity))], **kwargs)


class OneTimeOrderFactory(factory.Factory):
    class Meta:
        model = dict

    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("2")
    delivery_date = dt.date(2026, 1, 15)
    shift = Order.Shift.MORNING

    @classmethod
    def _create(cls, model_class, *, product, quantity, **kwargs):
        return create_one_time_order(lines=[LineSpec(product, Decimal(quantity))], **kwargs)
