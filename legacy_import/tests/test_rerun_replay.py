"""A rerun says again what the last run's settling said about the days it skips
(confirmations/replay.py) instead of settling them: the same report and the same issues
kept as a run that settles every day; a document changed or gone on such a day, and
subscriptions not imported that changed, make it settle again."""

import datetime as dt
from collections import Counter
from datetime import UTC, datetime

import pytest

from deliveries.models import Delivery
from legacy_import import services
from legacy_import.importer.base import checksum_and_substance, checksum_of
from legacy_import.importer.confirmations import replay, settle
from legacy_import.models import ImportIssue, ImportRun, LegacyRecord
from legacy_import.tests import rerun_dump
from legacy_import.tests.rerun_dump import run
from orders.models import Order

pytestmark = pytest.mark.django_db

folder = rerun_dump.folder  # the fixture


@pytest.fixture
def settled(monkeypatch):
    """The documents each run put through the rule, per run."""
    runs: list[set] = []
    original = settle.settle_day

    def spy(rows, *args, **kwargs):
        runs[-1].update(row.ref for row in rows)
        return original(rows, *args, **kwargs)

    monkeypatch.setattr(settle, "settle_day", spy)
    original_import = services._import

    def each_run(ctx, **kwargs):
        runs.append(set())
        return original_import(ctx, **kwargs)

    monkeypatch.setattr(services, "_import", each_run)
    return runs


def kept_issues() -> list[tuple]:
    """The issues the latest run kept, checksums included."""
    latest = ImportRun.objects.latest("pk")
    return sorted(ImportIssue.objects.filter(run=latest).values_list(*replay.ISSUE_FIELDS))


def reports(report) -> dict:
    return {name: c.as_dict() for name, c in report.collections.items()}


def quiet_reject(*, shared: bool = False) -> ImportIssue:
    """A confirmation rejected on a day with no one-time order (a day a rerun skips);
    `shared`: a day another document confirmed too."""
    owners = dict(
        LegacyRecord.objects.filter(collection="customers_v2").values_list("object_id", "legacy_id")
    )
    one_time = {
        (owners.get(customer), day)
        for customer, day in Order.objects.filter(kind=Order.Kind.ONE_TIME).values_list(
            "customer_id", "start_date"
        )
    }
    rejects = list(
        ImportIssue.objects.filter(
            run=ImportRun.objects.latest("pk"), collection="delivery_statuses", kind="rejected"
        ).order_by("pk")
    )
    others = Counter((i.customer_legacy_id, i.day) for i in rejects)
    for delivery in Delivery.objects.values_list("customer_id", "date"):
        others[owners.get(delivery[0]), delivery[1]] += 1
    return next(
        i
        for i in rejects
        if i.reason == "nothing_due"
        and (i.customer_legacy_id, i.day) not in one_time
        and (not shared or others[i.customer_legacy_id, i.day] > 1)
    )


def newer_dump(folder, tmp_path, legacy_id: str, change) -> object:
    """A copy of the dump with the delivery_statuses line of `legacy_id` changed (None:
    left out)."""
    newer = tmp_path / "json"
    newer.mkdir()
    for path in folder.iterdir():
        lines = path.read_text().splitlines()
        if path.name == "delivery_statuses.json":
            lines = [
                change(line) if f'"id":"{legacy_id}"' in line else line
                for line in lines
                if change is not None or f'"id":"{legacy_id}"' not in line
            ]
        (newer / path.name).write_text("\n".join(lines) + "\n")
    return newer


def test_a_rerun_says_again_what_settling_the_days_said(folder, settled, monkeypatch):
    first = run(folder)
    rejected = quiet_reject()

    again = run(folder)
    replayed = kept_issues()

    assert rejected.checksum not in ("", replay.UNKNOWN)
    assert ("delivery_statuses", rejected.legacy_id) in settled[0]
    assert ("delivery_statuses", rejected.legacy_id) not in settled[1]  # said again
    assert len(settled[1]) < 0.1 * len(settled[0])  # nearly every day with issues skipped
    assert again.totals["rejected"] == first.totals["rejected"]
    monkeypatch.setattr(services, "_previous_run", lambda options: None)  # settle every day
    every_day = run(folder)
    assert len(settled[2]) == len(settled[0])
    assert reports(every_day) == reports(again)  # the same lists, in the same order
    assert kept_issues() == replayed  # and the same issues kept, checksums included


@pytest.mark.parametrize("change", ["edited", "gone"])
def test_a_document_changed_or_gone_on_a_day_with_issues_is_settled_again(
    folder, settled, tmp_path, monkeypatch, change
):
    run(folder)
    rejected = quiet_reject(shared=change == "gone")
    ref = ("delivery_statuses", rejected.legacy_id)
    edit = (
        (lambda line: line.replace('"id":', '"gate":"left at the gate","id":', 1))
        if (change == "edited")
        else None
    )
    newer = newer_dump(folder, tmp_path, rejected.legacy_id, edit)

    with_skip = run(newer)
    kept_with_skip = kept_issues()
    monkeypatch.setattr(services, "_previous_run", lambda options: None)
    every_day = run(newer)

    assert (ref in settled[1]) == (change == "edited")  # its day settled, not said again
    day_refs = {r for r in settled[1] if r[0] == "delivery_statuses"}
    assert len(day_refs) < 0.1 * len(settled[0])  # the other days still skipped
    said = [i for i in with_skip.collections["delivery_statuses"].rejects if i.legacy_id == ref[1]]
    assert len(said) == (1 if change == "edited" else 0)
    assert reports(with_skip) == reports(every_day)
    assert kept_with_skip == kept_issues()


def test_subscriptions_not_imported_that_changed_make_a_rerun_settle_every_day(
    folder, settled, monkeypatch
):
    """The days' 'delivered' are explained with them: their digest differs, nothing skipped."""
    run(folder)
    monkeypatch.setattr(replay, "upstream_digest", lambda ctx: "another")

    run(folder)

    assert len(settled[1]) == len(settled[0])


@pytest.mark.parametrize(
    "doc",
    [
        {"_id": "a", "id": "x", "status": "Delivered", "created_at": "2026-01-01"},
        {"b": [1, 2.5, None, True], "a": {"z": 'é ✓ "q"', "y": {"$date": "x"}}, "_id": 7},
        {"when": datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "updated_at": dt.date(2026, 1, 1)},
        {2: "keys that are not strings", 1: "y"},
        {},
    ],
)
def test_the_fast_checksums_are_the_checksums(doc):
    left_out = frozenset({"_id", "created_at", "updated_at"})
    assert checksum_and_substance(doc, left_out) == (
        checksum_of(doc),
        checksum_of({k: v for k, v in doc.items() if k not in left_out}),
    )
