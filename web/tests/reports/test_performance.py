"""Delivery performance per delivery boy: on time (confirmed the same day, IST), late,
partial, missed by reason, not confirmed; counts and per cent; page, exports, queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, assign_to_route, confirm_delivery, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory
from web.reports.performance import performance_report
from web.reports.periods import DayRange
from web.tests.reports import IST, TODAY, at, read_csv, read_xlsx

pytestmark = pytest.mark.django_db

D = Decimal
AWAY, REFUSED, OUT = (
    Delivery.Reason.CUSTOMER_AWAY,
    Delivery.Reason.REFUSED,
    Delivery.Reason.OUT_OF_STOCK,
)


def nov(n: int) -> dt.date:
    return dt.date(2026, 11, n)


def confirm(order, day: dt.date, qty, *, when: dt.datetime, reason: str = "") -> None:
    delivery = Delivery.objects.get(order=order, date=day)
    confirm_delivery(
        delivery=delivery,
        delivered_qty=D(qty),
        by=Confirmer(via=Delivery.Via.STAFF, confirmed_at=when),
        reason=reason,
        today=TODAY,
    )


@pytest.fixture
def rounds():
    """2–8 Nov generated. Ravi's customer: every kind of day. Suresh's: a confirmation
    just before and one just after midnight IST, a missed day, four days pending. One
    customer on no route. 20 Nov (to come) generated too."""
    milk = ProductFactory(name="Cow milk")
    ravi, suresh = DeliveryBoyFactory(name="Ravi"), DeliveryBoyFactory(name="Suresh")
    first = SubscriptionFactory(product=milk, quantity="2", start_date=nov(2))
    assign_to_route(customer=first.customer, delivery_boy=ravi)
    second = SubscriptionFactory(product=milk, start_date=nov(2))
    assign_to_route(customer=second.customer, delivery_boy=suresh)
    SubscriptionFactory(customer=CustomerFactory(), product=milk, start_date=nov(8))
    for n in range(2, 9):
        generate_deliveries(day=nov(n))
    generate_deliveries(day=nov(20))

    confirm(first, nov(2), 2, when=at(nov(2), 7))  # on time
    confirm(first, nov(3), 2, when=at(nov(3), 8))  # on time
    confirm(first, nov(4), 2, when=at(nov(5), 9))  # late
    confirm(first, nov(5), 1, when=at(nov(5), 7))  # partial
    confirm(first, nov(6), 0, when=at(nov(6), 7), reason=AWAY)
    confirm(first, nov(7), 0, when=at(nov(7), 7), reason=REFUSED)
    # 8 Nov pending.
    confirm(second, nov(2), 1, when=dt.datetime(2026, 11, 2, 23, 30, tzinfo=IST))  # on time
    # 00:30 IST on the 4th is still the 3rd in UTC: late all the same.
    confirm(second, nov(3), 1, when=dt.datetime(2026, 11, 4, 0, 30, tzinfo=IST))
    confirm(second, nov(4), 0, when=at(nov(4), 7), reason=OUT)
    return {"ravi": ravi, "suresh": suresh}


def counts(boy) -> tuple:
    return (boy.name, boy.total, boy.on_time, boy.late, boy.partial, boy.missed, boy.unconfirmed)


def test_it_counts_each_boys_deliveries_by_how_they_went(rounds):
    report = performance_report(period=DayRange(nov(1), nov(30)))

    assert [counts(boy) for boy in report.boys] == [
        ("Ravi", 7, 2, 1, 1, 2, 1),
        ("Suresh", 7, 1, 1, 0, 1, 4),
        ("No delivery boy", 1, 0, 0, 0, 0, 1),
    ]
    assert counts(report.totals) == ("Total", 15, 3, 2, 1, 3, 6)
    assert report.last_day == TODAY  # 20 Nov is still to come: left out


def test_missed_deliveries_are_split_by_reason(rounds):
    ravi, suresh, _ = performance_report(period=DayRange(nov(1), nov(30))).boys

    assert [(label, n) for label, n, _ in ravi.reasons if n] == [
        ("Customer away", 1),
        ("Refused", 1),
    ]
    assert [(label, n) for label, n, _ in suresh.reasons if n] == [("Out of stock", 1)]


def test_shares_are_per_cent_of_the_boys_deliveries_to_one_place(rounds):
    ravi, suresh, _ = performance_report(period=DayRange(nov(1), nov(30))).boys

    assert [share for _, _, share in ravi.figures] == [
        D("28.6"),
        D("14.3"),
        D("14.3"),
        D("28.6"),
        D("14.3"),
    ]
    assert [share for _, _, share in suresh.figures] == [
        D("14.3"),
        D("14.3"),
        D("0.0"),
        D("14.3"),
        D("57.1"),
    ]


def test_a_range_of_days_counts_only_those_days(rounds):
    report = performance_report(period=DayRange(nov(4), nov(5)))

    assert [counts(boy) for boy in report.boys] == [
        ("Ravi", 2, 0, 1, 1, 0, 0),
        ("Suresh", 2, 0, 0, 0, 1, 1),
    ]


def test_days_all_still_to_come_make_an_empty_report(rounds):
    report = performance_report(period=DayRange(nov(19), nov(30)))

    assert (report.boys, report.last_day) == ([], None)


def test_the_chart_splits_each_boys_bar_by_share(rounds):
    chart = performance_report(period=DayRange(nov(1), nov(30))).chart

    ravi_bars = [rect for rect in chart.rects if rect.title.startswith("Ravi:")]
    assert [rect.title for rect in ravi_bars] == [
        "Ravi: on time 2 of 7 (28.6%)",
        "Ravi: late 1 of 7 (14.3%)",
        "Ravi: partial 1 of 7 (14.3%)",
        "Ravi: missed 2 of 7 (28.6%)",
        "Ravi: not confirmed 1 of 7 (14.3%)",
    ]
    assert sum(float(rect.width) for rect in ravi_bars) == pytest.approx(450, abs=0.05)
    assert [label.text for label in chart.labels] == ["Ravi", "Suresh", "No delivery boy"]


def test_the_page_opens_on_this_month_with_counts_and_shares(client, rounds, cast):
    client.force_login(cast["support"])

    response = client.get(reverse("reports:performance"))

    assert response.context["report"].period == DayRange(nov(1), nov(30))
    page = response.content.decode()
    row = page[page.index("<td>Ravi</td>") : page.index("</tr>", page.index("<td>Ravi</td>"))]
    assert ">7<" in row and ">28.6<" in row
    assert "<svg" in page and "style=" not in page


def test_the_csv_has_a_row_per_boy_and_the_totals(client, rounds, accounts):
    client.force_login(accounts)

    rows = read_csv(client.get(reverse("reports:performance_csv")))

    assert rows[0][:4] == ["Delivery boy", "Deliveries", "On time", "On time %"]
    assert rows[0][-5:] == [
        "Missed: Customer away",
        "Missed: Refused",
        "Missed: Out of stock",
        "Missed: Address locked",
        "Missed: Other",
    ]
    assert rows[1] == [
        "Ravi",
        "7",
        *("2", "28.6", "1", "14.3", "1", "14.3", "2", "28.6", "1", "14.3"),
        *("1", "1", "0", "0", "0"),
    ]
    assert rows[-1][:2] == ["Total", "15"]
    assert rows[-1][-5:] == ["1", "1", "1", "0", "0"]


def test_the_xlsx_opens_and_has_the_totals(client, rounds, accounts):
    client.force_login(accounts)

    rows = read_xlsx(client.get(reverse("reports:performance_xlsx")))

    assert [row[0] for row in rows] == [
        "Delivery boy",
        "Ravi",
        "Suresh",
        "No delivery boy",
        "Total",
    ]
    assert rows[-1][1:3] == [15, 3]
    assert float(rows[-1][3]) == 20.0  # on time: 3 of 15


def test_a_range_that_makes_no_sense_is_a_form_error(client, accounts):
    client.force_login(accounts)

    response = client.get(
        reverse("reports:performance"), {"start": "2026-11-10", "end": "2026-11-01"}
    )

    assert "The last day comes before the first." in response.content.decode()
    assert response.context["report"] is None


def test_the_query_count_does_not_grow_with_boys_and_deliveries(
    client, accounts, django_assert_max_num_queries
):
    client.force_login(accounts)
    milk = ProductFactory()
    for size in (1, 5):
        for _ in range(size):
            order = SubscriptionFactory(product=milk, start_date=nov(10))
            assign_to_route(customer=order.customer, delivery_boy=DeliveryBoyFactory())
        generate_deliveries(day=nov(10 + size))
        with django_assert_max_num_queries(4):  # session, user, roles, one read
            response = client.get(reverse("reports:performance"))
        assert len(response.context["report"].boys) == {1: 1, 5: 6}[size]
