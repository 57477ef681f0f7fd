"""The old system's quantity rule, reimplemented step by step to check the import against.

`compute_qty` follows `subscription_engine_v2.compute_qty` as restated in
`../shared/legacy/COLLECTIONS.md` §5, including where it crashed: it raises exactly
where the old code raised (KeyError, TypeError, ValueError), so a caller can tell which
subscriptions made the old screens fail. `delivery_boy_list_qty` adds the eligibility
the delivery-boy list applied on top of it (§6.2).

Nothing here is used to deliver anything; it is the yardstick for `translate.py`.

Where §5 leaves a detail open, this module decides, and `translate.py` follows the
same decision:

* Dates are parsed with ``datetime.strptime(value, "%Y-%m-%d")`` (so ``"2026-2-4"``
  parses, a BSON date raises TypeError, ``""`` raises ValueError).
* A list field that is null counts as missing (``S.get(key) or []``).
* A pause ``end`` counts as "forever" when it is falsy (missing, null, ``""``); it is
  parsed before the comparison, so a bad end crashes even on days before the start.
* The one-time range compares the stored values with the ``YYYY-MM-DD`` string ``D``
  (§5 step 8 does not say they are parsed, unlike steps 3 and 4).
* The one-time quantity is ``S.quantity`` or, when that is falsy,
  ``S.get("default_qty", 0)``: a missing default is 0, an explicit null raises, as in
  steps 7 and 9.
* The delivery-boy list finds a subscription's customer and product by the camelCase
  key first (``customerId or customer_id``, ``productId or product_id``), as §9.1 says
  the list code did; the boy himself (``delivery_boy_id``) does not change quantities
  and is left out.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from datetime import date, datetime
from typing import Any

YMD = "%Y-%m-%d"

SERVED_CUSTOMER_STATUSES = ("active", "trial")


def parse_ymd(value: Any) -> date:
    """The old engine's date parsing: raises TypeError or ValueError like it did."""
    return datetime.strptime(value, YMD).date()


def compute_qty(D: str, S: Mapping[str, Any]) -> float:
    """§5: the quantity of subscription document `S` on day `D` (``YYYY-MM-DD``)."""
    status = S.get("status")
    # 1, 2
    if status == "draft":
        return 0.0
    if status == "stopped":
        return 0.0
    day = parse_ymd(D)
    # 3
    stop_date = S.get("stop_date")
    if stop_date and day >= parse_ymd(stop_date):
        return 0.0
    # 4
    for entry in S.get("pause_intervals") or []:
        start = parse_ymd(entry["start"])
        end = entry.get("end")
        end = parse_ymd(end) if end else None  # None: forever
        if start <= day and (end is None or day <= end):
            return 0.0
    # 5
    for entry in S.get("irregular_list") or []:
        if entry["date"] == D:
            return float(entry["quantity"])
    # 6
    for entry in S.get("day_overrides") or []:
        if entry["date"] == D:
            return float(entry["quantity"])
    mode = S.get("mode")
    # 7
    if mode == "weekly_pattern":
        pattern = S.get("weekly_pattern")
        if isinstance(pattern, list) and pattern:
            if day.weekday() in pattern:
                return float(S.get("default_qty", 0))
            return 0.0
    # 8
    if mode == "one_time":
        start = S.get("startDate") or S.get("start_date")
        end = S.get("endDate") or S.get("end_date")
        if start and end and start <= D <= end:
            return float(S.get("quantity") or S.get("default_qty", 0))
        return 0.0
    # 9
    if mode == "fixed_daily":
        return float(S.get("default_qty", 0))
    # 10
    return 0.0


def customer_id_of(sub: Mapping[str, Any]) -> Any:
    """The subscription's customer as the lists read it (camelCase first, §9.1)."""
    return sub.get("customerId") or sub.get("customer_id")


def product_id_of(sub: Mapping[str, Any]) -> Any:
    """The subscription's product as the lists read it (camelCase first, §9.1)."""
    return sub.get("productId") or sub.get("product_id")


def delivery_boy_list_qty(
    D: str,
    sub: Mapping[str, Any],
    customer: Mapping[str, Any] | None,
    *,
    product_ids: Container[Any],
    exact_statuses: bool = True,
) -> float:
    """§6.2: what the delivery-boy list showed for `sub` on `D` (0 = not listed).

    The customer (the subscription's `customers_v2` document, None when it does not
    exist) must have status exactly ``active`` or ``trial``; the subscription status
    must be exactly ``active``; its product must be one of `product_ids`. Only then is
    the engine asked, and the line shows when it answers more than 0. An engine crash
    propagates, as it failed the old screen.

    `exact_statuses=False` compares both statuses trimmed and lower-cased (rule 1: what
    the list would have shown had it read "Active" as active), which is what the import
    promises to deliver.
    """
    if customer is None:
        return 0.0
    customer_status, status = customer.get("status"), sub.get("status")
    if not exact_statuses:
        customer_status, status = _folded(customer_status), _folded(status)
    if customer_status not in SERVED_CUSTOMER_STATUSES:
        return 0.0
    if status != "active":
        return 0.0
    product_id = product_id_of(sub)
    try:
        if product_id not in product_ids:
            return 0.0
    except TypeError:  # an unhashable id (a stray object) matches no product
        return 0.0
    quantity = compute_qty(D, sub if exact_statuses else {**sub, "status": status})
    return quantity if quantity > 0 else 0.0


def _folded(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def served_qty(
    D: str,
    sub: Mapping[str, Any],
    customer: Mapping[str, Any] | None,
    *,
    product_ids: Container[Any],
) -> float:
    """The list's quantity with statuses in any casing (rule 1)."""
    return delivery_boy_list_qty(D, sub, customer, product_ids=product_ids, exact_statuses=False)
