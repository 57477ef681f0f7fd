"""Tests of the reports (web.reports). Today is Wed 18 Nov 2026 (the root conftest)."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from billing.models import Bill

IST = ZoneInfo("Asia/Kolkata")
TODAY = dt.date(2026, 11, 18)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=IST)


def issued_bill(customer, *, period: dt.date, total: str, issued_on: dt.date) -> Bill:
    """An issued bill of `total`, issued on `issued_on` (the ageing counts from that day)."""
    return Bill.objects.create(
        customer=customer,
        period=period,
        status=Bill.Status.ISSUED,
        code=f"BI-{period:%Y%m}-{customer.pk:04d}",
        issued_at=at(issued_on),
        charges=Decimal(total),
        total=Decimal(total),
    )


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]
