"""Wallet balances of the old system (wallets, customer_wallets, wallet_transactions) come
in as opening wallet entries on the cut-over day, the customer prepaid from that day,
every one reported; a rerun writes nothing; the generated dump carries wallets too."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.models import BillingMode, WalletEntry
from billing.selectors.wallet import billing_mode_on, wallet_balance
from billing.services.wallet import set_billing_mode
from customers.models import Customer
from deliveries.models import Delivery
from legacy_import.importer.wallets import REPORT
from legacy_import.models import LegacyRecord
from legacy_import.services import import_legacy
from legacy_import.sources import open_source
from legacy_import.tests.legacy_dump import generate, write
from legacy_import.tests.small_dump import collections, customer, issues, row, run, subscription

pytestmark = pytest.mark.django_db
D = dt.date
LAST_DAY = D(2026, 11, 10)  # the source's last confirmation
CUT_OVER = D(2026, 11, 11)


def target(legacy_id: str) -> Customer:
    record = LegacyRecord.objects.get(
        collection="customers_v2", legacy_id=legacy_id, content_type__model="customer"
    )
    return Customer.objects.get(pk=record.object_id)


def opening(legacy_id: str) -> WalletEntry | None:
    return WalletEntry.objects.filter(customer=target(legacy_id), kind="opening").first()


def wallet(cid: str, balance) -> dict:
    return {"customer_id": cid, "balance": balance}


def move(mid: str, cid: str, kind: str, amount: float, when: str, after=None) -> dict:
    doc = {
        "id": mid,
        "customer_id": cid,
        "type": kind,
        "amount": amount,
        "reason": "x",
        "timestamp": when,
    }
    if after is not None:
        doc["balance_after"] = after
    return doc


def dump(**wallet_collections):
    ids = [f"c-{n}" for n in range(1, 9)]
    return collections(
        customers_v2=[
            *(customer(cid, f"98480000{n:02d}") for n, cid in enumerate(ids, start=1)),
            customer("c-app", "9848000099", user_id="u-app"),
        ],
        users=[
            {
                "id": "u-app",
                "email": "app@example.com",
                "role": "customer",
                "name": "App Customer",
                "phone": "9848000099",
            }
        ],
        subscriptions_v2=[subscription(f"s-{cid}", cid) for cid in [*ids, "c-app"]],
        delivery_statuses=[
            row(f"r-{cid}-{day}", cid, D(2026, 11, day)) for cid in ids for day in (9, 10)
        ],
        **wallet_collections,
    )


WALLETS = {
    "wallets": [
        wallet("c-1", 449.99999999),
        wallet("c-2", 0.0),
        wallet("c-3", -84.0),
        wallet("c-4", 1299.5),
        wallet("c-gone", 60.0),
        wallet("c-7", 210.0),
        wallet("c-8", "lots"),
    ],
    "customer_wallets": [wallet("c-4", 1250.0), wallet("u-app", 75.5)],
    "wallet_transactions": [
        # c-5: the last by time (stored first) says what is left
        move("t-3", "c-5", "debit", 56.0, "2026-11-10T07:00:00.000000", after=388.0),
        move("t-1", "c-5", "credit", 500.0, "2026-11-01T09:00:00.000000", after=500.0),
        move("t-2", "c-5", "debit", 56.0, "2026-11-09T07:00:00.000000", after=444.0),
        # c-6: no balance_after: credits less debits
        move("t-4", "c-6", "credit", 300.0, "2026-11-02T09:00:00.000000"),
        move("t-5", "c-6", "debit", 119.9999999, "2026-11-09T07:00:00.000000"),
        # c-7 has a wallet document: it wins
        move("t-6", "c-7", "credit", 999.0, "2026-11-10T09:00:00.000000", after=999.0),
    ],
}


def test_wallet_balances_become_opening_entries_and_prepaid_from_the_cut_over(tmp_path):
    report = run(tmp_path / "dump", dump(**WALLETS))

    balances = {
        cid: (entry.amount, entry.date) if (entry := opening(cid)) else None
        for cid in ["c-1", "c-2", "c-3", "c-4", "c-5", "c-6", "c-7", "c-app"]
    }
    assert balances == {
        "c-1": (Decimal("450.00"), CUT_OVER),
        "c-2": None,  # ₹0: left postpaid
        "c-3": (Decimal("-84.00"), CUT_OVER),
        "c-4": (Decimal("1299.50"), CUT_OVER),  # wallets over customer_wallets
        "c-5": (Decimal("388.00"), CUT_OVER),
        "c-6": (Decimal("180.00"), CUT_OVER),
        "c-7": (Decimal("210.00"), CUT_OVER),
        "c-app": (Decimal("75.50"), CUT_OVER),  # customer_wallets by the login's users.id
    }
    for cid, found in balances.items():
        mode = billing_mode_on(target(cid).pk, CUT_OVER)
        assert mode == ("prepaid" if found else "postpaid"), cid
        assert billing_mode_on(target(cid).pk, LAST_DAY) == "postpaid", cid
    assert wallet_balance(target("c-1").pk) == Decimal("450.00")
    # What the old system delivered before the cut-over is billed as before, not debited.
    assert Delivery.objects.filter(customer=target("c-1"), status="delivered").count() == 2
    assert not WalletEntry.objects.filter(kind="debit").exists()

    section = report.collections[REPORT]
    assert (section.read, section.created, section.unchanged, section.rejected) == (10, 7, 1, 2)
    assert section.accounted == section.read
    assert {i.customer for i in issues(report, "opening_wallet")} == {
        "c-1",
        "c-3",
        "c-4",
        "c-5",
        "c-6",
        "c-7",
        "u-app",
    }
    assert len(issues(report, "prepaid_from")) == 7
    assert [i.customer for i in issues(report, "zero_wallet")] == ["c-2"]
    [negative] = issues(report, "negative_wallet")
    assert negative.customer == "c-3" and "owes ₹84.00" in negative.detail
    [disagree] = issues(report, "wallets_disagree")
    assert "customer_wallets ₹1250.00" in disagree.detail and "wallets ₹1299.50" in disagree.detail
    assert {(i.legacy_id, i.reason) for i in section.rejects} == {
        ("c-gone", "orphan_customer"),
        ("c-8", "bad_balance"),
    }
    assert any("opening wallet entries dated 2026-11-11" in note for note in section.notes)
    # The raw documents are kept in the archive as before.
    assert report.collections["wallets"].created == 7
    assert report.collections["wallet_transactions"].created == 6


def test_a_rerun_writes_nothing_and_reports_a_changed_balance(tmp_path):
    run(tmp_path / "first", dump(**WALLETS))
    entries, modes = WalletEntry.objects.count(), BillingMode.objects.count()

    same = run(tmp_path / "first", dump(**WALLETS))
    changed = dict(WALLETS, wallets=[wallet("c-1", 500.0), *WALLETS["wallets"][1:]])
    newer = run(tmp_path / "newer", dump(**changed))

    assert (WalletEntry.objects.count(), BillingMode.objects.count()) == (entries, modes)
    assert same.collections[REPORT].created == 0
    assert same.collections[REPORT].unchanged == 8
    assert not issues(same, "balance_changed")
    [moved] = issues(newer, "balance_changed")
    assert moved.customer == "c-1" and "₹450.00" in moved.detail and "₹500.00" in moved.detail
    assert opening("c-1").amount == Decimal("450.00")


def test_a_mode_set_already_is_left_alone(tmp_path):
    run(tmp_path / "first", dump(wallets=[wallet("c-1", 0.0)]))
    later = D(2026, 11, 20)
    set_billing_mode(customer=target("c-1"), mode="prepaid", effective_from=later)

    report = run(tmp_path / "second", dump(wallets=[wallet("c-1", 120.0)]))

    assert opening("c-1").amount == Decimal("120.00")
    modes = target("c-1").billing_modes.values_list("mode", "effective_from")
    assert list(modes) == [("prepaid", later)]
    assert not issues(report, "prepaid_from")


def test_a_dry_run_reports_the_wallets_and_writes_none(tmp_path):
    report = run(tmp_path / "dump", dump(**WALLETS), dry_run=True)

    assert report.collections[REPORT].created == 7
    assert not WalletEntry.objects.exists() and not BillingMode.objects.exists()


def test_billed_through_a_later_month_moves_the_cut_over_after_it(tmp_path):
    report = run(
        tmp_path / "dump", dump(wallets=[wallet("c-1", 99.0)]), billed_through=D(2026, 11, 1)
    )

    entry = opening("c-1")
    assert entry.date == D(2026, 12, 1)
    assert billing_mode_on(target("c-1").pk, D(2026, 11, 30)) == "postpaid"
    assert billing_mode_on(target("c-1").pk, D(2026, 12, 1)) == "prepaid"
    assert not issues(report, "cannot_save")


def test_a_source_without_wallets_has_no_wallet_section(tmp_path):
    report = run(tmp_path / "dump", dump())

    assert REPORT not in report.collections
    assert not WalletEntry.objects.exists()


def test_the_generated_dump_has_wallets_and_they_are_imported(tmp_path):
    data = generate(customers=60, months=1)
    assert {"wallets", "customer_wallets", "wallet_transactions"} <= set(data)
    folder = write(data, tmp_path / "json")

    report = import_legacy(open_source(folder), today=D(2026, 11, 18), reconcile=False)

    section = report.collections[REPORT]
    assert section.read >= 7 and section.accounted == section.read
    assert section.created == WalletEntry.objects.filter(kind="opening").count() > 0
    assert issues(report, "negative_wallet") or issues(report, "zero_wallet")


def test_a_newer_dump_debits_what_was_delivered_after_the_cut_over(tmp_path):
    run(tmp_path / "first", dump(wallets=[wallet("c-1", 450.0)]))
    newer = dump(wallets=[wallet("c-1", 338.0)])
    newer["delivery_statuses"] += [
        row("r-c-1-11", "c-1", D(2026, 11, 11)),
        row("r-c-1-12", "c-1", D(2026, 11, 12)),
    ]

    report = run(tmp_path / "newer", newer)

    asha = target("c-1")
    debits = WalletEntry.objects.filter(customer=asha, kind="debit")
    assert sorted(debits.values_list("delivery__date", "amount")) == [
        (D(2026, 11, 11), Decimal("-56.00")),
        (D(2026, 11, 12), Decimal("-56.00")),
    ]
    assert wallet_balance(asha.pk) == Decimal("338.00")  # as the old system says
    assert opening("c-1").amount == Decimal("450.00")
    assert [i.customer for i in issues(report, "balance_changed")] == ["c-1"]
