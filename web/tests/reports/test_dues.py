"""Dues and ageing: what each customer owes on the bills, aged by the issue day of what is
unpaid, payments allocated oldest first; the page, its exports and its query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Bill
from billing.selectors import balance_totals
from billing.services.wallet import adjust_wallet, set_billing_mode
from billing.tests.factories import PaymentFactory
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from web.reports.dues import age_dues, dues_report
from web.tests.reports import TODAY, at, issued_bill, read_csv, read_xlsx

pytestmark = pytest.mark.django_db

AUG, SEP, OCT, NOV = (dt.date(2026, month, 1) for month in (8, 9, 10, 11))
D = Decimal


@pytest.fixture
def dues(accounts):
    """Bills issued on the 2nd of the next month; payments; a credit; a prepaid customer."""
    anil = CustomerFactory(name="Anil Kumar")
    issued_bill(anil, period=AUG, total="300.00", issued_on=dt.date(2026, 9, 2))
    issued_bill(anil, period=SEP, total="200.00", issued_on=dt.date(2026, 10, 2))
    issued_bill(anil, period=OCT, total="100.00", issued_on=dt.date(2026, 11, 2))
    Bill.objects.create(customer=anil, period=NOV, total=D("999.00"), charges=D("999.00"))  # draft
    PaymentFactory(customer=anil, amount=D("350.00"), paid_on=dt.date(2026, 10, 10))

    bina = CustomerFactory(name="Bina Rao", opening_balance=D("80.00"))
    issued_bill(bina, period=AUG, total="100.00", issued_on=dt.date(2026, 9, 2))
    PaymentFactory(customer=bina, amount=D("30.00"), paid_on=dt.date(2026, 11, 5))

    chitra = CustomerFactory(name="Chitra Das")  # paid ahead
    issued_bill(chitra, period=OCT, total="100.00", issued_on=dt.date(2026, 11, 2))
    PaymentFactory(customer=chitra, amount=D("150.00"), paid_on=dt.date(2026, 11, 3))

    devi = CustomerFactory(name="Devi Prasad")  # an old postpaid bill, prepaid since 1 Nov
    issued_bill(devi, period=SEP, total="200.00", issued_on=dt.date(2026, 10, 2))
    set_billing_mode(customer=devi, mode="prepaid", effective_from=NOV)
    adjust_wallet(customer=devi, amount=D("-40.00"), note="Spilt", by=accounts, day=TODAY)

    farida = CustomerFactory(name="Farida Begum")  # a credit note on a later bill
    issued_bill(farida, period=AUG, total="300.00", issued_on=dt.date(2026, 9, 2))
    Bill.objects.create(
        customer=farida,
        period=OCT,
        status=Bill.Status.ISSUED,
        code="BI-202610-9999",
        issued_at=at(dt.date(2026, 11, 2)),
        adjustments_total=D("-50.00"),
        total=D("-50.00"),
    )
    gopal = CustomerFactory(name="Gopal Rao")  # only a void bill
    Bill.objects.create(
        customer=gopal,
        period=SEP,
        status=Bill.Status.VOID,
        code="BI-202609-9998",
        issued_at=at(dt.date(2026, 10, 2)),
        voided_at=at(dt.date(2026, 10, 3)),
        void_reason="Wrong customer",
        charges=D("500.00"),
        total=D("500.00"),
    )
    return {"anil": anil, "bina": bina, "devi": devi, "farida": farida}


def figures(report) -> dict[str, tuple]:
    return {
        row.customer.name: (*row.ageing.buckets, row.ageing.due, row.ageing.oldest_unpaid)
        for row in report.rows
    }


def test_it_ages_whats_unpaid_of_each_bill_by_its_issue_day(dues):
    report = dues_report(as_of=TODAY)

    assert figures(report) == {
        # 300 of the 350 paid the August bill; 150 of September's (47 days) and October's
        # 100 (16 days) are left.
        "Anil Kumar": (D("100.00"), D("150.00"), D("0.00"), D("250.00"), dt.date(2026, 10, 2)),
        # The 30 paid part of the opening balance, counted over 60 days like August's bill.
        "Bina Rao": (D("0.00"), D("0.00"), D("150.00"), D("150.00"), dt.date(2026, 9, 2)),
        "Devi Prasad": (D("0.00"), D("200.00"), D("0.00"), D("200.00"), dt.date(2026, 10, 2)),
        # October's credit of 50 paid part of August's bill, the oldest.
        "Farida Begum": (D("0.00"), D("0.00"), D("250.00"), D("250.00"), dt.date(2026, 9, 2)),
    }
    assert [row.customer.name for row in report.rows] == [
        "Farida Begum",
        "Bina Rao",
        "Anil Kumar",
        "Devi Prasad",
    ]
    assert report.totals == (D("100.00"), D("350.00"), D("400.00"))
    assert report.total_due == D("850.00")
    assert (report.in_credit, report.credit_total) == (1, D("50.00"))
    assert [row.prepaid_now for row in report.rows] == [False, False, False, True]
    assert (report.wallets_overdrawn, report.wallets_overdrawn_total) == (1, D("-40.00"))


def test_its_total_less_credit_is_the_balance_billing_reads(dues):
    report = dues_report(as_of=TODAY)

    assert report.total_due - report.credit_total == balance_totals(Customer.objects.all())["due"]


def test_as_of_an_earlier_month_end_it_leaves_out_later_bills_and_payments(dues):
    report = dues_report(as_of=dt.date(2026, 10, 31))

    assert figures(report) == {
        "Bina Rao": (D("0.00"), D("100.00"), D("80.00"), D("180.00"), dt.date(2026, 9, 2)),
        "Farida Begum": (D("0.00"), D("300.00"), D("0.00"), D("300.00"), dt.date(2026, 9, 2)),
        "Devi Prasad": (D("200.00"), D("0.00"), D("0.00"), D("200.00"), dt.date(2026, 10, 2)),
        "Anil Kumar": (D("150.00"), D("0.00"), D("0.00"), D("150.00"), dt.date(2026, 10, 2)),
    }
    assert list(figures(report)) == ["Bina Rao", "Farida Begum", "Devi Prasad", "Anil Kumar"]
    assert report.totals == (D("350.00"), D("400.00"), D("80.00"))
    assert (report.in_credit, report.wallets_overdrawn) == (0, 0)
    assert not any(row.prepaid_now for row in report.rows)


@pytest.mark.parametrize(
    ("issued_on", "bucket"),
    [
        (dt.date(2026, 11, 18), 0),
        (dt.date(2026, 10, 19), 0),  # 30 days
        (dt.date(2026, 10, 18), 1),  # 31 days
        (dt.date(2026, 9, 19), 1),  # 60 days
        (dt.date(2026, 9, 18), 2),  # 61 days
    ],
)
def test_the_buckets_are_0_to_30_31_to_60_and_over_60_days(issued_on, bucket):
    aged = age_dues(opening=D(0), bills=[(issued_on, D("10.00"))], paid=D(0), as_of=TODAY)

    expected = [D(0), D(0), D(0)]
    expected[bucket] = D("10.00")
    assert list(aged.buckets) == expected


def test_payments_pay_the_opening_balance_then_the_oldest_bill():
    aged = age_dues(
        opening=D("40.00"),
        bills=[(dt.date(2026, 9, 1), D("100.00")), (dt.date(2026, 11, 1), D("60.00"))],
        paid=D("90.00"),
        as_of=TODAY,
    )

    assert aged.buckets == (D("60.00"), D("0.00"), D("50.00"))
    assert (aged.due, aged.credit, aged.oldest_unpaid) == (D("110.00"), D(0), dt.date(2026, 9, 1))


def test_a_credit_opening_balance_pays_bills_and_what_is_left_is_credit():
    aged = age_dues(
        opening=D("-150.00"), bills=[(dt.date(2026, 11, 1), D("100.00"))], paid=D(0), as_of=TODAY
    )

    assert (aged.due, aged.credit, aged.oldest_unpaid) == (D(0), D("50.00"), None)


# --- the page and the exports ---------------------------------------------------------


def test_the_page_shows_each_customers_buckets_and_the_totals(client, dues, accounts):
    client.force_login(accounts)

    page = client.get(reverse("reports:dues")).content.decode()

    assert "as of 18 Nov 2026" in page
    assert "₹850.00 due from 4 customers" in page
    farida_row = page[page.index("Farida Begum") : page.index("</tr>", page.index("Farida Begum"))]
    assert "₹250.00" in farida_row and "2 Sep 2026" in farida_row
    footer = page[page.index("<tfoot>") :]
    assert all(amount in footer for amount in ("₹100.00", "₹350.00", "₹400.00", "₹850.00"))
    assert "1 customer paid ahead (₹50.00 in credit)" in page
    assert "<svg" in page and "<script" not in page and "style=" not in page


def test_a_month_still_to_come_is_refused_with_a_message(client, accounts):
    client.force_login(accounts)

    response = client.get(reverse("reports:dues"), {"month": "2026-12"})

    assert "Choose this month or an earlier one." in response.content.decode()
    assert response.context["report"] is None


def test_the_csv_has_a_row_per_customer_and_the_totals(client, dues, accounts):
    client.force_login(accounts)

    rows = read_csv(client.get(reverse("reports:dues_csv"), {"month": "2026-11"}))

    assert rows[0][-4:] == ["0–30 days", "31–60 days", "Over 60 days", "Total due"]
    assert [row[1] for row in rows[1:-1]] == [
        "Farida Begum",
        "Bina Rao",
        "Anil Kumar",
        "Devi Prasad",
    ]
    anil = rows[3]
    assert anil[5:] == ["", "2026-10-02", "100.00", "150.00", "0.00", "250.00"]
    assert rows[4][5] == "yes"  # Devi is prepaid now
    assert rows[-1][0] == "Total"
    assert rows[-1][-4:] == ["100.00", "350.00", "400.00", "850.00"]


def test_the_xlsx_opens_and_has_the_totals(client, dues, accounts):
    client.force_login(accounts)

    rows = read_xlsx(client.get(reverse("reports:dues_xlsx")))

    assert rows[0][0] == "Customer code"
    assert len(rows) == 1 + 4 + 1
    assert rows[-1][0] == "Total"
    assert [D(str(value)) for value in rows[-1][-4:]] == [
        D("100"),
        D("350"),
        D("400"),
        D("850"),
    ]


def test_an_export_of_a_month_to_come_is_a_400_saying_why(client, accounts):
    client.force_login(accounts)

    response = client.get(reverse("reports:dues_csv"), {"month": "2026-12"})

    assert response.status_code == 400
    assert "Choose this month or an earlier one." in response.content.decode()


def test_the_query_count_does_not_grow_with_customers(
    client, accounts, django_assert_max_num_queries
):
    client.force_login(accounts)
    for size in (2, 12):
        for _ in range(size - Customer.objects.count()):
            customer = CustomerFactory(opening_balance=D("5.00"))
            issued_bill(customer, period=OCT, total="100.00", issued_on=dt.date(2026, 11, 2))
            PaymentFactory(customer=customer, amount=D("10.00"), paid_on=TODAY)
        with django_assert_max_num_queries(9):  # session, user, roles, 6 reads
            response = client.get(reverse("reports:dues"))
        assert len(response.context["report"].rows) == size
