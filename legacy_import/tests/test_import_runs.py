"""Running the import again and again: nothing changes, a dry run writes nothing, a killed
run finishes on the next, and --billed-through keeps the old months out of billing."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from billing.models import Adjustment, Bill, BillingLine, Payment
from billing.services import run_billing
from customers.models import Area, Customer
from deliveries.models import Delivery, DeliveryBoy, DeliveryLink, RouteStop
from earlybird.models import CodeCounter
from legacy_import.importer.base import Interrupted
from legacy_import.legacy_rule import compute_qty
from legacy_import.models import ArchivedDocument, ImportRun, LegacyRecord
from legacy_import.services import import_legacy
from legacy_import.sources import open_source
from legacy_import.translate import read_export
from orders.models import CustomerPrice, DayOverride, Order, OrderLine, OrderPause, Product

User = get_user_model()
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "legacy-sample"
JSON = SAMPLE / "json"
pytestmark = [
    pytest.mark.skipif(not SAMPLE.is_dir(), reason=f"no legacy sample at {SAMPLE}"),
    pytest.mark.django_db,
]
TABLES = (
    User,
    Area,
    Customer,
    DeliveryBoy,
    RouteStop,
    Product,
    CustomerPrice,
    Order,
    OrderLine,
    OrderPause,
    DayOverride,
    Delivery,
    DeliveryLink,
    Payment,
    Bill,
    BillingLine,
    Adjustment,
    LegacyRecord,
    ArchivedDocument,
    ImportRun,
    CodeCounter,
)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in TABLES}


def snapshot() -> dict:
    """Everything the import wrote, by business keys (primary keys left out: a rolled-back
    batch uses up sequence numbers)."""

    def rows(queryset, *fields):
        return sorted(queryset.values_list(*fields), key=repr)

    targets = {
        "customer": dict(Customer.objects.values_list("pk", "code")),
        "order": dict(Order.objects.values_list("pk", "code")),
        "delivery": dict(Delivery.objects.values_list("pk", "code")),
        "payment": dict(Payment.objects.values_list("pk", "code")),
        "user": dict(User.objects.values_list("pk", "username")),
        "deliveryboy": dict(DeliveryBoy.objects.values_list("pk", "name")),
        "product": dict(Product.objects.values_list("pk", "name")),
        "area": dict(Area.objects.values_list("pk", "name")),
        "deliverylink": dict(DeliveryLink.objects.values_list("pk", "label")),
        "bill": dict(Bill.objects.values_list("pk", "code")),
    }
    return {
        "users": rows(
            User.objects.all(),
            "username",
            "email",
            "first_name",
            "password",
            "is_staff",
            "is_active",
            "groups__name",
        ),
        "customers": rows(
            Customer.objects.all(),
            "code",
            "user__username",
            "name",
            "phone",
            "status",
            "area__name",
            "address",
            "opening_balance",
            "notes",
            "marketing_staff__username",
            "trial_started_on",
            "latitude",
            "longitude",
        ),
        "stops": rows(RouteStop.objects.all(), "customer__code", "delivery_boy__name", "position"),
        "boys": rows(DeliveryBoy.objects.all(), "name", "phone", "user__username", "is_active"),
        "products": rows(Product.objects.all(), "name", "unit", "prices__price"),
        "customer_prices": rows(
            CustomerPrice.objects.all(),
            "customer__code",
            "product__name",
            "price",
            "effective_from",
        ),
        "orders": rows(
            Order.objects.all(),
            "code",
            "customer__code",
            "kind",
            "pattern",
            "weekdays",
            "shift",
            "start_date",
            "end_date",
            "status",
            "notes",
        ),
        "lines": rows(OrderLine.objects.all(), "order__code", "product__name", "quantity"),
        "pauses": rows(OrderPause.objects.all(), "order__code", "start_date", "end_date"),
        "overrides": rows(DayOverride.objects.all(), "line__order__code", "date", "quantity"),
        "deliveries": rows(
            Delivery.objects.all(),
            "code",
            "order__code",
            "product__name",
            "customer__code",
            "delivery_boy__name",
            "date",
            "shift",
            "ordered_qty",
            "delivered_qty",
            "unit_price",
            "status",
            "reason",
            "reason_note",
            "confirmed_by__username",
            "confirmed_by_name",
            "confirmed_via",
            "confirmed_at",
            "confirmed_ip",
            "confirmed_user_agent",
        ),
        "payments": rows(
            Payment.objects.all(),
            "code",
            "customer__code",
            "amount",
            "method",
            "paid_on",
            "notes",
            "received_by__username",
        ),
        "links": rows(
            DeliveryLink.objects.all(),
            "label",
            "delivery_boy__name",
            "shift",
            "valid_from",
            "valid_until",
            "expires_at",
            "created_by__username",
        ),
        "bills": rows(
            Bill.objects.all(),
            "code",
            "customer__code",
            "period",
            "status",
            "charges",
            "adjustments_total",
            "total",
        ),
        "billing_lines": rows(BillingLine.objects.all(), "bill__code", "delivery__code", "amount"),
        "records": sorted(
            (
                r.collection,
                r.legacy_id,
                r.content_type.model,
                r.checksum,
                targets.get(r.content_type.model, {}).get(r.object_id, r.object_id),
            )
            for r in LegacyRecord.objects.select_related("content_type")
        ),
        "archive": rows(ArchivedDocument.objects.all(), "collection", "legacy_id", "checksum"),
    }


def run(**options):
    options.setdefault("batch_size", 9)
    options.setdefault("reconcile", False)
    return import_legacy(open_source(JSON), **options)


# --- idempotence -------------------------------------------------------------------------------


def test_a_second_run_changes_nothing():
    run()
    before, stamps = counts(), snapshot()
    latest = {
        model.__name__: max(model.objects.values_list("updated_at", flat=True))
        for model in (Customer, Order, Delivery, Payment, LegacyRecord, ArchivedDocument)
    }

    report = run()

    assert report.totals["created"] == report.totals["updated"] == 0
    assert report.totals["unchanged"] + report.totals["rejected"] == report.totals["read"]
    assert counts() == before | {"ImportRun": before["ImportRun"] + 1}
    assert snapshot() == stamps
    for model in (Customer, Order, Delivery, Payment, LegacyRecord, ArchivedDocument):
        assert max(model.objects.values_list("updated_at", flat=True)) == latest[model.__name__]


def test_a_dry_run_writes_nothing_and_reports_what_a_run_would_do():
    empty = counts()

    dry = run(dry_run=True, reconcile=True)

    assert counts() == empty
    assert dry.totals["created"] > 2000
    assert dry.reconciliation["mismatches"] == []
    real = run()
    assert real.totals == dry.totals


def test_the_command_dry_run_prints_the_report_and_writes_nothing(capsys, tmp_path):
    empty = counts()

    call_command("import_legacy", str(JSON), "--dry-run", "--report", str(tmp_path / "r.json"))

    out = capsys.readouterr().out
    assert "dry run: nothing written" in out
    assert "customers_v2" in out and "duplicate_phone" in out
    assert "Reconciliation" in out and "0 unexplained" in out
    assert (tmp_path / "r.json").read_text().count('"duplicate_phone"') >= 1
    assert counts() == empty


@pytest.mark.parametrize(
    ("collection", "after"),
    [("customers_v2", 20), ("subscriptions_v2", 30), ("delivery_statuses", 20)],
)
def test_an_import_killed_part_way_and_run_again_ends_identical(collection, after):
    with transaction.atomic():
        run()
        uninterrupted = snapshot()
        transaction.set_rollback(True)
    assert counts()["Customer"] == 0

    def kill(name, done):
        if name == collection and done >= after:
            raise Interrupted(f"killed in {name} after {done}")

    with pytest.raises(Interrupted):
        run(progress=kill)
    partial = counts()
    assert partial["Customer"] > 0
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED

    report = run()

    assert report.totals["created"] > 0
    assert snapshot() == uninterrupted


def test_a_newer_dump_updates_what_changed(tmp_path):
    run()
    newer = tmp_path / "json"
    newer.mkdir()
    for path in JSON.iterdir():
        lines = path.read_text().splitlines()
        if path.name == "payment_transactions.json":
            lines[0] = lines[0].replace('"amount":1708.0', '"amount":1800.0')
        if path.name == "subscriptions_v2.json":
            lines = [
                line.replace('"default_qty":1.0', '"default_qty":1.5', 1)
                if "b329df48-47c2-4b14-a9d5-78965e114773" in line
                else line
                for line in lines
            ]
        (newer / path.name).write_text("\n".join(lines) + "\n")

    report = import_legacy(open_source(newer), reconcile=False)

    assert report.collections["payment_transactions"].updated == 1
    assert report.collections["subscriptions_v2"].updated == 1
    payment = Payment.objects.get(notes__contains="16d4775e-ca2d-4c31-a1d4-62b51c356eba")
    assert payment.amount == Decimal("1800.00")
    record = LegacyRecord.objects.get(
        collection="subscriptions_v2", legacy_id="b329df48-47c2-4b14-a9d5-78965e114773"
    )
    assert OrderLine.objects.get(order_id=record.object_id).quantity == Decimal("1.500")


# --- cut-over ------------------------------------------------------------------------------------


def test_billed_through_marks_the_old_months_billed_on_zero_bills():
    run(billed_through=dt.date(2026, 1, 1))

    january = Delivery.objects.filter(
        date__lte=dt.date(2026, 1, 31), status__in=Delivery.BILLABLE_STATUSES
    )
    assert january.exists()
    assert not january.filter(billing_line__isnull=True).exists()
    assert not Delivery.objects.filter(
        date__gte=dt.date(2026, 2, 1), billing_line__isnull=False
    ).exists()
    bills = Bill.objects.all()
    assert set(bills.values_list("status", "period", "total")) == {
        (Bill.Status.ISSUED, dt.date(2026, 1, 1), Decimal("0.00"))
    }
    for bill in bills:
        charges = bill.lines.aggregate(s=Sum("amount"))["s"]
        assert bill.charges == charges
        assert bill.adjustments_total == -charges or charges == 0
    # A second run adds nothing.
    again = run(billed_through=dt.date(2026, 1, 1))
    assert again.collections["billed_through"].created == 0
    assert Bill.objects.count() == bills.count()


def test_the_opening_balance_is_what_the_customer_owed_at_cut_over():
    run(billed_through=dt.date(2026, 1, 1))
    # Swathi Rao: active, one fixed-daily subscription at the product's price, no
    # previous_balance, no one-time order; one payment credited to January.
    doc = next(
        s
        for s in read_export(JSON / "subscriptions_v2.json")
        if s.get("customer_id") == "344b1260-47dc-4c8e-9eb2-861c7d26237e"
    )
    product = next(p for p in read_export(JSON / "products.json") if p["id"] == doc["product_id"])
    january = [dt.date(2026, 1, d).isoformat() for d in range(1, 32)]
    bill = Decimal(str(sum(compute_qty(day, doc) for day in january))) * Decimal(
        str(product["default_price"])
    )
    paid = {
        p["month"]: Decimal(str(p["amount"]))
        for p in read_export(JSON / "payment_transactions.json")
        if p["customer_id"] == "344b1260-47dc-4c8e-9eb2-861c7d26237e"
    }
    record = LegacyRecord.objects.get(
        collection="customers_v2", legacy_id="344b1260-47dc-4c8e-9eb2-861c7d26237e"
    )
    swathi = Customer.objects.get(pk=record.object_id)

    carried = bill - paid.get("2026-01", 0)  # §7: bill + previous_balance − paid in January
    assert swathi.opening_balance == carried + paid.get("2026-01", 0)
    issued = Bill.objects.filter(customer=swathi).aggregate(s=Sum("total"))["s"] or 0
    payments = Payment.objects.filter(customer=swathi).aggregate(s=Sum("amount"))["s"] or 0
    later = sum(v for k, v in paid.items() if k > "2026-01")
    assert swathi.opening_balance + issued - payments == carried - later


def test_without_billed_through_nothing_counts_as_billed_and_the_opening_balance_is_previous():
    run()

    assert not BillingLine.objects.exists()
    record = LegacyRecord.objects.get(
        collection="customers_v2", legacy_id="5e91d999-244e-42f1-ac4a-afd847ca10d6"
    )
    assert Customer.objects.get(pk=record.object_id).opening_balance == Decimal("2493.00")


def test_after_billed_through_run_billing_bills_only_the_next_months_deliveries():
    run(billed_through=dt.date(2026, 1, 1))
    february = Delivery.objects.filter(
        date__range=(dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        status__in=Delivery.BILLABLE_STATUSES,
    )

    run_billing(period=dt.date(2026, 2, 1))

    lines = BillingLine.objects.filter(bill__period=dt.date(2026, 2, 1))
    assert lines.count() == february.count() > 0
    assert set(lines.values_list("delivery_id", flat=True)) == set(
        february.values_list("pk", flat=True)
    )
