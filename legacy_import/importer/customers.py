"""`customers_v2` → Customer with its login, route stop and own prices.

Linking a customer to its `users` login, strongest link first (§9.2), each login used once:

1. `customers_v2.user_id` equal to a `users.id`;
2. `customers_v2.user_id` equal to a `users._id` (24-hex, the backfill's mistake);
3. `users.customer_v2_id` equal to the customer's id (admin form);
4. a user whose `id` equals the customer's id (Excel import);
5. the generated email `customer-<id>@earlybird.local` (admin and dashboard forms, also
   after migration 004 nulled both link fields);
6. the same phone after normalisation (Excel users' `<phone>@customer.earlybird.com`).

Only logins with role customer are linked. A customer with no login gets one with an
unusable password (reported); a customer login linked to no customer is rejected.

Duplicates by phone (§9.4) are not merged: the phone is unique in the new system, so the
customer created first (smallest ObjectId) keeps it and is imported; each later one is
rejected as `duplicate_phone`, naming the one kept, and its subscriptions, orders,
deliveries and payments are rejected as `customer_not_imported`, so staff can fix the
source (a new phone, or a deliberate merge) and run the import again.

The customer's username is its phone (as for every customer of the new system); its
password is the old one (bcrypt or SHA-256, upgraded at the first login).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max

from customers.models import Customer
from deliveries.models import RouteStop
from earlybird import roles
from earlybird.codes import reserve_codes
from legacy_import.importer.base import (
    HISTORY_REASON,
    Context,
    CustomerInfo,
    business_date,
    checksum_of,
    copy_insert,
    documents,
    existing_records,
    legacy_id_of,
    money,
    number,
    save_records,
    text,
    write_history,
)
from legacy_import.importer.catalogue import area_for
from legacy_import.importer.requests import notes_text, reject_orphan_requests
from legacy_import.importer.users import (
    NO_LOGIN,
    LegacyUser,
    UserIndex,
    is_customer_login,
    legacy_phone,
    real_email,
)
from legacy_import.translate import LEGACY_START, translate_customer_status
from orders.models import CustomerPrice

User = get_user_model()
LINKS = ("user_id", "user_id_objectid", "customer_v2_id", "equal_id", "email_pattern", "phone")
_HEX24 = re.compile(r"^[0-9a-f]{24}$")
_URL = URLValidator()


@dataclass
class CustomerRow:
    """A `customers_v2` document as the first pass keeps it."""

    legacy_id: str
    oid: str
    order: int
    phone: str | None
    raw_phone: Any
    user_id: str | None


def _first_key(row: CustomerRow) -> tuple:
    """Creation order: ObjectIds sort by creation time; other _ids after, in stream order."""
    is_oid = bool(_HEX24.match(row.oid))
    return (0, row.oid, row.order) if is_oid else (1, "", row.order)


def link_logins(rows: list[CustomerRow], index: UserIndex) -> dict[str, tuple[LegacyUser, str]]:
    """customer legacy id → (its login, how it was linked)."""
    by_link: dict[str, list[LegacyUser]] = {}
    by_phone: dict[str, list[LegacyUser]] = {}
    for legacy_id in index.order:
        user = index.by_id[legacy_id]
        if not is_customer_login(user):
            continue
        if user.customer_v2_id:
            by_link.setdefault(user.customer_v2_id, []).append(user)
        if user.phone:
            by_phone.setdefault(user.phone, []).append(user)
    candidates: list[tuple[int, int, str, LegacyUser]] = []
    for row in rows:
        found: list[tuple[int, LegacyUser]] = []
        if row.user_id:
            if (user := index.by_id.get(row.user_id)) is not None:
                found.append((0, user))
            elif _HEX24.match(row.user_id) and (user := index.by_oid.get(row.user_id)):
                found.append((1, user))
        found += [(2, user) for user in by_link.get(row.legacy_id, [])]
        if (user := index.by_id.get(row.legacy_id)) is not None:
            found.append((3, user))
        if (user := index.by_email.get(f"customer-{row.legacy_id}@earlybird.local")) is not None:
            found.append((4, user))
        found += [(5, user) for user in by_phone.get(row.phone or "", [])]
        candidates += [(rank, row.order, row.legacy_id, user) for rank, user in found]
    links: dict[str, tuple[LegacyUser, str]] = {}
    claimed: set[str] = set()
    for rank, _order, customer, user in sorted(candidates, key=lambda c: (c[0], c[1])):
        if customer in links or user.legacy_id in claimed or not is_customer_login(user):
            continue
        links[customer] = (user, LINKS[rank])
        claimed.add(user.legacy_id)
    return links


def first_pass(ctx: Context, index: UserIndex) -> dict[str, tuple[LegacyUser, str]]:
    """Read every customer once: reject duplicates and bad phones, link the logins, and
    create the areas the customers name (committed before any customer batch)."""
    report = ctx.collection("customers_v2")
    rows: list[CustomerRow] = []
    seen: set[str] = set()
    areas: set[str] = set()
    for order, doc in enumerate(documents(ctx, "customers_v2")):
        legacy_id = legacy_id_of(doc)
        if legacy_id is None:
            report.reject("", "no_id", "customer without id or _id")
            continue
        if legacy_id in seen:
            report.reject(legacy_id, "duplicate_id", f"_id {doc.get('_id')}: id already seen")
            continue
        seen.add(legacy_id)
        user_id = doc.get("user_id")
        rows.append(
            CustomerRow(
                legacy_id=legacy_id,
                oid=text(doc.get("_id")),
                order=order,
                phone=legacy_phone(doc.get("phone")),
                raw_phone=doc.get("phone"),
                user_id=user_id if isinstance(user_id, str) and user_id else None,
            )
        )
        if text(doc.get("area")):
            areas.add(text(doc.get("area"), 100))
    links = link_logins(rows, index)
    kept: dict[str, CustomerRow] = {}
    for row in sorted(rows, key=_first_key):
        if row.phone is None:
            report.reject(
                row.legacy_id, "invalid_phone", f"{row.raw_phone!r} is not a 10-digit mobile"
            )
            ctx.customer_rejected[row.legacy_id] = "invalid_phone"
        elif row.phone in kept:
            first = kept[row.phone]
            report.reject(
                row.legacy_id,
                "duplicate_phone",
                f"phone {row.phone} is also customer {first.legacy_id} (created first, "
                "imported); not merged",
            )
            ctx.customer_rejected[row.legacy_id] = f"duplicate_phone of {first.legacy_id}"
        else:
            kept[row.phone] = row
    with transaction.atomic():
        for name in sorted(areas):
            area_for(ctx, name)
    ctx.lost_logins = {
        user.legacy_id: customer
        for customer, (user, _how) in links.items()
        if customer in ctx.customer_rejected
    }
    return {k: v for k, v in links.items() if k not in ctx.customer_rejected}


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


def _desired(ctx: Context, doc: dict[str, Any], legacy_id: str, linked) -> Desired:
    report = ctx.collection("customers_v2")
    phone = legacy_phone(doc.get("phone"))
    login, link = linked if linked else (None, "")
    raw_status = doc.get("status")
    status = translate_customer_status(raw_status)
    if raw_status != status:
        report.warn(legacy_id, "status", f"status {raw_status!r} imported as {status!r}")
    name = text(doc.get("name"), 150) or (login.name if login else "") or phone
    map_link = text(doc.get("map_link"), 500)
    if map_link:
        try:
            _URL(map_link)
        except ValidationError:
            report.warn(legacy_id, "map_link", f"{map_link[:60]!r} is not a URL: dropped")
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
                f"marketing_boy_id {doc['marketing_boy_id']!r} unknown",
            )
    boy = None
    if doc.get("delivery_boy_id"):
        boy = ctx.boys.get(text(doc.get("delivery_boy_id")))
        if boy is None:
            report.warn(
                legacy_id, "delivery_boy", f"delivery_boy_id {doc['delivery_boy_id']!r} unknown"
            )
    prices: dict[int, Decimal] = {}
    custom = doc.get("custom_product_prices")
    if isinstance(custom, dict):
        ctx.raw_custom_prices[legacy_id] = custom
        for product_id, raw in custom.items():
            product = ctx.product_ids.get(product_id)
            price = money(raw)
            if product is None:
                report.warn(legacy_id, "custom_price", f"price for unknown product {product_id}")
            elif price is None or price < 0:
                report.warn(legacy_id, "custom_price", f"price {raw!r} for {product_id} ignored")
            else:
                prices[product] = price
    notes_lines = ctx.customer_notes.get(legacy_id, [])
    previous = money(doc.get("previous_balance"))
    if doc.get("previous_balance") not in (None, "") and previous is None:
        report.warn(legacy_id, "previous_balance", f"{doc.get('previous_balance')!r} read as 0")
    ctx.previous_balance[legacy_id] = previous or Decimal("0.00")
    if text(doc.get("house_image_url")):
        report.warn(legacy_id, "house_image", "house photo not imported: no place for it")
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
        "notes": notes_text(_notes(doc, marketing), notes_lines),
    }
    user = {
        "username": phone,
        "email": real_email(login.email) if login else "",
        "first_name": name[:150],
        "password": login.password if login else NO_LOGIN,
        "is_active": login.is_active if login else True,
    }
    if login is None:
        report.warn(legacy_id, "no_login", "no users document links to it: login made, no password")
    elif login.password_problem:
        report.warn(legacy_id, "password", f"login {login.legacy_id}: {login.password_problem}")
    checksum = checksum_of(
        doc,
        login.checksum if login else None,
        link,
        [n[2] for n in notes_lines],
        text(doc.get("marketing_boy_id")) if marketing else None,
        text(doc.get("delivery_boy_id")) if boy else None,
        sorted(ctx.product_legacy[p] for p in prices),
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
    )


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


def import_customers(ctx: Context, index: UserIndex) -> None:
    report = ctx.collection("customers_v2")
    links = first_pass(ctx, index)
    group = Group.objects.get(name=roles.CUSTOMER)
    for n, link in enumerate(sorted({how for _user, how in links.values()}, key=LINKS.index)):
        count = sum(1 for _user, how in links.values() if how == link)
        report.notes.insert(n, f"{count} linked to their login by {link}")
    done = 0
    batch: list[dict[str, Any]] = []
    seen: set[str] = set()
    for doc in ctx.source.documents("customers_v2"):
        legacy_id = legacy_id_of(doc) if isinstance(doc, dict) else None
        if legacy_id is None or legacy_id in ctx.customer_rejected or legacy_id in seen:
            continue
        seen.add(legacy_id)
        batch.append(doc)
        if len(batch) >= ctx.batch_size:
            done += _write_batch(ctx, batch, links, group)
            batch = []
            ctx.tick("customers_v2", done)
    if batch:
        done += _write_batch(ctx, batch, links, group)
        ctx.tick("customers_v2", done)
    _reject_unlinked_logins(ctx, index, links)
    reject_orphan_requests(ctx)


def _reject_unlinked_logins(ctx: Context, index: UserIndex, links) -> None:
    """Customer logins no imported customer links to: their customer was rejected, or
    there is none."""
    report = ctx.collection("users")
    linked = {user.legacy_id for user, _how in links.values()}
    for legacy_id in index.order:
        user = index.by_id[legacy_id]
        if not is_customer_login(user) or legacy_id in linked:
            continue
        customer = ctx.lost_logins.get(legacy_id)
        if customer is not None:
            report.reject(
                legacy_id,
                "customer_not_imported",
                f"its customer {customer} was rejected ({ctx.customer_rejected[customer]})",
            )
        else:
            report.reject(legacy_id, "no_customer", "a customer login no customer links to")


def _write_batch(ctx: Context, docs: list[dict[str, Any]], links, group: Group) -> int:
    report = ctx.collection("customers_v2")
    desired: list[Desired] = []
    for doc in docs:
        legacy_id = legacy_id_of(doc)
        result = _desired(ctx, doc, legacy_id, links.get(legacy_id))
        desired.append(result)
    found = existing_records("customers_v2", Customer, [d.legacy_id for d in desired])
    alive = dict(
        Customer.objects.filter(pk__in=[f[0] for f in found.values()]).values_list("pk", "user_id")
    )
    unchanged, changed, new = [], [], []
    for item in desired:
        record = found.get(item.legacy_id)
        if record and record[0] in alive:
            (unchanged if record[1] == item.checksum else changed).append((item, record[0]))
        else:
            new.append(item)
    with transaction.atomic():
        for item, pk in unchanged:
            _remember(ctx, item, pk, alive[pk])
        report.unchanged += len(unchanged)
        _count_side_records(ctx, unchanged)
        try:
            with transaction.atomic():
                made = _create(ctx, new, group)
        except (IntegrityError, ValidationError, DatabaseError):
            made = []
            for item in new:
                try:
                    with transaction.atomic():
                        made += _create(ctx, [item], group)
                except (IntegrityError, ValidationError, DatabaseError) as exc:
                    report.reject(item.legacy_id, "cannot_save", _short(exc))
                    ctx.customer_rejected[item.legacy_id] = "cannot_save"
        for item, customer in made:
            _remember(ctx, item, customer.pk, customer.user_id)
        report.created += len(made)
        _count_side_records(ctx, [(i, c.pk) for i, c in made])
        for item, pk in changed:
            try:
                with transaction.atomic():
                    user_pk = _update(ctx, item, pk)
            except (IntegrityError, ValidationError, DatabaseError) as exc:
                report.reject(item.legacy_id, "cannot_update", _short(exc))
                _remember(ctx, item, pk, alive[pk])
                continue
            _remember(ctx, item, pk, user_pk)
            report.updated += 1
            _count_side_records(ctx, [(item, pk)])
    return len(docs)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__


def _remember(ctx: Context, item: Desired, pk: int, user_pk: int) -> None:
    ctx.customers[item.legacy_id] = CustomerInfo(pk=pk, raw_status=item.raw_status, user_pk=user_pk)
    if item.login is not None:
        ctx.customer_of_user[item.login.legacy_id] = item.legacy_id
        ctx.users.setdefault(item.login.legacy_id, user_pk)
    for product, price in item.prices.items():
        ctx.custom_rates[(pk, product)] = price


def _count_side_records(ctx: Context, items: list[tuple[Desired, int]]) -> None:
    """The login's `users` document and the request documents, mapped with the customer."""
    users = ctx.collection("users")
    user_rows, note_rows = [], {}
    logins = [(item, pk) for item, pk in items if item.login is not None]
    user_found = existing_records("users", User, [i.login.legacy_id for i, _ in logins])
    for item, _pk in logins:
        record = user_found.get(item.login.legacy_id)
        user_pk = ctx.customers[item.legacy_id].user_pk
        if record is None:
            users.created += 1
        elif record[1] == item.login.checksum and record[0] == user_pk:
            users.unchanged += 1
            continue
        else:
            users.updated += 1
        user_rows.append((item.login.legacy_id, user_pk, item.login.checksum))
    save_records("users", User, user_rows)
    for item, pk in items:
        for collection, legacy_id, checksum, _line in item.notes:
            note_rows.setdefault(collection, []).append((legacy_id, pk, checksum))
    for collection, rows in note_rows.items():
        report = ctx.collection(collection)
        found = existing_records(collection, Customer, [r[0] for r in rows])
        fresh = []
        for legacy_id, pk, checksum in rows:
            record = found.get(legacy_id)
            if record is None:
                report.created += 1
            elif record == (pk, checksum):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            fresh.append((legacy_id, pk, checksum))
        save_records(collection, Customer, fresh)


def _create(ctx: Context, items: list[Desired], group: Group) -> list[tuple[Desired, Customer]]:
    if not items:
        return []
    users = [User(**item.user) for item in items]
    for user in users:
        user.clean_fields(exclude=["password"])
    User.objects.bulk_create(users)
    through = User.groups.through
    through.objects.bulk_create([through(user_id=u.pk, group_id=group.pk) for u in users])
    codes = reserve_codes("CU", on=ctx.today, count=len(items))
    customers = []
    for item, user, code in zip(items, users, codes, strict=True):
        customer = Customer(
            user_id=user.pk,
            code=code,
            opening_balance=ctx.previous_balance.get(item.legacy_id, Decimal("0.00")),
            **item.customer,
        )
        # Foreign keys point at rows this run made or found; the database checks them.
        customer.clean_fields(exclude=["user", "area", "marketing_staff"])
        customers.append(customer)
    Customer.objects.bulk_create(customers)
    write_history(Customer, [c.pk for c in customers])
    _route_stops(ctx, [(c, item.boy) for item, c in zip(items, customers, strict=True)])
    copy_insert(
        CustomerPrice,
        ["customer_id", "product_id", "price", "effective_from"],
        (
            (c.pk, p, price, LEGACY_START)
            for item, c in zip(items, customers, strict=True)
            for p, price in item.prices.items()
        ),
    )
    write_history(CustomerPrice, [c.pk for c in customers], field="customer_id")
    save_records(
        "customers_v2",
        Customer,
        [(item.legacy_id, c.pk, item.checksum) for item, c in zip(items, customers, strict=True)],
    )
    return list(zip(items, customers, strict=True))


def _route_stops(ctx: Context, pairs: list[tuple[Customer, int | None]]) -> None:
    """New stops go at the end of their boy's route, in the order of the source."""
    boys = {boy for _c, boy in pairs if boy is not None}
    last = dict(
        RouteStop.objects.filter(delivery_boy_id__in=boys)
        .values("delivery_boy_id")
        .annotate(m=Max("position"))
        .values_list("delivery_boy_id", "m")
    )
    stops = []
    for customer, boy in pairs:
        if boy is None:
            continue
        last[boy] = (last.get(boy) or 0) + 1
        stops.append((customer.pk, boy, last[boy]))
    copy_insert(RouteStop, ["customer_id", "delivery_boy_id", "position"], stops)


def _update(ctx: Context, item: Desired, pk: int) -> int:
    customer = Customer.objects.select_related("user").get(pk=pk)
    for key, value in item.customer.items():
        setattr(customer, key, value)
    customer.full_clean(validate_unique=False, validate_constraints=False)
    customer._change_reason = HISTORY_REASON
    customer.save()
    user = customer.user
    for key in ("username", "email", "first_name", "is_active"):
        setattr(user, key, item.user[key])
    # Keep a password the user has set or upgraded in the new system since.
    if not user.has_usable_password() or user.password.startswith(("bcrypt$", "legacy_sha256$")):
        user.password = item.user["password"]
    user.save()
    stop = RouteStop.objects.filter(customer=customer).first()
    if item.boy is None and stop is not None:
        stop.delete()
    elif item.boy is not None and (stop is None or stop.delivery_boy_id != item.boy):
        if stop is not None:
            stop.delete()
        _route_stops(ctx, [(customer, item.boy)])
    current = {
        p.product_id: p
        for p in CustomerPrice.objects.filter(customer=customer, effective_from=LEGACY_START)
    }
    for product, price in item.prices.items():
        row = current.pop(product, None)
        if row is None:
            CustomerPrice.objects.create(
                customer=customer, product_id=product, price=price, effective_from=LEGACY_START
            )
        elif row.price != price:
            row.price = price
            row.save()
    for row in current.values():
        row.delete()
    save_records("customers_v2", Customer, [(item.legacy_id, pk, item.checksum)])
    return user.pk
