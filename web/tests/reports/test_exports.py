"""The reports' exports: text a spreadsheet would run is written as text, numbers stay
numbers, the totals row is last (bold in Excel), rupee columns formatted."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from customers.tests.factories import CustomerFactory
from web.reports.exports import MONEY_FORMAT, Table, csv_response, xlsx_response
from web.tests.reports import issued_bill, read_csv, read_xlsx

TABLE = Table(
    name="earlybird-test",
    title="A title longer than Excel's thirty-one characters",
    header=["Who", "Count", "Amount"],
    rows=[["=HYPERLINK(1)", 2, Decimal("10.50")], ["+91 98480", None, Decimal("-2.00")]],
    totals=["Total", 2, Decimal("8.50")],
    money=frozenset(["Amount"]),
)


def test_the_csv_writes_formulas_as_text_and_numbers_plainly():
    rows = read_csv(csv_response(TABLE))

    assert rows == [
        ["Who", "Count", "Amount"],
        ["'=HYPERLINK(1)", "2", "10.50"],
        ["'+91 98480", "", "-2.00"],
        ["Total", "2", "8.50"],
    ]


def test_the_xlsx_writes_formulas_as_text_and_the_totals_bold():
    response = xlsx_response(TABLE)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active

    assert sheet.title == "A title longer than Excel's thi"  # 31 characters
    assert sheet["A2"].value == "'=HYPERLINK(1)" and sheet["A2"].data_type == "s"
    assert (sheet["C2"].value, sheet["C2"].number_format) == (10.5, MONEY_FORMAT)
    assert [cell.value for cell in sheet[4]] == ["Total", 2, 8.5]
    assert sheet["A4"].font.b and sheet["C4"].font.b
    assert response["Content-Disposition"] == 'attachment; filename="earlybird-test.xlsx"'


@pytest.mark.django_db
def test_a_customer_named_like_a_formula_is_text_in_the_dues_exports(client, accounts):
    customer = CustomerFactory(name='=HYPERLINK("http://x")')
    issued_bill(
        customer, period=dt.date(2026, 10, 1), total="10.00", issued_on=dt.date(2026, 11, 2)
    )
    client.force_login(accounts)

    csv_rows = read_csv(client.get(reverse("reports:dues_csv")))
    xlsx_rows = read_xlsx(client.get(reverse("reports:dues_xlsx")))

    assert csv_rows[1][1] == '\'=HYPERLINK("http://x")'
    assert xlsx_rows[1][1] == '\'=HYPERLINK("http://x")'
