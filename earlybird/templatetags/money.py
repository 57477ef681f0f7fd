"""Money and quantities in templates: {{ 123456.5|inr }} -> ₹1,23,456.50, {{ q|qty }},
{{ q|units:product.unit }} -> "12 packets"."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from earlybird.units import number_text, quantity_text

register = template.Library()


def format_inr(value) -> str:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    sign = "-" if amount < 0 else ""
    rupees, paise = f"{abs(amount):.2f}".split(".")
    if len(rupees) > 3:
        head, tail = rupees[:-3], rupees[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        rupees = ",".join(groups) + "," + tail
    return f"{sign}₹{rupees}.{paise}"


@register.filter
def inr(value) -> str:
    return format_inr(value)


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros: 1.500 -> 1.5, 2.000 -> 2."""
    return number_text(value)


@register.filter
def units(value, unit) -> str:
    """A quantity with its unit, pluralised: 12 -> "12 packets", 1 -> "1 packet", 3 kg."""
    return quantity_text(value, unit)
