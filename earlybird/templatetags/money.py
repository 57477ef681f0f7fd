"""Money and quantities in templates: {{ 123456.5|inr }} -> ₹1,23,456.50, {{ q|qty }}."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

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
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    return f"{number.normalize():f}"
