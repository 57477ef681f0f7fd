# Over 400 lines: one page, tested from rows and money to filters, paging and query counts.
"""The monthly grid: customers × days per product, week totals, money columns, filters,
pagination, and a number of queries that does not grow with the customers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.forms import GridFilterForm
from billing.grid import (
    NO_BILL,
    GridFilters,
    grid_customers,
    month_columns,
    month_customers_sql,
    short_quantity,
)
from billing.grid_rows import PER_PAGE, grid_rows, grid_window
from billing.grid_totals import grid_totals
from billing.models import Bill
from billing.selectors import PaymentStatus
from billing.services import issue_bill, issue_bills, run_billing
from billing.tests.factories import (
    PaymentFactory,
    accounts_user,
    deliver,
    deliver_days,
    delivery_of,
)
from customers.tests.factories import AreaFactory, CustomerFactory, UserFactory
from deliveries.services import assign_to_route
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird.roles import ADMIN, CUSTOMER, DELIVERY_BOY, MARKETING, SUPPORT
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


def jan(n: int) -> dt.date:
    return JAN.replace(day=n)


def cells_by_label(row, columns) -> dict[str, Decimal | None]:
    return {column.label: value for column, value in zip(columns, row.cells, strict=True)}


# --- the columns ------------------------------------------------------------------------


def test_the_month_has_its_days_with_a_total_after_each_sunday_and_the_last_day():
    columns = month_columns(JAN)  # 1 January 2026 is a Thursday

    labels = [column.label for column in columns]

    assert labels[:5] == ["1", "2", "3", "4", "W1"]  # Thu–Sun
    assert labels[5:13] == ["5", "6", "7", "8", "9", "10", "11", "W2"]
    assert labels[-3:] == ["30", "31", "W5"]
    assert sum(1 for column in columns if not column.is_week) == 31
    assert columns[0].weekday == "Th"
    # February 2026 starts on a Sunday: its first week is one day long.
    assert [c.label for c in month_columns(FEB)][:3] == ["1", "W1", "2"]
    # February 2021 starts on a Monday and has 28 days: four whole weeks.
    weeks = [c.title for c in month_columns(dt.date(2021, 2, 1)) if c.is_week]
    assert weeks == [
        "Week 1: 1–7 Feb",
        "Week 2: 8–14 Feb",
        "Week 3: 15–21 Feb",
        "Week 4: 22–28 Feb",
    ]


# --- what a row says ----------------------------------------------------------------------


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk 500 ml", price="30.00", sort_order=1)


@pytest.fixture
def curd():
    return ProductFactory(name="Curd 200 g", price="25.00", sort_order=2)


def test_a_row_has_the_days_week_totals_amount_bill_payments_and_balance(milk, curd):
    customer = CustomerFactory(opening_balance=Decimal("40.00"))
    morning = SubscriptionFactory(customer=customer, product=milk, quantity="2", start_date=JAN)
    evening = SubscriptionFactory(
        customer=customer,
        product=milk,
        quantity="1",
        start_date=jan(3),
        end_date=jan(3),
        shift=Order.Shift.EVENING,
    )
    deliver_days(morning, jan(1), jan(4))
    deliver(morning, jan(5), "1.5")  # partial
    deliver(morning, jan(6), 0)  # not delivered: nothing to show
    deliver(evening, jan(3))  # evening of the 3rd adds to the morning
    extra = OneTimeOrderFactory(customer=customer, product=curd, quantity="3", delivery_date=jan(5))
    deliver(extra, jan(5))
    run_billing(period=JAN)
    bill = issue_bill(bill=Bill.objects.get(customer=customer, period=JAN))
    PaymentFactory(customer=customer, amount=Decimal("100.00"), paid_on=jan(20))
    PaymentFactory(customer=customer, amount=Decimal("50.00"), paid_on=FEB)  # not in January

    filters = GridFilters(period=JAN)
    columns = month_columns(JAN)
    [row] = grid_rows(period=JAN, customers=grid_customers(filters))

    assert [p.product for p in row.products] == ["Cow milk 500 ml", "Curd 200 g"]
    milk_row, curd_row = row.products
    milk_cells = cells_by_label(milk_row, columns)
    assert [milk_cells[str(n)] for n in range(1, 7)] == [
        Decimal("2"),
        Decimal("2"),
        Decimal("3"),  # 2 in the morning + 1 in the evening
        Decimal("2"),
        Decimal("1.5"),
        None,  # not delivered
    ]
    assert milk_cells["W1"] == Decimal("9") and milk_cells["W2"] == Decimal("1.5")
    assert milk_row.quantity == Decimal("10.5")
    assert milk_row.amount == Decimal("315.00")
    assert cells_by_label(curd_row, columns)["5"] == Decimal("3")
    assert curd_row.amount == Decimal("75.00")
    assert row.delivered_amount == Decimal("390.00") == bill.total
    assert (row.bill.pk, row.bill.code, row.bill.total) == (bill.pk, bill.code, bill.total)
    assert row.paid == Decimal("100.00")
    assert row.balance == Decimal("280.00")  # 40 + 390 − 100 − 50
    assert row.payment_status == PaymentStatus.PARTLY_PAID


def test_who_is_on_the_grid_and_their_payment_status(milk):
    paid, partly, unpaid, draft_only = (CustomerFactory() for _ in range(4))
    for customer in (paid, partly, unpaid, draft_only):
        order = SubscriptionFactory(customer=customer, product=milk, start_date=JAN)
        deliver_days(order, jan(1), jan(2))  # ₹60 each
    run_billing(period=JAN)
    for customer in (paid, partly, unpaid):
        issue_bill(bill=Bill.objects.get(customer=customer, period=JAN))
    PaymentFactory(customer=paid, amount=Decimal("60.00"), paid_on=jan(25))
    PaymentFactory(customer=partly, amount=Decimal("20.00"), paid_on=jan(25))
    idle = CustomerFactory()  # nothing delivered, no bill: not on the grid
    SubscriptionFactory(customer=idle, product=milk, start_date=FEB)

    statuses = dict(grid_customers(GridFilters(period=JAN)))

    assert statuses == {
        paid.pk: PaymentStatus.PAID,
        partly.pk: PaymentStatus.PARTLY_PAID,
        unpaid.pk: PaymentStatus.UNPAID,
        draft_only.pk: NO_BILL,  # a draft is not a bill yet
    }
    only_unpaid = grid_customers(GridFilters(period=JAN, payment_status=PaymentStatus.UNPAID))
    assert only_unpaid == [(unpaid.pk, PaymentStatus.UNPAID)]
    assert grid_customers(GridFilters(period=JAN, payment_status=NO_BILL)) == [
        (draft_only.pk, NO_BILL)
    ]


def test_a_month_not_billed_yet_has_whoever_had_a_delivered_or_partial_delivery_in_it(milk):
    delivered, partly, missed, planned, later = (CustomerFactory() for _ in range(5))
    orders = {
        customer: SubscriptionFactory(customer=customer, product=milk, start_date=JAN)
        for customer in (delivered, partly, missed, planned, later)
    }
    deliver(orders[delivered], jan(31))  # the month's last day counts
    deliver(orders[partly], jan(1), "0.5")
    deliver(orders[missed], jan(2), 0)  # not delivered: nothing to bill
    delivery_of(orders[planned], jan(3))  # generated, never confirmed
    deliver(orders[later], FEB)
    filters = GridFilters(period=JAN)

    assert dict(grid_customers(filters)) == {delivered.pk: NO_BILL, partly.pk: NO_BILL}
    assert grid_window(filters, "1").paginator.count == 2
    # Each customer is looked up in the deliveries (an index probe), never by hashing
    # every delivery of the month first: that read the whole month on every page.
    month_sql, params = month_customers_sql(filters)
    with connection.cursor() as cursor:
        # month_sql: SQL that Django compiled, its values parameters.
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT * FROM ({month_sql}) m", params)  # noqa: S608
        plan = cursor.fetchone()[0]

    def subplans(node):
        if node.get("Parent Relationship") == "SubPlan":
            yield node
        for child in node.get("Plans", []):
            yield from subplans(child)

    def relations(node):
        yield node.get("Relation Name")
        for child in node.get("Plans", []):
            yield from relations(child)

    text = str(plan)
    on_deliveries = [
        node["Subplan Name"]
        for node in subplans(plan[0]["Plan"])
        if "deliveries_delivery" in relations(node)
    ]
    assert on_deliveries and all(f"hashed {name}" not in text for name in on_deliveries)


def test_a_customer_billed_without_deliveries_gets_one_empty_row(milk):
    from billing.services import add_adjustment

    customer = CustomerFactory()
    add_adjustment(customer=customer, amount="120", reason="Can deposit", day=jan(10))
    run_billing(period=JAN)

    [row] = grid_rows(period=JAN, customers=grid_customers(GridFilters(period=JAN)))

    assert row.products == [] and row.lines == [None]
    assert row.bill.total == Decimal("120.00")
    assert row.delivered_amount == Decimal("0.00")


def test_the_filters_narrow_by_area_route_and_marketer(milk):
    east, west = AreaFactory(name="East"), AreaFactory(name="West")
    marketer = UserFactory(roles=[MARKETING])
    boy = DeliveryBoyFactory()
    a = CustomerFactory(area=east, marketing_staff=marketer)
    b = CustomerFactory(area=west)
    c = CustomerFactory(area=west, marketing_staff=marketer)
    for customer in (a, b, c):
        deliver(SubscriptionFactory(customer=customer, product=milk, start_date=JAN), jan(2))
    assign_to_route(customer=b, delivery_boy=boy)

    def ids(**kwargs):
        return {pk for pk, _ in grid_customers(GridFilters(period=JAN, **kwargs))}

    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(area_id=west.pk) == {b.pk, c.pk}
    assert ids(delivery_boy_id=boy.pk) == {b.pk}
    assert ids(marketing_staff_id=marketer.pk) == {a.pk, c.pk}
    assert ids(area_id=west.pk, marketing_staff_id=marketer.pk) == {c.pk}
    assert {pk for pk, _ in grid_customers(GridFilters(period=FEB))} == set()


# --- the page ------------------------------------------------------------------------------


class TestGridPage:
    def test_accounts_staff_see_the_grid_with_its_filters(self, client, milk):
        customer = CustomerFactory(name="Lakshmi Devi")
        deliver_days(
            SubscriptionFactory(customer=customer, product=milk, start_date=JAN), jan(1), jan(3)
        )
        run_billing(period=JAN)
        issue_bills(period=JAN)
        client.force_login(accounts_user())

        response = client.get(reverse("billing:grid"), {"month": "2026-01"})

        page = response.content.decode()
        assert response.context["page"].paginator.count == 1
        assert "Monthly grid · January 2026" in page
        assert "Lakshmi Devi" in page and "Cow milk 500 ml" in page
        assert "BI-202601-0001" in page and "₹90.00" in page
        assert "Unpaid" in page
        assert f"{reverse('billing:grid_csv')}?month=2026-01" in page

    def test_a_bad_month_shows_an_error_and_no_rows(self, client):
        client.force_login(accounts_user())

        response = client.get(reverse("billing:grid"), {"month": "2026-13"})

        assert response.context["rows"] == []
        assert "is not a month" in response.content.decode()

    @pytest.mark.parametrize("role", [SUPPORT, MARKETING, DELIVERY_BOY, CUSTOMER])
    def test_other_roles_get_a_404(self, client, role):
        client.force_login(UserFactory(roles=[role]))
        assert client.get(reverse("billing:grid")).status_code == 404

    def test_an_admin_may_and_a_stranger_is_sent_to_log_in(self, client):
        response = client.get(reverse("billing:grid"))
        assert response.status_code == 302 and reverse("login") in response.url
        client.force_login(UserFactory(roles=[ADMIN]))
        assert client.get(reverse("billing:grid")).context["page"].paginator.count == 0


# --- the query count ------------------------------------------------------------------------


def bulk_month(*, first: int, count: int, products: list, period: dt.date = JAN) -> None:
    """`count` customers numbered from `first`, each with one subscription of every product
    and a confirmed delivery of each on every day of the month — in a few INSERT … SELECT
    statements, not through the services (which the rest of the suite covers)."""
    product_ids = [product.pk for product in products]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH users AS (
                INSERT INTO auth_user (username, password, is_superuser, first_name, last_name,
                                       email, is_staff, is_active, date_joined)
                SELECT 'grid' || g, '!', false, '', '', '', false, true, now()
                  FROM generate_series(%(first)s::int, %(last)s::int) g
                RETURNING id, username
            )
            INSERT INTO customers_customer (user_id, code, name, phone, status, address,
                landmark, map_link, opening_balance, notes, created_at, updated_at)
            SELECT id, 'CU-GRID-' || substr(username, 5), 'Grid customer ' || substr(username, 5),
                   '7' || lpad(substr(username, 5), 9, '0'), 'active', '', '', '', 0, '',
                   now(), now()
              FROM users
            """,
            {"first": first, "last": first + count - 1},
        )
        params = {
            "start": period,
            "end": period.replace(day=28),
            "products": product_ids,
        }
        # One statement per call: the server binds the parameters (DB_PREPARE_THRESHOLD).
        for sql in (
            """
            INSERT INTO orders_order (code, customer_id, kind, pattern, weekdays, shift,
                                      start_date, end_date, status, notes, created_at, updated_at)
            SELECT 'SU-GRID-' || c.id, c.id, 'subscription', 'daily', ARRAY[]::smallint[],
                   'morning', %(start)s, NULL, 'active', '', now(), now()
              FROM customers_customer c
             WHERE c.code LIKE 'CU-GRID-%%'
               AND NOT EXISTS (SELECT 1 FROM orders_order o WHERE o.customer_id = c.id)
            """,
            """
            INSERT INTO orders_orderline (order_id, product_id, quantity, created_at, updated_at)
            SELECT o.id, p, 1.5, now(), now()
              FROM orders_order o, unnest(%(products)s::bigint[]) p
             WHERE o.code LIKE 'SU-GRID-%%'
               AND NOT EXISTS (SELECT 1 FROM orders_orderline l WHERE l.order_id = o.id)
            """,
            """
            INSERT INTO deliveries_delivery
                (code, order_id, order_line_id, product_id, customer_id, date, shift,
                 ordered_qty, delivered_qty, unit_price, status, reason, reason_note,
                 confirmed_by_name, confirmed_via, confirmed_at, confirmed_user_agent,
                 created_at, updated_at)
            SELECT 'DL-GRID-' || l.id || '-' || to_char(day, 'DD'), o.id, l.id, l.product_id,
                   o.customer_id, day, 'morning', 1.5, 1.5, 30.00, 'delivered', '', '', '',
                   'staff', day + time '07:00', '', now(), now()
              FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id,
                   generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS g(day)
             WHERE o.code LIKE 'SU-GRID-%%'
               AND NOT EXISTS (SELECT 1 FROM deliveries_delivery d WHERE d.order_line_id = l.id)
            """,
        ):
            cursor.execute(sql, params)


def test_the_grid_takes_as_many_queries_for_1000_customers_as_for_10(
    client, milk, curd, django_assert_max_num_queries
):
    client.force_login(accounts_user())
    url = reverse("billing:grid")
    query = {"month": "2026-01"}

    def render_grid():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        return response, len(captured.captured_queries)

    bulk_month(first=1, count=10, products=[milk, curd])
    run_billing(period=JAN)
    issue_bills(period=JAN)
    render_grid()  # the drop-downs read, then kept (earlybird.changes)
    small, few = render_grid()
    # The session with its user and roles; the window of customers and their rows
    # (accounts, bills and payment status, quantities) in one statement.
    assert few <= 2
    assert small.context["page"].paginator.count == 10
    assert len(small.context["rows"]) == 10

    bulk_month(first=11, count=990, products=[milk, curd])
    run_billing(period=JAN)  # the new customers' drafts: "no bill" beside the issued ones
    render_grid()  # their users moved the drop-downs' version: read again, then kept
    with django_assert_max_num_queries(few):
        big = client.get(url, query)
    _, many = render_grid()

    assert big.context["page"].paginator.count == 1000
    assert len(big.context["rows"]) == PER_PAGE  # one window of customers
    row = big.context["rows"][0]
    assert [p.quantity for p in row.products] == [Decimal("42"), Decimal("42")]  # 28 × 1.5
    assert many == few
    print(f"grid queries: {few} for 10 customers, {many} for 1,000")


# --- today's month, one product, the totals -------------------------------------------------

NOV = dt.date(2026, 11, 1)  # today is 18 November 2026 (conftest)


def test_a_day_shows_halves_and_quarters_as_one_glyph():
    assert [
        short_quantity(Decimal(text)) for text in ("2.000", "1.500", "0.500", "0.250", "3.750")
    ] == ["2", "1½", "½", "¼", "3¾"]
    assert short_quantity(Decimal("0.333")) == "0.333" and short_quantity(None) == ""


def test_the_page_opens_on_todays_month(client, milk):
    customer = CustomerFactory(name="Lakshmi Devi")
    order = SubscriptionFactory(
        customer=customer, product=milk, quantity="2", start_date=dt.date(2026, 10, 1)
    )
    deliver(order, dt.date(2026, 10, 30))
    deliver(order, dt.date(2026, 11, 2), "1.5")
    client.force_login(accounts_user())

    response = client.get(reverse("billing:grid"))

    page = response.content.decode()
    assert response.context["filters"].period == NOV
    assert response.context["form"]["month"].value() == "2026-11"
    assert "Monthly grid · November 2026" in page
    assert [row.products[0].quantity for row in response.context["rows"]] == [Decimal("1.5")]
    assert f'href="{reverse("billing:grid_csv")}?"' in page  # the export: the same month


@pytest.fixture
def two_products(milk, curd):
    """Asha: milk on the 1st and 2nd, curd on the 2nd; Bala: milk on the 2nd; Chitra:
    billed an adjustment only. January 2026, billed and issued."""
    from billing.services import add_adjustment

    asha, bala, chitra = (CustomerFactory(name=name) for name in ("Asha", "Bala", "Chitra"))
    deliver_days(SubscriptionFactory(customer=asha, product=milk, start_date=JAN), jan(1), jan(2))
    deliver(
        SubscriptionFactory(customer=asha, product=curd, quantity="0.5", start_date=JAN), jan(2)
    )
    deliver(
        SubscriptionFactory(customer=bala, product=milk, quantity="1.5", start_date=JAN), jan(2)
    )
    add_adjustment(customer=chitra, amount="40", reason="Can deposit", day=jan(5))
    run_billing(period=JAN)
    issue_bills(period=JAN)
    PaymentFactory(customer=asha, amount=Decimal("50.00"), paid_on=jan(20))
    return asha, bala, chitra


def test_the_totals_add_every_customer_per_day_week_and_product(milk, curd, two_products):
    filters = GridFilters(period=JAN)
    columns = month_columns(JAN)

    totals = grid_totals(filters, grid_customers(filters), columns)

    assert totals.customers == 3
    milk_total, curd_total = totals.products
    assert (milk_total.product, milk_total.unit) == ("Cow milk 500 ml", "litre")
    assert cells_by_label(milk_total, columns)["1"] == Decimal("1")
    assert cells_by_label(milk_total, columns)["2"] == Decimal("2.5")  # Asha 1 + Bala 1.5
    assert cells_by_label(milk_total, columns)["W1"] == Decimal("3.5")
    assert (milk_total.quantity, milk_total.amount) == (Decimal("3.5"), Decimal("105.00"))
    assert (curd_total.quantity, curd_total.amount) == (Decimal("0.5"), Decimal("12.50"))
    assert totals.delivered_amount == Decimal("117.50")
    assert totals.billed == Decimal("157.50")  # the deliveries and Chitra's ₹40
    assert totals.paid == Decimal("50.00")
    assert totals.balance == Decimal("107.50")


def test_one_product_narrows_the_customers_rows_and_totals(milk, curd, two_products):
    asha, bala, _ = two_products
    filters = GridFilters(period=JAN, product_id=curd.pk)

    customers = grid_customers(filters)
    [row] = grid_rows(period=JAN, customers=customers, product_id=curd.pk)
    totals = grid_totals(filters, customers)

    assert [pk for pk, _ in customers] == [asha.pk]  # no curd for Bala, no delivery for Chitra
    assert [p.product for p in row.products] == ["Curd 200 g"]
    assert row.bill.total == Decimal("72.50")  # the whole bill, milk included
    assert [p.product for p in totals.products] == ["Curd 200 g"]
    assert (totals.delivered_amount, totals.billed) == (Decimal("12.50"), Decimal("72.50"))
    milk_only = GridFilters(period=JAN, product_id=milk.pk)
    assert [pk for pk, _ in grid_customers(milk_only)] == [asha.pk, bala.pk]


def test_the_foot_adds_up_the_page_and_on_demand_every_page(
    client, monkeypatch, milk, curd, two_products
):
    monkeypatch.setattr("billing.grid_rows.PER_PAGE", 2)
    client.force_login(accounts_user())
    url = reverse("billing:grid")

    response = client.get(url, {"month": "2026-01"})

    page = response.content.decode()
    rows = response.context["rows"]
    assert [row.customer.name for row in rows] == ["Asha", "Bala"]  # two on this page …
    assert response.context["totals"].customers == 2  # … and the foot adds up those two
    assert "2 customers, this page" in page
    assert '<td class="num" id="grid-total-amount">₹117.50</td>' in page  # 72.50 + 45
    assert 'href="?month=2026-01&amp;totals=month">Totals of every page</a>' in page

    every = client.get(url, {"month": "2026-01", "totals": "month", "page": 2})

    every_page = every.content.decode()
    assert [row.customer.name for row in every.context["rows"]] == ["Chitra"]
    assert every.context["totals"].customers == 3
    assert "3 customers, every page" in every_page
    assert "₹157.50" in every_page and "₹107.50" in every_page  # bills and balances of all 3
    assert 'href="?month=2026-01&amp;page=2">Totals of this page</a>' in every_page

    curd_only = client.get(url, {"month": "2026-01", "product": curd.pk, "totals": "month"})

    assert curd_only.context["totals"].delivered_amount == Decimal("12.50")
    assert "Curd 200 g only" in curd_only.content.decode()
    assert "Cow milk 500 ml" not in curd_only.content.decode().split("<table")[1]


def test_a_window_is_in_route_order_and_a_page_past_the_end_is_the_last(milk, two_products):
    asha, bala, chitra = two_products
    boy = DeliveryBoyFactory(name="Anil")
    assign_to_route(customer=chitra, delivery_boy=boy)
    assign_to_route(customer=bala, delivery_boy=boy)
    filters = GridFilters(period=JAN)

    first = grid_window(filters, "1", per_page=2)
    last = grid_window(filters, "9", per_page=2)
    beyond = grid_window(filters, "9" * 30, per_page=2)
    unpaid = grid_window(
        GridFilters(period=JAN, payment_status=PaymentStatus.UNPAID), None, per_page=2
    )

    def ids(page):
        return [row.customer.pk for row in page]

    # On a route in walking order first (Chitra then Bala), then the rest by name.
    assert ids(first) == [chitra.pk, bala.pk]
    assert (first.paginator.count, first.paginator.num_pages) == (3, 2)
    assert last.number == 2 and ids(last) == [asha.pk]
    assert beyond.number == 2 and ids(beyond) == ids(last)
    assert first[0].payment_status == PaymentStatus.UNPAID
    assert [row.bill.total for row in first] == [Decimal("40.00"), Decimal("45.00")]
    assert [pk for pk, _ in grid_customers(filters)] == [chitra.pk, bala.pk, asha.pk]
    assert ids(unpaid) == [chitra.pk, bala.pk]
    assert [row.payment_status for row in unpaid] == [PaymentStatus.UNPAID] * 2


def test_the_rows_are_read_by_one_statement_text_whatever_the_page(milk, two_products):
    """The server plans a statement once per connection (prepared statements): the rows'
    text must not change with the page, its customers or the way they were chosen."""
    texts = []

    def record(execute, sql, params, many, context):
        texts.append(sql)
        return execute(sql, params, many, context)

    def rows_texts():
        found = {sql for sql in texts if sql.startswith("WITH given")}
        texts.clear()
        return found

    with connection.execute_wrapper(record):
        first = grid_window(GridFilters(period=JAN), "1", per_page=2)
        second = grid_window(GridFilters(period=JAN), "2", per_page=2)
        windows = rows_texts()
        february = grid_window(GridFilters(period=FEB), "1", per_page=2)
        february_windows = rows_texts()
        unpaid = grid_window(
            GridFilters(period=JAN, payment_status=PaymentStatus.UNPAID), "1", per_page=2
        )
        chosen = grid_rows(period=FEB, customers=[(first[0].customer.pk, "")])
        given = rows_texts()

    # A window (its page, its month) reads the rows with the window's statement; chosen
    # customers (the payment status filter, exports) with the other one.
    assert len(windows) == 1 and february_windows == windows
    assert len(given) == 1 and given != windows
    assert (len(first), len(second), len(february), len(unpaid), len(chosen)) == (2, 1, 0, 2, 1)


def test_the_windows_statement_is_planned_once_not_for_every_page(milk, two_products):
    """Prepared on its connection, the window's statement must keep one generic plan: with
    the page's size and offset in sight, the server planned every execution again."""
    for number in range(20):
        grid_window(GridFilters(period=JAN), str(number % 3 + 1), per_page=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'WITH given%%'"
        )
        (generic, custom), *others = cursor.fetchall()

    assert others == [] and generic >= 10 and custom <= 5


def test_a_product_that_is_not_sold_is_a_filter_error(client):
    client.force_login(accounts_user())

    response = client.get(reverse("billing:grid"), {"month": "2026-01", "product": "999999"})

    assert response.context["filters"] is None and response.context["rows"] == []
    assert "Select a valid choice" in response.content.decode()


# The filter controls as the grid's template drew them with Django's widgets, before they
# were drawn in Python (GridFilterForm.controls_html): the markup must stay the same.
DJANGO_DRAWN = Template(
    "{% for field in form %}\n"
    '  <div><label for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}</div>\n'
    "  {% endfor %}"
)


@pytest.mark.parametrize(
    "query",
    [
        None,
        "month=2026-01&page=2",
        "month=2026-13&area=x&product=%3Cb%3E%26%22%27",
        "month=%22%3E%3Cb%3E&payment_status=bogus&delivery_boy=999999",
        "month=2026-01&payment_status=no_bill&marketing_staff=x",
        "month=2026-01&month=2026-02&payment_status=paid&payment_status=unpaid",
        "month=2026-01&area={area}&product={milk}&delivery_boy={boy}&marketing_staff={mira}",
    ],
)
def test_the_filter_controls_are_drawn_as_djangos_widgets_draw_them(query, milk):
    area = AreaFactory(name='Hill <b>&"')
    boy = DeliveryBoyFactory(name="Suresh")
    mira = UserFactory(roles=[MARKETING], username="mira", first_name="Mira", last_name="<K>")
    if query:
        query = query.format(area=area.pk, milk=milk.pk, boy=boy.pk, mira=mira.pk)
    form = GridFilterForm(QueryDict(query) if query else None, initial={"month": "2026-01"})
    form.is_valid()
    assert form.controls_html() == DJANGO_DRAWN.render(Context({"form": form}))
