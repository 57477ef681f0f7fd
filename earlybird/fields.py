from decimal import Decimal

from django.db import models


class MoneyField(models.DecimalField):
    """Rupees: Decimal with 12 digits and 2 places. Never float."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class QuantityField(models.DecimalField):
    """A quantity in the product's unit (litres, kg, pieces): Decimal with 3 places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(*args, **kwargs)


ZERO = Decimal("0")
