"""The import report: per collection read, created, updated, unchanged, merged and
rejected; every reject and warning with the legacy id, the customer's legacy id and the
date where there are ones, and a reason a person can act on; the lists kept per
document (what a rule did to it); duplicate phones with what was left out; the
reconciliation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

EXAMPLES = 10  # ids printed per reason (the JSON report and ImportIssue rows keep them all)


@dataclass
class Issue:
    legacy_id: str
    reason: str
    detail: str = ""
    customer: str = ""  # the customer's legacy id, where there is one
    day: date | None = None  # the business date, where there is one
    # Of the confirmation whose settling said it (ImportIssue.checksum); not reported.
    checksum: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, str]:
        return {
            "legacy_id": self.legacy_id,
            "customer": self.customer,
            "date": self.day.isoformat() if self.day else "",
            "reason": self.reason,
            "detail": self.detail,
        }

    def where(self) -> str:
        """`legacy id (customer c, 2026-01-05)` for printing."""
        parts = []
        if self.customer and self.customer != self.legacy_id:
            parts.append(f"customer {self.customer}")
        if self.day:
            parts.append(self.day.isoformat())
        return self.legacy_id + (f" ({', '.join(parts)})" if parts else "")


@dataclass
class CollectionReport:
    name: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # true duplicates (same content, same id) merged into one record
    rejects: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    listed: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def reject(self, legacy_id: str | None, reason: str, detail: str = "", **where) -> Issue:
        return self._add(self.rejects, legacy_id, reason, detail, **where)

    def warn(self, legacy_id: str | None, reason: str, detail: str = "", **where) -> Issue:
        return self._add(self.warnings, legacy_id, reason, detail, **where)

    def entry(self, legacy_id: str | None, reason: str, detail: str = "", **where) -> Issue:
        """An entry of a per-document list (not a problem): what a rule did."""
        return self._add(self.listed, legacy_id, reason, detail, **where)

    @staticmethod
    def _add(
        issues: list[Issue],
        legacy_id: str | None,
        reason: str,
        detail: str,
        *,
        customer: Any = "",
        day: date | None = None,
        checksum: str = "",
    ) -> Issue:
        """One issue on one of the lists, naming the customer and day where known."""
        issue = Issue(legacy_id or "", reason, detail, _customer(customer), day, checksum)
        issues.append(issue)
        return issue

    def rejected_by_reason(self) -> dict[str, list[str]]:
        by: dict[str, list[str]] = {}
        for issue in self.rejects:
            by.setdefault(issue.reason, []).append(issue.legacy_id)
        return dict(sorted(by.items()))

    def warnings_by_reason(self) -> Counter:
        return Counter(issue.reason for issue in self.warnings)

    def listed_by_reason(self) -> Counter:
        return Counter(issue.reason for issue in self.listed)

    @property
    def accounted(self) -> int:
        return self.created + self.updated + self.unchanged + self.merged + self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "rejected": self.rejected,
            "rejected_by_reason": {
                reason: len(ids) for reason, ids in self.rejected_by_reason().items()
            },
            "rejects": [issue.as_dict() for issue in self.rejects],
            "warnings_by_reason": dict(sorted(self.warnings_by_reason().items())),
            "warnings": [issue.as_dict() for issue in self.warnings],
            "listed_by_reason": dict(sorted(self.listed_by_reason().items())),
            "listed": [issue.as_dict() for issue in self.listed],
            "notes": list(self.notes),
        }


def _customer(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    billed_through: str | None = None
    collections: dict[str, CollectionReport] = field(default_factory=dict)
    reconciliation: dict[str, Any] | None = None
    duplicate_phones: list[dict[str, Any]] = field(default_factory=list)
    merged_customers: dict[str, str] = field(default_factory=dict)  # merged → kept (rule 7)
    rules: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def collection(self, name: str) -> CollectionReport:
        if name not in self.collections:
            self.collections[name] = CollectionReport(name)
        return self.collections[name]

    def issues(self):
        """(collection, kind, issue) for every reject, warning and listed entry."""
        for name, c in self.collections.items():
            for kind, items in (
                ("rejected", c.rejects),
                ("warning", c.warnings),
                ("info", c.listed),
            ):
                for issue in items:
                    yield name, kind, issue

    @property
    def totals(self) -> dict[str, int]:
        keys = ("read", "created", "updated", "unchanged", "merged", "rejected")
        return {k: sum(getattr(c, k) for c in self.collections.values()) for k in keys}

    @property
    def changed_anything(self) -> bool:
        return any(c.created or c.updated for c in self.collections.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "billed_through": self.billed_through,
            "seconds": round(self.seconds, 2),
            "totals": self.totals,
            "collections": {name: c.as_dict() for name, c in self.collections.items()},
            "duplicate_phones": self.duplicate_phones,
            "merged_customers": self.merged_customers,
            "reconciliation": self.reconciliation,
            "rules": self.rules,
        }

    def summary_lines(self) -> list[str]:
        from legacy_import.reconcile.lines import duplicate_phone_lines, reconciliation_lines

        head = f"Import of {self.source}" + (" (dry run: nothing written)" if self.dry_run else "")
        if self.billed_through:
            head += f", billed through {self.billed_through}"
        lines = [head, ""]
        width = max([len(n) for n in self.collections] + [10])
        lines.append(
            f"{'collection':<{width}}  {'read':>7} {'created':>7} {'updated':>7} "
            f"{'unchanged':>9} {'merged':>6} {'rejected':>8}"
        )
        rows = [*self.collections.items(), ("total", None)]
        for name, c in rows:
            t = self.totals if c is None else {k: getattr(c, k) for k in self.totals}
            lines.append(
                f"{name:<{width}}  {t['read']:>7} {t['created']:>7} {t['updated']:>7} "
                f"{t['unchanged']:>9} {t['merged']:>6} {t['rejected']:>8}"
            )
        for name, c in self.collections.items():
            if c.rejects or c.warnings or c.listed or c.notes:
                lines.append("")
                lines.append(f"{name}:")
                lines.extend(_collection_lines(c))
        if self.duplicate_phones:
            lines.append("")
            lines.extend(duplicate_phone_lines(self.duplicate_phones))
        if self.reconciliation is not None:
            lines.append("")
            lines.extend(reconciliation_lines(self.reconciliation))
        if self.rules:
            lines.append("")
            lines.append("Rules:")
            lines.extend(f"  - {rule}" for rule in self.rules)
        lines.append("")
        lines.append(f"{self.seconds:.1f} s")
        return lines


def _collection_lines(c: CollectionReport) -> list[str]:
    lines = []
    for reason, ids in c.rejected_by_reason().items():
        shown = ", ".join(ids[:EXAMPLES]) + (" …" if len(ids) > EXAMPLES else "")
        lines.append(f"  rejected {len(ids)} × {reason}: {shown}")
        for issue in [i for i in c.rejects if i.reason == reason][:3]:
            if issue.detail:
                lines.append(f"      {issue.where()}: {issue.detail}")
    for label, items in (("warning", c.warnings), ("listed", c.listed)):
        for reason, count in sorted(Counter(i.reason for i in items).items()):
            example = next(i for i in items if i.reason == reason)
            lines.append(
                f"  {label:<8} {count} × {reason} (e.g. {example.where()}: {example.detail})"
            )
    lines.extend(f"  note: {note}" for note in c.notes)
    return lines
