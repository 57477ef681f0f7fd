"""How the customer's pages say things: days the Indian way ("Tue 1 Dec"), an order by
what it brings rather than its code, prices, and where to call when a change is closed.
Quantities with their unit pluralised ("2 packets") are earlybird.units'."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from earlybird.templatetags.money import format_inr
from earlybird.units import quantity_text
from orders.models import Order, Product


def day_text(day: date) -> str:
    """Tue 1 Dec (with the year when it is not this year's), in the page's language."""
    return dateformat.format(day, "D j M" if day.year == timezone.localdate().year else "D j M Y")


def amount_of(quantity: Decimal, price: Decimal | None) -> Decimal | None:
    """What a quantity costs at a unit price, rounded as a delivery is billed (half up)."""
    if price is None:
        return None
    return (Decimal(quantity) * Decimal(price)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def price_text(price: Decimal | None, unit: str) -> str:
    """₹28.00 a packet (empty without a price)."""
    if price is None:
        return ""
    return _("%(price)s a %(unit)s") % {"price": format_inr(price), "unit": unit}


def products_text(names: Iterable[str]) -> str:
    """Toned milk 500 ml, Curd 500 g and Paneer 200 g."""
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def order_title(order: Order) -> str:
    """An order by what it brings: its products' names (the code says nothing to a
    customer). The lines come from the order's prefetch."""
    return products_text(line.product.name for line in order.lines.all()) or order.code


def lines_text(pairs: Iterable[tuple[Product, Decimal]]) -> str:
    """2 packets Toned milk 500 ml and 1 packet Paneer 200 g."""
    return products_text(
        f"{quantity_text(quantity, product.unit)} {product.name}" for product, quantity in pairs
    )


def call_us(*, lead: str = "") -> str:
    """Where to call, in the words of a message (the pages add a tel: link); `lead` is
    already translated ("Please call us instead" when not given)."""
    lead = lead or _("Please call us instead")
    phone = settings.BUSINESS_PHONE
    return _("%(lead)s on %(phone)s.") % {"lead": lead, "phone": phone} if phone else f"{lead}."
