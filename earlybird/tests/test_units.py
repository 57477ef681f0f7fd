"""Units read as people write them ({{ q|units:unit }}), and the size a product's name
gives one packet (earlybird.units)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from earlybird.units import KG, LITRE, Size, product_size, quantity_text


@pytest.mark.parametrize(
    ("quantity", "unit", "text"),
    [
        (Decimal("12.000"), "packet", "12 packets"),
        (Decimal("1.000"), "packet", "1 packet"),
        (1, "piece", "1 piece"),
        (Decimal("2"), "piece", "2 pieces"),
        (Decimal("3.000"), "kg", "3 kg"),
        (Decimal("1"), "kg", "1 kg"),
        (Decimal("0.500"), "litre", "0.5 litres"),
        (Decimal("1.500"), "litre", "1.5 litres"),
        (Decimal("1"), "litre", "1 litre"),
        (Decimal("0"), "packet", "0 packets"),
        ("2.50", "packet", "2.5 packets"),
        (Decimal("4"), "", "4"),  # no unit: the number alone
        (None, "packet", ""),  # not a number: nothing, never "None packets"
        ("abc", "packet", ""),
        (Decimal("NaN"), "packet", ""),
    ],
)
def test_the_units_filter_pluralises_the_unit(quantity, unit, text):
    assert quantity_text(quantity, unit) == text
    template = Template("{% load money %}{{ q|units:u }}")
    assert template.render(Context({"q": quantity, "u": unit})) == text


def test_qty_still_writes_the_bare_number():
    assert Template("{% load money %}{{ q|qty }}").render(Context({"q": Decimal("12.500")})) == (
        "12.5"
    )


@pytest.mark.parametrize(
    ("name", "unit", "size"),
    [
        ("Toned milk 500 ml", "packet", Size(Decimal("0.5"), LITRE)),
        ("Full cream milk 1 L", "packet", Size(Decimal("1"), LITRE)),
        ("Buttermilk 200ML", "packet", Size(Decimal("0.2"), LITRE)),
        ("Milk 1.5 ltr pouch", "packet", Size(Decimal("1.5"), LITRE)),
        ("Curd 500 g", "packet", Size(Decimal("0.5"), KG)),
        ("Paneer 200 gm", "packet", Size(Decimal("0.2"), KG)),
        ("Ghee 1 kg tin", "piece", Size(Decimal("1"), KG)),
        ("Ghee 500 ml", "piece", Size(Decimal("0.5"), LITRE)),
        # Sold by the litre or kg: the quantity already is litres or kg, whatever the name.
        ("Cow milk 500 ml", "litre", Size(Decimal("1"), LITRE)),
        ("Paneer", "kg", Size(Decimal("1"), KG)),
        # No size in the name: not counted (never guessed).
        ("Butter", "piece", None),
        ("A2 milk", "packet", None),  # "2" is part of a word, not a size
        ("Milk 0 ml", "packet", None),
    ],
)
def test_a_products_size_comes_from_its_unit_or_its_name(name, unit, size):
    assert product_size(name=name, unit=unit) == size
