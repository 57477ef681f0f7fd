"""Razorpay's settlement report (Dashboard > Reports > Settlement recon, CSV): one row per
payment, refund, transfer or adjustment settled to the business's bank account.

Columns as Razorpay names them (the API's /v1/settlements/recon/combined has the same):
entity_id, type, debit, credit, amount, currency, fee, tax, on_hold, settled,
created_at, settled_at, settlement_id, description, notes, payment_id, settlement_utr,
order_id, order_receipt, method, card_network, card_issuer, card_type, dispute_id …

Only what reconciliation needs is read — entity_id, type and amount (required), fee, tax,
settlement_id, created_at, settled_at — and only the rows of type "payment"; other
columns, and columns in another order, are fine. Headings are matched whatever their
case or spacing ("Entity ID" is entity_id). Amounts are rupees ("1000.00") as the
dashboard writes them, or paise ("100000") when `in_paise` (the API's figures). A value
that cannot be read is an error naming its line; nothing is half-read.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from billing.gateway.base import SettlementError, SettlementRow
from earlybird.bounds import FIRST_DAY, LAST_DAY

REQUIRED = ("entity_id", "type", "amount")
MAX_ROWS = 100_000  # a month of a large dairy is a few thousand
MAX_AMOUNT = Decimal("1000000000")
_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def read_settlement(text: str, *, in_paise: bool = False) -> list[SettlementRow]:
    """The payment rows of a settlement report; SettlementError naming the line of the
    first value that cannot be read."""
    text = text.lstrip("\ufeff")  # Excel's byte-order mark
    if not text.strip():
        raise SettlementError("The file is empty.")
    if "\x00" in text:
        raise SettlementError("This is not a CSV text file (it has NUL bytes).")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        heading = next(reader)
        columns = {_column(name): index for index, name in reversed(list(enumerate(heading)))}
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise SettlementError(
                f"Line 1: no {', '.join(missing)} column, so this is not a Razorpay "
                "settlement report (its first line should name the columns: entity_id, "
                "type, amount, fee, tax, settlement_id, …)."
            )
        rows: list[SettlementRow] = []
        seen: dict[str, int] = {}
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise SettlementError(f"Line {line}: more than {MAX_ROWS:,} payments in one file.")
            row = _row(values, columns, line, in_paise)
            if row is None:
                continue
            if row.payment_id in seen:
                raise SettlementError(
                    f"Line {line}: payment {row.payment_id} is already on line "
                    f"{seen[row.payment_id]}."
                )
            seen[row.payment_id] = line
            rows.append(row)
    except csv.Error as exc:
        raise SettlementError(f"Line {reader.line_num}: {exc}.") from None
    return rows


def _column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _row(values: list[str], columns: dict[str, int], line: int, in_paise: bool):
    def get(name: str) -> str:
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    if get("type").lower() != "payment":
        return None  # a refund, transfer, adjustment or settlement line
    payment_id = get("entity_id")
    if not re.fullmatch(r"[A-Za-z0-9_]{1,40}", payment_id):
        raise SettlementError(f"Line {line}: entity_id “{payment_id[:60]}” is not a payment id.")
    return SettlementRow(
        line=line,
        payment_id=payment_id,
        amount=_money(get("amount"), "amount", line, in_paise, required=True),
        fee=_money(get("fee"), "fee", line, in_paise),
        tax=_money(get("tax"), "tax", line, in_paise),
        settlement_id=get("settlement_id")[:40],
        paid_on=_day(get("created_at")),
        settled_on=_day(get("settled_at")),
    )


def _money(text: str, name: str, line: int, in_paise: bool, *, required=False) -> Decimal:
    if not text:
        if required:
            raise SettlementError(f"Line {line}: no {name}.")
        return Decimal("0.00")
    try:
        value = Decimal(text.replace(",", "").replace("₹", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if in_paise and value.is_finite():
        if value != value.to_integral_value():
            raise SettlementError(
                f"Line {line}: {name} “{text[:30]}” is not a whole number of paise."
            )
        value = value / 100
    if not value.is_finite() or not 0 <= value <= MAX_AMOUNT or value != round(value, 2):
        raise SettlementError(f"Line {line}: {name} “{text[:30]}” is not an amount of money.")
    return value.quantize(Decimal("0.01"))


def _day(text: str) -> date | None:
    """A Unix time or a date (with or without a time) as the dashboard writes it; None
    when absent or unreadable (the days only place a report, they are not compared)."""
    day = _any_day(text)
    return day if day is not None and FIRST_DAY <= day <= LAST_DAY else None


def _any_day(text: str) -> date | None:
    if not text:
        return None
    if text.isdigit() and len(text) <= 11:
        try:
            return timezone.localdate(datetime.fromtimestamp(int(text), tz=UTC))
        except (OverflowError, OSError, ValueError):
            return None
    day = text.split()[0].split("T")[0]
    for pattern in _DAY_FORMATS:
        try:
            return datetime.strptime(day, pattern).date()
        except ValueError:
            continue
    return None
