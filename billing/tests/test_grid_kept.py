"""A window's grid rows and their markup are kept by value (billing.grid_pivot,
billing.pages.grid_html): what did not change is reused, and any change to what a row
shows draws that row again. The page reads its window's rows once until a table they
come from changes (earlybird.changes)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import grid_pivot
from billing.grid import GridFilters, month_columns
from billing.grid_rows import grid_window
from billing.grid_totals import page_totals
from billing.pages import grid_html
from billing.tests.factories import PaymentFactory, accounts_user, deliver
from customers.tests.factories import CustomerFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def window():
    rows = list(grid_window(GridFilters(period=NOV), "1").object_list)
    return {row.customer.pk: row for row in rows}, rows


def drawn(rows) -> str:
    return grid_html.body_html(rows, month_columns(NOV), NOV)


def drawn_afresh(rows) -> str:
    grid_html._kept.clear()
    return drawn(rows)


@pytest.fixture
def asha_and_bala():
    """Two customers with milk delivered on 2 November; kept rows forgotten."""
    milk = ProductFactory(name="Cow milk 500 ml", price="30.00")
    asha, bala = CustomerFactory(name="Asha"), CustomerFactory(name="Bala")
    orders = {
        c: SubscriptionFactory(customer=c, product=milk, start_date=NOV) for c in (asha, bala)
    }
    for customer in (asha, bala):
        deliver(orders[customer], NOV.replace(day=2))
    grid_pivot._kept.clear()
    return asha, bala, orders


def test_unchanged_rows_are_reused_and_a_change_draws_its_row_again(asha_and_bala):
    asha, bala, orders = asha_and_bala
    first, first_rows = window()
    first_markup = drawn_afresh(first_rows)

    again, again_rows = window()
    assert again[asha.pk] is first[asha.pk] and again[bala.pk] is first[bala.pk]
    assert drawn(again_rows) == first_markup

    deliver(orders[asha], NOV.replace(day=3), "0.5")  # a quantity
    PaymentFactory(customer=bala, amount=Decimal("7.00"), paid_on=NOV.replace(day=4))  # money
    changed, changed_rows = window()

    assert changed[asha.pk] is not first[asha.pk] and changed[bala.pk] is not first[bala.pk]
    by_day = {
        column.day.day: cell
        for column, cell in zip(month_columns(NOV), changed[asha.pk].products[0].cells, strict=True)
        if column.day
    }
    assert (by_day[2], by_day[3]) == (Decimal("1.000"), Decimal("0.500"))
    assert changed[bala.pk].paid == Decimal("7.00")
    markup = drawn(changed_rows)
    assert markup != first_markup and markup == drawn_afresh(changed_rows)
    assert "₹7.00" in markup


def test_a_windows_foot_is_kept_with_its_rows_and_follows_a_change(asha_and_bala):
    _, bala, orders = asha_and_bala
    columns = month_columns(NOV)
    first_totals, first_foot = grid_html.window_foot(window()[1], columns)

    again = grid_html.window_foot(window()[1], columns)
    deliver(orders[bala], NOV.replace(day=3))
    rows = window()[1]
    totals, foot = grid_html.window_foot(rows, columns)

    assert again == (first_totals, first_foot) and again[0] is first_totals
    assert first_totals.delivered_amount == Decimal("60.00")
    assert totals.delivered_amount == Decimal("90.00")
    assert foot == grid_html.foot_html(page_totals(rows), columns, False) != first_foot


def test_the_same_rows_in_another_month_are_not_taken_for_these():
    """The days of a month are its own columns: the same quantities on the same days of
    another month (another layout of weeks) are another row."""
    milk = ProductFactory(name="Cow milk 500 ml", price="30.00")
    asha = CustomerFactory(name="Asha")
    order = SubscriptionFactory(customer=asha, product=milk, start_date=dt.date(2026, 10, 1))
    deliver(order, dt.date(2026, 10, 5))
    deliver(order, NOV.replace(day=5))
    grid_pivot._kept.clear()

    october = grid_window(GridFilters(period=dt.date(2026, 10, 1)), "1").object_list[0]
    november = grid_window(GridFilters(period=NOV), "1").object_list[0]

    assert october is not november
    assert october.products[0].cells != november.products[0].cells


@pytest.fixture
def grid_page(client):
    milk = ProductFactory(name="Cow milk 500 ml", price="30.00")
    order = SubscriptionFactory(customer=CustomerFactory(name="Asha"), product=milk, start_date=NOV)
    deliver(order, NOV.replace(day=2))
    client.force_login(accounts_user())
    return order


def _view(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_a_page_viewed_again_with_nothing_changed_reads_its_rows_once(client, grid_page):
    url = reverse("billing:grid") + "?month=2026-11"
    first, first_sql = _view(client, url)
    again, again_sql = _view(client, url)
    assert any("WITH given" in sql for sql in first_sql)
    assert not any("WITH given" in sql for sql in again_sql)
    assert again.context["rows"] == first.context["rows"]


def test_a_change_shows_on_the_next_view(client, grid_page):
    url = reverse("billing:grid") + "?month=2026-11"
    first, _ = _view(client, url)
    deliver(grid_page, NOV.replace(day=3))
    after, after_sql = _view(client, url)
    assert any("WITH given" in sql for sql in after_sql)
    assert after.content != first.content
    assert (
        after.context["rows"][0].delivered_amount == 2 * first.context["rows"][0].delivered_amount
    )
