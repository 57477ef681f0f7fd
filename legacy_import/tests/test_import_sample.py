# Over 400 lines: one subject, what the shared sample becomes, read from one import.
"""The sample in ../shared/legacy-sample/ imported once per format (mongodump BSON and
mongoexport JSON); every test here reads the result."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from billing.models import Payment
from customers.models import Customer
from deliveries.models import Delivery, DeliveryBoy, DeliveryLink, RouteStop
from earlybird import roles
from legacy_import.legacy_rule import customer_id_of, served_qty
from legacy_import.models import ArchivedDocument, ImportRun, LegacyRecord
from legacy_import.services import import_legacy
from legacy_import.sources import open_source
from legacy_import.translate import read_export
from orders.models import CustomerPrice, Order, Product, ProductPrice
from orders.schedule import due_on, schedule_of

User = get_user_model()
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "legacy-sample"
JSON = SAMPLE / "json"
QUANTUM = Decimal("0.001")

pytestmark = pytest.mark.skipif(not SAMPLE.is_dir(), reason=f"no legacy sample at {SAMPLE}")


@pytest.fixture(scope="module", params=["dump", "json"])
def imported(request, django_db_setup, django_db_blocker):
    """The sample imported in small batches (so every collection spans several), kept for
    the module's tests and rolled back after them."""
    source = open_source(SAMPLE / request.param, db="earlybird_delivery")
    with django_db_blocker.unblock(), transaction.atomic():
        report = import_legacy(source, batch_size=7)
        yield request.param, report
        transaction.set_rollback(True)


def target(collection: str, legacy_id: str, model):
    record = LegacyRecord.objects.get(
        collection=collection, legacy_id=legacy_id, content_type__model=model._meta.model_name
    )
    return model.objects.get(pk=record.object_id)


def docs(name: str) -> list[dict]:
    return read_export(JSON / f"{name}.json")


# --- the report ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_document_is_imported_or_rejected_with_a_reason(imported):
    _format, report = imported

    for name, collection in report.collections.items():
        assert collection.accounted == collection.read, name
        assert all(issue.reason and issue.legacy_id for issue in collection.rejects), name
    assert report.collections["customers_v2"].read == 61
    assert report.collections["delivery_statuses"].read == 1629
    assert report.collections["subscriptions_v2"].rejected_by_reason() == {
        "customer_not_imported": ["d28481c8-7bf1-4cfe-a6ab-51682bef1ac0"],
        "old_engine_crashed": [
            "ed061cde-91c9-4357-98d0-3bbbf4c14993",
            "c08b82af-060c-4546-a8b6-6d2e225d69a2",
        ],
        "orphan_customer": ["0d06a8de-424d-43ec-a66d-83460912d30b"],
        "orphan_product": ["2be25650-e85a-42a1-8b25-783aabab7872"],
    }


@pytest.mark.django_db
def test_the_report_is_kept_as_an_import_run(imported):
    _format, report = imported

    run = ImportRun.objects.latest("pk")

    assert run.status == ImportRun.Status.FINISHED
    assert run.report["totals"] == report.totals
    assert run.issues.filter(kind="rejected").count() == report.totals["rejected"]
    assert run.issues.filter(reason="duplicate_phone").count() == 2


# --- logins and roles ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_customer_keeps_the_password_hash_it_had(imported):
    by_id = {u["id"]: u for u in docs("users")}

    linked = LegacyRecord.objects.filter(collection="users", content_type__model="user")
    checked = 0
    for record in linked:
        legacy = by_id[record.legacy_id]
        user = User.objects.get(pk=record.object_id)
        old = legacy.get("password_hash") or legacy.get("password")
        if old.startswith("$2"):
            assert user.password == "bcrypt$" + old
        else:
            assert user.password == "legacy_sha256$$" + old
        assert user.has_usable_password()
        checked += 1

    customers = Customer.objects.filter(user__password__startswith="legacy_sha256$$")
    assert checked == 59
    assert sorted(customers.values_list("name", flat=True)) == ["Kiran Varma", "Krishna Murthy"]


@pytest.mark.django_db
def test_a_customer_made_by_each_old_path_is_linked_to_its_login(imported):
    admin_form = target("customers_v2", "344b1260-47dc-4c8e-9eb2-861c7d26237e", Customer)
    excel = target("customers_v2", "e48efc93-3f3c-4812-b6a5-ccb2e297166e", Customer)
    dashboard = target("customers_v2", "afa8577f-ae5f-4451-9e46-3d13d5f90293", Customer)
    backfill = target("customers_v2", "9815a767-605d-4c2d-a2f9-143a06643c4c", Customer)

    # Admin form: linked both ways. Excel: the login has the customer's own id. Dashboard
    # form after migration 004: both links null, only the generated email is left.
    # Backfill: user_id holds the login's ObjectId.
    assert admin_form.user == target("users", "b73ea1ae-a10b-4f41-9164-99a2469d6bf6", User)
    assert excel.user == target("users", "e48efc93-3f3c-4812-b6a5-ccb2e297166e", User)
    assert dashboard.user == target("users", "35ccd49c-1e19-4dad-9acd-81e4002ce7fe", User)
    assert backfill.user == target("users", "08d26594-af51-4ce8-8657-340c8df67dbd", User)
    for customer in (admin_form, excel, dashboard, backfill):
        assert customer.user.username == customer.phone
        assert customer.user.groups.filter(name=roles.CUSTOMER).exists()


@pytest.mark.django_db
def test_excel_phones_are_normalised(imported):
    excel = target("customers_v2", "6fad7cee-80d1-4d83-bff1-861789e0108b", Customer)
    international = target("customers_v2", "8ff2ba89-7640-4df4-959b-36378c4e18ae", Customer)

    assert excel.phone == "9048575547"  # was "9048575547.0"
    assert international.phone == "6525581403"  # was "+91 65255 81403"


@pytest.mark.django_db
def test_duplicates_by_phone_are_reported_not_merged(imported):
    _format, report = imported

    rejects = report.collections["customers_v2"].rejected_by_reason()

    assert rejects["duplicate_phone"] == [
        "de930a05-3a67-4ebd-980b-3e975089ece0",
        "c1030793-e51c-4029-9da0-fcc26c6947d8",
    ]
    kept = Customer.objects.get(phone="6332508852")
    assert kept == target("customers_v2", "3abffda0-8d27-4289-9ba5-c055c1606e9a", Customer)
    assert kept.name == "Venkat Rao"  # not merged with "Venkat R."
    dependants = report.collections["delivery_statuses"].rejected_by_reason()
    assert len(dependants["customer_not_imported"]) == 21


@pytest.mark.django_db
def test_staff_and_delivery_boys_get_their_roles(imported):
    admin = User.objects.get(username="admin@earlybird.com")
    marketing = User.objects.get(username="kiran.marketing@earlybird.com")
    ramu = target("delivery_boys_v2", "47a0e69d-cf1a-4263-9a54-f35e9dfeef27", DeliveryBoy)

    assert admin.is_staff and admin.groups.filter(name=roles.ADMIN).exists()
    assert marketing.groups.filter(name=roles.MARKETING).exists()
    assert not marketing.is_staff  # not an admin user unless an admin makes him one
    # The boy's login and his delivery_boys_v2 document share one id: one DeliveryBoy.
    assert ramu.user == target("users", "47a0e69d-cf1a-4263-9a54-f35e9dfeef27", User)
    assert ramu.user.groups.filter(name=roles.DELIVERY_BOY).exists()
    assert ramu.phone.startswith("0") and len(ramu.phone) == 10  # placeholder, reported
    kiran = target("customers_v2", "c572739c-2708-4fb5-8693-97b02963b516", Customer)
    assert kiran.marketing_staff == marketing


@pytest.mark.django_db
def test_customers_are_on_their_delivery_boys_routes(imported):
    by_boy = {}
    for customer in docs("customers_v2"):
        record = LegacyRecord.objects.filter(
            collection="customers_v2", legacy_id=customer["id"]
        ).first()
        if record is not None:
            by_boy.setdefault(customer["delivery_boy_id"], set()).add(record.object_id)

    for boy_id, customers in by_boy.items():
        boy = target("delivery_boys_v2", boy_id, DeliveryBoy)
        stops = RouteStop.objects.filter(delivery_boy=boy)
        assert set(stops.values_list("customer_id", flat=True)) == customers
        assert sorted(stops.values_list("position", flat=True)) == list(
            range(1, len(customers) + 1)
        )


# --- catalogue, prices, balances --------------------------------------------------------------


@pytest.mark.django_db
def test_products_prices_and_customer_prices(imported):
    bread = target("products", "prd_4e046f51-4128-41ca-9ee2-ee9d2485a5db", Product)
    buffalo = ProductPrice.objects.get(product__name="Buffalo Milk")
    arjun = target("customers_v2", "9815a767-605d-4c2d-a2f9-143a06643c4c", Customer)

    assert bread.prices.get().price == Decimal("45.00")  # only `price`: the catalogue price
    assert buffalo.price == Decimal("80.00")  # 80.0000001
    assert dict(
        CustomerPrice.objects.filter(customer=arjun).values_list("product__name", "price")
    ) == {"Full Cream Milk": Decimal("60.00"), "Curd 500g": Decimal("32.00")}
    assert arjun.opening_balance == Decimal("2110.00")  # previous_balance


# --- subscriptions and orders -----------------------------------------------------------------


@pytest.mark.django_db
def test_camel_case_and_snake_case_subscriptions_both_import(imported):
    camel = target("subscriptions_v2", "sub_dfa39e9b-eb49-45b0-84ab-d2dfab3bfa5f", Order)
    snake = target("subscriptions_v2", "2d7cdea1-393e-4fae-8875-ad158106263c", Order)

    assert camel.customer == target(
        "customers_v2", "6fad7cee-80d1-4d83-bff1-861789e0108b", Customer
    )
    assert (camel.start_date, camel.end_date) == (dt.date(2026, 1, 4), dt.date(2026, 1, 4))
    assert camel.lines.get().product.name == "Brown Bread"
    assert snake.lines.get().product.name == "Buffalo Milk"
    assert snake.pauses.get().end_date is None  # {"start": ..., "end": null}: indefinite


def sample_days():
    day = dt.date(2025, 11, 1)
    while day <= dt.date(2026, 4, 30):
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.django_db
def test_every_imported_subscription_delivers_what_the_old_list_showed(imported):
    """What the list showed with statuses in any casing (rule 1): the "Active"
    subscription 05c67442 delivers now."""
    customers = {c["id"]: c for c in docs("customers_v2")}
    product_ids = {p["id"] for p in docs("products")}
    checked = 0
    for doc in docs("subscriptions_v2"):
        record = LegacyRecord.objects.filter(
            collection="subscriptions_v2", legacy_id=doc["id"]
        ).first()
        if record is None:
            continue
        order = Order.objects.prefetch_related("lines__overrides", "pauses").get(
            pk=record.object_id
        )
        schedule, line = schedule_of(order), order.lines.get()
        customer = customers[customer_id_of(doc)]
        for day in sample_days():
            old = served_qty(day.isoformat(), doc, customer, product_ids=product_ids)
            expected = Decimal(str(old)).quantize(QUANTUM)
            new = due_on(schedule, customer_status=order.customer.status, day=day)
            assert new.get(line.pk, Decimal(0)) == expected, (doc["id"], day)
        checked += 1
    assert checked == 77


@pytest.mark.django_db
def test_old_app_subscriptions_are_kept_as_history_that_delivers_nothing(imported):
    order = target("subscriptions", "7d8d5124-bdc7-4f20-9968-137600ebb618", Order)

    assert order.status == Order.Status.STOPPED
    assert order.customer == target(
        "customers_v2", "c572739c-2708-4fb5-8693-97b02963b516", Customer
    )
    assert "history only" in order.notes
    assert due_on(schedule_of(order), customer_status="active", day=dt.date(2026, 1, 5)) == {}


@pytest.mark.django_db
def test_a_one_time_order_carrying_a_user_id_lands_on_the_right_customer(imported):
    order = target("orders", "3b0dc768-6f71-4d86-bfa7-c7eb8f7c4f79", Order)
    nikhil = target("customers_v2", "afa8577f-ae5f-4451-9e46-3d13d5f90293", Customer)

    # Its customer_id and user_id are the login's id (35ccd49c…), not the customer's.
    assert order.customer == nikhil
    assert order.kind == Order.Kind.ONE_TIME
    assert order.start_date == dt.date(2026, 2, 24)
    assert list(order.lines.values_list("product__name", "quantity")) == [
        ("Brown Bread", Decimal("3.000"))
    ]


# --- deliveries ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_confirmations_become_confirmed_deliveries_linked_to_their_orders(imported):
    deliveries = Delivery.objects.all()

    assert deliveries.count() > 1500
    assert not deliveries.filter(status=Delivery.Status.PENDING).exists()
    assert not deliveries.exclude(confirmed_via=Delivery.Via.IMPORT).exists()
    assert not deliveries.filter(confirmed_at__isnull=True).exists()
    row = target("delivery_statuses", "737cb82f-4821-4ca6-ace7-6cdf4d65d730", Delivery)
    assert row.confirmed_by == target("users", "47a0e69d-cf1a-4263-9a54-f35e9dfeef27", User)
    assert row.confirmed_by_name.startswith("Ramu")
    assert row.confirmed_at == dt.datetime(2026, 2, 3, 0, 42, 18, 675113, tzinfo=dt.UTC)
    # The row also confirmed the one-time order of that day, item by item.
    order = target("orders", "09e92375-355c-4bad-b4dc-5c11fc57c878", Order)
    assert order.status == Order.Status.DELIVERED
    assert sorted(order.deliveries.values_list("product__name", "delivered_qty")) == [
        ("Brown Bread", Decimal("3.000")),
        ("Paneer 200g", Decimal("3.000")),
    ]


@pytest.mark.django_db
def test_quantities_above_what_was_ordered_are_cut_and_reported(imported):
    _format, report = imported
    row = target("delivery_statuses", "fd2168c4-f993-4da2-b999-17ca75bab53d", Delivery)

    # items: 2.0 delivered of 1.5 ordered.
    assert (row.ordered_qty, row.delivered_qty) == (Decimal("1.500"), Decimal("1.500"))
    assert row.status == Delivery.Status.DELIVERED
    warned = [w.legacy_id for w in report.collections["delivery_statuses"].warnings]
    assert "fd2168c4-f993-4da2-b999-17ca75bab53d" in warned


@pytest.mark.django_db
def test_rows_no_order_can_take_are_rejected_saying_why(imported):
    _format, report = imported
    rejects = report.collections["delivery_statuses"].rejects
    by_reason = report.collections["delivery_statuses"].rejected_by_reason()
    mahesh = target("customers_v2", "cd3007f2-3c44-40cb-8836-427eda5b7238", Customer)

    # Mahesh's only subscription has no status (never on a list, not live): his plain
    # "delivered" rows deliver nothing, each saying so; his itemised rows are goods
    # delivered, imported off the old list (rule 2).
    mahesh_rows = [i for i in rejects if i.customer == "cd3007f2-3c44-40cb-8836-427eda5b7238"]
    assert {i.reason for i in mahesh_rows} <= {"nothing_due", "not_delivered_nothing_due"}
    assert all("47147f36" in i.detail for i in mahesh_rows if i.reason == "nothing_due")
    assert Delivery.objects.filter(customer=mahesh).count() == 5
    assert "nothing_scheduled" not in by_reason
    assert all(i.customer and i.day for i in rejects if i.reason != "orphan_customer")
    assert all(i.detail != "nothing was due that day" for i in rejects)
    assert len(by_reason["orphan_customer"]) == 54


@pytest.mark.django_db
def test_rows_for_one_customer_and_day_are_merged_never_added(imported):
    rows = [
        r
        for r in docs("delivery_statuses")
        if r.get("customer_id") == "344b1260-47dc-4c8e-9eb2-861c7d26237e"
    ]
    days = {}
    for r in rows:
        if isinstance(r["delivery_date"], str):
            days.setdefault(r["delivery_date"], []).append(r)
    swathi = target("customers_v2", "344b1260-47dc-4c8e-9eb2-861c7d26237e", Customer)

    for day, group in days.items():
        deliveries = Delivery.objects.filter(customer=swathi, date=day)
        assert deliveries.count() <= 1
        for delivery in deliveries:
            assert delivery.delivered_qty <= delivery.ordered_qty
            for r in group:  # every row of the day maps to that one delivery
                assert target("delivery_statuses", r["id"], Delivery) == delivery


@pytest.mark.django_db
def test_imported_deliveries_carry_the_price_of_rule_5(imported):
    bhavani = target("customers_v2", "701bdad2-293b-428c-b11e-ae050a56ce07", Customer)
    milk = Delivery.objects.filter(customer=bhavani, product__name="Full Cream Milk")
    subscribed_bread = Delivery.objects.filter(
        order__kind=Order.Kind.SUBSCRIPTION, product__name="Brown Bread"
    )
    ordered_bread = Delivery.objects.filter(
        order__kind=Order.Kind.ONE_TIME, product__name="Brown Bread"
    )

    assert set(milk.values_list("unit_price", flat=True)) == {Decimal("64.00")}  # own price
    # No default_price: its price (rule 5), for subscriptions and one-time orders alike.
    assert set(subscribed_bread.values_list("unit_price", flat=True)) == {Decimal("45.00")}
    assert set(ordered_bread.values_list("unit_price", flat=True)) == {Decimal("45.00")}
    assert not Delivery.objects.filter(unit_price=0).exists()


# --- money, links, requests, history ------------------------------------------------------------


@pytest.mark.django_db
def test_payments_keep_amount_day_method_and_legacy_id(imported):
    payment = target("payment_transactions", "c05444e8-bf88-4502-b37b-724282ae6285", Payment)

    assert payment.amount == Decimal("1600.00")
    assert payment.paid_on == dt.date(2026, 2, 7)
    assert payment.method == Payment.Method.UPI  # "qr"
    assert payment.code.startswith("PA-20260207-")
    assert "2026-02" in payment.notes
    assert payment.received_by == User.objects.get(username="admin@earlybird.com")


@pytest.mark.django_db
def test_shared_links_are_imported_revoked(imported):
    link = target("shared_delivery_links", "i5EtHNoDWUjaOcoSVcoeyA", DeliveryLink)

    assert link.revoked_at is not None
    assert link.delivery_boy == target(
        "delivery_boys_v2", "47a0e69d-cf1a-4263-9a54-f35e9dfeef27", DeliveryBoy
    )
    assert len(link.token_hash) == 64
    assert DeliveryLink.objects.filter(revoked_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_pause_and_product_requests_become_customer_notes(imported):
    arjun = target("customers_v2", "9815a767-605d-4c2d-a2f9-143a06643c4c", Customer)
    anusha = target("customers_v2", "c572739c-2708-4fb5-8693-97b02963b516", Customer)

    assert "[2026-02-25, pause request via shared link, pending] Not needed this week" in (
        arjun.notes
    )
    assert "Curd 500g × 1 packets for 2026-01-08" in anusha.notes
    assert target("pause_requests", "699e43f0d8ca85eee264a38a", Customer) == arjun


@pytest.mark.django_db
def test_the_audit_trail_and_unmapped_collections_are_archived(imported):
    audit = ArchivedDocument.objects.get(
        collection="subscription_audit", legacy_id="68b1c0dbd8ca85eee2649b36"
    )

    assert audit.document["action"] == "updated_status"
    assert target("subscription_audit", "68b1c0dbd8ca85eee2649b36", Order) == target(
        "subscriptions_v2", "b329df48-47c2-4b14-a9d5-78965e114773", Order
    )
    archived = set(ArchivedDocument.objects.values_list("collection", flat=True))
    assert {"addresses", "billing_records", "delivery_actions", "system_settings"} <= archived


# --- reconciliation ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reconciliation_explains_every_customer_month(imported):
    _format, report = imported
    rec = report.reconciliation

    assert rec["unexplained"] == []
    assert rec["matched"] + rec["explained"] == rec["months"] > 50
    assert rec["totals"]["source_paid"] == rec["totals"]["new_paid"]
    assert all(row["explained_by"] for row in rec["table"] if row["status"] == "explained")
    assert {m["customer"] for m in rec["not_imported"]} == {
        "de930a05-3a67-4ebd-980b-3e975089ece0",
        "c1030793-e51c-4029-9da0-fcc26c6947d8",
    }


@pytest.mark.django_db
def test_the_reconcile_command_finds_a_difference(imported, capsys):
    call_command("reconcile_legacy", str(JSON))
    assert "0 unexplained" in capsys.readouterr().out

    Delivery.objects.filter(pk=Delivery.objects.filter(status="delivered").first().pk).update(
        status="not_delivered", delivered_qty=0, reason="other"
    )

    with pytest.raises(SystemExit):
        call_command("reconcile_legacy", str(JSON))
    out = capsys.readouterr().out
    assert "1 unexplained" in out


@pytest.mark.django_db
def test_a_second_run_in_the_other_format_changes_nothing(imported):
    fmt, _report = imported
    other = "json" if fmt == "dump" else "dump"
    counts = {m: m.objects.count() for m in (Customer, Order, Delivery, Payment, LegacyRecord)}
    stamp = max(LegacyRecord.objects.values_list("updated_at", flat=True))

    report = import_legacy(open_source(SAMPLE / other), reconcile=False)

    assert report.totals["created"] == report.totals["updated"] == 0
    assert {m: m.objects.count() for m in counts} == counts
    assert max(LegacyRecord.objects.values_list("updated_at", flat=True)) == stamp


@pytest.mark.django_db
def test_every_reject_and_warning_names_whose_and_when_where_the_document_says(imported):
    _format, report = imported
    whose = (
        "subscriptions_v2",
        "orders",
        "delivery_statuses",
        "delivery_status",
        "payment_transactions",
    )
    dated = ("delivery_statuses", "delivery_status", "payment_transactions")

    for name, kind, issue in report.issues():
        if kind == "info" or name not in whose:
            continue
        assert issue.customer, (name, issue)
        if name in dated and issue.reason != "unparsable_date":
            assert issue.day, (name, issue)
        assert issue.detail and issue.detail != "nothing was due that day", (name, issue)
    [crash, *_] = report.collections["subscriptions_v2"].rejected_by_reason()["old_engine_crashed"]
    issue = next(i for i in report.collections["subscriptions_v2"].rejects if i.legacy_id == crash)
    assert issue.day == dt.date(2026, 1, 2)  # the first day of the sample's confirmations
    assert "pause_intervals[0]" in issue.detail
