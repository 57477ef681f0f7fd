"""CSV and Excel exports of the monthly grid: the whole filtered month, every page."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from billing import grid
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
    return {"east": east, "west": west, "anil": anil}


@pytest.fixture
def accounts_client(client):
    client.force_login(accounts_user())
    return client


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_csv_has_every_customer_of_the_month_not_just_a_page(
    accounts_client, month, monkeypatch
):
    monkeypatch.setattr(grid, "EXPORT_CHUNK", 2)  # several rounds of queries
    monkeypatch.setattr(grid, "PER_PAGE", 1)

    response = accounts_client.get(reverse("billing:grid_csv"), {"month": "2026-01"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="earlybird-grid-2026-01.csv"' in response["Content-Disposition"]
    header, *rows = read_csv(response)
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

    assert [row[1] for row in rows] == ["West 0", "West 1", "West 2"]
    assert {row[3] for row in rows} == {"West"}


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
    assert len(body) == 6
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
