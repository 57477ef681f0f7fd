"""`products` → Product with its price; `areas_v2` (and the customers' free-text areas) →
Area.

Price (rule 5): a product's price is `default_price`, else `price` (the phase-0 model's
choice), rounded to paise — never ₹0 while either holds a price above 0. It is the price
from LEGACY_START and the price of every imported delivery of the product (a customer's
own price wins over it, one-time order lines included: confirmations.py). A product with
neither is priced 0, imported inactive (no new order can take it) until staff set a
price, and every delivery of it is reported (`priced_at_zero`). The old monthly billing
read only `default_price` (missing ⇒ 0): where that differs, the product is reported
(`old_billing_charged_0`) and the reconciliation shows what the old bill said beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from customers.models import Area
from legacy_import.importer.base import (
    Context,
    checksum_of,
    documents,
    existing_records,
    gate,
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


def price_of(doc: dict[str, Any]) -> Decimal | None:
    """Rule 5: `default_price` if above 0, else `price` if above 0; None if neither."""
    for key in ("default_price", "price"):
        value = money(doc.get(key))
        if value is not None and value > 0:
            return value
    return None


def import_products(ctx: Context) -> None:
    report = ctx.collection("products")
    keys = gate(ctx, "products")
    names: set[str] = set()
    items = []
    for doc in documents(ctx, "products"):
        legacy_id = keys.admit(report, doc, what="product")
        if legacy_id is None:
            continue
        name = text(doc.get("name"), 120)
        if not name:
            report.reject(legacy_id, "no_name", "a product needs a name: give it one and rerun")
            continue
        if name.lower() in names:
            renamed = f"{name[:100]} ({legacy_id[:8]})"
            report.warn(legacy_id, "duplicate_name", f"{name!r} imported as {renamed!r}")
            name = renamed
        names.add(name.lower())
        unit, known = unit_of(doc.get("unit"))
        if not known:
            report.warn(legacy_id, "unit", f"unit {doc.get('unit')!r} counted in pieces")
        catalogue = price_of(doc)
        if catalogue is None:
            report.warn(
                legacy_id,
                "no_price",
                f"{name}: default_price {doc.get('default_price', 'missing')!r}, price "
                f"{doc.get('price', 'missing')!r}: priced 0 and imported inactive; set its "
                "price (every delivery of it is reported as priced_at_zero)",
            )
            ctx.unpriced.add(legacy_id)
            catalogue = Decimal("0.00")
        elif (money(doc.get("default_price")) or 0) <= 0:
            report.warn(
                legacy_id,
                "old_billing_charged_0",
                f"{name}: default_price {doc.get('default_price', 'missing')!r}, so the old "
                f"monthly bill charged 0 for it; imported at its price {catalogue}",
            )
        default = money(doc.get("default_price"))
        ctx.old_billing_rates[legacy_id] = default if default is not None and default > 0 else 0
        items.append((legacy_id, checksum_of(doc), name, unit, catalogue))

    existing = existing_records("products", Product, [i[0] for i in items])
    with transaction.atomic():
        for order, (legacy_id, checksum, name, unit, catalogue) in enumerate(items):
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
                if catalogue <= 0:
                    product.is_active = False  # until staff set a price
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
            ctx.rates[pk] = catalogue
    ctx.unpriced = {ctx.product_ids[p] for p in ctx.unpriced if p in ctx.product_ids}
    ctx.old_billing_rates = {
        ctx.product_ids[p]: Decimal(rate)
        for p, rate in ctx.old_billing_rates.items()
        if p in ctx.product_ids
    }
    ctx.tick("products", report.read)


def area_name(doc: dict[str, Any]) -> str:
    full = text(doc.get("full_name"), 100)
    if full:
        return full
    main, sub = text(doc.get("main_area")), text(doc.get("sub_area"))
    return f"{main} - {sub}"[:100] if main and sub else ""


def import_areas(ctx: Context) -> None:
    report = ctx.collection("areas_v2")
    keys = gate(ctx, "areas_v2")
    with transaction.atomic():
        for doc in documents(ctx, "areas_v2"):
            legacy_id = keys.admit(report, doc, what="area")
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
