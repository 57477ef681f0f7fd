"""Writing customers: created in bulk with their logins, route stops and own prices, or
updated one by one when their document changed; unchanged ones only remembered. The
documents merged into a customer (rule 7) are mapped to it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max

from customers.models import Customer
from deliveries.models import RouteStop
from earlybird.codes import reserve_codes
from legacy_import.importer.base import (
    HISTORY_REASON,
    Context,
    CustomerInfo,
    copy_insert,
    existing_records,
    save_records,
    write_history,
)
from legacy_import.importer.customers.desired import Desired, desired_of
from legacy_import.translate import LEGACY_START
from orders.models import CustomerPrice

User = get_user_model()


def write_batch(
    ctx: Context,
    docs: list[tuple[str, dict[str, Any]]],
    links,
    group: Group,
    merged: dict[str, dict[str, dict[str, Any]]],
) -> int:
    """Create, update or keep the customers of `docs` ((key, document) pairs); `merged`:
    kept customer → the documents merged into it."""
    report = ctx.collection("customers_v2")
    desired: list[Desired] = []
    for legacy_id, doc in docs:
        desired.append(desired_of(ctx, doc, legacy_id, links.get(legacy_id), merged.get(legacy_id)))
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
                    report.reject(
                        item.legacy_id, "cannot_save", _short(exc), customer=item.legacy_id
                    )
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
                report.reject(item.legacy_id, "cannot_update", _short(exc), customer=item.legacy_id)
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
    if item.merged:
        _record_merged(ctx, item, pk)
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


def _record_merged(ctx: Context, item: Desired, pk: int) -> None:
    """Map the documents merged into this customer to it (counted as merged)."""
    report = ctx.collection("customers_v2")
    found = existing_records("customers_v2", Customer, list(item.merged))
    rows = [
        (k, pk, checksum) for k, checksum in item.merged.items() if found.get(k) != (pk, checksum)
    ]
    save_records("customers_v2", Customer, rows)
    for legacy_id in sorted(item.merged):
        report.merged += 1
        report.entry(
            legacy_id,
            "customer_merged",
            f"one person with customer {item.legacy_id} (--merge-duplicate-phones): its "
            "subscriptions, orders, confirmations and payments are that customer's",
            customer=legacy_id,
        )
