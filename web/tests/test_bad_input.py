"""Bad input never makes a server error. Every form on every page each role can open is
posted with arbitrary dates, numbers and Unicode (Hypothesis), every page is opened with
arbitrary ?date= / ?month= / ?day= values, and every API operation that writes is sent
arbitrary JSON shaped like its input (and not): the answer is a message, never a 5xx."""

import datetime as dt
import functools
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import Bill
from billing.services import issue_bills, run_billing
from billing.tests.factories import PaymentFactory, deliver
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery, RouteStop
from deliveries.services import assign_to_route, create_link, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from earlybird.access import PUBLIC, access_for
from earlybird.idempotency import HEADER
from earlybird.tests.test_access import PATTERNS
from orders.services import pause_order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

# What people type: odd dates and months, huge and negative numbers, scripts other than
# Latin, control characters, spreadsheet formulas, nothing at all.
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "9999999999.999",
        "1e999",
        "NaN",
        "-0.0001",
        "0001-01-01",
        "9999-12-31",
        "0000-01",
        "2026-02-30",
        "2026-13",
        "రవి కుమార్",
        "राम",
        '=HYPERLINK("http://x")',
        "a\x00b",
        "x" * 300,
    ]
)
VALUES = st.one_of(
    NASTY_TEXT,
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.integers().map(str),
    st.text(max_size=40),
)


class Forms(HTMLParser):
    """The POST forms of a page: action and field names."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append((attrs.get("action") or "", set()))
        elif (
            tag in ("input", "select", "textarea")
            and self.forms
            and attrs.get("name") not in (None, "csrfmiddlewaretoken")
        ):
            self.forms[-1][1].add(attrs["name"])


@pytest.fixture
def people():
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    milk = ProductFactory(name="Cow milk", price="56.00")
    marketer = UserFactory(roles=[roles.MARKETING])
    customer = CustomerFactory(marketing_staff=marketer, name="Lakshmi Devi")
    boy = DeliveryBoyFactory()
    assign_to_route(customer=customer, delivery_boy=boy)
    subscription = SubscriptionFactory(
        customer=customer, product=milk, start_date=today - dt.timedelta(days=40)
    )
    deliver(subscription, today - dt.timedelta(days=35))
    one_time = OneTimeOrderFactory(
        customer=customer, product=milk, delivery_date=today + dt.timedelta(days=3)
    )
    generate_deliveries(day=today)
    pause = pause_order(
        order=subscription,
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=12),
    )
    PaymentFactory(customer=customer, amount=Decimal("10.00"), paid_on=today)
    run = run_billing(period=(today.replace(day=1) - dt.timedelta(days=1)).replace(day=1))
    issue_bills(period=run.period)
    link, _ = create_link(
        delivery_boy=boy,
        shift=subscription.shift,
        valid_from=today,
        valid_until=today,
        expires_at=timezone.now() + dt.timedelta(hours=6),
        created_by=None,
    )
    staff = {role: UserFactory(roles=[role]) for role in roles.STAFF_ROLES}
    return {
        **{role: user for role, user in staff.items() if role != roles.MARKETING},
        roles.MARKETING: marketer,
        roles.DELIVERY_BOY: boy.user,
        roles.CUSTOMER: customer.user,
        "ids": {
            "customer_id": customer.pk,
            "order_id": subscription.pk,
            "boy_id": boy.pk,
            "product_id": milk.pk,
            "pause_id": pause.pk,
            "delivery_id": Delivery.objects.get(order=subscription, date=today).pk,
            "bill_id": Bill.objects.get(customer=customer, period=run.period).pk,
            "run_id": run.pk,
            "link_id": link.pk,
            "stop_id": RouteStop.objects.get(customer=customer).pk,
        },
        # The <pk> of each API operation on one row.
        "api_ids": {
            "api:me-pause-resume": pause.pk,
            "api:me-order-cancel": one_time.pk,
            "api:delivery-confirm": Delivery.objects.get(order=subscription, date=today).pk,
        },
        # A body each API operation accepts, for Hypothesis to change a field or two of.
        "api_bodies": {
            "api:customers": {"name": "Anil Kumar", "phone": "98480 22338"},
            "api:orders": {
                "customer": customer.pk,
                "lines": [{"product": milk.pk, "quantity": "1"}],
                "start_date": f"{tomorrow}",
            },
            "api:me-pauses": {
                "order": subscription.pk,
                "start_date": f"{today + dt.timedelta(days=4)}",
                "end_date": f"{today + dt.timedelta(days=5)}",
            },
            "api:me-pause-resume": {"first_day_back": f"{today + dt.timedelta(days=11)}"},
            "api:me-overrides": {
                "order_line": subscription.lines.get().pk,
                "date": f"{today + dt.timedelta(days=3)}",
                "quantity": "2",
            },
            "api:me-orders": {
                "delivery_date": f"{today + dt.timedelta(days=3)}",
                "lines": [{"product": milk.pk, "quantity": "1"}],
            },
            "api:delivery-confirm": {"delivered_qty": "1"},
            "api:payments": {"customer": customer.pk, "amount": "10", "method": "cash"},
        },
    }


def openable_pages(role: str, ids: dict) -> list[str]:
    pages = []
    for route, name, _ in PATTERNS:
        access = access_for(name)
        if name.startswith(("admin:", "api:")) or PUBLIC in access.read:
            continue
        if role not in access.read:
            continue
        arguments = re.findall(r"<int:(\w+)>", route)
        if "<" in re.sub(r"<int:\w+>", "", route) or any(a not in ids for a in arguments):
            continue
        path = "/" + re.sub(r"<int:(\w+)>", lambda m: str(ids[m[1]]), route)
        pages.append(path)
    return pages


SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.mark.parametrize("role", [*roles.STAFF_ROLES, roles.DELIVERY_BOY, roles.CUSTOMER])
def test_no_page_answers_a_query_with_a_server_error(client, people, role):
    client.force_login(people[role])
    client.raise_request_exception = False
    pages = openable_pages(role, people["ids"])
    assert pages

    @SETTINGS
    @given(value=VALUES, key=st.sampled_from(["date", "month", "day", "shift", "q", "page"]))
    def open_pages(value, key):
        for path in pages:
            response = client.get(path, {key: value})
            assert response.status_code < 500, (path, key, value)

    open_pages()


@pytest.mark.parametrize("role", [*roles.STAFF_ROLES, roles.DELIVERY_BOY, roles.CUSTOMER])
def test_no_form_answers_arbitrary_input_with_a_server_error(client, people, role):
    client.force_login(people[role])
    client.raise_request_exception = False
    forms = {}
    for path in openable_pages(role, people["ids"]):
        parser = Forms()
        response = client.get(path)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser.feed(response.content.decode())
        for action, fields in parser.forms:
            if fields and "logout" not in action:
                forms[action or path] = fields
    assert forms, "the walk found forms to post"

    for action, fields in sorted(forms.items()):
        post_arbitrary_input(client, action, fields)


def post_arbitrary_input(client, action: str, fields: set[str]) -> None:
    @SETTINGS
    @given(data=st.fixed_dictionaries({field: VALUES for field in sorted(fields)}))
    def post_form(data):
        response = client.post(action, data)
        assert response.status_code < 500, (action, data)

    post_form()


# --- the API ------------------------------------------------------------------------------

JSON_LEAF = st.one_of(
    VALUES,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)


ANY_DAYS = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
NEAR_DAYS = st.integers(-40, 40).map(lambda n: timezone.localdate() + dt.timedelta(days=n))
API_SETTINGS = settings(SETTINGS, max_examples=30)


@functools.cache
def api_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict) -> dict:
    while True:
        if "$ref" in schema:
            schema = api_schema()["components"]["schemas"][schema["$ref"].split("/")[-1]]
        elif len(schema.get("allOf", ())) == 1:
            schema = schema["allOf"][0]
        else:
            return schema


def json_like(schema: dict, ids: list[int], depth: int = 0):
    """Bodies for one input: an object with the input's fields (so that a body gets past
    the first check and on to the services), each field often of its type and within
    reach of a real row, often anything at all."""
    schema = _resolve(schema)
    anything = st.one_of(JSON_LEAF, st.sampled_from(ids))
    kind = schema.get("type")
    if "oneOf" in schema:
        return st.one_of([json_like(option, ids, depth) for option in schema["oneOf"]])
    if depth > 2 and kind in ("object", "array"):
        return anything
    if "enum" in schema:
        typed = st.sampled_from(schema["enum"])
    elif kind == "object" or "properties" in schema:
        fields = {
            name: json_like(field, ids, depth + 1)
            for name, field in sorted(schema.get("properties", {}).items())
            if not field.get("readOnly")
        }
        typed = st.fixed_dictionaries(fields)
    elif kind == "array":
        typed = st.lists(json_like(schema.get("items", {}), ids, depth + 1), max_size=3)
    elif schema.get("format") == "date":
        typed = st.one_of(NEAR_DAYS, ANY_DAYS).map(str)
    elif kind == "integer":
        typed = st.one_of(st.sampled_from(ids), st.integers())
    elif kind == "boolean":
        typed = st.booleans()
    elif kind == "number" or schema.get("format") == "decimal":
        typed = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
    else:
        typed = VALUES
    if depth == 0:
        return typed
    # Three times in four of its type, so that many bodies pass every field's check.
    return st.integers(0, 3).flatmap(lambda n: typed if n else anything)


def bodies_for(schema: dict, ids: list[int], accepted: dict):
    """An accepted body with some of its fields changed to anything (the services see
    these), or a body of anything shaped like the input (the serializers see these)."""
    schema = _resolve(schema)
    fields = {
        name: json_like(field, ids, depth=1)
        for name, field in sorted(schema.get("properties", {}).items())
        if not field.get("readOnly")
    }
    changes = st.fixed_dictionaries({}, optional=fields)
    return st.one_of(changes.map(lambda changed: {**accepted, **changed}), json_like(schema, ids))


def api_operations(role: str, people: dict) -> list[tuple[str, str, dict]]:
    """(URL name, path, request body schema) of every API operation that writes and `role`
    may use."""
    schema_paths = {
        re.sub(r"{\w+}", "{}", path): item for path, item in api_schema()["paths"].items()
    }
    operations = []
    for route, name, _ in PATTERNS:
        access = access_for(name)
        if not name.startswith("api:") or PUBLIC in access.read or role not in access.write:
            continue
        item = schema_paths.get("/" + re.sub(r"<int:\w+>", "{}", route), {})
        if "post" not in item:
            continue
        body = item["post"].get("requestBody", {}).get("content", {})
        path = "/" + re.sub(r"<int:\w+>", str(people["api_ids"].get(name, 0)), route)
        operations.append((name, path, body.get("application/json", {}).get("schema", {})))
    return operations


@pytest.mark.parametrize("role", [*roles.STAFF_ROLES, roles.DELIVERY_BOY, roles.CUSTOMER])
def test_no_api_operation_answers_arbitrary_json_with_a_server_error(client, people, role):
    client.force_login(people[role])
    client.raise_request_exception = False
    operations = api_operations(role, people)
    assert operations, "the walk found API operations to send"
    ids = sorted({*people["ids"].values(), *people["api_ids"].values()})

    for name, path, schema in operations:
        accepted = people["api_bodies"].get(name, {})
        send_arbitrary_json(client, path, bodies_for(schema, ids, accepted))


def send_arbitrary_json(client, path: str, bodies) -> None:
    @API_SETTINGS
    @given(body=bodies, key=st.one_of(st.uuids().map(str), NASTY_TEXT))
    def send(body, key):
        response = client.post(
            path, json.dumps(body), content_type="application/json", headers={HEADER: key}
        )
        assert response.status_code < 500, (path, body)

    send()
