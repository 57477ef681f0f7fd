# Over 400 lines: one subject, the eight cut-over rules, each with its own small dump.
"""The cut-over rules of issue 13, one small dump and one test each: the rule fires, and
the report says so per document, with the customer and the day."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from billing.models import Payment
from customers.models import Customer
from deliveries.models import Delivery
from legacy_import.models import LegacyRecord
from legacy_import.tests.legacy_dump import write
from legacy_import.tests.small_dump import (
    collections,
    customer,
    issues,
    order,
    row,
    run,
    subscription,
)
from orders.models import Order, Product
from orders.schedule import due_on, schedule_of

pytestmark = pytest.mark.django_db
D = dt.date
CUT_OVER = D(2026, 11, 19)


def target(collection: str, legacy_id: str, model):
    record = LegacyRecord.objects.get(
        collection=collection, legacy_id=legacy_id, content_type__model=model._meta.model_name
    )
    return model.objects.get(pk=record.object_id)


def delivered(customer_pk: int) -> dict[tuple[D, str], Decimal]:
    return {
        (d.date, d.product.name): d.delivered_qty
        for d in Delivery.objects.filter(
            customer_id=customer_pk, status__in=["delivered", "partial"]
        ).select_related("product")
    }


def served_after_cut_over(customer_obj: Customer) -> bool:
    orders = Order.objects.filter(customer=customer_obj).prefetch_related(
        "lines__overrides", "pauses"
    )
    return any(
        due_on(schedule_of(o), customer_status=customer_obj.status, day=CUT_OVER) for o in orders
    )


def test_rule_1_a_status_in_any_casing_of_active_or_trial_keeps_the_customer_served(tmp_path):
    data = collections(
        customers_v2=[
            customer("c-1", "9848000001", status="Active "),
            customer("c-2", "9848000002", status="TRIAL"),
        ],
        subscriptions_v2=[subscription("s-1", "c-1"), subscription("s-2", "c-2", "p-curd")],
        delivery_statuses=[
            row("r-1", "c-1", D(2026, 1, 5)),
            row("r-2", "c-1", D(2026, 1, 6)),
            row("r-3", "c-2", D(2026, 1, 5)),
        ],
    )

    report = run(tmp_path / "dump", data)

    one = target("customers_v2", "c-1", Customer)
    two = target("customers_v2", "c-2", Customer)
    assert (one.status, two.status) == ("active", "trial")
    assert target("subscriptions_v2", "s-1", Order).status == Order.Status.ACTIVE
    assert delivered(one.pk) == {
        (D(2026, 1, 5), "Toned Milk"): Decimal("1.000"),
        (D(2026, 1, 6), "Toned Milk"): Decimal("1.000"),
    }
    assert delivered(two.pk) == {(D(2026, 1, 5), "Curd 500g"): Decimal("1.000")}
    assert served_after_cut_over(one) and served_after_cut_over(two)  # no silent stop
    casing = issues(report, "status_casing", "customers_v2")
    assert sorted((i.legacy_id, i.customer) for i in casing) == [("c-1", "c-1"), ("c-2", "c-2")]
    assert "'Active '" in casing[0].detail and "'TRIAL'" in casing[1].detail
    assert not report.collections["delivery_statuses"].rejects


def test_rule_2_delivered_goods_are_evidence_even_off_the_old_list(tmp_path):
    data = collections(
        customers_v2=[customer("c-1", "9848000001")],
        subscriptions_v2=[
            subscription("s-milk", "c-1"),
            # stopped by status on 20 Jan: the old engine zeroed it retroactively
            subscription(
                "s-curd", "c-1", "p-curd", status="stopped", stopped_at="2026-01-19T23:10:00.000000"
            ),
            subscription("s-paneer", "c-1", "p-paneer", status="paused"),
        ],
        delivery_statuses=[
            row("r-10", "c-1", D(2026, 1, 10)),  # milk, and curd: still live that day
            row("r-25", "c-1", D(2026, 1, 25)),  # milk only: curd stopped
            row("r-12", "c-1", D(2026, 1, 12), items=[("p-paneer", 2.0)]),  # goods
            row("r-13", "c-1", D(2026, 1, 13), items=[("p-ghee", 1.0)]),  # no order of ghee
        ],
    )

    report = run(tmp_path / "dump", data)

    asha = target("customers_v2", "c-1", Customer)
    days = delivered(asha.pk)
    assert days[(D(2026, 1, 10), "Curd 500g")] == Decimal("1.000")
    assert (D(2026, 1, 25), "Curd 500g") not in days
    assert days[(D(2026, 1, 12), "Paneer 200g")] == Decimal("2.000")
    assert days[(D(2026, 1, 25), "Toned Milk")] == Decimal("1.000")
    off_list = issues(report, "delivered_off_list")
    assert {(i.customer, i.day, i.legacy_id) for i in off_list} == {
        ("c-1", D(2026, 1, 10), "r-10"),
        ("c-1", D(2026, 1, 12), "r-12"),
    }
    assert any("Paneer 200g" in i.detail for i in off_list)
    [ghee] = issues(report, "no_order_for_product")
    assert (ghee.legacy_id, ghee.customer, ghee.day) == ("r-13", "c-1", D(2026, 1, 13))
    assert "p-ghee" in ghee.detail and "c-1" in ghee.detail
    assert not issues(report, "nothing_scheduled")
    paused = issues(report, "delivered_while_not_active")
    assert {i.legacy_id for i in paused} == {"s-paneer", "s-curd"}


def test_rule_3_itemised_quantities_beat_a_row_that_only_says_delivered(tmp_path):
    day, later = D(2026, 1, 5), D(2026, 1, 6)
    data = collections(
        customers_v2=[customer("c-1", "9848000001")],
        subscriptions_v2=[subscription("s-milk", "c-1"), subscription("s-curd", "c-1", "p-curd")],
        delivery_statuses=[
            row("a", "c-1", day),
            row("b", "c-1", day, "partially_delivered", items=[("p-toned", 0.5)]),
            row("c", "c-1", later, items=[("p-toned", 0.5)]),
            row("d", "c-1", later, items=[("p-toned", 1.0), ("p-curd", 0.0)]),
        ],
        delivery_status=[
            {"customer_id": "c-1", "delivery_date": day.isoformat(), "status": "delivered"}
        ],
    )

    report = run(tmp_path / "dump", data)

    asha = target("customers_v2", "c-1", Customer)
    days = delivered(asha.pk)
    assert days[(day, "Toned Milk")] == Decimal("0.500")  # items beat "delivered"
    assert days[(day, "Curd 500g")] == Decimal("1.000")  # no item: the blanket row
    assert days[(later, "Toned Milk")] == Decimal("1.000")  # same kind: the largest
    assert (later, "Curd 500g") not in days  # the items say 0
    merges = {i.day: i for i in issues(report, "merged_rows")}
    assert set(merges) == {day, later}
    assert merges[day].customer == "c-1"
    detail = merges[day].detail
    assert "items beat 'delivered'" in detail
    assert "delivery_statuses a" in detail and "delivery_statuses b" in detail
    assert "Toned Milk: delivery_statuses b (items) (0.500)" in detail


def test_rule_4_a_one_time_order_is_delivered_only_on_evidence(tmp_path):
    data = collections(
        customers_v2=[customer("c-1", "9848000001")],
        subscriptions_v2=[subscription("s-milk", "c-1")],
        orders=[
            order("o-pending", "c-1", D(2026, 1, 5), "pending", [("p-curd", 2, 35.0)]),
            order("o-ref", "c-1", D(2026, 1, 6), "OUT_FOR_DELIVERY", [("p-paneer", 1, 90.0)]),
            order("o-items", "c-1", D(2026, 1, 7), "pending", [("p-ghee", 1, 360.0)]),
            order("o-own", "c-1", D(2026, 1, 8), "Delivered", [("prd_bread", 2, 45.0)]),
            order(
                "o-part",
                "c-1",
                D(2026, 1, 9),
                "PARTIALLY_DELIVERED",
                [("p-curd", 1, 35.0), ("prd_bread", 1, 45.0)],
                partial_delivery_items=["Brown Bread"],
            ),
        ],
        delivery_statuses=[
            row("r-5", "c-1", D(2026, 1, 5)),  # blanket: no evidence for o-pending
            row("r-6", "c-1", D(2026, 1, 6), order_id="o-ref"),
            row("r-7", "c-1", D(2026, 1, 7), items=[("p-toned", 1.0), ("p-ghee", 1.0)]),
        ],
    )

    report = run(tmp_path / "dump", data)

    status = {
        k: target("orders", k, Order).status
        for k in ("o-pending", "o-ref", "o-items", "o-own", "o-part")
    }
    assert status == {
        "o-pending": "placed",
        "o-ref": "delivered",
        "o-items": "delivered",
        "o-own": "delivered",
        "o-part": "delivered",
    }
    asha = target("customers_v2", "c-1", Customer)
    days = delivered(asha.pk)
    assert (D(2026, 1, 5), "Curd 500g") not in days
    assert days[(D(2026, 1, 9), "Curd 500g")] == Decimal("1.000")
    assert (D(2026, 1, 9), "Brown Bread") not in days  # named as partial: no quantity
    listed = {i.legacy_id: i for i in issues(report, "one_time_delivered")}
    assert "references it by order_id" in listed["o-ref"].detail
    assert "items name Cow Ghee" in listed["o-items"].detail
    assert "own status 'Delivered'" in listed["o-own"].detail
    assert all(i.customer == "c-1" and i.day for i in listed.values())
    [left] = issues(report, "one_time_not_delivered")
    assert (left.legacy_id, left.day) == ("o-pending", D(2026, 1, 5))
    assert "'pending'" in left.detail


def test_rule_5_a_product_without_default_price_costs_its_price_never_0(tmp_path):
    day = D(2026, 1, 5)
    data = collections(
        customers_v2=[
            customer("c-1", "9848000001", custom_product_prices={"p-toned": 60.0}),
            customer("c-2", "9848000002", custom_product_prices={"p-curd": 0}),
        ],
        subscriptions_v2=[
            subscription("s-bread", "c-1", "prd_bread"),
            subscription("s-tin", "c-1", "p-tin"),
            subscription("s-free", "c-1", "p-free"),
            subscription("s-curd", "c-2", "p-curd"),
        ],
        orders=[order("o-1", "c-1", day, "DELIVERED", [("p-toned", 1, 58.0)])],
        delivery_statuses=[
            row("r-1", "c-1", day),
            row("r-2", "c-1", D(2026, 1, 6)),
            row("r-3", "c-2", day),
        ],
    )

    report = run(tmp_path / "dump", data)

    prices = {
        (d.product.name, d.date): d.unit_price
        for d in Delivery.objects.select_related("product").filter(status="delivered")
    }
    assert prices[("Brown Bread", day)] == Decimal("45.00")  # only `price`
    assert prices[("20L Water Tin", day)] == Decimal("50.00")  # default_price null
    assert prices[("Toned Milk", day)] == Decimal("60.00")  # own price beats the item's 58
    assert prices[("Curd 500g", day)] == Decimal("35.00")  # an own price of 0 is no price
    assert prices[("Sample Sachet", day)] == Decimal("0.00")
    free = target("products", "p-free", Product)
    assert not free.is_active and target("products", "prd_bread", Product).is_active
    zero = issues(report, "priced_at_zero")
    assert sorted((i.legacy_id, i.day) for i in zero) == [("r-1", day), ("r-2", D(2026, 1, 6))]
    assert all(i.customer == "c-1" and "Sample Sachet" in i.detail for i in zero)
    assert not Delivery.objects.filter(unit_price=0).exclude(product=free).exists()
    assert issues(report, "no_price", "products")[0].legacy_id == "p-free"


def test_rule_6_documents_sharing_an_id_are_two_records_unless_the_same(tmp_path):
    day = D(2026, 1, 5)
    payment = {
        "id": "pay-1",
        "customer_id": "c-1",
        "amount": 500.0,
        "payment_date": "2026-01-07",
        "payment_method": "UPI",
        "month": "2026-01",
    }
    data = collections(
        customers_v2=[customer("c-1", "9848000001"), customer("c-2", "9848000002")],
        subscriptions_v2=[
            subscription("s-1", "c-1", created_at="2025-12-01T10:00:00"),
            subscription("s-1", "c-1", created_at="2025-12-01T10:00:05"),  # retried insert
            subscription("s-1", "c-2", "p-curd"),  # another customer's, the same id
        ],
        delivery_statuses=[row("r-1", "c-1", day), row("r-2", "c-2", day)],
        payment_transactions=[payment, dict(payment, created_at="2026-01-07T10:00:00")],
    )

    report = run(tmp_path / "dump", data)

    subs = report.collections["subscriptions_v2"]
    assert (subs.read, subs.created, subs.merged) == (3, 2, 1)
    [collision] = issues(report, "id_collision", "subscriptions_v2")
    assert collision.legacy_id.startswith("s-1#") and collision.customer == "c-2"
    assert "another customer's" in collision.detail and "c-1" in collision.detail
    bala = target("customers_v2", "c-2", Customer)
    assert target("subscriptions_v2", collision.legacy_id, Order).customer == bala
    assert delivered(bala.pk) == {(day, "Curd 500g"): Decimal("1.000")}
    assert served_after_cut_over(bala)
    assert Payment.objects.count() == 1
    assert report.collections["payment_transactions"].merged == 1
    assert [i.reason for i in report.collections["payment_transactions"].listed] == [
        "duplicate_merged"
    ]


def test_rule_7_duplicate_phones_are_reported_with_what_was_left_out_and_merged_on_request(
    tmp_path, capsys
):
    day = D(2026, 1, 5)
    data = collections(
        customers_v2=[
            customer("c-1", "9848000001", name="Venkat Rao", previous_balance=100.0),
            customer("c-2", "+91 98480 00001", name="Venkat R.", previous_balance=20.0),
        ],
        subscriptions_v2=[subscription("s-1", "c-1"), subscription("s-2", "c-2", "p-curd", 2.0)],
        delivery_statuses=[
            row("r-1", "c-1", day),
            row("r-2", "c-2", day),
            row("r-3", "c-2", D(2026, 1, 6)),
        ],
        payment_transactions=[
            {
                "id": "pay-2",
                "customer_id": "c-2",
                "amount": 140.0,
                "payment_date": "2026-01-20",
                "payment_method": "Cash",
            }
        ],
    )
    folder = tmp_path / "dump"

    report = run(folder, data)

    [dup] = issues(report, "duplicate_phone")
    assert (dup.legacy_id, dup.customer) == ("c-2", "c-2")
    assert "Venkat R." in dup.detail and "c-1" in dup.detail
    assert "1 subscription(s) (s-2)" in dup.detail
    assert "2 confirmation row(s) delivering 4.000 worth ₹140.00" in dup.detail
    assert "1 payment(s) of ₹140.00" in dup.detail
    [group] = report.duplicate_phones
    member = next(m for m in group["members"] if m["customer"] == "c-2")
    assert member["left_out"]["payments"]["amount"] == "140.00"
    assert not Payment.objects.exists()

    merge = tmp_path / "people.txt"
    merge.write_text("# one person\nc-1 c-2\n")
    call_command("import_legacy", str(folder), "--merge-duplicate-phones", str(merge))
    capsys.readouterr()

    venkat = target("customers_v2", "c-1", Customer)
    assert target("customers_v2", "c-2", Customer) == venkat
    assert delivered(venkat.pk) == {
        (day, "Toned Milk"): Decimal("1.000"),
        (day, "Curd 500g"): Decimal("2.000"),
        (D(2026, 1, 6), "Curd 500g"): Decimal("2.000"),
    }
    assert Payment.objects.get().customer == venkat
    assert venkat.opening_balance == Decimal("120.00")
    assert "c-2" in venkat.notes
    again = run(folder, data, merge_groups=[["c-1", "c-2"]])
    assert again.totals["created"] == again.totals["updated"] == 0


def test_rule_8_every_reject_and_warning_names_collection_id_customer_day_and_reason(tmp_path):
    data = collections(
        customers_v2=[customer("c-1", "9848000001")],
        subscriptions_v2=[
            subscription("s-ok", "c-1"),
            subscription(
                "s-bad",
                "c-1",
                "p-curd",
                pause_intervals=[{"start_date": "2026-01-10", "end_date": "2026-01-12"}],
            ),
        ],
        delivery_statuses=[
            row("r-1", "c-1", D(2026, 1, 3)),
            row("r-2", "c-1", D(2026, 1, 4), "pending"),
            row("r-3", "gone", D(2026, 1, 4)),
        ],
        orders=[order("o-1", "c-1", D(2026, 1, 4), "pending", [("p-nope", 1, 10.0)])],
        payment_transactions=[
            {"id": "pay-1", "customer_id": "c-1", "amount": 0.0, "payment_date": "2026-01-05"}
        ],
    )

    report = run(tmp_path / "dump", data)

    [crash] = report.collections["subscriptions_v2"].rejects
    assert (crash.legacy_id, crash.customer, crash.reason) == ("s-bad", "c-1", "old_engine_crashed")
    assert crash.day == D(2026, 1, 3)  # the first day of the dump's period, not 2000-01-01
    assert "pause_intervals[0]" in crash.detail and "start_date" in crash.detail
    everything = [(name, i) for name, kind, i in report.issues() if kind != "info"]
    assert everything
    for name, issue in everything:
        assert issue.legacy_id and issue.reason and issue.detail, (name, issue)
        if name in ("subscriptions_v2", "orders", "delivery_statuses", "payment_transactions"):
            assert issue.customer, (name, issue)
        if name in ("orders", "delivery_statuses", "payment_transactions"):
            assert issue.day, (name, issue)
        assert issue.detail != "nothing was due that day"
    reasons = {i.legacy_id: i for _n, i in everything if i in report.collections[_n].rejects}
    assert reasons["r-2"].reason == "not_a_confirmation" and "'pending'" in reasons["r-2"].detail
    assert "does not exist" in reasons["r-3"].detail
    assert reasons["o-1"].reason == "no_items"
    [not_imported] = issues(report, "subscription_not_imported")
    assert not_imported.day == D(2026, 1, 3) and "s-bad" in not_imported.detail


def test_the_reconciliation_counts_the_source_itself_and_lists_what_nothing_explains(
    tmp_path, capsys
):
    day = D(2026, 1, 5)
    data = collections(
        customers_v2=[customer("c-1", "9848000001"), customer("c-2", "9848000002")],
        subscriptions_v2=[subscription("s-1", "c-1"), subscription("s-2", "c-2")],
        delivery_statuses=[
            row("r-1", "c-1", day, items=[("p-toned", 1.5)]),
            row("r-2", "c-1", D(2026, 1, 6)),
            row("r-3", "c-2", day),
        ],
    )
    folder = tmp_path / "dump"

    rec = run(folder, data).reconciliation

    month, clean = rec["table"]
    assert month["confirmed"] == {"quantity": "2.500", "amount": "140.00"}  # the items say 1.5
    assert month["new"] == {"quantity": "2.000", "amount": "112.00"}  # cut to the 1.0 ordered
    assert month["status"] == "explained"
    assert month["explained_by"] == ["delivery_statuses/r-1: over_delivered"]
    assert month["old_engine"]["quantity"] == "31.0"  # the schedule, every day of January
    assert clean["status"] == "match" and rec["unexplained"] == []
    # A price changed by hand after the import: nothing in the report explains it.
    Delivery.objects.filter(customer__phone="9848000002").update(unit_price=Decimal("50.00"))
    with pytest.raises(SystemExit):
        call_command("reconcile_legacy", str(folder))
    out = capsys.readouterr().out
    assert "1 unexplained" in out and "unexplained c-2" in out


def test_a_merge_file_naming_customers_of_different_phones_is_refused_before_any_write(
    tmp_path,
):
    data = collections(
        customers_v2=[customer("c-1", "9848000001"), customer("c-2", "9848000002")],
    )
    folder = write(data, tmp_path / "dump")
    merge = tmp_path / "people.txt"
    merge.write_text("c-1, c-2\n")

    with pytest.raises(CommandError, match="must share a phone"):
        call_command("import_legacy", str(folder), "--merge-duplicate-phones", str(merge))

    assert not Customer.objects.exists()
