"""Sales by product and month: delivered and partly delivered quantities × the day's
price, per product and month, with a chart; the page, its exports, its query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.services.wallet import set_billing_mode
from billing.tests.factories import deliver
from customers.tests.factories import CustomerFactory
from orders.models import Product
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.reports.periods import MonthRange
from web.reports.sales import sales_report
from web.tests.reports import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

SEP, OCT, NOV = (dt.date(2026, month, 1) for month in (9, 10, 11))
D = Decimal


def day(month: dt.date, n: int) -> dt.date:
    return month.replace(day=n)


@pytest.fixture
def sales():
    milk = ProductFactory(name="Cow milk", price="56.00", sort_order=1)
    paneer = ProductFactory(
        name="Paneer 200 g", unit=Product.Unit.PACKET, price="90.00", sort_order=2
    )
    anil = SubscriptionFactory(product=milk, quantity="2", start_date=SEP)
    deliver(anil, day(SEP, 10))  # 2 L: 112.00
    deliver(anil, day(SEP, 11), "1.5")  # partial, 1.5 L: 84.00
    deliver(anil, day(OCT, 6), 0)  # missed: not sold
    deliver(anil, day(NOV, 2))  # 2 L: 112.00
    bina = SubscriptionFactory(product=paneer, quantity="3", start_date=OCT)
    deliver(bina, day(OCT, 5))  # 3 packets: 270.00
    chitra = CustomerFactory(name="Chitra Das")  # prepaid: sold all the same
    set_billing_mode(customer=chitra, mode="prepaid", effective_from=NOV)
    tiny = SubscriptionFactory(customer=chitra, product=milk, quantity="0.333", start_date=NOV)
    deliver(tiny, day(NOV, 3))  # 0.333 × 56.00 = 18.648 -> 18.65
    return {"milk": milk, "paneer": paneer}


def test_it_sums_quantity_and_amount_per_product_and_month(sales):
    report = sales_report(period=MonthRange(SEP, NOV))

    assert report.months == [SEP, OCT, NOV]
    milk, paneer = report.products
    assert (milk.product, milk.unit) == ("Cow milk", "litre")
    assert [(m.quantity, m.amount) for m in milk.months] == [
        (D("3.500"), D("196.00")),
        (D("0.000"), D("0.00")),
        (D("2.333"), D("130.65")),
    ]
    assert (milk.quantity, milk.amount, milk.quantity_text) == (
        D("5.833"),
        D("326.65"),
        "5.833 litres",
    )
    assert [(m.quantity, m.amount) for m in paneer.months] == [
        (D("0.000"), D("0.00")),
        (D("3.000"), D("270.00")),
        (D("0.000"), D("0.00")),
    ]
    assert paneer.months[1].quantity_text == "3 packets"
    assert report.month_totals == [D("196.00"), D("270.00"), D("130.65")]
    assert report.total == D("596.65")


def test_the_chart_has_a_bar_per_month_stacked_by_product(sales):
    chart = sales_report(period=MonthRange(SEP, NOV)).chart

    assert [label.text for label in chart.labels] == [
        *("Sep 26", "₹196.00"),
        *("Oct 26", "₹270.00"),
        *("Nov 26", "₹130.65"),
    ]
    assert [rect.title for rect in chart.rects] == [
        "Sep 2026, Cow milk: 3.5 litres, ₹196.00",
        "Oct 2026, Paneer 200 g: 3 packets, ₹270.00",
        "Nov 2026, Cow milk: 2.333 litres, ₹130.65",
    ]
    # The highest month (October) is the tallest bar.
    heights = [float(rect.height) for rect in chart.rects]
    assert heights[1] == max(heights)
    assert [name for _, name in chart.legend] == ["Cow milk", "Paneer 200 g"]


def test_the_page_opens_on_this_month(client, sales, accounts):
    client.force_login(accounts)

    response = client.get(reverse("reports:sales"))

    report = response.context["report"]
    assert report.months == [NOV]
    assert report.total == D("130.65")
    page = response.content.decode()
    assert "2.333 litres" in page and "₹130.65 sold" in page
    assert "<svg" in page and "style=" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-11", "end": "2026-09"}, "The last month comes before the first."),
        ({"start": "2020-01", "end": "2026-09"}, "Choose at most 24 months."),
        ({"start": "2026-13"}, "is not a month"),
    ],
)
def test_a_range_that_makes_no_sense_is_a_form_error(client, accounts, query, message):
    client.force_login(accounts)

    response = client.get(reverse("reports:sales"), query)

    assert message in response.content.decode()
    assert response.context["report"] is None


def test_the_csv_has_each_month_and_the_totals(client, sales, accounts):
    client.force_login(accounts)

    rows = read_csv(
        client.get(reverse("reports:sales_csv"), {"start": "2026-09", "end": "2026-11"})
    )

    assert rows[0] == [
        "Product",
        "Unit",
        "Sep 2026 quantity",
        "Sep 2026 amount",
        "Oct 2026 quantity",
        "Oct 2026 amount",
        "Nov 2026 quantity",
        "Nov 2026 amount",
        "Total quantity",
        "Total amount",
    ]
    assert rows[1] == [
        "Cow milk",
        "litre",
        "3.5",
        "196.00",
        "0",
        "0.00",
        "2.333",
        "130.65",
        "5.833",
        "326.65",
    ]
    assert rows[2][0] == "Paneer 200 g"
    assert rows[3] == ["Total", "", "", "196.00", "", "270.00", "", "130.65", "", "596.65"]


def test_the_xlsx_opens_and_has_the_totals(client, sales, accounts):
    client.force_login(accounts)

    rows = read_xlsx(
        client.get(reverse("reports:sales_xlsx"), {"start": "2026-09", "end": "2026-11"})
    )

    assert rows[-1][0] == "Total"
    assert D(str(rows[-1][-1])) == D("596.65")
    assert D(str(rows[1][3])) == D("196.00")


def test_the_query_count_does_not_grow_with_products_and_deliveries(
    client, accounts, django_assert_max_num_queries
):
    client.force_login(accounts)
    made = 0
    for size in (1, 6):
        made += size
        for n in range(size):
            product = ProductFactory(name=f"Size {size} product {n}")
            deliver(SubscriptionFactory(product=product, start_date=OCT), day(NOV, 2 + n))
        with django_assert_max_num_queries(4):  # session, user, roles, one read
            response = client.get(reverse("reports:sales"))
        assert len(response.context["report"].products) == made
