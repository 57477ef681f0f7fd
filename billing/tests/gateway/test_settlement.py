"""The settlement report (Razorpay's CSV) against the payments recorded from the webhook:
the three kinds of difference, listed by `manage.py reconcile_gateway` and the staff page
alike; a report that cannot be read is an error naming its line."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from billing.gateway.base import SettlementError
from billing.gateway.reconcile import reconcile_settlement
from billing.gateway.settlement import read_settlement
from billing.services import record_payment
from billing.tests.factories import accounts_user
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import MARKETING

pytestmark = pytest.mark.django_db

# As the dashboard exports it: every column Razorpay writes, amounts in rupees.
HEADING = (
    "entity_id,type,debit,credit,amount,currency,fee,tax,on_hold,settled,created_at,"
    "settled_at,settlement_id,posted_at,credit_type,description,notes,payment_id,"
    "settlement_utr,order_id,order_receipt,method,card_network,card_issuer,card_type,"
    "dispute_id"
)


def payment_line(payment_id: str, amount: str, *, day: str = "2026-11-16 09:12:40") -> str:
    return (
        f"{payment_id},payment,0,{amount},{amount},INR,10.00,1.80,"
        f"0,1,{day},2026-11-18 10:30:00,setl_DGlQ1Rj8os78Ec,,default,,{{}},,"
        "1568176960vxp0rj,order_DEXrnRiR3SNDHA,,upi,,,,"
    )


REFUND = (
    "rfnd_DGRcGzZSLyEdg1,refund,2425.00,0,2425.00,INR,0,0,0,1,2026-11-16 12:00:00,"
    "2026-11-18 10:30:00,setl_DGlQ1Rj8os78Ec,,default,,{},pay_DEXq1pACSqFxtS,"
    "1568176960vxp0rj,order_DEXpmZgffXNvuI,,card,MasterCard,KARB,credit,"
)


def online_payment(customer, gateway_id: str, amount: str, day=dt.date(2026, 11, 16)):
    payment = record_payment(
        customer=customer, amount=amount, method="upi", paid_on=day, reference=gateway_id
    )
    payment.gateway_payment_id = gateway_id
    payment.save(update_fields=["gateway_payment_id"])
    return payment


@pytest.fixture
def recorded():
    """Three payments recorded from the gateway: two in the report, one not."""
    customer = CustomerFactory(name="Lakshmi Devi")
    return {
        "match": online_payment(customer, "pay_Matched0000001", "500.00"),
        "differs": online_payment(customer, "pay_Differs0000001", "300.00"),
        "unreported": online_payment(
            customer, "pay_Unreported0001", "250.00", dt.date(2026, 11, 17)
        ),
        "by_hand": record_payment(
            customer=customer, amount="100", method="cash", paid_on=dt.date(2026, 11, 16)
        ),
        "too_late": online_payment(customer, "pay_TooLate0000001", "75.00", dt.date(2026, 11, 18)),
    }


def report(*lines: str) -> str:
    return "\r\n".join([HEADING, *lines]) + "\r\n"


REPORT = report(
    payment_line("pay_Matched0000001", "500.00"),
    payment_line("pay_Differs0000001", "350.00"),
    REFUND,
    payment_line("pay_Missing0000001", "120.00", day="2026-11-17 18:00:00"),
)


def test_it_lists_the_three_kinds_of_difference(recorded):
    result = reconcile_settlement(read_settlement(REPORT))

    assert (result.rows, result.matched) == (3, 1)  # the refund is not a payment
    assert (result.first_day, result.last_day) == (dt.date(2026, 11, 16), dt.date(2026, 11, 17))
    assert [(row.line, row.payment_id, row.amount) for row in result.not_recorded] == [
        (5, "pay_Missing0000001", Decimal("120.00"))
    ]
    # Recorded online on the report's days and not in it; not the cash, not the 18th.
    assert result.not_in_report == [recorded["unreported"]]
    [mismatch] = result.mismatched
    assert (mismatch.row.payment_id, mismatch.payment) == (
        "pay_Differs0000001",
        recorded["differs"],
    )
    assert mismatch.difference == Decimal("50.00")
    assert result.total == 3 and not result.ok


def test_a_report_that_agrees_has_no_difference(recorded):
    agreeing = report(
        payment_line("pay_Matched0000001", "500.00"),
        payment_line("pay_Differs0000001", "300.00"),
        payment_line("pay_Unreported0001", "250.00", day="2026-11-17 08:00:00"),
    )
    result = reconcile_settlement(read_settlement(agreeing))
    assert result.ok and result.matched == 3


def test_the_columns_are_found_by_name_in_any_order_and_case_with_extras():
    text = (
        "\ufeffSettlement ID,Amount,Type,Some New Column,Entity ID,Fee,Tax,Created At\n"
        'setl_1,"1,250.00",payment,x,pay_Order00000001,29.50,5.31,16/11/2026 09:00:00\n'
    )
    [row] = read_settlement(text)
    assert (row.payment_id, row.amount, row.fee, row.tax) == (
        "pay_Order00000001",
        Decimal("1250.00"),
        Decimal("29.50"),
        Decimal("5.31"),
    )
    assert (row.settlement_id, row.paid_on, row.line) == ("setl_1", dt.date(2026, 11, 16), 2)


def test_amounts_in_paise_as_the_api_gives_them():
    text = "entity_id,type,amount,fee,tax,created_at\npay_DEXrnipqTmWVGE,payment,100000,2900,0,1567692556\n"
    [row] = read_settlement(text, in_paise=True)
    assert (row.amount, row.fee) == (Decimal("1000.00"), Decimal("29.00"))
    assert row.paid_on == dt.date(2019, 9, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("id,amount\npay_1,100\n", "Line 1: no entity_id, type column"),
        (report(payment_line("pay_A", "10"), payment_line("pay_B", "ten")), "Line 3: amount “ten”"),
        (report(payment_line("pay_A", "10.005")), "Line 2: amount “10.005”"),
        (report(payment_line("pay_A", "-10")), "Line 2: amount “-10”"),
        (report(payment_line("pay_A", "NaN")), "Line 2: amount “NaN”"),
        (report("pay_A,payment,0,0,,INR"), "Line 2: no amount."),
        (report("pay A!,payment,0,0,10,INR"), "Line 2: entity_id “pay A!”"),
        (
            report(payment_line("pay_A", "10"), payment_line("pay_A", "10")),
            "Line 3: payment pay_A is already on line 2.",
        ),
        (HEADING + '\npay_A,payment,0,0,"10\n', "Line 2:"),  # a quote never closed
        ("entity_id,type,amount\n\x00,payment,10\n", "NUL"),
    ],
)
def test_a_report_that_cannot_be_read_names_the_line(text, message):
    with pytest.raises(SettlementError) as refused:
        read_settlement(text)
    assert message in str(refused.value)


def test_the_paise_option_refuses_fractions_of_a_paisa():
    with pytest.raises(SettlementError, match=r"Line 2: amount “100\.5” is not a whole number"):
        read_settlement("entity_id,type,amount\npay_A,payment,100.5\n", in_paise=True)


# --- the command -------------------------------------------------------------------------


def test_the_command_prints_the_differences_and_exits_1(recorded, tmp_path):
    path = tmp_path / "settlement.csv"
    path.write_text(REPORT, encoding="utf-8")
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("reconcile_gateway", str(path), stdout=out)

    assert failed.value.returncode == 1
    printed = out.getvalue()
    assert "3 payments (paid 16 Nov 2026 to 17 Nov 2026), 1 match." in printed
    assert "line 5: pay_Missing0000001 ₹120.00" in printed
    assert f"{recorded['unreported'].code} pay_Unreported0001 ₹250.00" in printed
    assert "line 3: pay_Differs0000001 report ₹350.00, recorded ₹300.00" in printed


def test_the_command_is_quiet_when_all_agree(recorded, tmp_path):
    path = tmp_path / "settlement.csv"
    path.write_text(report(payment_line("pay_Matched0000001", "500.00", day="2026-11-15")))
    out = StringIO()
    call_command("reconcile_gateway", str(path), stdout=out)
    assert "No difference" in out.getvalue()


def test_the_command_names_the_bad_line_and_a_missing_file(tmp_path):
    path = tmp_path / "settlement.csv"
    path.write_text(report(payment_line("pay_A", "12.5x")))
    with pytest.raises(CommandError, match=r"settlement\.csv: Line 2: amount “12\.5x”"):
        call_command("reconcile_gateway", str(path))
    with pytest.raises(CommandError, match=r"nothing\.csv"):
        call_command("reconcile_gateway", str(tmp_path / "nothing.csv"))
    path.write_bytes(b"\xff\xfe\x00e")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("reconcile_gateway", str(path))


# --- the page ----------------------------------------------------------------------------


def upload(client, text: str | bytes, **extra):
    content = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("billing:gateway_reconcile"),
        {"report": SimpleUploadedFile("settlement.csv", content, "text/csv"), **extra},
    )


def test_the_page_lists_the_same_differences(recorded):
    client = Client()
    client.force_login(accounts_user())

    page = upload(client, REPORT).content.decode()

    assert "In the report, not recorded: 1" in page and "pay_Missing0000001" in page
    assert "Recorded, not in the report: 1" in page and recorded["unreported"].code in page
    assert "Amounts that differ: 1" in page and "pay_Differs0000001" in page


def test_the_page_names_the_bad_line(recorded):
    client = Client()
    client.force_login(accounts_user())

    response = upload(client, report(payment_line("pay_A", "ten")))
    assert response.status_code == 200
    assert "Line 2: amount “ten” is not an amount of money." in response.content.decode()
    assert "not UTF-8" in upload(client, b"\xff\xfe\x00e").content.decode()


def test_the_page_is_not_there_for_a_marketer():
    client = Client()
    client.force_login(UserFactory(roles=[MARKETING]))
    assert client.get(reverse("billing:gateway_reconcile")).status_code == 404
