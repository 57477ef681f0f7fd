"""What billing tells customers through the outbox, in the transaction of the event: an
issued bill (one or a month's at once, PDF attached), a payment received, "send all due
bills", and overdue reminders (n days after issue, at most once in m days)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from billing import upi
from billing.models import Bill
from billing.services import issue_bill, issue_bills, record_payment, run_billing, send_due_bills
from billing.services.reminders import queue_overdue_reminders
from billing.tests.factories import PaymentFactory, accounts_user, deliver_days
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import SUPPORT
from messaging.models import Message
from messaging.services import set_preference, set_switch
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db
SEP = dt.date(2026, 9, 1)
OCT = dt.date(2026, 10, 1)
Purpose = Message.Purpose


class RolledBack(Exception):
    pass


@pytest.fixture(autouse=True)
def business(settings):
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"
    settings.OVERDUE_REMINDER_AFTER_DAYS = 10
    settings.OVERDUE_REMINDER_EVERY_DAYS = 7


def draft_for(customer, days: int = 10, period: dt.date = OCT) -> Bill:
    """`days` days of 1 litre at ₹56 in the period (October), billed as a draft."""
    product = ProductFactory(price="56.00")
    order = SubscriptionFactory(customer=customer, product=product, start_date=period)
    deliver_days(order, period, period.replace(day=days))
    run_billing(period=period)
    return Bill.objects.get(customer=customer, period=period)


@pytest.fixture
def customer():
    return CustomerFactory(name="Ravi Teja", phone="9848022338")


def messages(purpose: str) -> list[Message]:
    return list(Message.objects.filter(purpose=purpose).order_by("pk"))


def jobs() -> list[ProcrastinateJob]:
    return list(ProcrastinateJob.objects.filter(task_name="messaging.send_message"))


# --- a bill issued -------------------------------------------------------------------------


def test_issuing_a_bill_queues_its_message_with_amount_due_date_upi_link_and_pdf(customer):
    bill = issue_bill(bill=draft_for(customer))

    [message] = messages(Purpose.BILL_ISSUED)
    assert message.customer == customer and message.dedupe_key == f"bill:{bill.pk}"
    assert (message.attachment_kind, message.attachment_ref) == ("bill_pdf", bill.pk)
    assert message.attachment_name == f"{bill.code}.pdf"
    due = timezone.localdate() + dt.timedelta(days=10)
    link = upi.upi_link(amount=Decimal("560"), note=bill.code)
    assert message.text == (
        "Hello Ravi Teja,\nyour EarlyBird Dairy bill for October 2026 is ready.\n"
        f"Bill number: {bill.code}\nAmount due: ₹560.00\nPlease pay by: {due:%d/%m/%Y}\n"
        f"Pay by UPI: {link}\nThank you!"
    )
    assert [job.args for job in jobs()] == [{"message_id": message.pk}]


def test_a_rolled_back_issue_leaves_no_message_and_no_job(customer):
    draft = draft_for(customer)

    with pytest.raises(RolledBack), transaction.atomic():
        issue_bill(bill=draft)
        assert len(messages(Purpose.BILL_ISSUED)) == 1
        raise RolledBack

    assert messages(Purpose.BILL_ISSUED) == [] and jobs() == []
    draft.refresh_from_db()
    assert draft.status == Bill.Status.DRAFT


def test_issuing_a_months_bills_queues_one_message_and_one_job_per_bill_in_a_few_queries():
    def issue_month(period: dt.date, n: int) -> int:
        for _ in range(n):
            draft_for(CustomerFactory(), days=2, period=period)
        with CaptureQueriesContext(connection) as queries:
            issue_bills(period=period)
        return len(queries)

    few = issue_month(SEP, 2)
    many = issue_month(OCT, 8)

    assert many == few  # the messages of 8 bills take the queries of 2
    issued = Bill.objects.filter(status=Bill.Status.ISSUED)
    assert sorted(m.attachment_ref for m in messages(Purpose.BILL_ISSUED)) == sorted(
        issued.values_list("pk", flat=True)
    )
    assert len(jobs()) == 10


def test_a_customer_in_telugu_gets_the_telugu_bill_message(customer):
    set_preference(customer=customer, opted_in=True, channel="whatsapp", language="te")

    issue_bill(bill=draft_for(customer))

    [message] = messages(Purpose.BILL_ISSUED)
    assert message.language == "te"
    assert "అక్టోబరు 2026" in message.text and "₹560.00" in message.text


# --- a payment ------------------------------------------------------------------------------


def test_a_payment_queues_a_receipt_with_the_new_balance(customer):
    issue_bill(bill=draft_for(customer))

    payment = PaymentFactory(
        customer=customer, amount=Decimal("160.00"), paid_on=dt.date(2026, 11, 5)
    )

    [receipt] = messages(Purpose.PAYMENT_RECEIVED)
    assert receipt.dedupe_key == f"payment:{payment.pk}"
    assert receipt.text == (
        f"Hello Ravi Teja, we received your payment of ₹160.00 on 05/11/2026 "
        f"(UPI, receipt {payment.code}).\nYour balance now: ₹400.00\nThank you! – EarlyBird Dairy"
    )


def test_a_payment_ahead_shows_the_credit(customer):
    PaymentFactory(customer=customer, amount=Decimal("300.00"), method="cash", reference="")

    [receipt] = messages(Purpose.PAYMENT_RECEIVED)
    assert "(cash, receipt" in receipt.text
    assert "Your balance now: ₹300.00 paid in advance" in receipt.text


def test_a_rolled_back_payment_leaves_no_receipt_and_no_job(customer):
    with pytest.raises(RolledBack), transaction.atomic():
        record_payment(customer=customer, amount="50", method="cash", paid_on=timezone.localdate())
        assert len(messages(Purpose.PAYMENT_RECEIVED)) == 1
        raise RolledBack

    assert not Message.objects.exists() and jobs() == []


# --- "send all due bills" ---------------------------------------------------------------------


def test_send_all_due_bills_queues_the_bills_not_yet_sent_once(customer):
    set_switch(purpose=Purpose.BILL_ISSUED, enabled=False)
    issue_bill(bill=draft_for(customer))
    issue_bill(bill=draft_for(CustomerFactory()))
    assert messages(Purpose.BILL_ISSUED) == []  # switched off when they were issued
    set_switch(purpose=Purpose.BILL_ISSUED, enabled=True)

    first = send_due_bills(period=OCT)
    second = send_due_bills(period=OCT)

    assert (first, second) == (2, 0)
    assert len(messages(Purpose.BILL_ISSUED)) == 2 and len(jobs()) == 2


def test_the_button_on_the_bills_page_sends_them_for_accounts_staff_only(client, customer):
    set_switch(purpose=Purpose.BILL_ISSUED, enabled=False)
    issue_bill(bill=draft_for(customer))
    set_switch(purpose=Purpose.BILL_ISSUED, enabled=True)
    url = reverse("billing:send_bills")
    client.force_login(UserFactory(roles=[SUPPORT]))
    assert client.post(url, {"month": "2026-10"}).status_code == 404
    assert messages(Purpose.BILL_ISSUED) == []

    client.force_login(accounts_user())
    page = client.get(reverse("billing:bills"), {"month": "2026-10"}).content.decode()
    assert f'action="{url}"' in page and "Send all due bills" in page
    response = client.post(url, {"month": "2026-10"}, follow=True)

    assert "Queued 1 bill message(s) for October 2026" in response.content.decode()
    assert len(messages(Purpose.BILL_ISSUED)) == 1
    again = client.post(url, {"month": "2026-10"}, follow=True)
    assert "has its message" in again.content.decode()
    bad = client.post(url, {"month": "2026-13"}, follow=True)
    assert "is not a month" in bad.content.decode()
    assert len(messages(Purpose.BILL_ISSUED)) == 1


# --- overdue reminders -------------------------------------------------------------------------


def reminders() -> list[Message]:
    return messages(Purpose.OVERDUE_REMINDER)


def test_a_reminder_comes_n_days_after_issue_then_at_most_once_in_m_days(customer):
    bill = issue_bill(bill=draft_for(customer))
    issued = timezone.localdate()
    day = issued + dt.timedelta(days=9)

    assert queue_overdue_reminders(today=day) == 0  # not due yet
    assert queue_overdue_reminders(today=day + dt.timedelta(days=1)) == 1  # n = 10 days
    assert queue_overdue_reminders(today=day + dt.timedelta(days=1)) == 0  # again that day
    for later in range(2, 8):  # within m = 7 days of the last
        assert queue_overdue_reminders(today=day + dt.timedelta(days=later)) == 0
    assert queue_overdue_reminders(today=day + dt.timedelta(days=8)) == 1

    first, second = reminders()
    assert first.dedupe_key == f"overdue:{bill.pk}:{day + dt.timedelta(days=1):%Y-%m-%d}"
    assert "₹560.00 is still due" in first.text and bill.code in first.text
    assert f"due on {issued + dt.timedelta(days=10):%d/%m/%Y}" in first.text
    assert second.dedupe_key.endswith(f"{day + dt.timedelta(days=8):%Y-%m-%d}")


def test_the_reminder_asks_for_what_is_still_due_and_none_once_paid(customer):
    issue_bill(bill=draft_for(customer))
    due = timezone.localdate() + dt.timedelta(days=10)
    PaymentFactory(customer=customer, amount=Decimal("500.00"), paid_on=timezone.localdate())

    assert queue_overdue_reminders(today=due) == 1
    assert "₹60.00 is still due" in reminders()[0].text

    PaymentFactory(customer=customer, amount=Decimal("60.00"), paid_on=timezone.localdate())
    assert queue_overdue_reminders(today=due + dt.timedelta(days=7)) == 0


def test_the_settings_say_when(customer, settings):
    settings.OVERDUE_REMINDER_AFTER_DAYS = 3
    settings.OVERDUE_REMINDER_EVERY_DAYS = 2
    issue_bill(bill=draft_for(customer))
    today = timezone.localdate()

    sent = [queue_overdue_reminders(today=today + dt.timedelta(days=n)) for n in range(2, 8)]

    assert sent == [0, 1, 0, 1, 0, 1]


def test_only_the_latest_bill_of_a_customer_is_reminded(customer, frozen_clock):
    older = issue_bill(bill=draft_for(customer))
    frozen_clock.shift(dt.timedelta(days=20))
    nov = dt.date(2026, 11, 1)
    order = SubscriptionFactory(customer=customer, product=ProductFactory(), start_date=nov)
    deliver_days(order, nov, nov.replace(day=2))
    run_billing(period=nov)
    issue_bill(bill=Bill.objects.get(customer=customer, period=nov))
    today = timezone.localdate()

    assert queue_overdue_reminders(today=today) == 0  # the newer bill is not due yet
    assert queue_overdue_reminders(today=today + dt.timedelta(days=10)) == 1
    assert reminders()[0].dedupe_key.split(":")[1] != str(older.pk)
