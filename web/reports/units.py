"""Figures as the reports' texts say them: rupees the Indian way, quantities with their
unit in the singular or the plural (earlybird.units), shares in per cent."""

from decimal import Decimal

from earlybird.templatetags.money import format_inr
from earlybird.units import quantity_text

__all__ = ["percent", "quantity_text", "rupees"]


def rupees(amount: Decimal) -> str:
    return format_inr(amount)


def percent(part: int, whole: int) -> Decimal:
    """part of whole in per cent, to one place; 0 of nothing is 0."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))
