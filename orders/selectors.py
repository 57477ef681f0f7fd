"""Reads on orders and prices."""

from datetime import date
from decimal import Decimal

from customers.models import Customer
from orders.models import CustomerPrice, Product, ProductPrice


def price_on(*, product: Product, day: date, customer: Customer | None = None) -> Decimal | None:
    """The price in force on `day`: the customer's own price if any, else the product's."""
    if customer is not None:
        own = (
            CustomerPrice.objects.filter(
                customer=customer, product=product, effective_from__lte=day
            )
            .order_by("-effective_from")
            .values_list("price", flat=True)
            .first()
        )
        if own is not None:
            return own
    return (
        ProductPrice.objects.filter(product=product, effective_from__lte=day)
        .order_by("-effective_from")
        .values_list("price", flat=True)
        .first()
    )
