"""Cash collected vs handed over: per delivery boy and day, his cash payments (bills and
wallet recharges), the confirmed hand-over and the difference; the confirm form on the
page; exports; query count."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import CashHandover, Payment
from billing.services import record_payment
from billing.services.handovers import confirm_handover
from billing.services.wallet import recharge_wallet
from customers.tests.factories import CustomerFactory
from deliveries.services import assign_to_route
from deliveries.tests.factories import DeliveryBoyFactory
from web.reports.cash import cash_report
from web.reports.periods import DayRange
from web.tests.reports import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

D = Decimal


def nov(n: int) -> dt.date:
    return dt.date(2026, 11, n)


def cash(boy, amount: str, day: dt.date, **more) -> Payment:
    customer = CustomerFactory()
    assign_to_route(customer=customer, delivery_boy=boy)
    return (more.pop("pay", record_payment))(
        customer=customer,
        amount=D(amount),
        method=Payment.Method.CASH,
        paid_on=day,
        received_by=boy.user,
        by=boy.user,
        **more,
    )


@pytest.fixture
def collections(accounts):
    ravi, suresh = DeliveryBoyFactory(name="Ravi"), DeliveryBoyFactory(name="Suresh")
    cash(ravi, "200.00", nov(16))
    cash(ravi, "150.50", nov(16))
    cash(ravi, "100.00", nov(17), pay=recharge_wallet)  # a wallet recharge is cash too
    cash(suresh, "80.00", nov(17))
    cash(suresh, "55.00", dt.date(2026, 10, 31))  # another month
    someone = CustomerFactory()
    record_payment(  # not cash a delivery boy collected
        customer=someone,
        amount=D("500.00"),
        method=Payment.Method.CASH,
        paid_on=nov(16),
        by=accounts,
        received_by=accounts,
    )
    record_payment(
        customer=someone,
        amount=D("60.00"),
        method=Payment.Method.UPI,
        paid_on=nov(16),
        reference="UPI1",
        by=accounts,
        received_by=ravi.user,
    )
    confirm_handover(boy=ravi, day=nov(16), amount=D("350.50"), by=accounts)
    confirm_handover(
        boy=suresh,
        day=nov(17),
        amount=D("70.00"),
        note="₹10 short, brings it tomorrow",
        by=accounts,
    )
    return {"ravi": ravi, "suresh": suresh}


def figures(report) -> list[tuple]:
    return [
        (
            row.day,
            row.delivery_boy.name,
            row.collected,
            row.payments,
            row.handed_over,
            row.difference,
        )
        for row in report.rows
    ]


def test_it_sets_each_boys_cash_of_a_day_beside_what_he_handed_over(collections):
    report = cash_report(period=DayRange(nov(1), nov(30)))

    assert figures(report) == [
        (nov(17), "Ravi", D("100.00"), 1, D("0.00"), D("100.00")),
        (nov(17), "Suresh", D("80.00"), 1, D("70.00"), D("10.00")),
        (nov(16), "Ravi", D("350.50"), 2, D("350.50"), D("0.00")),
    ]
    assert (report.collected, report.handed_over, report.difference) == (
        D("530.50"),
        D("420.50"),
        D("110.00"),
    )
    assert report.to_confirm == 1


def test_a_payment_recorded_after_the_handover_shows_as_a_difference(collections):
    cash(collections["ravi"], "25.00", nov(16))

    report = cash_report(period=DayRange(nov(16), nov(16)))

    assert figures(report) == [(nov(16), "Ravi", D("375.50"), 3, D("350.50"), D("25.00"))]
    assert report.rows[0].handover.collected == D("350.50")  # as it was when confirmed


def test_the_page_shows_rows_totals_and_a_form_for_what_is_not_confirmed(
    client, collections, accounts
):
    client.force_login(accounts)

    page = client.get(reverse("reports:cash")).content.decode()

    assert "₹530.50 collected · ₹420.50 handed over · ₹110.00 difference" in page
    assert "₹10 short, brings it tomorrow" in page
    assert page.count('<form method="post"') == 1 + page.count('action="/logout/"')
    assert 'value="100.00"' in page  # the form offers what he collected


def test_support_sees_the_figures_but_no_form(client, collections, cast):
    client.force_login(cast["support"])

    page = client.get(reverse("reports:cash")).content.decode()

    assert "₹530.50 collected" in page
    assert 'name="amount"' not in page


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def form_data(page: str, boy, day: dt.date, **values) -> dict:
    key = re.search(r'name="once" value="([^"]+)"', page)[1]
    return {"delivery_boy": boy.pk, "day": f"{day}", "once": key, **values}


def test_accounts_confirm_a_handover_once_from_the_page(client, collections, accounts):
    client.force_login(accounts)
    url = reverse("reports:cash")
    ravi = collections["ravi"]
    data = form_data(client.get(url).content.decode(), ravi, nov(17), amount="100.00", note="")

    first = client.post(url, data, follow=True)
    again = client.post(url, data, follow=True)

    handover = CashHandover.objects.get(delivery_boy=ravi, day=nov(17))
    assert (handover.amount, handover.collected, handover.confirmed_by) == (
        D("100.00"),
        D("100.00"),
        accounts,
    )
    assert said(first) == ["Hand-over confirmed: Ravi's cash of 17 Nov 2026: ₹100.00."]
    assert said(again) == ["Already confirmed: Ravi's cash of 17 Nov 2026: ₹100.00."]
    assert CashHandover.objects.count() == 3


def test_a_different_amount_without_a_note_is_a_form_error_on_its_row(
    client, collections, accounts
):
    client.force_login(accounts)
    url = reverse("reports:cash")
    ravi = collections["ravi"]
    data = form_data(client.get(url).content.decode(), ravi, nov(17), amount="90.00", note="")

    response = client.post(url, data)

    assert response.status_code == 400
    assert (
        "He collected ₹100.00 and hands over ₹90.00: say why they differ."
        in response.content.decode()
    )
    assert not CashHandover.objects.filter(delivery_boy=ravi, day=nov(17)).exists()


@pytest.mark.parametrize("amount", ["abc", "-5", "1e999", ""])
def test_a_bad_amount_is_a_form_error(client, collections, accounts, amount):
    client.force_login(accounts)
    url = reverse("reports:cash")
    data = form_data(client.get(url).content.decode(), collections["ravi"], nov(17), amount=amount)

    response = client.post(url, data)

    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert CashHandover.objects.count() == 2


def test_support_may_not_confirm(client, collections, cast):
    client.force_login(cast["support"])

    response = client.post(
        reverse("reports:cash"),
        {"delivery_boy": collections["ravi"].pk, "day": "2026-11-17", "amount": "100"},
    )

    assert response.status_code == 404
    assert CashHandover.objects.count() == 2


def test_the_csv_has_a_row_per_boy_and_day_and_the_totals(client, collections, accounts):
    client.force_login(accounts)

    rows = read_csv(client.get(reverse("reports:cash_csv")))

    assert rows[0][:6] == [
        "Day",
        "Delivery boy",
        "Cash payments",
        "Collected",
        "Handed over",
        "Difference",
    ]
    assert rows[1][:7] == ["2026-11-17", "Ravi", "1", "100.00", "", "100.00", "not yet"]
    assert rows[2][:6] == ["2026-11-17", "Suresh", "1", "80.00", "70.00", "10.00"]
    assert rows[2][-1] == "₹10 short, brings it tomorrow"
    assert rows[-1][:6] == ["Total", "", "4", "530.50", "420.50", "110.00"]


def test_the_xlsx_opens_and_has_the_totals(client, collections, accounts):
    client.force_login(accounts)

    rows = read_xlsx(
        client.get(reverse("reports:cash_xlsx"), {"start": "2026-11-01", "end": "2026-11-30"})
    )

    assert rows[-1][0] == "Total"
    assert [D(str(value)) for value in rows[-1][3:6]] == [D("530.5"), D("420.5"), D("110")]


def test_the_query_count_does_not_grow_with_boys_and_days(
    client, accounts, django_assert_max_num_queries
):
    client.force_login(accounts)
    for size in (1, 5):
        for n in range(size):
            boy = DeliveryBoyFactory()
            cash(boy, "10.00", nov(1 + n))
            if n % 2:
                confirm_handover(boy=boy, day=nov(1 + n), amount=D("10.00"), by=accounts)
        with django_assert_max_num_queries(6):  # session, user, roles, three reads
            response = client.get(reverse("reports:cash"))
        assert len(response.context["report"].rows) == {1: 1, 5: 6}[size]
