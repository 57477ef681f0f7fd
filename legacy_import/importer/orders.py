"""`orders` (one-time orders) → one-time Orders with their lines.

* The customer: `orders.customer_id` is usually a *users.id* (the customer app set it to
  the user, §3.8): it is taken as a customers_v2 id if one has it, else as the login of a
  customer, else `user_id` is used the same way. Orders of no imported customer are
  rejected, naming the customer.
* Items → one line per product (the same product twice is summed); unknown products and
  quantities that are not above 0 are dropped with a warning; an order with no line left,
  or without a delivery date (voice orders), is rejected.
* Status: any spelling of cancelled → cancelled; everything else → placed. Rule 4: the
  order becomes delivered only with evidence (confirmations.py): its own status says so
  (any casing of DELIVERED / PARTIALLY_DELIVERED; NOT_DELIVERED says it was not), a
  confirmation row references it by order_id, or a confirmation's items name its product
  on its day. A blanket "delivered" row for the customer and day is no evidence. Every
  order is listed: delivered with the evidence used, or left undelivered with its old
  status.
* Price (rule 5): the customer's own price for the product, else the price the item was
  sold at (above 0), else the product's price.
* Ids that repeat (rule 6): another customer's order with the same id is an order too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction

from earlybird.codes import reserve_codes
from legacy_import.importer.base import (
    HISTORY_REASON,
    Context,
    OneTimeInfo,
    business_date,
    checksum_of,
    existing_records,
    import_in_batches,
    money,
    number,
    quantity,
    save_records,
    text,
    write_history,
)
from legacy_import.importer.confirm_rule import normalise_status
from legacy_import.importer.confirmations import confirmation_time
from orders.models import Order, OrderLine


@dataclass
class OneTime:
    legacy_id: str
    checksum: str
    customer_legacy: str
    customer: int
    created_by: int | None
    day: date
    status: str
    notes: str
    lines: dict[int, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    claim: dict[str, Any] | None = None
    raw_status: str = ""


def resolve_customer(ctx: Context, doc: dict[str, Any]) -> tuple[str | None, str]:
    """(customers_v2 id, how), or (None, the customer not imported, or "") — §9.3."""
    customer_id, user_id = text(doc.get("customer_id")), text(doc.get("user_id"))
    if ctx.customer(customer_id) is not None:
        return customer_id, "customer_id"
    if customer_id in ctx.customer_of_user:
        return ctx.customer_of_user[customer_id], "customer_id is a users.id"
    if user_id in ctx.customer_of_user:
        return ctx.customer_of_user[user_id], "user_id"
    for key in (customer_id, user_id):
        if key and key in ctx.customer_rejected:
            return None, key
        if key and key in ctx.lost_logins:  # the login of a rejected customer
            return None, ctx.lost_logins[key]
    return None, ""


def import_orders(ctx: Context) -> None:
    import_in_batches(
        ctx,
        "orders",
        build=_one_time,
        write=_write,
        owner=lambda doc: text(doc.get("customer_id")) or text(doc.get("user_id")) or None,
    )


def _one_time(ctx: Context, doc: dict[str, Any], legacy_id: str) -> OneTime | tuple:
    report = ctx.collection("orders")
    customer, how = resolve_customer(ctx, doc)
    day = business_date(doc.get("delivery_date"))
    if customer is None:
        if how:
            ctx.leave_out(how, "orders", legacy_id)
            return (*ctx.customer_missing(how), how, day)
        return (
            "orphan_customer",
            (
                f"neither customer_id {doc.get('customer_id')!r} nor user_id "
                f"{doc.get('user_id')!r} leads to a customer: whose order it was is not known"
            ),
            "",
            day,
        )
    if day is None:
        return (
            "no_delivery_date",
            (
                f"delivery_date {doc.get('delivery_date', 'missing')!r}: a one-time order needs "
                "the day it was for (voice orders have none); add it and run again"
            ),
            customer,
        )
    lines: dict[int, tuple[Decimal, Decimal | None]] = {}
    for index, item in enumerate(doc.get("items") or []):
        if not isinstance(item, dict):
            report.warn(
                legacy_id,
                "item",
                f"items[{index}] is not an item: dropped",
                customer=customer,
                day=day,
            )
            continue
        product = ctx.product_ids.get(text(item.get("product_id")))
        qty = quantity(item.get("quantity"))
        if product is None:
            report.warn(
                legacy_id,
                "item",
                f"items[{index}]: product {item.get('product_id')!r} does not exist: dropped",
                customer=customer,
                day=day,
            )
            continue
        if qty is None or qty <= 0:
            report.warn(
                legacy_id,
                "item",
                f"items[{index}]: quantity {item.get('quantity')!r} is not above 0: dropped",
                customer=customer,
                day=day,
            )
            continue
        price = money(item.get("price", item.get("unit_price")))
        price = price if price is not None and price > 0 else None
        if product in lines:
            previous_qty, previous_price = lines[product]
            lines[product] = (previous_qty + qty, previous_price or price)
            report.warn(
                legacy_id,
                "item",
                f"product {item.get('product_id')} twice: quantities summed",
                customer=customer,
                day=day,
            )
        else:
            lines[product] = (qty, price)
    if not lines:
        return (
            "no_items",
            "no item with a known product and a quantity: nothing to deliver",
            (customer),
            day,
        )
    raw_status = text(doc.get("status"))
    status = Order.Status.CANCELLED if raw_status.lower() == "cancelled" else Order.Status.PLACED
    if how != "customer_id":
        report.entry(
            legacy_id,
            "customer_via_user",
            f"customer {customer} found by {how}",
            customer=customer,
            day=day,
        )
    notes = "; ".join(
        part
        for part in (
            text(doc.get("notes")),
            text(doc.get("delivery_notes")),
            f"Legacy order {legacy_id} (status {raw_status or 'none'}"
            + (f", billed {doc.get('billed_month')}" if doc.get("billed") else "")
            + ")",
        )
        if part
    )
    if ctx.billed_through is not None:
        _old_monthly_bill(ctx, doc)
    claim = None
    if status != Order.Status.CANCELLED and normalise_status(raw_status) is not None:
        claim = {
            "s": raw_status,
            "order": legacy_id,
            "evidence": f"its own status {raw_status!r}",
            "partial": [text(p) for p in doc.get("partial_delivery_items") or [] if text(p)],
            "boy": text(doc.get("delivery_boy_id")),
            "at": confirmation_time(doc, ("delivered_at", "updated_at")),
            "notes": text(doc.get("delivery_notes")),
        }
    info = ctx.customer(customer)
    return OneTime(
        legacy_id=legacy_id,
        checksum=checksum_of(doc, customer),
        customer_legacy=customer,
        customer=info.pk,
        created_by=info.user_pk,
        day=day,
        status=status,
        notes=notes,
        lines=lines,
        claim=claim,
        raw_status=raw_status,
    )


def _old_monthly_bill(ctx: Context, doc: dict[str, Any]) -> None:
    """§7.5: a DELIVERED, confirmed order of a listed customer joins the bill of the month
    it was billed in — or, if never billed, of the billed-through month (opening that bill
    at cut-over would capture it)."""
    month = ctx.billed_through.strftime("%Y-%m")
    customer = doc.get("customer_id")
    if doc.get("status") != "DELIVERED" or doc.get("delivery_confirmed") is not True:
        return
    if not isinstance(customer, str) or ctx.customer(customer) is None:
        return
    if ctx.raw_statuses.get(customer) not in ("active", "trial"):
        return
    if doc.get("billed") is True and doc.get("billed_month") != month:
        return
    total = Decimal(0)
    for item in doc.get("items") or []:
        if isinstance(item, dict):
            qty, price = number(item.get("quantity")), number(item.get("price"))
            total += (qty or 0) * (price or 0)
    ctx.legacy_bill[customer] += total.quantize(Decimal("0.01"))


def _write(ctx: Context, orders: list[OneTime]) -> None:
    if not orders:
        return
    report = ctx.collection("orders")
    found = existing_records("orders", Order, [o.legacy_id for o in orders])
    alive = set(
        Order.objects.filter(pk__in=[f[0] for f in found.values()]).values_list("pk", flat=True)
    )
    new, changed, kept = [], [], []
    for order in orders:
        record = found.get(order.legacy_id)
        if record and record[0] in alive:
            if record[1] == order.checksum:
                report.unchanged += 1
                kept.append((order, record[0]))
            else:
                changed.append((order, record[0]))
        else:
            new.append(order)
    with transaction.atomic():
        try:
            with transaction.atomic():
                made = _create(ctx, new)
        except (IntegrityError, DatabaseError):
            made = []
            for order in new:
                try:
                    with transaction.atomic():
                        made += _create(ctx, [order])
                except (IntegrityError, DatabaseError) as exc:
                    report.reject(
                        order.legacy_id,
                        "cannot_save",
                        str(exc).splitlines()[0][:300],
                        customer=order.customer_legacy,
                        day=order.day,
                    )
        kept += made
        report.created += len(made)
        for order, pk in changed:
            try:
                with transaction.atomic():
                    _update(order, pk)
            except (IntegrityError, DatabaseError, ValueError) as exc:
                report.reject(
                    order.legacy_id,
                    "cannot_update",
                    str(exc).splitlines()[0][:300],
                    customer=order.customer_legacy,
                    day=order.day,
                )
                continue
            kept.append((order, pk))
            report.updated += 1
        _remember(ctx, kept)


def _remember(ctx: Context, pairs: list[tuple[OneTime, int]]) -> None:
    """Map the orders, keep their item prices, stage their own delivery statuses."""
    prices: dict[int, dict[int, Decimal | None]] = {}
    for order, pk in pairs:
        ctx.orders[order.legacy_id] = pk
        ctx.order_owner[pk] = order.customer_legacy
        ctx.one_time[order.legacy_id] = OneTimeInfo(
            pk=pk,
            customer=order.customer,
            owner=order.customer_legacy,
            day=order.day,
            raw_status=order.raw_status if order.status != Order.Status.CANCELLED else "cancelled",
            products=frozenset(order.lines),
        )
        prices[pk] = {product: price for product, (_qty, price) in order.lines.items()}
        if order.claim is not None and ctx.staging is not None:
            ctx.staging.add_order_claim(
                customer=order.customer,
                owner=order.customer_legacy,
                day=order.day,
                legacy_id=order.legacy_id,
                payload=order.claim,
            )
    lines = OrderLine.objects.filter(order_id__in=list(prices)).values_list(
        "pk", "order_id", "product_id"
    )
    customer_of = {pk: order.customer for order, pk in pairs}
    for line_pk, order_pk, product in lines:
        customer = customer_of[order_pk]
        own = ctx.custom_rates.get((customer, product))
        price = own or prices[order_pk].get(product) or ctx.rates.get(product, Decimal(0))
        ctx.line_prices[line_pk] = price


def _create(ctx: Context, orders: list[OneTime]) -> list[tuple[OneTime, int]]:
    if not orders:
        return []
    codes = reserve_codes("OR", on=ctx.today, count=len(orders))
    rows = [
        Order(
            customer_id=o.customer,
            code=code,
            kind=Order.Kind.ONE_TIME,
            pattern=Order.Pattern.DAILY,
            weekdays=[],
            shift=Order.Shift.MORNING,
            start_date=o.day,
            end_date=o.day,
            status=o.status,
            notes=o.notes,
            created_by_id=o.created_by,
        )
        for o, code in zip(orders, codes, strict=True)
    ]
    Order.objects.bulk_create(rows)
    write_history(Order, [r.pk for r in rows])
    lines = [
        OrderLine(order=row, product_id=product, quantity=qty)
        for o, row in zip(orders, rows, strict=True)
        for product, (qty, _price) in o.lines.items()
    ]
    OrderLine.objects.bulk_create(lines, batch_size=5000)
    write_history(OrderLine, [line.pk for line in lines])
    save_records(
        "orders",
        Order,
        [(o.legacy_id, r.pk, o.checksum) for o, r in zip(orders, rows, strict=True)],
    )
    return [(o, r.pk) for o, r in zip(orders, rows, strict=True)]


def _update(order: OneTime, pk: int) -> None:
    row = Order.objects.get(pk=pk)
    if row.customer_id != order.customer:
        raise ValueError("the order moved to another customer; not changed")
    if row.status != Order.Status.DELIVERED or order.status == Order.Status.CANCELLED:
        row.status = order.status
    row.start_date = row.end_date = order.day
    row.notes = order.notes
    row._change_reason = HISTORY_REASON
    row.save()
    current = {line.product_id: line for line in row.lines.all()}
    for product, (qty, _price) in order.lines.items():
        line = current.pop(product, None) or OrderLine(order=row, product_id=product)
        if line.quantity != qty:
            line.quantity = qty
            line.save()
    for line in current.values():
        if line.deliveries.exists():
            raise ValueError("an item with deliveries was removed from the order: not changed")
        line.delete()
    save_records("orders", Order, [(order.legacy_id, pk, order.checksum)])
