# Over 400 lines: one subject, hand-made dumps for what the sample cannot show.
"""Small hand-made dumps for what the sample cannot show: logging in with the old
passwords, every source format, and bad documents."""

import datetime as dt
import gzip
import hashlib
import json
from decimal import Decimal

import bcrypt
import bson
import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import override_settings

from billing.models import Payment
from customers.models import Customer
from deliveries.models import Delivery
from legacy_import.hashers import django_password
from legacy_import.importer.confirm_rule import ONE_TIME, Item, Line, Row, settle_day
from legacy_import.models import LegacyRecord
from legacy_import.services import import_legacy
from legacy_import.sources import (
    BadDocument,
    DumpSource,
    ExportSource,
    SourceError,
    _json_documents,
    open_source,
)
from orders.models import Order

User = get_user_model()
HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "legacy_import.hashers.LegacySHA256PasswordHasher",
]
D = dt.date


def ejson(value):
    if isinstance(value, dt.datetime):
        return {"$date": value.isoformat().replace("+00:00", "Z")}
    if isinstance(value, dict):
        return {k: ejson(v) for k, v in value.items()}
    if isinstance(value, list):
        return [ejson(v) for v in value]
    return value


def write_export(folder, collections: dict[str, list[dict]]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, items in collections.items():
        lines = [json.dumps(ejson(doc)) for doc in items]
        (folder / f"{name}.json").write_text("\n".join(lines) + "\n")
    return folder


def bcrypt_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def sha(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


PRODUCT = {"id": "p1", "name": "Toned Milk", "unit": "Liter", "default_price": 55.999999}


def dairy(**extra) -> dict[str, list[dict]]:
    """Two customers (admin-form and Excel paths), their logins, staff, a delivery boy."""
    collections = {
        "products": [PRODUCT],
        "users": [
            {
                "id": "admin-001",
                "email": "Admin@EarlyBird.com",
                "role": "admin",
                "name": "Admin",
                "password_hash": bcrypt_hash("admin-pass"),
            },
            {
                "id": "boy-1",
                "email": "ramu@earlybird.com",
                "role": "delivery_boy",
                "name": "Ramu",
                "phone": None,
                "password": sha("boy-pass"),
            },
            {
                "id": "u-1",
                "email": "customer-c-1@earlybird.local",
                "role": "customer",
                "name": "Asha",
                "phone": "9848012345",
                "customer_v2_id": "c-1",
                "password_hash": bcrypt_hash("old-secret-1"),
            },
            {
                "id": "c-2",
                "email": "9848054321.0@customer.earlybird.com",
                "role": "customer",
                "name": "Bala",
                "phone": "9848054321.0",
                "password": sha("old-secret-2"),
            },
        ],
        "delivery_boys_v2": [{"id": "boy-1", "name": "Ramu", "assigned_areas": []}],
        "customers_v2": [
            {
                "id": "c-1",
                "user_id": "u-1",
                "name": "Asha",
                "phone": "+91 98480 12345",
                "status": "active",
                "area": "Hyderabad - Miyapur",
                "delivery_boy_id": "boy-1",
                "previous_balance": 120.5,
            },
            {
                "id": "c-2",
                "name": "Bala",
                "phone": "9848054321.0",
                "status": "trial",
                "delivery_boy_id": "boy-1",
                "custom_product_prices": {"p1": 50.0},
            },
        ],
        "subscriptions_v2": [
            {
                "id": "s-1",
                "customer_id": "c-1",
                "product_id": "p1",
                "mode": "fixed_daily",
                "default_qty": 1.0,
                "status": "active",
                "shift": "morning",
            },
            {
                "id": "s-2",
                "customerId": "c-2",
                "productId": "p1",
                "mode": "weekly_pattern",
                "weekly_pattern": [0, 3],
                "default_qty": "2",
                "status": "active",
            },
        ],
    }
    for name, docs in extra.items():
        collections.setdefault(name, []).extend(docs)
    return collections


# --- passwords ---------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=HASHERS)
@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("9848012345", "old-secret-1"),  # customer, bcrypt
        ("9848054321", "old-secret-2"),  # Excel customer, unsalted SHA-256 in `password`
        ("admin@earlybird.com", "admin-pass"),  # staff log in with their old email
        ("ramu@earlybird.com", "boy-pass"),
    ],
)
def test_old_passwords_work_and_are_upgraded_at_the_first_login(tmp_path, username, password):
    import_legacy(open_source(write_export(tmp_path / "json", dairy())))

    assert authenticate(username=username, password="wrong password") is None
    user = authenticate(username=username, password=password)

    assert user is not None
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert authenticate(username=username, password=password) == user


@pytest.mark.parametrize(
    ("legacy", "encoded", "problem"),
    [
        ("$2b$12$" + "a" * 53, "bcrypt$$2b$12$" + "a" * 53, None),
        ("AB" * 32, "legacy_sha256$$" + "ab" * 32, None),
        ("plain-text", "!legacy-unknown-hash", "password stored in an unknown form"),
        (None, "!legacy-no-password", "no password hash"),
    ],
)
def test_legacy_hashes_are_read_or_made_unusable(legacy, encoded, problem):
    assert django_password(legacy) == (encoded, problem)


# --- sources ---------------------------------------------------------------------------------------


def test_a_gzipped_dump_and_a_json_array_read_the_same_documents(tmp_path):
    docs = [
        {
            "_id": bson.ObjectId("65a1f0c2e4b0a1b2c3d4e5f6"),
            "id": "x",
            "n": bson.Int64(3),
            "when": dt.datetime(2026, 1, 4, 18, 30, tzinfo=dt.UTC),
            "price": 27.999999,
            "list": [{"date": "2026-01-05"}],
        },
        {"_id": "uuid-string-id", "d": bson.Decimal128("1.50")},
    ]
    dump = tmp_path / "dump" / "earlybird"
    dump.mkdir(parents=True)
    with gzip.open(dump / "things.bson.gz", "wb") as out:
        for doc in docs:
            out.write(bson.encode(doc))
    export = tmp_path / "export"
    export.mkdir()
    canonical = [
        {
            "_id": {"$oid": "65a1f0c2e4b0a1b2c3d4e5f6"},
            "id": "x",
            "n": {"$numberLong": "3"},
            "when": {"$date": {"$numberLong": "1767551400000"}},
            "price": {"$numberDouble": "27.999999"},
            "list": [{"date": "2026-01-05"}],
        },
        {"_id": "uuid-string-id", "d": {"$numberDecimal": "1.50"}},
    ]
    (export / "things.json").write_text(json.dumps(canonical, indent=2))

    from_dump = list(open_source(tmp_path / "dump", db="earlybird").documents("things"))
    from_export = list(open_source(export).documents("things"))

    assert from_dump == from_export
    assert from_dump[0]["_id"] == "65a1f0c2e4b0a1b2c3d4e5f6"
    assert from_dump[0]["when"] == dt.datetime(2026, 1, 4, 18, 30, tzinfo=dt.UTC)
    assert from_dump[1]["d"] == Decimal("1.50")


def test_an_array_is_streamed_across_chunk_boundaries(monkeypatch):
    import io

    import legacy_import.sources.json_files as json_files

    monkeypatch.setattr(json_files, "CHUNK", 16)
    docs = [{"i": i, "text": "x" * (i * 7)} for i in range(40)]

    read = list(_json_documents(io.StringIO(json.dumps(docs)), "t"))

    assert read == docs


def test_lines_that_are_not_json_are_reported_not_fatal(tmp_path):
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "customers_v2.json").write_text('{"id": "a"}\n{broken\n\n{"id": "b"}\n')

    read = list(ExportSource(folder).documents("customers_v2"))

    assert [d.get("id") if isinstance(d, dict) else "bad" for d in read] == ["a", "bad", "b"]
    assert isinstance(read[1], BadDocument) and read[1].where == "customers_v2.json:2"


def test_the_database_is_chosen_with_db_when_a_dump_holds_several(tmp_path):
    for name in ("earlybird", "earlybird_delivery"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "users.bson").write_bytes(bson.encode({"id": name}))

    with pytest.raises(SourceError, match="several databases"):
        DumpSource(tmp_path)

    assert next(DumpSource(tmp_path, db="earlybird").documents("users")) == {"id": "earlybird"}


@pytest.mark.django_db
def test_the_command_reads_a_bson_dump_and_writes_a_json_report(tmp_path, capsys):
    dump = tmp_path / "dump" / "earlybird"
    dump.mkdir(parents=True)
    for name, docs in dairy().items():
        (dump / f"{name}.bson").write_bytes(b"".join(bson.encode(d) for d in docs))
    report = tmp_path / "report.json"

    call_command(
        "import_legacy", str(tmp_path / "dump"), "--db", "earlybird", "--report", str(report)
    )

    data = json.loads(report.read_text())
    assert data["collections"]["customers_v2"]["created"] == 2
    assert data["collections"]["subscriptions_v2"]["created"] == 2
    assert data["reconciliation"]["mismatches"] == []
    assert "customers_v2" in capsys.readouterr().out


# --- bad and odd documents ---------------------------------------------------------------------


def ids(report, collection: str) -> dict[str, list[str]]:
    return report.collections[collection].rejected_by_reason()


@pytest.mark.django_db
def test_bad_documents_are_rejected_one_by_one_with_their_reason(tmp_path):
    today = dt.date.today()
    collections = dairy(
        customers_v2=[
            {"id": "c-bad", "name": "No Phone", "phone": "12345", "status": "active"},
            {"id": "c-1", "name": "Asha again", "phone": "9000000001", "status": "active"},
        ],
        subscriptions_v2=[
            {
                "id": "s-bad",
                "customer_id": "c-bad",
                "product_id": "p1",
                "mode": "fixed_daily",
                "default_qty": 1,
                "status": "active",
            },
        ],
        delivery_statuses=[
            {
                "id": "d-1",
                "customer_id": "c-1",
                "delivery_date": "2026-01-05",
                "delivery_boy_id": "boy-1",
                "status": "Delivered",
            },
            {
                "id": "d-2",
                "customer_id": "c-1",
                "delivery_date": "05/01/2026",
                "delivery_boy_id": "boy-1",
                "status": "delivered",
            },
            {
                "id": "d-3",
                "customer_id": "c-1",
                "delivery_date": (today + dt.timedelta(days=3)).isoformat(),
                "delivery_boy_id": "boy-1",
                "status": "delivered",
            },
            {
                "id": "d-4",
                "customer_id": "c-bad",
                "delivery_date": "2026-01-05",
                "status": "delivered",
            },
            {
                "id": "d-5",
                "customer_id": "gone",
                "delivery_date": "2026-01-05",
                "status": "delivered",
            },
        ],
        payment_transactions=[
            {"id": "pay-1", "customer_id": "c-1", "amount": 0.0, "payment_date": "2026-01-05"},
            {
                "id": "pay-2",
                "customer_id": "c-2",
                "amount": 99.999999,
                "payment_date": "2026-01-06",
                "payment_method": "PhonePe",
                "month": "2026-01",
            },
        ],
    )

    report = import_legacy(open_source(write_export(tmp_path / "json", collections)))

    assert ids(report, "customers_v2") == {"invalid_phone": ["c-bad"]}
    # Another customer with c-1's id (rule 6): imported too, under a key of its own.
    [collision] = [
        w for w in report.collections["customers_v2"].warnings if w.reason == "id_collision"
    ]
    assert collision.legacy_id == "c-1#1"
    assert Customer.objects.filter(name="Asha again").exists()
    assert ids(report, "subscriptions_v2") == {"customer_not_imported": ["s-bad"]}
    assert ids(report, "delivery_statuses") == {
        "customer_not_imported": ["d-4"],
        "future_date": ["d-3"],
        "orphan_customer": ["d-5"],
        "unparsable_date": ["d-2"],
    }
    assert ids(report, "payment_transactions") == {"non_positive_amount": ["pay-1"]}
    payment = Payment.objects.get()
    assert (payment.amount, payment.method) == (Decimal("100.00"), Payment.Method.UPI)
    delivery = Delivery.objects.get()
    assert (delivery.date, delivery.status) == (D(2026, 1, 5), Delivery.Status.DELIVERED)
    assert delivery.unit_price == Decimal("56.00")  # 55.999999


@pytest.mark.django_db
def test_a_login_found_only_by_phone_is_linked_and_a_bson_business_date_is_read_in_ist(
    tmp_path,
):
    collections = dairy(
        users=[
            {
                "id": "u-9",
                "email": "someone@gmail.com",
                "role": "customer",
                "name": "Chitra",
                "phone": "098480-99999",
                "password_hash": bcrypt_hash("x"),
            }
        ],
        customers_v2=[
            {
                "id": "c-9",
                "name": "Chitra",
                "phone": "9848099999",
                "status": "active",
                "user_id": None,
            }
        ],
        subscriptions_v2=[
            {
                "id": "s-9",
                "customer_id": "c-9",
                "product_id": "p1",
                "mode": "fixed_daily",
                "default_qty": 0.5,
                "status": "active",
            }
        ],
        delivery_statuses=[
            {
                "id": "d-9",
                "customer_id": "c-9",
                "delivery_boy_id": "boy-1",
                "delivery_date": dt.datetime(2026, 1, 4, 18, 30, tzinfo=dt.UTC),
                "status": "delivered",
            }
        ],
    )

    import_legacy(open_source(write_export(tmp_path / "json", collections)))

    chitra = Customer.objects.get(phone="9848099999")
    assert chitra.user.email == "someone@gmail.com"
    assert chitra.user.password.startswith("bcrypt$")
    assert Delivery.objects.get(customer=chitra).date == D(2026, 1, 5)


@pytest.mark.django_db
def test_one_time_orders_find_their_customer_through_the_login(tmp_path):
    collections = dairy(
        orders=[
            {
                "id": "o-1",
                "user_id": "u-1",
                "customer_id": "u-1",
                "order_type": "one_time",
                "delivery_date": "2026-01-06",
                "status": "DELIVERED",
                "delivered_at": "2026-01-06T01:00:00Z",
                "items": [{"product_id": "p1", "quantity": 2, "price": 60.0}],
            },
            {
                "id": "o-2",
                "user_id": "nobody",
                "customer_id": "nobody",
                "delivery_date": "2026-01-06",
                "items": [{"product_id": "p1", "quantity": 1}],
            },
            {
                "_id": "voice-1",
                "user_id": "u-1",
                "customer_id": "c-1",
                "status": "CONFIRMED",
                "items": [{"product_id": "p1", "quantity": 1}],
                "order_type": "one-time",
            },
        ],
    )

    report = import_legacy(open_source(write_export(tmp_path / "json", collections)))

    order = Order.objects.get(kind=Order.Kind.ONE_TIME)
    assert order.customer.phone == "9848012345"
    assert order.status == Order.Status.DELIVERED  # its own DELIVERED status confirmed it
    delivery = order.deliveries.get()
    assert (delivery.delivered_qty, delivery.unit_price) == (Decimal("2.000"), Decimal("60.00"))
    assert ids(report, "orders") == {"no_delivery_date": ["voice-1"], "orphan_customer": ["o-2"]}


# --- the confirmation rule ----------------------------------------------------------------------


MILK = Line("milk", "p1", "Toned Milk", Decimal("1.5"))
CURD = Line("curd", "p2", "Curd", Decimal("1"))
EXTRA_CURD = Line("curd-order", "p2", "Curd", Decimal("2"), tier=ONE_TIME, order="o-1")


def row(ref, status, items=None, rank=0, order=None, partial=(), own=False):
    items = tuple(Item(p, None, Decimal(q)) for p, q in items) if items is not None else None
    return Row(
        ("delivery_statuses", ref),
        status,
        items,
        order,
        frozenset(partial),
        (2, rank),
        raw_status=status,
        own=own,
    )


def delivered(result):
    return {o.line.key: o.delivered for o in result.outcomes}


def test_several_rows_of_one_day_are_merged_taking_the_largest_claim_never_the_sum():
    result = settle_day(
        [row("a", "delivered"), row("b", "delivered", rank=1), row("c", "not_delivered")],
        [MILK, CURD],
    )

    assert delivered(result) == {"milk": Decimal("1.5"), "curd": Decimal("1")}
    assert not result.rejected


def test_items_fill_each_line_of_their_product_in_turn_and_the_excess_is_cut():
    result = settle_day(
        [row("a", "delivered", [("p1", "2.5"), ("p2", "2.5")])], [MILK, CURD, EXTRA_CURD]
    )

    assert delivered(result) == {
        "milk": Decimal("1.5"),  # 2.5 delivered, 1.5 ordered: cut
        "curd": Decimal("1"),
        "curd-order": Decimal("1.5"),
    }
    assert [w.reason for w in result.warnings] == ["over_delivered"]


def test_a_day_with_no_order_at_all_imports_nothing_and_says_why():
    result = settle_day(
        [row("a", "delivered"), row("b", "delivered", [("p1", "1")])], [], customer="c-1"
    )

    assert result.outcomes == []
    reasons = {ref[1]: p for ref, p in result.rejected.items()}
    assert reasons["a"].reason == "no_order"
    assert reasons["b"].reason == "no_order_for_product"
    assert "c-1" in reasons["b"].detail and "p1" in reasons["b"].detail


def test_a_partial_row_without_items_confirms_nothing_but_an_orders_own_partial_status_does():
    vague = settle_day([row("a", "partial")], [MILK])
    order_status = settle_day(
        [row("o", "partial", order="o-1", partial=("toned milk",), own=True)],
        [
            CURD,
            EXTRA_CURD,
            Line("milk-order", "p1", "Toned Milk", Decimal(1), tier=ONE_TIME, order="o-1"),
        ],
    )

    assert [p.reason for p in vague.rejected.values()] == ["partial_without_quantities"]
    assert delivered(order_status) == {"curd-order": Decimal("2")}


def test_an_item_for_a_product_with_no_order_is_reported_not_imported():
    result = settle_day([row("a", "delivered", [("p1", "1.5"), ("p9", "1")])], [MILK])

    assert delivered(result) == {"milk": Decimal("1.5")}
    assert [w.reason for w in result.warnings] == ["no_order_for_product"]


# --- a live server, the command ------------------------------------------------------------------


class FakeCursor(list):
    def close(self):
        pass


class FakeClient:
    """What MongoSource uses of pymongo.MongoClient, over BSON-decoded documents."""

    databases: dict[str, dict[str, list[dict]]] = {}

    def __init__(self, uri, **options):
        assert options["tz_aware"] is True
        self.uri = uri

    def __getitem__(self, name):
        collections = self.databases[name]

        class Database:
            def list_collection_names(self):
                return [*collections, "system.views"]

            def __getitem__(self, collection):
                class Collection:
                    def find(self, *args, **kwargs):
                        return FakeCursor(collections.get(collection, []))

                return Collection()

        database = Database()
        database.name = name
        return database


@pytest.mark.django_db
def test_a_live_server_is_read_with_pymongo(monkeypatch, capsys):
    import pymongo

    docs = {
        name: [
            bson.decode(bson.encode(d), codec_options=bson.CodecOptions(tz_aware=True))
            for d in items
        ]
        for name, items in dairy().items()
    }
    monkeypatch.setattr(pymongo, "MongoClient", FakeClient)
    monkeypatch.setattr(FakeClient, "databases", {"earlybird": docs})

    call_command(
        "import_legacy", "--mongo-uri", "mongodb://dairy.example:27017", "--db", "earlybird"
    )

    out = capsys.readouterr().out
    assert "mongodb earlybird" in out
    assert Customer.objects.count() == 2
    assert Order.objects.filter(kind=Order.Kind.SUBSCRIPTION).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mongo-uri", "mongodb://x"], "--mongo-uri needs --db"),
        ([], "Give a SOURCE folder"),
        (["/nowhere/at/all"], "is not a folder"),
        (["{json}", "--billed-through", "2026-13"], "--billed-through is a month"),
    ],
)
def test_the_command_explains_what_is_wrong(tmp_path, args, message):
    from django.core.management.base import CommandError

    folder = write_export(tmp_path / "json", {"products": [PRODUCT]})
    args = [str(folder) if a == "{json}" else a for a in args]

    with pytest.raises(CommandError, match=message):
        call_command("import_legacy", *args)


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=HASHERS)
def test_a_newer_dump_updates_a_customer_and_keeps_a_password_changed_since(tmp_path):
    first = dairy()
    import_legacy(open_source(write_export(tmp_path / "v1", first)))
    asha = Customer.objects.get(phone="9848012345")
    asha.user.set_password("a-new-one-set-in-the-new-system")
    asha.user.save()
    newer = dairy()
    newer["customers_v2"][0] |= {"name": "Asha K", "address": "Flat 9", "status": "paused"}

    report = import_legacy(open_source(write_export(tmp_path / "v2", newer)))

    assert report.collections["customers_v2"].updated == 1
    assert report.collections["customers_v2"].unchanged == 1
    asha.refresh_from_db()
    assert (asha.name, asha.address, asha.status) == ("Asha K", "Flat 9", "paused")
    assert asha.user.check_password("a-new-one-set-in-the-new-system")
    assert LegacyRecord.objects.filter(collection="customers_v2").count() == 2


@pytest.mark.django_db
def test_a_payment_above_the_cap_every_path_obeys_is_rejected_with_the_reason(tmp_path):
    collections = dairy(
        payment_transactions=[
            {
                "id": "pay-huge",
                "customer_id": "c-2",
                "amount": 9999999999.99,
                "payment_date": "2026-01-06",
                "payment_method": "Cash",
                "month": "2026-01",
            },
        ],
    )

    report = import_legacy(open_source(write_export(tmp_path / "json", collections)))

    assert ids(report, "payment_transactions") == {"amount_above_cap": ["pay-huge"]}
    assert not Payment.objects.exists()
