"""What one `customers_v2` document (with the documents merged into it, rule 7) should
become: the customer's fields, its login's, its route and its own prices.

Status (rule 1): lower-cased and trimmed into `Customer.Status`; anything else is paused.
A customer whose status is a casing variant of active or trial ("Active", "TRIAL",
"Trial "…) was skipped by the old lists, which compared exactly, although the delivery
confirmations show they were served: they are imported active / trial (and so are their
active subscriptions: translate.py), reported once as `status_casing` with the casing
found.

Own prices: a price of 0 or less, or for an unknown product, is reported and ignored (the
product's price applies: no ₹0 deliveries of a product that has a price).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from legacy_import.importer.base import (
    Context,
    business_date,
    checksum_of,
    money,
    number,
    text,
)
from legacy_import.importer.catalogue import area_for
from legacy_import.importer.customers.phones import merged_notes
from legacy_import.importer.requests import notes_text
from legacy_import.importer.users import NO_LOGIN, LegacyUser, legacy_phone, real_email
from legacy_import.translate import translate_customer_status

_URL = URLValidator()
SERVED = ("active", "trial")


@dataclass
class Desired:
    legacy_id: str
    checksum: str
    login: LegacyUser | None
    link: str
    user: dict[str, Any]
    customer: dict[str, Any]
    boy: int | None
    prices: dict[int, Decimal]
    notes: list[tuple[str, str, str, str]]
    raw_status: str
    merged: dict[str, str]  # legacy customers merged into it → their document's checksum


def desired_of(
    ctx: Context,
    doc: dict[str, Any],
    legacy_id: str,
    linked,
    merged: dict[str, dict[str, Any]] | None = None,
) -> Desired:
    """`merged`: the documents of the legacy customers merged into this one (rule 7)."""
    report = ctx.collection("customers_v2")
    merged = merged or {}
    phone = legacy_phone(doc.get("phone"))
    login, link = linked if linked else (None, "")
    raw_status = doc.get("status")
    status = translate_customer_status(raw_status)
    for key, member in [(legacy_id, doc), *merged.items()]:
        value = member.get("status")
        ctx.raw_statuses[key] = value if isinstance(value, str) else ""
    if isinstance(raw_status, str) and raw_status.strip().lower() in SERVED:
        if raw_status != status:
            report.warn(
                legacy_id,
                "status_casing",
                f"status {raw_status!r}: the old lists compared it exactly and skipped this "
                f"customer, so deliveries stopped; imported {status!r} with its active "
                "subscriptions, and its confirmations as deliveries",
                customer=legacy_id,
            )
    elif raw_status != status:
        report.warn(
            legacy_id,
            "status",
            f"status {raw_status!r} imported as {status!r}",
            customer=legacy_id,
        )
    name = text(doc.get("name"), 150) or (login.name if login else "") or phone
    map_link = text(doc.get("map_link"), 500)
    if map_link:
        try:
            _URL(map_link)
        except ValidationError:
            report.warn(
                legacy_id,
                "map_link",
                f"{map_link[:60]!r} is not a URL: dropped",
                customer=legacy_id,
            )
            map_link = ""
    latitude = longitude = None
    location = doc.get("location")
    if isinstance(location, dict):
        lat, lng = number(location.get("lat")), number(location.get("lng"))
        if lat is not None and lng is not None and abs(lat) <= 90 and abs(lng) <= 180:
            latitude, longitude = (
                lat.quantize(Decimal("0.000001")),
                lng.quantize(Decimal("0.000001")),
            )
    marketing = None
    if doc.get("marketing_boy_id"):
        marketing = ctx.users.get(text(doc.get("marketing_boy_id")))
        if marketing is None:
            report.warn(
                legacy_id,
                "marketing_staff",
                f"marketing_boy_id {doc['marketing_boy_id']!r} is no marketing login: "
                "the name is kept in the notes",
                customer=legacy_id,
            )
    boy = None
    if doc.get("delivery_boy_id"):
        boy = ctx.boys.get(text(doc.get("delivery_boy_id")))
        if boy is None:
            report.warn(
                legacy_id,
                "delivery_boy",
                f"delivery_boy_id {doc['delivery_boy_id']!r} is no delivery boy: not on any "
                "route; put it on one",
                customer=legacy_id,
            )
    prices = own_prices(ctx, doc, legacy_id)
    for other_id, other in sorted(merged.items()):
        for product, price in own_prices(ctx, other, other_id).items():
            prices.setdefault(product, price)
    notes_lines = [n for m in [legacy_id, *sorted(merged)] for n in ctx.customer_notes.get(m, [])]
    balance = Decimal("0.00")
    for other_id, other in [(legacy_id, doc), *sorted(merged.items())]:
        previous = money(other.get("previous_balance"))
        if other.get("previous_balance") not in (None, "") and previous is None:
            report.warn(
                other_id,
                "previous_balance",
                f"{other.get('previous_balance')!r} is not an amount: read as 0",
                customer=other_id,
            )
        balance += previous or Decimal("0.00")
    ctx.previous_balance[legacy_id] = balance
    if text(doc.get("house_image_url")):
        report.warn(
            legacy_id,
            "house_image",
            "house photo not imported: no place for it",
            customer=legacy_id,
        )
    trial = business_date(doc.get("trial_start_date"))
    customer = {
        "name": name,
        "phone": phone,
        "status": status,
        "area_id": area_for(ctx, doc.get("area")),
        "address": _address(doc),
        "map_link": map_link,
        "latitude": latitude,
        "longitude": longitude,
        "marketing_staff_id": marketing,
        "trial_started_on": trial,
        "notes": notes_text(
            "\n".join(
                n for n in (_notes(doc, marketing), merged_notes(ctx, legacy_id, merged)) if n
            ),
            notes_lines,
        ),
    }
    user = {
        "username": phone,
        "email": real_email(login.email) if login else "",
        "first_name": name[:150],
        "password": login.password if login else NO_LOGIN,
        "is_active": login.is_active if login else True,
    }
    if login is None:
        report.warn(
            legacy_id,
            "no_login",
            "no users document links to it: a login was made with no password (it logs in "
            "after a password reset)",
            customer=legacy_id,
        )
    elif login.password_problem:
        report.warn(
            legacy_id,
            "password",
            f"login {login.legacy_id}: {login.password_problem}",
            customer=legacy_id,
        )
    checksum = checksum_of(
        doc,
        login.checksum if login else None,
        link,
        [n[2] for n in notes_lines],
        text(doc.get("marketing_boy_id")) if marketing else None,
        text(doc.get("delivery_boy_id")) if boy else None,
        sorted((ctx.product_legacy[p], str(price)) for p, price in prices.items()),
        sorted((k, checksum_of(v)) for k, v in merged.items()),
    )
    return Desired(
        legacy_id,
        checksum,
        login,
        link,
        user,
        customer,
        boy,
        prices,
        notes_lines,
        raw_status if isinstance(raw_status, str) else "",
        {k: checksum_of(v) for k, v in merged.items()},
    )


def own_prices(ctx: Context, doc: dict[str, Any], legacy_id: str) -> dict[int, Decimal]:
    """The customer's own prices (rule 5): above 0 and for a known product, else reported."""
    report = ctx.collection("customers_v2")
    prices: dict[int, Decimal] = {}
    custom = doc.get("custom_product_prices")
    if not isinstance(custom, dict):
        return prices
    ctx.raw_custom_prices[legacy_id] = custom
    for product_id, raw in custom.items():
        product = ctx.product_ids.get(product_id)
        price = money(raw)
        if product is None:
            report.warn(
                legacy_id,
                "custom_price",
                f"own price {raw!r} for product {product_id}, which does not exist: ignored",
                customer=legacy_id,
            )
        elif price is None or price <= 0:
            rate = ctx.rates.get(product, Decimal(0))
            report.warn(
                legacy_id,
                "custom_price",
                f"own price {raw!r} for {ctx.product_names[product]} is not a price: "
                f"ignored, the product's price {rate} applies",
                customer=legacy_id,
            )
        else:
            prices[product] = price
    return prices


def _address(doc: dict[str, Any]) -> str:
    address, sub_area = text(doc.get("address")), text(doc.get("sub_area"))
    if sub_area and sub_area.lower() not in address.lower():
        return f"{address}, {sub_area}" if address else sub_area
    return address


def _notes(doc: dict[str, Any], marketing: int | None) -> str:
    """The legacy notes, and the free-text marketing name when it matched no login."""
    notes = text(doc.get("notes"))
    name = text(doc.get("marketing_boy"))
    if name and marketing is None:
        notes = f"{notes}\nMarketing (old system): {name}".strip()
    return notes
