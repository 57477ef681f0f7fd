"""A rerun says again, without settling them, what the last run's settling said about the
customer-days it skips (unchanged.py): the rejects, warnings and entries of a day whose
documents all kept their checksum, nothing else about it having changed. Each of those
issues was kept with the checksum of its document (ImportIssue.checksum, `UNKNOWN` when
it could not be kept whole); a document the last run rejected is staged thin, as a
mapped one is, when its checksum, customer and day are the ones of its reject.

A day is settled instead when one of its issues cannot be said again from the report
alone: a delivery off the old list (it also dates the stopped-service report), a
document that could not be saved, an issue of another collection, or one whose document
is not staged thin that day with that checksum.

Every run sorts what its settling said, so that the report is the same, list for list,
whether a day was settled or said again."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from legacy_import.importer.base import Context, checksum_of, copy_rows
from legacy_import.importer.confirmations.staging import COLLECTIONS, STAGE
from legacy_import.importer.report import Issue
from legacy_import.models import ImportIssue

UNREPLAYABLE = frozenset({"delivered_off_list", "cannot_save"})
UNKNOWN = "-"  # a checksum no document has: the issue's day is settled again
REJECTED = 0  # the target of a thin row whose document the last run rejected (no delivery)
LAST = "legacy_import_stage_last"

Day = tuple[str, date]  # (legacy customer, day)


@dataclass
class LastRun:
    """What the last run's settling said, by legacy customer and day."""

    said: dict[Day, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    rejected: dict[tuple[str, str], tuple[str, str, date]] = field(default_factory=dict)
    settle: set[Day] = field(default_factory=set)  # days that cannot be said again
    named: set[tuple[str, str, str]] = field(default_factory=set)  # documents with issues
    seen: set[tuple[str, str, str]] = field(default_factory=set)  # of those, staged thin
    customer_days: dict[Day, tuple[int, date]] = field(default_factory=dict)  # → (pk, day)

    def target(self, recorded, collection: str, legacy_id: str, checksum: str, owner, day):
        """The delivery a document is mapped to, REJECTED, or None: staged in full."""
        if (owner, day) in self.settle:
            return None
        record = recorded.get((collection, legacy_id))
        if record is not None and record[1] == checksum:
            target = record[0]
        elif self.rejected.get((collection, legacy_id)) == (checksum, owner, day):
            target = REJECTED
        else:
            return None
        doc = (collection, legacy_id, checksum)
        if doc in self.named:
            self.seen.add(doc)
        return target


# What an issue says and about which document (with its checksum), in this order.
ISSUE_FIELDS = (
    "collection",
    "kind",
    "legacy_id",
    "customer_legacy_id",
    "day",
    "reason",
    "detail",
    "checksum",
)


def load(run_pk: int) -> LastRun:
    last = LastRun()
    issues = (
        ImportIssue.objects.filter(run_id=run_pk)
        .exclude(checksum="")
        .order_by("pk")
        .values_list(*ISSUE_FIELDS)
    )
    for collection, kind, legacy_id, owner, day, reason, detail, checksum in issues:
        key = (owner, day)
        last.said[key].append((collection, kind, legacy_id, reason, detail, checksum))
        last.named.add((collection, legacy_id, checksum))
        if reason in UNREPLAYABLE or collection not in COLLECTIONS or day is None:
            last.settle.add(key)
        if kind == ImportIssue.Kind.REJECTED:
            doc = (collection, legacy_id)
            if doc in last.rejected:  # one document rejected twice: settled
                last.settle.update({key, last.rejected[doc][1:]})
            last.rejected[doc] = (checksum, owner, day)
    return last


def fill_last(ctx: Context, last: LastRun) -> None:
    """The LAST table: (customer, day, documents rejected, whether to settle it) of every
    day the last run's settling said something about."""
    days: dict[tuple[int, date], list[int]] = {}
    for (owner, day), said in last.said.items():
        info = ctx.customer(owner)
        if info is None or day is None:
            continue
        last.customer_days[owner, day] = (info.pk, day)
        rejected = {(c, legacy_id) for c, kind, legacy_id, *_ in said if kind == "rejected"}
        bad = (owner, day) in last.settle or any(
            (c, legacy_id, checksum) not in last.seen
            for c, _kind, legacy_id, _r, _d, checksum in said
        )
        counts = days.setdefault((info.pk, day), [0, 0])
        counts[0] += len(rejected)
        counts[1] |= bad
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {LAST}"
            " (customer_id bigint, day date, rejected int, bad int)"
        )
        cursor.execute(f"TRUNCATE {LAST}")
    copy_rows(LAST, ("customer_id", "day", "rejected", "bad"), ((*k, *v) for k, v in days.items()))


def say_again(ctx: Context, last: LastRun, skip_table: str) -> None:
    """What the last run's settling said about the days skipped, said again."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT customer_id, day FROM {skip_table} WHERE said")  # noqa: S608
        skipped = set(cursor.fetchall())
    if not skipped:
        return
    lists = {
        (name, kind): items
        for name in COLLECTIONS
        for c in (ctx.collection(name),)
        for kind, items in (("rejected", c.rejects), ("warning", c.warnings), ("info", c.listed))
    }
    for key, said in last.said.items():
        if last.customer_days.get(key) in skipped:
            owner, day = key
            for collection, kind, legacy_id, reason, detail, checksum in said:
                lists[collection, kind].append(
                    Issue(legacy_id, reason, detail, owner, day, checksum)
                )


def marks(ctx: Context) -> dict[str, tuple[int, int, int]]:
    """Where the settling's issues start in each list of the confirmations' reports."""
    return {
        name: (len(c.rejects), len(c.warnings), len(c.listed))
        for name in COLLECTIONS
        for c in (ctx.collection(name),)
    }


def sort_settled(ctx: Context, since: dict[str, tuple[int, int, int]]) -> None:
    """The issues the settling said (or said again), each with its document's checksum,
    sorted by customer, day, document, reason: in one order however they were found."""
    tails = []
    for name, starts in since.items():
        c = ctx.collection(name)
        for items, start in zip((c.rejects, c.warnings, c.listed), starts, strict=True):
            tails.append((name, items, start))
    untagged = {(n, i.legacy_id) for n, items, s in tails for i in items[s:] if not i.checksum}
    checksums = _checksums(untagged) if untagged else {}
    for name, items, start in tails:
        tail = items[start:]
        for issue in tail:
            if not issue.checksum:
                issue.checksum = checksums.get((name, issue.legacy_id), UNKNOWN)
        tail.sort(key=lambda i: (i.customer, i.day or date.min, i.legacy_id, i.reason, i.detail))
        items[start:] = tail


def _checksums(documents: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT collection, legacy_id, checksum FROM {STAGE}"  # noqa: S608
            " WHERE (collection, legacy_id) IN"
            " (SELECT * FROM unnest(%s::text[], %s::text[]))",
            [[c for c, _i in documents], [i for _c, i in documents]],
        )
        return {(c, legacy_id): checksum for c, legacy_id, checksum in cursor.fetchall()}


def upstream_digest(ctx: Context) -> str:
    """What the settling reads of the collections before it besides the tables a rerun
    watches: the subscriptions not imported (a day's 'delivered' is explained with them),
    so that a rerun skips nothing once they changed."""
    return checksum_of(
        sorted(
            (owner, sub.legacy_id, sub.product, sub.reason, checksum_of(sub.doc))
            for owner, subs in ctx.rejected_subscriptions.items()
            for sub in subs
        )
    )
