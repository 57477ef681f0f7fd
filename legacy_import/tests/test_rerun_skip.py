"""A rerun skips the customer-days nothing changed (confirmations/unchanged.py) and still
says and writes exactly what settling every day again says and writes: the same report
(every count, reject, warning and entry), the same rows, and writes nothing when nothing
changed; a day edited in the new system, an override or pause deleted there, a newer
document, a document gone from the dump, or a run that did not finish make it settle
again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models
from django.db.models import Max

from deliveries.models import Delivery
from legacy_import import services
from legacy_import.importer.confirmations import settle, unchanged
from legacy_import.models import ImportRun, LegacyRecord
from legacy_import.tests import rerun_dump
from legacy_import.tests.rerun_dump import run
from orders.models import DayOverride, Order, OrderLine, OrderPause

pytestmark = pytest.mark.django_db

folder = rerun_dump.folder  # the fixture


@pytest.fixture
def skipped(monkeypatch):
    """How many rows each run's skip took out of the settling."""
    seen: list[int] = []

    def spy(ctx):
        seen.append(unchanged.skip_unchanged_days(ctx))
        return seen[-1]

    monkeypatch.setattr(settle, "skip_unchanged_days", spy)
    return seen


def issues(report) -> list[tuple]:
    return sorted(
        (name, kind, i.legacy_id, i.customer, str(i.day), i.reason, i.detail)
        for name, kind, i in report.issues()
    )


def deliveries() -> list[tuple]:
    return list(
        Delivery.objects.order_by("pk").values_list(
            "pk", "order_line_id", "date", "delivered_qty", "status", "unit_price", "updated_at"
        )
    )


def written() -> dict[str, list[tuple]]:
    """Every row the settling reads or writes, with when it was last written."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Delivery, LegacyRecord, Order, OrderLine, DayOverride, OrderPause)
    }


def edit(pk: int) -> None:
    """What staff might do in the new system: the delivery marked not delivered."""
    Delivery.objects.filter(pk=pk).update(
        delivered_qty=Decimal(0),
        status="not_delivered",
        reason="other",
        updated_at=dt.datetime.now(dt.UTC),
    )


def test_a_rerun_skips_the_unchanged_days_and_reports_what_settling_them_reports(
    folder, skipped, monkeypatch
):
    first = run(folder)
    rows, before = deliveries(), written()

    again = run(folder)

    assert skipped[0] == 0  # nothing to compare with on the first run
    assert skipped[1] > 0.5 * first.collections["delivery_statuses"].created
    assert again.totals["created"] == again.totals["updated"] == 0
    assert again.totals["unchanged"] == first.totals["created"] + first.totals["unchanged"]
    assert again.totals["rejected"] == first.totals["rejected"]
    assert deliveries() == rows
    assert written() == before  # nothing changed: nothing written
    monkeypatch.setattr(services, "_previous_run", lambda options: None)  # settle every day
    settled = run(folder)
    assert skipped[2] == 0
    assert settled.totals == again.totals
    assert issues(settled) == issues(again)
    assert {n: c.as_dict() for n, c in settled.collections.items()} == {
        n: c.as_dict() for n, c in again.collections.items()
    }
    assert deliveries() == rows


def test_a_skipping_rerun_ends_as_one_that_settles_everything(folder, skipped, monkeypatch):
    run(folder)
    edited = Delivery.objects.filter(status="delivered", billing_line=None).order_by("pk")[3]
    edit(edited.pk)
    with_skip = run(folder)
    after_skip = deliveries()
    edit(edited.pk)
    monkeypatch.setattr(services, "_previous_run", lambda options: None)  # settle every day

    without_skip = run(folder)

    assert skipped[1] > 0 and skipped[2] == 0
    assert with_skip.totals == without_skip.totals
    assert with_skip.totals["updated"] == 1  # the day edited since is settled again
    assert issues(with_skip) == issues(without_skip)
    restored = Delivery.objects.get(pk=edited.pk)
    assert (restored.status, restored.delivered_qty) == (edited.status, edited.delivered_qty)
    assert [r[:6] for r in after_skip] == [r[:6] for r in deliveries()]


def test_a_changed_document_and_a_failed_run_are_settled_again(folder, skipped, tmp_path):
    run(folder)
    newer = tmp_path / "json"
    newer.mkdir()
    for path in folder.iterdir():
        (newer / path.name).write_text(path.read_text())
    lines = (newer / "delivery_statuses.json").read_text().splitlines()
    record = LegacyRecord.objects.filter(collection="delivery_statuses").order_by("pk").first()
    index = next(n for n, line in enumerate(lines) if f'"id":"{record.legacy_id}"' in line)
    lines[index] = lines[index].replace('"id":', '"gate":"left at the gate","id":', 1)
    (newer / "delivery_statuses.json").write_text("\n".join(lines) + "\n")

    changed = run(newer)

    assert skipped[1] > 0
    assert changed.collections["delivery_statuses"].updated == 1
    assert LegacyRecord.objects.get(pk=record.pk).checksum != record.checksum
    ImportRun.objects.filter(pk=ImportRun.objects.aggregate(m=Max("pk"))["m"]).update(
        status=ImportRun.Status.FAILED
    )
    after_failed = run(newer)
    assert skipped[2] == 0
    assert after_failed.totals["created"] == after_failed.totals["updated"] == 0


def quiet_delivery() -> Delivery:
    """A delivered subscription day the last run reported nothing about (one a rerun skips)."""
    reported = set(ImportRun.objects.latest("pk").issues.values_list("customer_legacy_id", "day"))
    owners = dict(
        LegacyRecord.objects.filter(collection="customers_v2").values_list("object_id", "legacy_id")
    )
    return next(
        d
        for d in Delivery.objects.filter(
            status="delivered", billing_line=None, order__kind=Order.Kind.SUBSCRIPTION
        ).order_by("pk")
        if (owners.get(d.customer_id), d.date) not in reported
        and not DayOverride.objects.filter(line_id=d.order_line_id, date=d.date).exists()
    )


@pytest.mark.parametrize("kind", ["override", "pause"])
def test_an_override_or_pause_deleted_in_the_new_system_is_noticed(
    folder, skipped, monkeypatch, kind
):
    run(folder)
    delivery = quiet_delivery()
    if kind == "override":  # what staff might do: one more on that day, then undo it
        made = DayOverride.objects.create(
            line_id=delivery.order_line_id, date=delivery.date, quantity=delivery.ordered_qty + 1
        )
    else:
        made = OrderPause.objects.create(
            order_id=delivery.order_id, start_date=delivery.date, end_date=delivery.date
        )
    before, rows = issues(run(folder)), deliveries()  # a row written since: settled again
    made.delete()  # a deleted row leaves nothing written behind

    third = run(folder)

    assert skipped[1] > 0 and skipped[2] == 0  # a row deleted since: every day settled
    assert issues(third) != before or deliveries() != rows  # the deletion made a difference
    assert Delivery.objects.get(pk=delivery.pk).ordered_qty == delivery.ordered_qty
    after_third = deliveries()
    run(folder)  # the run after that skips again
    assert skipped[3] > 0
    monkeypatch.setattr(services, "_previous_run", lambda options: None)  # settle every day
    assert issues(run(folder)) == issues(third)
    assert deliveries() == after_third


def test_a_document_gone_from_the_dump_is_noticed(folder, skipped, tmp_path, monkeypatch):
    """A day two documents confirmed, one of them gone from a newer dump: settled again,
    with the same result as settling every day."""
    run(folder)
    shared = (
        LegacyRecord.objects.filter(collection="delivery_statuses")
        .values("object_id")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .order_by("object_id")
        .first()
    )
    assert shared is not None, "the dump has a day with two confirmations"
    gone = (
        LegacyRecord.objects.filter(collection="delivery_statuses", object_id=shared["object_id"])
        .exclude(legacy_id__contains="#")
        .order_by("-legacy_id")
        .first()
    )
    newer = tmp_path / "json"
    newer.mkdir()
    for path in folder.iterdir():
        lines = path.read_text().splitlines()
        if path.name == "delivery_statuses.json":
            lines = [line for line in lines if f'"id":"{gone.legacy_id}"' not in line]
        (newer / path.name).write_text("\n".join(lines) + "\n")

    with_skip = run(newer)
    after_skip = deliveries()
    run(folder)  # back as it was, then the newer dump settling every day
    monkeypatch.setattr(services, "_previous_run", lambda options: None)
    without_skip = run(newer)

    assert skipped[1] > 0
    assert with_skip.totals == without_skip.totals
    assert issues(with_skip) == issues(without_skip)
    assert [r[:6] for r in after_skip] == [r[:6] for r in deliveries()]
