"""`products` → Product with its price; `areas_v2` (and the customers' free-text areas) →
Area.

Prices: the product's price from LEGACY_START is its catalogue price — `default_price`,
else `price` (the phase-0 model's choice), rounded to paise. The old monthly billing read
only `default_price` (missing ⇒ 0, null ⇒ crash): that rate is kept aside as the price of
the imported deliveries, so the history keeps what the old system charged while new
deliveries get the catalogue price.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from customers.models import Area
from legacy_import.importer.base import (
    Context,
    IdGate,
    checksum_of,
    documents,
    existing_records,
    money,
    save_records,
    text,
)
from legacy_import.translate import LEGACY_START
from orders.models import Product, ProductPrice

UNITS = {
    Product.Unit.LITRE: {"liter", "litre", "l", "ltr", "lt", "liters", "litres", "ml"},
    Product.Unit.KG: {"kg", "kgs", "kilogram", "kilograms", "g", "gm", "gram", "grams"},
    Product.Unit.PACKET: {"packet", "packets", "pack", "pkt", "pouch"},
    Product.Unit.PIECE: {"piece", "pieces", "pc", "pcs", "nos", "no", "unit", "units"},
}


def unit_of(raw: Any) -> tuple[str, bool]:
    """(unit, known): anything unknown (Tin, Jar, dozen…) counts in pieces."""
    word = text(raw).lower().rstrip(".")
    for unit, words in UNITS.items():
        if word in words:
            return unit, True
    return Product.Unit.PIECE, False


def import_products(ctx: Context) -> None:
    report = ctx.collection("products")
    gate = IdGate()
    names: set[str] = set()
    items = []
    for doc in documents(ctx, "products"):
        legacy_id = gate.admit(report, doc)
        if legacy_id is None:
            continue
        name = text(doc.get("name"), 120)
        if not name:
            report.reject(legacy_id, "no_name", "a product needs a name")
            continue
        if name.lower() in names:
            renamed = f"{name[:100]} ({legacy_id[:8]})"
            report.warn(legacy_id, "duplicate_name", f"{name!r} imported as {renamed!r}")
            name = renamed
        names.add(name.lower())
        unit, known = unit_of(doc.get("unit"))
        if not known:
            report.warn(legacy_id, "unit", f"unit {doc.get('unit')!r} counted in pieces")
        default, plain = money(doc.get("default_price")), money(doc.get("price"))
        catalogue = default if default is not None else plain
        if catalogue is None:
            report.warn(legacy_id, "no_price", "no default_price or price: priced at 0")
            catalogue = Decimal("0.00")
        if catalogue < 0:
            report.warn(legacy_id, "negative_price", f"price {catalogue} imported as 0")
            catalogue = Decimal("0.00")
        rate = default if default is not None and default >= 0 else Decimal("0.00")
        if default is None:
            report.warn(
                legacy_id,
                "old_billing_price_missing",
                f"default_price is {doc.get('default_price', 'missing')!r}: the old monthly "
                f"billing charged 0; imported deliveries keep 0, new ones cost {catalogue}",
            )
        items.append((legacy_id, checksum_of(doc), name, unit, catalogue, rate))

    existing = existing_records("products", Product, [i[0] for i in items])
    with transaction.atomic():
        for order, (legacy_id, checksum, name, unit, catalogue, rate) in enumerate(items):
            found = existing.get(legacy_id)
            if found and found[1] == checksum and Product.objects.filter(pk=found[0]).exists():
                pk = found[0]
                report.unchanged += 1
            else:
                product = Product.objects.filter(pk=found[0]).first() if found else None
                if product is None:
                    product = Product(name=name, unit=unit, sort_order=order)
                    report.created += 1
                else:
                    product.name, product.unit = name, unit
                    report.updated += 1
                product.full_clean()
                product.save()
                ProductPrice.objects.update_or_create(
                    product=product, effective_from=LEGACY_START, defaults={"price": catalogue}
                )
                save_records("products", Product, [(legacy_id, product.pk, checksum)])
                pk = product.pk
            ctx.product_ids[legacy_id] = pk
            ctx.product_legacy[pk] = legacy_id
            ctx.product_names[pk] = name
            ctx.old_rates[pk] = rate
    ctx.tick("products", report.read)


def area_name(doc: dict[str, Any]) -> str:
    full = text(doc.get("full_name"), 100)
    if full:
        return full
    main, sub = text(doc.get("main_area")), text(doc.get("sub_area"))
    return f"{main} - {sub}"[:100] if main and sub else ""


def import_areas(ctx: Context) -> None:
    report = ctx.collection("areas_v2")
    gate = IdGate()
    with transaction.atomic():
        for doc in documents(ctx, "areas_v2"):
            legacy_id = gate.admit(report, doc)
            if legacy_id is None:
                continue
            name = area_name(doc)
            if not name:
                report.reject(legacy_id, "no_name", "no full_name, main_area or sub_area")
                continue
            checksum = checksum_of(doc)
            found = existing_records("areas_v2", Area, [legacy_id]).get(legacy_id)
            pincode = text(doc.get("pincode"))
            fields = {
                "city": text(doc.get("city") or doc.get("main_area"), 100),
                "pincode": pincode if len(pincode) == 6 and pincode.isdigit() else "",
                "is_active": doc.get("is_active") is not False,
            }
            if found and found[1] == checksum:
                report.unchanged += 1
                ctx.areas[name] = found[0]
                continue
            area, created = Area.objects.get_or_create(name=name, defaults=fields)
            if not created and any(getattr(area, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(area, key, value)
                area.save()
            if found:
                report.updated += 1
            else:
                report.created += 1
            save_records("areas_v2", Area, [(legacy_id, area.pk, checksum)])
            ctx.areas[name] = area.pk
    ctx.tick("areas_v2", report.read)


def area_for(ctx: Context, raw: Any) -> int | None:
    """The Area of a customer's free-text `area` (created on first use, by name)."""
    name = text(raw, 100)
    if not name:
        return None
    if name not in ctx.areas:
        area, _ = Area.objects.get_or_create(name=name)
        ctx.areas[name] = area.pk
    return ctx.areas[name]
