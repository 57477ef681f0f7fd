"""Products and their prices (a product's own, or one customer's)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from earlybird import bounds, roles
from orders.models import CustomerPrice, Order, Product, ProductPrice
from orders.signals import schedule_changed


def set_price(
    *,
    product: Product,
    price: Decimal,
    effective_from: date,
    customer: Customer | None = None,
    by=None,
) -> ProductPrice | CustomerPrice:
    """Set the product's price (or one customer's own price) from a date on.

    Setting a price again for the same date replaces it; earlier days keep theirs. Only
    accounts staff and admins set prices (`by`: the user acting; None for commands and
    the import), on every path: pages, admin, API.
    """
    if by is not None and not roles.has_role(by, *roles.PRICE_MANAGERS):
        raise ValidationError({"price": "Only accounts staff or an admin may set prices."})
    price = Decimal(price)
    if price < 0:
        raise ValidationError({"price": "A price cannot be negative."})
    if price:
        bounds.check_amount(price, field="price")
    model, scope = (CustomerPrice, {"customer": customer}) if customer else (ProductPrice, {})
    with transaction.atomic():
        row, created = model.objects.select_for_update().get_or_create(
            product=product, effective_from=effective_from, **scope, defaults={"price": price}
        )
        if not created and row.price == price:
            return row
        if not created:
            row.price = price
            row.full_clean()
            row.save()
        _reprice(product=product, customer=customer, from_day=effective_from)
    return row


def _reprice(*, product: Product, customer: Customer | None, from_day: date) -> None:
    """Deliveries already generated from `from_day` on, still pending, take the price now
    in force (confirmed ones keep theirs); the receiver is deliveries' refresh."""
    scope = {"customer": customer} if customer else {}
    affected = Order.objects.filter(lines__product=product, **scope)
    order_ids = list(affected.values_list("pk", flat=True).distinct())
    if order_ids:
        schedule_changed.send(sender=Order, order_ids=order_ids, from_day=from_day)


def remove_price(*, price: ProductPrice | CustomerPrice) -> None:
    """Take back a price set for a day still to come. A price already in force stays
    (deliveries were priced with it): set a new price from a later day instead."""
    if price.effective_from <= timezone.localdate():
        raise ValidationError(
            f"This price is in force since {price.effective_from:%d %b %Y}; "
            "set a new price from a later day instead."
        )
    model = type(price)
    with transaction.atomic():
        if model is ProductPrice:
            others = ProductPrice.objects.filter(product_id=price.product_id).exclude(pk=price.pk)
            if not others.exists():
                raise ValidationError(f"{price.product} needs a price; this is its only one.")
        model.objects.filter(pk=price.pk).delete()
        _reprice(
            product=price.product,
            customer=getattr(price, "customer", None),
            from_day=price.effective_from,
        )


def _set_containers(product: Product, *, returnable, container, deposit) -> None:
    """A returnable product's container and deposit per container (₹, 0 or more; none on
    a product that is not returnable). None leaves a value as it is."""
    if returnable is not None:
        product.returnable = bool(returnable)
    if container is not None:
        product.container = container.strip()
    if deposit is not None:
        deposit = Decimal(deposit)
        if deposit:
            bounds.check_amount(deposit, field="deposit")
        product.deposit = deposit
    if product.deposit and not product.returnable:
        raise ValidationError({"deposit": "A deposit is only for a returnable product."})


def create_product(
    *,
    name: str,
    unit: str,
    price: Decimal,
    effective_from: date,
    sort_order: int = 0,
    returnable: bool = False,
    container: str = "",
    deposit: Decimal = Decimal(0),
    by=None,
) -> Product:
    """A new product with its first price, in one transaction."""
    with transaction.atomic():
        product = Product(name=name.strip(), unit=unit, sort_order=sort_order)
        _set_containers(product, returnable=returnable, container=container, deposit=deposit)
        product.full_clean()
        product.save()
        set_price(product=product, price=price, effective_from=effective_from, by=by)
    return product


def update_product(
    *,
    product: Product,
    name: str,
    unit: str,
    is_active: bool,
    sort_order: int = 0,
    returnable: bool | None = None,
    container: str | None = None,
    deposit: Decimal | None = None,
) -> Product:
    """Rename, change the unit or the order on lists, stop selling a product, or say
    whether it comes in a returnable container (None: unchanged).

    A product no longer sold keeps its existing order lines; it cannot be ordered anew.
    Containers already handed over stay counted as they were (deliveries keep theirs).
    """
    product.name, product.unit = name.strip(), unit
    product.is_active, product.sort_order = is_active, sort_order
    _set_containers(product, returnable=returnable, container=container, deposit=deposit)
    product.full_clean()
    with transaction.atomic():
        product.save()
    return product
