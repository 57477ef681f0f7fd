"""The money and quantity fields (Decimal with 2 and 3 places), and the ₹ filter that
groups digits the Indian way. (Invariant 6 across every app's models:
web/tests/test_money.py.)"""

from decimal import Decimal

import pytest
from django.db import models
from django.template import Context, Template

from earlybird.fields import MoneyField, QuantityField
from earlybird.templatetags.money import format_inr, inr

# --- the fields -------------------------------------------------------------------


def test_money_and_quantity_fields_default_to_2_and_3_places():
    money, quantity = MoneyField(), QuantityField()
    assert isinstance(money, models.DecimalField)
    assert (money.max_digits, money.decimal_places) == (12, 2)
    assert isinstance(quantity, models.DecimalField)
    assert (quantity.max_digits, quantity.decimal_places) == (10, 3)


# --- the ₹ filter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (123456.5, "₹1,23,456.50"),
        (Decimal("123456.5"), "₹1,23,456.50"),
        (0, "₹0.00"),
        (Decimal("0.00"), "₹0.00"),
        (1000, "₹1,000.00"),
        (999, "₹999.00"),
        (100000, "₹1,00,000.00"),
        (10000000, "₹1,00,00,000.00"),
        (-1234.5, "-₹1,234.50"),
        (Decimal("-123456.78"), "-₹1,23,456.78"),
        (Decimal("0.005"), "₹0.01"),
        (Decimal("0.004"), "₹0.00"),
        ("2500", "₹2,500.00"),
    ],
)
def test_inr_shows_rupees_with_indian_grouping_and_paise(value, shown):
    assert inr(value) == shown
    assert format_inr(value) == shown


@pytest.mark.parametrize("value", [None, "", "abc"])
def test_inr_shows_nothing_for_a_value_that_is_not_a_number(value):
    assert inr(value) == ""


def test_inr_works_in_a_template():
    template = Template("{% load money %}Due: {{ amount|inr }} / {{ credit|inr }}")
    rendered = template.render(
        Context({"amount": Decimal("123456.5"), "credit": Decimal("-1234.5")})
    )
    assert rendered == "Due: ₹1,23,456.50 / -₹1,234.50"
