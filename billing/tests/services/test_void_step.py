"""Voiding a bill is a second step: the reason and a ticked box, or nothing changes."""

import pytest
from django.urls import reverse

from billing.models import Bill
from billing.tests.services import JAN, billed

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(customer):
    return billed(customer, JAN, "250.00")


def _void(client, bill, **data):
    return client.post(reverse("billing:bill_void", args=[bill.pk]), data, follow=True)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"reason": "Wrong rate"}, "Not voided: tick “Yes, void this bill” to confirm."),
        ({"confirm": "on"}, "Not voided: say why the bill is void."),
        ({"reason": "  ", "confirm": "on"}, "Not voided: say why the bill is void."),
        ({"reason": "Wrong rate", "confirm": ""}, "Not voided: tick “Yes, void this bill”"),
    ],
)
def test_without_the_reason_or_the_tick_the_bill_stays_issued_and_the_page_says_why(
    client, accounts, issued, data, why
):
    client.force_login(accounts)

    page = _void(client, issued, **data).content.decode()

    issued.refresh_from_db()
    assert (issued.status, issued.voided_at, issued.void_reason) == (Bill.Status.ISSUED, None, "")
    assert why in page


def test_with_the_reason_and_the_tick_the_bill_is_void(client, accounts, issued):
    client.force_login(accounts)

    page = _void(client, issued, reason="Wrong rate", confirm="on").content.decode()

    issued.refresh_from_db()
    assert (issued.status, issued.void_reason) == (Bill.Status.VOID, "Wrong rate")
    assert f"{issued.code} is void" in page


def test_the_bill_page_asks_for_both_in_a_second_step(client, accounts, issued):
    client.force_login(accounts)

    page = client.get(reverse("billing:bill_detail", args=[issued.pk])).content.decode()

    step = page.split('<details class="confirm-step">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Void this bill…</summary>" in step
    assert 'name="reason"' in step and 'type="checkbox" name="confirm"' in step
    assert step.count("required") >= 2  # the browser asks for both before sending
    assert "leaves" in step and issued.code in step
