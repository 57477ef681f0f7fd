"""Rule 6: which legacy key each document is imported under, when ids repeat.

Ids are never unique in the old data (no unique index on `id` anywhere, §1.1). Two
documents with the same id are:

* a true duplicate when they say the same thing (the same content, leaving aside `_id`
  and the `created_at` / `updated_at` stamps of a retried insert): merged into one record,
  counted as `merged`, listed as `duplicate_merged`;
* two records otherwise (another customer's subscription, an edited copy): both are
  imported. The first in file order keeps the plain id (what other documents refer to);
  each other one is keyed `<id>#<its Mongo _id>`, and the collision is reported on it as
  `id_collision`, naming the other documents and, where it tells, whose they are.

The reconciliation keys documents with the same functions, so both sides agree on what
one document is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from legacy_import.importer.base import checksum_and_substance as base_checksums
from legacy_import.importer.base import checksum_of, legacy_id_of, text
from legacy_import.importer.report import CollectionReport
from legacy_import.sources import BadDocument

NOT_SUBSTANCE = frozenset({"_id", "created_at", "updated_at"})


def substance(doc: dict[str, Any]) -> str:
    """The checksum of what a document says (not when or under which _id it was written)."""
    return checksum_of({k: v for k, v in doc.items() if k not in NOT_SUBSTANCE})


def checksum_and_substance(doc: dict[str, Any]) -> tuple[str, str]:
    """`checksum_of(doc)` and `substance(doc)`, the document serialized once."""
    return base_checksums(doc, NOT_SUBSTANCE)


Reopen = Callable[[], Iterable[Any]]  # a fresh pass over one collection's documents


def scan(reopen: Reopen) -> dict[str, list[str]]:
    """id → its distinct substances in file order, for every id used more than once."""
    first: dict[str, str | None] = {}
    groups: dict[str, list[str]] = {}
    for doc in reopen():
        if isinstance(doc, BadDocument) or not isinstance(doc, dict):
            continue
        legacy_id = legacy_id_of(doc)
        if legacy_id is None:
            continue
        if legacy_id not in first:
            first[legacy_id] = None  # its substance is worked out only if the id repeats
            continue
        group = groups.get(legacy_id)
        if group is None:
            group = groups[legacy_id] = []
        group.append(substance(doc))
    if not groups:
        return {}
    # The first document of each repeated id: read again, only for those ids.
    firsts: dict[str, str] = {}
    for doc in reopen():
        if isinstance(doc, dict) and not isinstance(doc, BadDocument):
            legacy_id = legacy_id_of(doc)
            if legacy_id in groups and legacy_id not in firsts:
                firsts[legacy_id] = substance(doc)
    result = {}
    for legacy_id, rest in groups.items():
        distinct = [firsts[legacy_id]]
        for item in rest:
            if item not in distinct:
                distinct.append(item)
        result[legacy_id] = distinct
    return result


class Keys:
    """Gives each document of one collection its key, in file order (see module doc)."""

    def __init__(self, groups: dict[str, list[str]]) -> None:
        self.groups = groups
        self.taken: dict[str, dict[str, str]] = {}  # repeated id → substance → key

    def key(self, doc: dict[str, Any]) -> tuple[str | None, str]:
        """(key, outcome): outcome is "new", "merged" (a true duplicate of a document
        already keyed; key is that document's), "collision" (keyed id#_id) or "no_id"."""
        legacy_id = legacy_id_of(doc)
        if legacy_id is None:
            return None, "no_id"
        group = self.groups.get(legacy_id)
        if group is None:
            return legacy_id, "new"
        what = substance(doc)
        taken = self.taken.setdefault(legacy_id, {})
        if what in taken:
            return taken[what], "merged"
        if what == group[0] and not taken:
            taken[what] = legacy_id
            return legacy_id, "new"
        oid = text(doc.get("_id"))[:50] or str(len(taken))
        key = f"{legacy_id}#{oid}"
        if key in taken.values():
            key = f"{legacy_id}#{len(taken)}"
        taken[what] = key
        return key, "collision"


def keyed(reopen: Reopen) -> Iterable[tuple[str, dict[str, Any]]]:
    """(key, document) of each distinct document of a collection (true duplicates once)."""
    keys = Keys(scan(reopen))
    for doc in reopen():
        if isinstance(doc, BadDocument) or not isinstance(doc, dict):
            continue
        key, outcome = keys.key(doc)
        if key is not None and outcome != "merged":
            yield key, doc


class Gate:
    """`Keys` with the report: admits each document under its key, or counts it merged."""

    def __init__(self, reopen: Reopen, *, owner: Callable[[dict], Any] | None = None):
        self.keys = Keys(scan(reopen))
        self.owner = owner
        self.owners: dict[str, list[tuple[str, Any]]] = {}

    def admit(self, report: CollectionReport, doc: dict[str, Any], *, what: str = "document"):
        """The key to import `doc` under; None when it is not to be imported (no id, or a
        true duplicate: reported)."""
        key, outcome = self.keys.key(doc)
        owner = self.owner(doc) if self.owner else None
        if outcome == "no_id":
            report.reject("", "no_id", f"a {what} without id or _id", customer=_str(owner))
            return None
        legacy_id = legacy_id_of(doc)
        if outcome == "merged":
            report.merged += 1
            report.entry(
                key,
                "duplicate_merged",
                f"_id {text(doc.get('_id'))}: the same {what} as {key}, written again: merged",
                customer=_str(owner),
            )
            return None
        if legacy_id in self.keys.groups:
            others = self.owners.setdefault(legacy_id, [])
            if outcome == "collision":
                earlier = ", ".join(
                    f"{k}" + (f" (customer {o})" if o and o != owner else "") for k, o in others
                )
                whose = (
                    "another customer's"
                    if any(o and owner and o != owner for _k, o in others)
                    else "a different"
                )
                report.warn(
                    key,
                    "id_collision",
                    f"id {legacy_id} is also {whose} {what} ({earlier}); both imported, "
                    f"this one keyed {key}",
                    customer=_str(owner),
                )
            others.append((key, owner))
        return key


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
