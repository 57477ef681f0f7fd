# Over 400 lines: one subject, money written once however often it is sent, path by path.
"""Money writes happen once, however often they are sent (earlybird.idempotency): the
payments form and the billing-run form carry a one-time key; the payments API takes an
Idempotency-Key header; issuing and voiding a bill are idempotent by their state. (The
delivery boy's cash form: web/tests/test_cash.py.)"""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob
from rest_framework.test import APIClient

from billing.models import Adjustment, Bill, BillingRun, Payment
from billing.services import add_adjustment, record_payment, run_billing
from billing.tests.factories import accounts_user
from customers.tests.factories import CustomerFactory
from earlybird.idempotency import OTHER_DETAILS, STALE_FORM, issue_form_key, once
from earlybird.models import CodeCounter, IdempotencyKey
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
PAYMENTS = "billing:payments"


@pytest.fixture
def accounts():
    return accounts_user(first_name="Padma", last_name="Rao")


@pytest.fixture
def customer():
    return CustomerFactory(name="Sita Ramaiah")


def last_message(response) -> str:
    """The message a response added (the ones before it were not shown: no redirect was
    followed)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def payment_form(customer, key: str, **overrides) -> dict:
    return {
        "once": key,
        "customer": customer.code,
        "amount": "450.50",
        "method": Payment.Method.CASH,
        "paid_on": "2026-11-10",
        "reference": "",
        "received_by": "",
        "notes": "",
        **overrides,
    }


# --- the payments form ----------------------------------------------------------------------


class TestPaymentsForm:
    def test_the_form_sent_twice_records_one_payment_and_shows_the_first(
        self, client, accounts, customer
    ):
        client.force_login(accounts)
        key = client.get(reverse(PAYMENTS)).context["form"]["once"].value()
        data = payment_form(customer, key, received_by=accounts.pk)

        first = client.post(reverse(PAYMENTS), data)
        second = client.post(reverse(PAYMENTS), data)

        payment = Payment.objects.get()
        assert first.url == second.url == reverse(PAYMENTS)
        assert last_message(second) == (
            f"Already recorded: {payment.code}, ₹450.50 from Sita Ramaiah (Cash) on 10 Nov 2026."
        )
        assert IdempotencyKey.objects.get().target == payment

    def test_a_resend_with_other_details_still_records_nothing_more(
        self, client, accounts, customer
    ):
        client.force_login(accounts)
        key = issue_form_key(user=accounts, operation=PAYMENTS)
        client.post(reverse(PAYMENTS), payment_form(customer, key, received_by=accounts.pk))

        again = client.post(
            reverse(PAYMENTS), payment_form(customer, key, received_by=accounts.pk, amount="9")
        )

        assert Payment.objects.get().amount == Decimal("450.50")
        assert last_message(again).startswith("Already recorded: PA-20261110-0001")
        assert last_message(again).endswith(OTHER_DETAILS)

    def test_each_new_form_has_a_new_key(self, client, accounts, customer):
        client.force_login(accounts)
        first = client.get(reverse(PAYMENTS)).context["form"]["once"].value()
        client.post(reverse(PAYMENTS), payment_form(customer, first, received_by=accounts.pk))
        second = client.get(reverse(PAYMENTS)).context["form"]["once"].value()

        client.post(reverse(PAYMENTS), payment_form(customer, second, received_by=accounts.pk))

        assert first != second
        assert Payment.objects.count() == 2

    @pytest.mark.parametrize(
        "key", ["", "made-up", "abc:def"], ids=["no key", "a made-up key", "a forged key"]
    )
    def test_a_key_the_server_did_not_issue_is_refused_with_a_fresh_form(
        self, client, accounts, customer, key
    ):
        client.force_login(accounts)

        response = client.post(
            reverse(PAYMENTS), payment_form(customer, key, received_by=accounts.pk)
        )

        assert response.status_code == 200
        assert STALE_FORM in response.content.decode()
        assert not Payment.objects.exists()
        fresh = response.context["form"]["once"].value()
        assert fresh != key
        resent = client.post(
            reverse(PAYMENTS), payment_form(customer, fresh, received_by=accounts.pk)
        )
        assert resent.status_code == 302 and Payment.objects.count() == 1

    def test_a_key_issued_to_someone_else_is_refused(self, client, accounts, customer):
        colleague = accounts_user()
        client.force_login(accounts)
        theirs = issue_form_key(user=colleague, operation=PAYMENTS)

        response = client.post(
            reverse(PAYMENTS), payment_form(customer, theirs, received_by=accounts.pk)
        )

        assert STALE_FORM in response.content.decode()
        assert not Payment.objects.exists()

    def test_a_refused_form_keeps_its_key_and_the_corrected_one_goes_through_once(
        self, client, accounts, customer
    ):
        record_payment(
            customer=customer,
            amount="10",
            method="upi",
            paid_on=dt.date(2026, 11, 2),
            reference="R1",
        )
        client.force_login(accounts)
        key = issue_form_key(user=accounts, operation=PAYMENTS)

        refused = client.post(
            reverse(PAYMENTS),
            payment_form(customer, key, received_by=accounts.pk, method="upi", reference="r1"),
        )
        corrected = payment_form(
            customer, key, received_by=accounts.pk, method="upi", reference="R2"
        )
        client.post(reverse(PAYMENTS), corrected)
        client.post(reverse(PAYMENTS), corrected)

        assert refused.status_code == 200
        assert refused.context["form"]["once"].value() == key
        assert "PA-20261102-0001" in str(refused.context["form"].errors["reference"])
        assert sorted(Payment.objects.values_list("reference", flat=True)) == ["R1", "R2"]


# --- the payments API -----------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def post_payment(client, body: dict, key: str | None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(reverse("api:payments"), body, format="json", headers=headers)


class TestPaymentsApi:
    @pytest.fixture
    def body(self, customer):
        return {"customer": customer.pk, "amount": "450.00", "method": "upi", "reference": "UTR1"}

    def test_a_replay_with_the_same_key_returns_the_first_answer_and_records_nothing(
        self, accounts, body
    ):
        client, key = api_for(accounts), str(uuid.uuid4())

        first = post_payment(client, body, key)
        again = post_payment(client, dict(reversed(body.items())), key)  # same body, other order

        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first.headers
        assert Payment.objects.get().code == first.json()["code"]

    def test_the_same_key_with_another_body_is_refused_with_the_reason(self, accounts, body):
        client, key = api_for(accounts), str(uuid.uuid4())
        first = post_payment(client, body, key)

        other = post_payment(client, {**body, "amount": "45.00"}, key)

        assert other.status_code == 422
        reason = other.json()["Idempotency-Key"][0]
        assert first.json()["code"] in reason and "Use a new key" in reason
        assert Payment.objects.get().amount == Decimal("450.00")

    @pytest.mark.parametrize("key", [None, "", "short", "has spaces in it", "x" * 101])
    def test_a_missing_or_malformed_key_is_a_400_and_records_nothing(self, accounts, body, key):
        response = post_payment(api_for(accounts), body, key)

        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()
        assert not Payment.objects.exists()

    def test_a_refused_request_does_not_use_up_its_key(self, accounts, body):
        client, key = api_for(accounts), str(uuid.uuid4())

        refused = post_payment(client, {**body, "amount": "0"}, key)
        accepted = post_payment(client, body, key)

        assert (refused.status_code, accepted.status_code) == (400, 201)
        assert Payment.objects.count() == 1

    def test_keys_are_per_user(self, accounts, customer, body):
        key = str(uuid.uuid4())

        mine = post_payment(api_for(accounts), body, key)
        theirs = post_payment(api_for(accounts_user()), {**body, "reference": "UTR2"}, key)

        assert (mine.status_code, theirs.status_code) == (201, 201)
        assert Payment.objects.count() == 2

    def test_the_schema_documents_the_header(self, accounts):
        schema = api_for(accounts).get(reverse("api:schema"), {"format": "json"}).json()

        post = schema["paths"]["/api/v1/payments/"]["post"]
        header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
        assert header["in"] == "header" and header["required"] is True
        assert "422" in post["responses"]


# --- a request sent twice at the same moment --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_second_send_while_the_first_is_working_waits_for_it_then_gets_its_result():
    accounts, customer = accounts_user(), CustomerFactory()
    key = str(uuid.uuid4())

    def send():
        return once(
            user=accounts,
            key=key,
            operation="test",
            content={"amount": "100"},
            write=lambda: _pay(customer),
        )

    first = Holder(send, name="first")
    first.start_and_hold()  # its key claimed and its payment written, not yet committed
    second = Worker(send, name="second")
    second.start()
    waited = wait_until_blocked(second)
    first.release()
    first.finish()
    second.finish()

    assert (first.error, second.error) == (None, None)
    assert waited == {"second": True}, "the second send did not wait for the first"
    assert not first.result.replayed and second.result.replayed
    assert second.result.target == first.result.target == Payment.objects.get()


@pytest.mark.django_db(transaction=True)
def test_when_the_first_send_fails_the_second_one_writes():
    accounts, customer = accounts_user(), CustomerFactory()
    key = str(uuid.uuid4())

    def send():
        return once(
            user=accounts, key=key, operation="test", content={}, write=lambda: _pay(customer)
        )

    first = Holder(send, name="first", rollback=True)
    first.start_and_hold()
    second = Worker(send, name="second")
    second.start()
    wait_until_blocked(second)
    first.release()
    first.finish()
    second.finish()

    assert second.error is None and not second.result.replayed
    assert Payment.objects.count() == 1


def _pay(customer):
    payment = record_payment(
        customer=customer, amount="100", method="cash", paid_on=dt.date(2026, 11, 1)
    )
    return payment, {"code": payment.code}


# --- billing runs and bills -----------------------------------------------------------------


class TestRunsAndBills:
    @pytest.fixture
    def draft(self, customer):
        add_adjustment(customer=customer, amount="250", reason="October milk", day=OCT)
        return customer

    def test_a_run_form_sent_twice_starts_one_run(self, client, accounts, draft):
        client.force_login(accounts)
        key = client.get(reverse("billing:runs")).context["form"]["once"].value()

        first = client.post(reverse("billing:run_start"), {"month": "2026-10", "once": key})
        second = client.post(reverse("billing:run_start"), {"month": "2026-10", "once": key})

        run = BillingRun.objects.get()
        assert first.url == second.url == reverse("billing:run_detail", args=[run.pk])
        assert last_message(second) == "Already started: billing October 2026."
        assert ProcrastinateJob.objects.filter(task_name="billing.run_billing").count() == 1

    def test_a_refused_run_form_keeps_its_key_usable(self, client, accounts, draft):
        client.force_login(accounts)
        key = issue_form_key(user=accounts, operation="billing:run_start")

        refused = client.post(reverse("billing:run_start"), {"month": "2026-11", "once": key})
        started = client.post(reverse("billing:run_start"), {"month": "2026-10", "once": key})

        assert refused.status_code == 400  # the form again, the refusal on its month
        assert "has not ended" in refused.context["form"].errors["month"][0]
        assert started.url == reverse("billing:run_detail", args=[BillingRun.objects.get().pk])
        assert not IdempotencyKey.objects.filter(result={}).exists()

    def test_a_run_started_while_the_same_form_is_running_is_told_so(self, accounts, draft):
        def start():
            raise AssertionError("the second send must not run")

        key = str(uuid.uuid4())
        IdempotencyKey.objects.create(
            user=accounts, key=key, operation="billing:run_start", fingerprint="-"
        )  # a claim whose run has not finished

        outcome = once(
            user=accounts,
            key=key,
            operation="billing:run_start",
            content={},
            write=start,
            commits_itself=True,
        )

        assert outcome.replayed and outcome.in_progress

    def test_issuing_a_bill_twice_numbers_it_once(self, client, accounts, draft):
        run_billing(period=OCT)
        bill = Bill.objects.get()
        client.force_login(accounts)

        client.post(reverse("billing:bill_issue", args=[bill.pk]))
        again = client.post(reverse("billing:bill_issue", args=[bill.pk]))

        bill.refresh_from_db()
        assert bill.code == "BI-202610-0001"
        assert CodeCounter.objects.get(prefix="BI").last_value == 1
        assert again.url == reverse("billing:bill_detail", args=[bill.pk])
        assert last_message(again) == "BI-202610-0001 is issued, not a draft."

    def test_issuing_a_month_twice_issues_each_bill_once(self, client, accounts, draft):
        run_billing(period=OCT)
        client.force_login(accounts)

        client.post(reverse("billing:issue_period"), {"month": "2026-10"})
        again = client.post(reverse("billing:issue_period"), {"month": "2026-10"})

        assert last_message(again) == "Issued 0 bills for October 2026."
        assert list(Bill.objects.values_list("code", flat=True)) == ["BI-202610-0001"]
        assert CodeCounter.objects.get(prefix="BI").last_value == 1

    def test_voiding_a_bill_twice_releases_its_adjustments_once(self, client, accounts, draft):
        run_billing(period=OCT)
        bill = Bill.objects.get()
        client.force_login(accounts)
        client.post(reverse("billing:bill_issue", args=[bill.pk]))

        void = {"reason": "Wrong rate", "confirm": "on"}
        client.post(reverse("billing:bill_void", args=[bill.pk]), void)
        again = client.post(reverse("billing:bill_void", args=[bill.pk]), void)

        assert Adjustment.objects.filter(bill__isnull=True).count() == 1  # one fresh copy
        assert Adjustment.objects.count() == 2
        assert "only an issued bill can be voided" in last_message(again)


def test_a_write_that_fails_leaves_the_key_free(accounts):
    def refuse():
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        once(user=accounts, key="k-000001", operation="test", content={}, write=refuse)

    assert not IdempotencyKey.objects.exists()
