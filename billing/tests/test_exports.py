"""CSV and Excel exports of the monthly grid: the whole filtered month, every page."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from billing import exports, grid_rows
from billing.models import Bill
from billing.services import issue_bill, run_billing
from billing.tests.factories import PaymentFactory, accounts_user, deliver, deliver_days
from customers.tests.factories import AreaFactory, CustomerFactory, UserFactory
from earlybird.roles import ADMIN, CUSTOMER, DELIVERY_BOY, MARKETING, SUPPORT
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)


def jan(n: int) -> dt.date:
    return JAN.replace(day=n)


@pytest.fixture
def month():
    """Two areas; in East a customer with two products, an issued bill and a payment, and a
    customer whose name a spreadsheet would run as a formula; in West three more."""
    east, west = AreaFactory(name="East"), AreaFactory(name="West")
    milk = ProductFactory(name="Cow milk", price="30.00", sort_order=1)
    curd = ProductFactory(name="Curd", price="25.00", sort_order=2)
    anil = CustomerFactory(name="Anil Kumar", area=east, opening_balance=Decimal("10.00"))
    deliver_days(SubscriptionFactory(customer=anil, product=milk, start_date=JAN), jan(1), jan(5))
    deliver(SubscriptionFactory(customer=anil, product=curd, quantity="2", start_date=JAN), jan(2))
    tricky = CustomerFactory(name="=HYPERLINK(1)", area=east)
    deliver(SubscriptionFactory(customer=tricky, product=milk, start_date=JAN), jan(3))
    for n in range(3):
        someone = CustomerFactory(name=f"West {n}", area=west)
        deliver(SubscriptionFactory(customer=someone, product=milk, start_date=JAN), jan(1))
    run_billing(period=JAN)
    issue_bill(bill=Bill.objects.get(customer=anil, period=JAN))
    PaymentFactory(customer=anil, amount=Decimal("100.00"), paid_on=jan(20))
    return {"east": east, "west": west, "anil": anil, "curd": curd}


@pytest.fixture
def accounts_client(client):
    client.force_login(accounts_user())
    return client


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def customer_rows(rows: list) -> list:
    """The rows before the totals (which say "Total" in the first column)."""
    return [row for row in rows if row[0] != exports.TOTAL]


def test_the_csv_has_every_customer_of_the_month_not_just_a_page(
    accounts_client, month, monkeypatch
):
    monkeypatch.setattr(grid_rows, "EXPORT_CHUNK", 2)  # several rounds of queries
    monkeypatch.setattr(grid_rows, "PER_PAGE", 1)

    response = accounts_client.get(reverse("billing:grid_csv"), {"month": "2026-01"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="earlybird-grid-2026-01.csv"' in response["Content-Disposition"]
    header, *everything = read_csv(response)
    rows = customer_rows(everything)
    assert header[:8] == [
        "Customer code",
        "Customer",
        "Phone",
        "Area",
        "Delivery boy",
        "Marketing staff",
        "Product",
        "Unit",
    ]
    assert header[8:13] == ["1", "2", "3", "4", "W1"]
    assert header[-8:] == [
        "Quantity",
        "Amount",
        "Bill",
        "Bill status",
        "Bill total",
        "Paid in month",
        "Balance",
        "Payment status",
    ]
    names = [row[1] for row in rows]
    assert names == ["'=HYPERLINK(1)", "Anil Kumar", "Anil Kumar", "West 0", "West 1", "West 2"]
    column = {name: i for i, name in enumerate(header)}
    milk, curd = rows[1], rows[2]
    assert (milk[column["Product"]], curd[column["Product"]]) == ("Cow milk", "Curd")
    assert [milk[column[str(n)]] for n in range(1, 7)] == ["1", "1", "1", "1", "1", ""]
    assert milk[column["W1"]] == "4" and milk[column["W2"]] == "1"
    assert (milk[column["Quantity"]], milk[column["Amount"]]) == ("5", "150.00")
    assert curd[column["2"]] == "2" and curd[column["Amount"]] == "50.00"
    # The money columns once per customer, on their first row.
    assert milk[column["Bill"]].startswith("BI-202601-")
    assert milk[column["Bill total"]] == "200.00"
    assert milk[column["Paid in month"]] == "100.00"
    assert milk[column["Balance"]] == "110.00"  # 10 + 200 − 100
    assert milk[column["Payment status"]] == "Partly paid"
    assert curd[column["Bill"]] == curd[column["Balance"]] == ""
    assert rows[0][column["Payment status"]] == "No bill"  # a draft only


def test_the_export_follows_the_filters(accounts_client, month):
    response = accounts_client.get(
        reverse("billing:grid_csv"), {"month": "2026-01", "area": month["west"].pk}
    )

    _, *rows = read_csv(response)

    assert [row[1] for row in customer_rows(rows)] == ["West 0", "West 1", "West 2"]
    assert {row[3] for row in customer_rows(rows)} == {"West"}
    # The totals are those of the filtered customers: three litres on the 1st.
    assert [(row[0], row[1], row[6]) for row in rows[3:]] == [
        ("Total", "3 customers", "Cow milk"),
        ("Total", "3 customers", "All products"),
    ]


def test_the_excel_workbook_holds_numbers_and_the_whole_month(accounts_client, month):
    response = accounts_client.get(reverse("billing:grid_xlsx"), {"month": "2026-01"})

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "earlybird-grid-2026-01.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["2026-01"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    column = {name: i for i, name in enumerate(header)}
    assert len(body) == 6 + 3  # the customers' rows, then two products' totals and all
    anil = next(row for row in body if row[1] == "Anil Kumar" and row[6] == "Cow milk")
    assert anil[column["1"]] == 1 and anil[column["W1"]] == 4
    assert anil[column["Amount"]] == 150
    assert anil[column["Balance"]] == 110
    assert sheet.freeze_panes == "I2"
    # Text that looks like a formula stays text.
    assert body[0][1] == "'=HYPERLINK(1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_bad_month_is_a_404_not_a_guess(accounts_client):
    assert accounts_client.get(reverse("billing:grid_csv"), {"month": "May"}).status_code == 404


@pytest.mark.parametrize("name", ["grid_csv", "grid_xlsx"])
@pytest.mark.parametrize("role", [SUPPORT, MARKETING, DELIVERY_BOY, CUSTOMER])
def test_only_accounts_and_admins_export(client, name, role):
    url = reverse(f"billing:{name}")
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response.url
    client.force_login(UserFactory(roles=[role]))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[ADMIN]))
    response = client.get(url, {"month": "2026-01"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


# --- the totals ------------------------------------------------------------------------


def test_the_csv_ends_with_the_totals_of_every_day_week_product_and_the_money(
    accounts_client, month, monkeypatch
):
    monkeypatch.setattr(grid_rows, "EXPORT_CHUNK", 2)  # totals over every chunk, not the last

    header, *rows = read_csv(accounts_client.get(reverse("billing:grid_csv"), {"month": "2026-01"}))

    column = {name: i for i, name in enumerate(header)}
    milk, curd, everything = rows[-3:]
    assert [row[column["Customer code"]] for row in rows[-3:]] == ["Total"] * 3
    assert milk[column["Customer"]] == "5 customers"
    assert (milk[column["Product"]], milk[column["Unit"]]) == ("Cow milk", "litre")
    # Anil every day 1–5, the three in West on the 1st, the tricky one on the 3rd.
    assert [milk[column[str(n)]] for n in range(1, 7)] == ["4", "1", "2", "1", "1", ""]
    assert (milk[column["W1"]], milk[column["W2"]]) == ("8", "1")
    assert (milk[column["Quantity"]], milk[column["Amount"]]) == ("9", "270.00")
    assert (curd[column["2"]], curd[column["Quantity"]], curd[column["Amount"]]) == (
        "2",
        "2",
        "50.00",
    )
    assert everything[column["Product"]] == "All products"
    assert everything[column["Amount"]] == "320.00"
    assert everything[column["Bill total"]] == "320.00"  # Anil's issued 200 and 4 drafts
    assert everything[column["Paid in month"]] == "100.00"
    assert everything[column["Balance"]] == "110.00"  # only Anil's bill is issued
    # The totals add up the customers' rows above them.
    customers = customer_rows(rows)
    assert sum(Decimal(row[column["Amount"]] or 0) for row in customers) == Decimal("320.00")


def test_the_product_filter_narrows_rows_and_totals_to_one_product(accounts_client, month):
    curd = month["curd"]

    header, *rows = read_csv(
        accounts_client.get(reverse("billing:grid_csv"), {"month": "2026-01", "product": curd.pk})
    )

    column = {name: i for i, name in enumerate(header)}
    assert [(row[1], row[column["Product"]]) for row in rows] == [
        ("Anil Kumar", "Curd"),
        ("1 customer", "Curd"),
        ("1 customer", "All products"),
    ]
    assert rows[-1][column["Amount"]] == "50.00"
    assert rows[-1][column["Bill total"]] == "200.00"  # the customer's whole bill


def test_the_workbook_totals_are_bold_numbers(accounts_client, month):
    response = accounts_client.get(reverse("billing:grid_xlsx"), {"month": "2026-01"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["2026-01"]
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    milk, _, everything = rows[-3:]
    amount = header.index("Amount")
    assert milk[header.index("W1")].value == 8 and milk[amount].value == 270
    assert everything[amount].value == 320 and everything[amount].number_format == "#,##0.00"
    assert all(cell.font.bold for cell in everything if cell.value not in (None, ""))
