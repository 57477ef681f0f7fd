"""POST /d/sync/ (boy:sync): the taps a delivery boy's phone stored offline, applied in
order, each once per key, with conflicts (a substitute or the office changed the stop
meanwhile) refused and named; malformed bodies refused whole."""

import json
import re
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import UserFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_stop, undo_stop
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.route_fixtures import bulk_route
from deliveries.tests.shared_links import make_link
from earlybird import roles
from earlybird.models import IdempotencyKey
from orders.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def seen_on_page(client, customer) -> str:
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    return re.search(
        rf'id="stop-{customer.pk}" data-customer="{customer.pk}" '
        r'data-seen="([0-9a-f]+)"',
        page,
    )[1]


def action(customer, kind, seen=None, **more):
    return {
        "key": more.pop("key", str(uuid.uuid4())),
        "kind": kind,
        "day": f"{timezone.localdate()}",
        "shift": "morning",
        "customer": customer.pk,
        "seen": seen,
        **more,
    }


def sync(client, *actions, body=None):
    data = json.dumps({"actions": list(actions)}) if body is None else body
    return client.post(reverse("boy:sync"), data, content_type="application/json")


def writes() -> int:
    return Delivery.history.count()


def test_a_tap_is_applied_and_answered_with_the_stops_new_state(client, boy):
    customer = bulk_route(boy, 1)[0]
    seen = seen_on_page(client, customer)
    response = sync(client, action(customer, "delivered", seen))
    (result,) = response.json()["results"]
    assert result["result"] == "done"
    assert result["message"] == f"{customer.name}: delivered."
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.DELIVERED
    assert result["seen"] != seen
    assert result["seen"] == seen_on_page(client, customer)
    assert result["stop_html"].startswith(f'<li class="stop done" id="stop-{customer.pk}"')


def test_the_same_key_twice_writes_once_and_answers_the_same(client, boy):
    customer = bulk_route(boy, 1)[0]
    tap = action(customer, "not_delivered", seen_on_page(client, customer), reason="refused")
    first = sync(client, tap).json()["results"][0]
    after_first = writes()
    second = sync(client, tap).json()["results"][0]
    assert writes() == after_first
    assert IdempotencyKey.objects.filter(key=tap["key"]).count() == 1
    assert first["result"] == "done" and second["result"] == "replayed"
    assert second["message"] == first["message"] == f"{customer.name}: not delivered."
    assert Delivery.objects.get(customer=customer).reason == "refused"


def test_a_key_used_for_another_action_is_refused_and_writes_nothing(client, boy):
    customer = bulk_route(boy, 1)[0]
    seen = seen_on_page(client, customer)
    sync(client, action(customer, "delivered", seen, key="same-key-1"))
    before = writes()
    (result,) = sync(client, action(customer, "undo", seen, key="same-key-1")).json()["results"]
    assert result["result"] == "refused"
    assert "used for another action" in result["message"]
    assert writes() == before
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.DELIVERED


def test_a_batch_is_applied_in_order(client, boy):
    first, second = bulk_route(boy, 2)
    seen_first, seen_second = seen_on_page(client, first), seen_on_page(client, second)
    deliveries = {d.customer_id: d for d in Delivery.objects.all()}
    results = sync(
        client,
        # Two taps on the same stop from the same page: delivered, then undone.
        action(first, "delivered", seen_first),
        action(first, "undo", seen_first),
        action(second, "partial", seen_second, quantities={str(deliveries[second.pk].pk): "0.5"}),
    ).json()["results"]
    assert [r["result"] for r in results] == ["done", "done", "done"]
    assert Delivery.objects.get(customer=first).status == Delivery.Status.PENDING
    partial = Delivery.objects.get(customer=second)
    assert (partial.status, partial.delivered_qty) == (Delivery.Status.PARTIAL, Decimal("0.5"))
    # Both answers about the first stop carry its state after the whole batch.
    assert results[0]["seen"] == results[1]["seen"] == seen_on_page(client, first)


def test_a_stop_confirmed_meanwhile_through_a_shared_link_is_a_conflict(client, boy):
    customer = bulk_route(boy, 1)[0]
    seen = seen_on_page(client, customer)
    link, _token = make_link(boy)
    substitute = Confirmer(via=Delivery.Via.SHARED_LINK, name="Ravi Kumar", link=link)
    delivery = Delivery.objects.get(customer=customer)
    confirm_stop(quantities={delivery: Decimal(1)}, by=substitute)
    before = writes()
    (result,) = sync(client, action(customer, "delivered", seen)).json()["results"]
    assert result["result"] == "conflict"
    assert re.fullmatch(
        rf"{customer.name}: already confirmed by Ravi Kumar through a shared link at "
        r"\d{1,2}:\d\d [AP]M\.",
        result["message"],
    )
    assert writes() == before
    delivery.refresh_from_db()
    assert (delivery.status, delivery.confirmed_by_name) == (Delivery.Status.PARTIAL, "Ravi Kumar")
    assert result["seen"] == seen_on_page(client, customer)  # he sees it now, and may redo


def test_a_stop_the_office_undid_meanwhile_is_a_conflict_naming_who(client, boy):
    customer = bulk_route(boy, 1)[0]
    sync(client, action(customer, "delivered", seen_on_page(client, customer)))
    seen = seen_on_page(client, customer)
    staff = UserFactory(roles=[roles.SUPPORT], first_name="Anil", last_name="Rao")
    office = Confirmer(via=Delivery.Via.STAFF, user=staff)
    client.force_login(staff)
    undo_stop(deliveries=list(Delivery.objects.filter(customer=customer)), by=office)
    # simple_history names the request's user; a service called here has none: say so.
    Delivery.history.filter(customer_id=customer.pk).update(history_user=staff)
    client.force_login(boy.user)
    tap = action(customer, "not_delivered", seen, reason="other")
    (result,) = sync(client, tap).json()["results"]
    assert result["result"] == "conflict"
    assert "changed by Anil Rao at" in result["message"]
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_another_boys_stop_is_refused_and_nothing_is_written(client, boy):
    stranger = bulk_route(DeliveryBoyFactory(), 1)[0]
    before = writes()
    results = sync(
        client, action(stranger, "delivered"), action(stranger, "cash", amount="50")
    ).json()["results"]
    assert [r["result"] for r in results] == ["refused", "refused"]
    assert "No such" in results[0]["message"]
    assert writes() == before
    assert "stop_html" not in results[0]
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not JSON"),
        ("[]", '{"actions": [...]}'),
        ('{"actions": {}}', '{"actions": [...]}'),
        ('{"actions": [1]}', "action 1 is not an object"),
        ('{"actions": [{"kind": "delivered"}]}', "key is missing"),
    ],
)
def test_a_body_that_is_not_a_list_of_actions_is_a_400_with_the_reason(client, boy, body, reason):
    bulk_route(boy, 1)
    response = sync(client, body=body)
    assert response.status_code == 400
    assert reason in response.json()["error"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"key": "short"}, "key must be"),
        ({"kind": "explode"}, "unknown kind"),
        ({"day": "2026-02-30"}, "day must be YYYY-MM-DD"),
        ({"shift": "night"}, "shift must be"),
        ({"customer": "x"}, "customer must be"),
        ({"customer": True}, "customer must be"),
        ({"quantities": [1]}, "quantities must be an object"),
        ({"quantities": {"a": "1"}}, "not a delivery id"),
        ({"bottles": {"1": None}}, "must be a number"),
        ({"seen": 5}, "seen must be"),
        ({"amount": {"x": 1}}, "amount must be a string"),
    ],
)
def test_a_malformed_action_refuses_the_whole_batch(client, boy, change, reason):
    customer = bulk_route(boy, 1)[0]
    good = action(customer, "delivered")
    response = sync(client, good, {**action(customer, "undo"), **change})
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_refused_taps_say_why_and_leave_the_key_free(client, boy):
    customer = bulk_route(boy, 1)[0]
    delivery = Delivery.objects.get(customer=customer)
    too_much = action(customer, "partial", quantities={str(delivery.pk): "5"})
    (result,) = sync(client, too_much).json()["results"]
    assert result["result"] == "refused" and "enter 0 to 2" in result["message"]
    (result,) = sync(client, action(customer, "not_delivered")).json()["results"]
    assert result == {**result, "result": "refused", "message": "Choose why it was not delivered."}
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING
    assert not IdempotencyKey.objects.exists()


def test_only_a_delivery_boy_may_sync(client):
    assert sync(client).status_code == 302  # to the login page
    client.force_login(UserFactory(roles=[roles.SUPPORT]))
    assert sync(client).status_code == 404


def test_a_batch_runs_a_bounded_number_of_queries_per_action(client, boy):
    customers = bulk_route(boy, 11)
    seen = {c.pk: seen_on_page(client, c) for c in customers}
    with CaptureQueriesContext(connection) as one:
        sync(client, action(customers[0], "delivered", seen[customers[0].pk]))
    with CaptureQueriesContext(connection) as ten:
        results = sync(client, *(action(c, "delivered", seen[c.pk]) for c in customers[1:])).json()[
            "results"
        ]
    assert {r["result"] for r in results} == {"done"}
    per_action = len(one.captured_queries)
    assert len(ten.captured_queries) <= 10 * per_action
    # What grows with the batch is the actions' own work, not the stops drawn again: 3
    # queries per request are not the action's (the session with its user and roles, the
    # delivery boy, and the stops drawn again in one query, route_rows.route_window).
    assert len(ten.captured_queries) - per_action <= 9 * (per_action - 3)


def test_bottles_collected_at_a_stop_are_recorded_and_shown(client, boy):
    glass = ProductFactory(name="Milk 1 L glass", returnable=True, container="glass bottle")
    customer = bulk_route(boy, 1, products=[glass])[0]
    delivery = Delivery.objects.get(customer=customer)
    sync(client, action(customer, "delivered", seen_on_page(client, customer)))
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert f'name="bottles_{delivery.pk}"' in page
    tap = action(customer, "bottles", seen_on_page(client, customer), bottles={delivery.pk: 1})
    (result,) = sync(client, tap).json()["results"]
    assert result["result"] == "done", result["message"]
    assert Delivery.objects.get(pk=delivery.pk).bottles_collected == 1
