"""Billing's part of the delivery boy's route (billing.offline_cash): the "cash" tap of
his phone's queue and of the route page, each stop's amount due, his cash summary, and a
billed stop refused as a conflict."""

import json
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import CashHandover, Payment, WalletEntry
from billing.services import run_billing
from billing.services.wallet import set_billing_mode
from customers.tests.factories import UserFactory
from deliveries.models import Delivery
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.route_fixtures import bulk_route
from earlybird import roles
from earlybird.idempotency import issue_form_key

pytestmark = pytest.mark.django_db


def cash(customer, amount: str, **more) -> dict:
    return {
        "key": more.pop("key", str(uuid.uuid4())),
        "kind": "cash",
        "day": f"{timezone.localdate()}",
        "shift": "morning",
        "customer": customer.pk,
        "amount": amount,
        **more,
    }


def sync(client, *actions):
    body = json.dumps({"actions": list(actions)})
    return client.post(reverse("boy:sync"), body, content_type="application/json").json()


def test_cash_tapped_offline_is_a_payment_received_by_him_once(client, boy):
    customer = bulk_route(boy, 1)[0]
    tap = cash(customer, "250.50")
    first = sync(client, tap)["results"][0]
    second = sync(client, tap)["results"][0]
    payment = Payment.objects.get()
    assert (payment.customer, payment.amount, payment.method, payment.received_by) == (
        customer,
        Decimal("250.50"),
        Payment.Method.CASH,
        boy.user,
    )
    assert payment.purpose == Payment.Purpose.BILL
    assert first["result"] == "done" and second["result"] == "replayed"
    assert first["message"] == second["message"]
    assert first["message"] == f"{customer.name}: ₹250.50 cash recorded ({payment.code})."


@pytest.mark.parametrize("amount", ["0", "-5", "20000.01", "abc", "1.001", "NaN", ""])
def test_cash_outside_his_limit_is_refused_and_records_nothing(client, boy, amount):
    customer = bulk_route(boy, 1)[0]
    (result,) = sync(client, cash(customer, amount))["results"]
    assert result["result"] == "refused"
    assert result["message"]
    assert not Payment.objects.exists()


def test_cash_from_a_prepaid_customer_goes_into_the_wallet(client, boy):
    customer = bulk_route(boy, 1)[0]
    set_billing_mode(customer=customer, mode="prepaid", effective_from=timezone.localdate())
    (result,) = sync(client, cash(customer, "300"))["results"]
    assert "wallet recharge" in result["message"]
    payment = Payment.objects.get()
    assert payment.purpose == Payment.Purpose.WALLET
    assert WalletEntry.objects.filter(payment=payment).exists()


def test_the_route_pages_cash_button_records_once_with_javascript_off(client, boy):
    customer = bulk_route(boy, 1)[0]
    tap = {
        "act": f"cash:{customer.pk}",
        "shift": "morning",
        f"cash_{customer.pk}": "120",
        "once": issue_form_key(user=boy.user, operation="boy:act"),
    }
    client.post(reverse("boy:act"), tap)
    page = client.post(reverse("boy:act"), tap, follow=True).content.decode()
    assert Payment.objects.get().amount == Decimal("120.00")
    assert f"{customer.name}: ₹120.00 cash recorded" in page


def test_each_stop_shows_what_the_customer_owes_in_one_query(
    client, boy, django_assert_max_num_queries
):
    owes, clear = bulk_route(boy, 2, opening_balance=Decimal("1450.00"))
    clear.opening_balance = Decimal(0)
    clear.save(update_fields=["opening_balance"])
    with django_assert_max_num_queries(9):
        page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    owes_stop = page.split(f'id="stop-{owes.pk}"')[1].split('id="stop-')[0]
    clear_stop = page.split(f'id="stop-{clear.pk}"')[1]
    assert '<p class="due">Due: <strong>₹1,450.00</strong></p>' in owes_stop
    assert 'class="due"' not in clear_stop


def test_a_billed_stop_is_a_conflict_and_nothing_changes(client, boy):
    customer = bulk_route(boy, 1)[0]
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    delivery = Delivery.objects.get(customer=customer)
    tap = {"act": f"delivered:{customer.pk}", "shift": "morning"}
    client.post(
        reverse("boy:act"), {**tap, "once": issue_form_key(user=boy.user, operation="boy:act")}
    )
    run_billing(period=timezone.localdate().replace(day=1), before_month_end=True)
    seen = re.search(rf'data-customer="{customer.pk}" data-seen="(\w+)"', page)[1]
    action = {**cash(customer, "1"), "kind": "undo", "seen": seen}
    (result,) = sync(client, action)["results"]
    assert result["result"] == "conflict"
    assert "already billed" in result["message"]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED


def test_the_cash_summary_lists_his_cash_of_today_and_the_handover(client, boy):
    first, second = bulk_route(boy, 2)
    sync(client, cash(first, "100"), cash(first, "50"), cash(second, "75.25"))
    other = DeliveryBoyFactory()
    stranger = bulk_route(other, 1)[0]
    client.force_login(other.user)
    sync(client, cash(stranger, "999"))
    client.force_login(boy.user)

    page = client.get(reverse("boy:cash_summary")).content.decode()
    assert re.search(rf"<td>{first.name}</td><td class=\"num\">₹150.00</td>", page)
    assert re.search(rf"<td>{second.name}</td><td class=\"num\">₹75.25</td>", page)
    assert stranger.name not in page
    assert "<strong>₹225.25</strong>" in page
    assert "Not handed over yet" in page

    accounts = UserFactory(roles=[roles.ACCOUNTS])
    CashHandover.objects.create(
        delivery_boy=boy,
        day=timezone.localdate(),
        amount=Decimal("225.25"),
        collected=Decimal("225.25"),
        confirmed_by=accounts,
        confirmed_at=timezone.now(),
    )
    page = client.get(reverse("boy:cash_summary")).content.decode()
    assert "The office confirmed your hand-over of ₹225.25" in page
