"""Units as people write them: "1 packet", "12 packets", "3 kg", and how much milk or curd
a packet holds, so procurement can add packets up in litres and kilograms.

A product is sold by the litre, the kg, the packet or the piece (orders.Product.Unit). A
packet or piece holds what its name says ("Toned milk 500 ml", "Paneer 200 g",
"Full cream milk 1 L"); a name without a size adds nothing to the litres and kilograms.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

LITRE, KG = "litre", "kg"

# The plural of each unit; a unit not listed (kg, L, ml, g) is the same for any number.
PLURALS = {"litre": "litres", "packet": "packets", "piece": "pieces"}

# A size in a product's name, e.g. "500 ml", "1 L", "1.5 ltr", "200 g", "1 kg".
_SIZE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(ml|l|ltr|litres?|liters?|g|gm|gms|grams?|kg|kgs)\b",
    re.IGNORECASE,
)
# Each spelling: (the bulk unit, how many of the spelling make one of it).
_SPELLINGS = {
    "ml": (LITRE, 1000),
    "l": (LITRE, 1),
    "ltr": (LITRE, 1),
    "litre": (LITRE, 1),
    "litres": (LITRE, 1),
    "liter": (LITRE, 1),
    "liters": (LITRE, 1),
    "g": (KG, 1000),
    "gm": (KG, 1000),
    "gms": (KG, 1000),
    "gram": (KG, 1000),
    "grams": (KG, 1000),
    "kg": (KG, 1),
    "kgs": (KG, 1),
}


def number_text(value) -> str:
    """A quantity without trailing zeros: 1.500 -> 1.5, 2.000 -> 2 ("" if not a number)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    if not number.is_finite():
        return ""
    return f"{number.normalize():f}"


def unit_for(quantity, unit: str) -> str:
    """The unit as it reads after `quantity`: one packet, two packets, 0.5 litres, 3 kg."""
    unit = str(unit or "")
    try:
        is_one = Decimal(str(quantity)) == 1
    except (InvalidOperation, ValueError, TypeError):
        is_one = False
    return unit if is_one else PLURALS.get(unit, unit)


def quantity_text(quantity, unit: str) -> str:
    """ "12 packets", "1 packet", "1.5 litres", "3 kg" (just the number without a unit)."""
    number = number_text(quantity)
    if not number or not unit:
        return number
    return f"{number} {unit_for(quantity, unit)}"


@dataclass(frozen=True)
class Size:
    """What one unit of a product holds: `amount` litres or kg (`bulk` says which)."""

    amount: Decimal
    bulk: str  # LITRE or KG


def product_size(*, name: str, unit: str) -> Size | None:
    """One unit's litres or kg: 1 for a product sold by the litre or kg, else the last
    size written in its name (None: the name gives none)."""
    if unit in (LITRE, KG):
        return Size(Decimal(1), unit)
    matches = _SIZE.findall(name or "")
    if not matches:
        return None
    number, spelling = matches[-1]
    bulk, per = _SPELLINGS[spelling.lower()]
    amount = Decimal(number) / per
    return Size(amount, bulk) if amount > 0 else None
