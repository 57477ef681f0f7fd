"""Bad input on the reports never makes a server error: arbitrary periods on every page
and export (keys web/tests/test_bad_input.py does not send), and the hand-over form —
which that walk does not reach (its delivery boy collects no cash) — posted with
arbitrary values, with a stale key and with a fresh one that gets past the form."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from billing.models import CashHandover, Payment
from billing.services import record_payment
from customers.tests.factories import CustomerFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from web.tests.test_bad_input import SETTINGS, VALUES, Forms, post_arbitrary_input

pytestmark = pytest.mark.django_db

PAGES = ["dues", "sales", "performance", "cash"]


@pytest.fixture
def boy():
    ravi = DeliveryBoyFactory(name="Ravi")
    record_payment(
        customer=CustomerFactory(),
        amount=Decimal("120.00"),
        method=Payment.Method.CASH,
        paid_on=dt.date(2026, 11, 17),
        received_by=ravi.user,
        by=ravi.user,
    )
    return ravi


def test_no_report_answers_an_arbitrary_period_with_a_server_error(client, cast, boy):
    client.force_login(cast[roles.ACCOUNTS])
    client.raise_request_exception = False
    paths = [reverse(f"reports:{n}{suffix}") for n in PAGES for suffix in ("", "_csv", "_xlsx")]

    @SETTINGS
    @given(start=VALUES, end=VALUES, month=VALUES)
    def open_reports(start, end, month):
        for path in paths:
            response = client.get(path, {"start": start, "end": end, "month": month})
            assert response.status_code < 500, (path, start, end, month)

    open_reports()


@pytest.mark.parametrize("role", [roles.ACCOUNTS, roles.ADMIN])
def test_the_handover_form_takes_arbitrary_input_without_a_server_error(client, cast, boy, role):
    client.force_login(cast[role])
    client.raise_request_exception = False
    parser = Forms()
    parser.feed(client.get(reverse("reports:cash")).content.decode())
    forms = {action: fields for action, fields in parser.forms if "amount" in fields}
    assert len(forms) == 1

    for action, fields in forms.items():
        post_arbitrary_input(client, action, fields)
    assert not CashHandover.objects.exists()


def test_a_fresh_form_with_arbitrary_values_gets_a_message_not_an_error(client, cast, boy):
    client.force_login(cast[roles.ACCOUNTS])
    client.raise_request_exception = False
    url = reverse("reports:cash")

    @SETTINGS
    @given(
        amount=VALUES,
        note=VALUES,
        day=st.one_of(VALUES, st.just("2026-11-17")),
        delivery_boy=st.one_of(VALUES, st.just(str(boy.pk))),
    )
    def confirm(amount, note, day, delivery_boy):
        page = client.get(url).content.decode()
        key = re.search(r'name="once" value="([^"]+)"', page)
        data = {"amount": amount, "note": note, "day": day, "delivery_boy": delivery_boy}
        response = client.post(url, {**data, "once": key[1] if key else ""})
        assert response.status_code < 500, data

    confirm()
