"""The import report: per collection read, created, updated, unchanged and rejected (by
reason, with the legacy id of each reject), warnings, and the reconciliation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

EXAMPLES = 10  # ids printed per reason (the JSON report and ImportIssue rows keep them all)


@dataclass
class Issue:
    legacy_id: str
    reason: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"legacy_id": self.legacy_id, "reason": self.reason, "detail": self.detail}


@dataclass
class CollectionReport:
    name: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def reject(self, legacy_id: str | None, reason: str, detail: str = "") -> None:
        self.rejects.append(Issue(legacy_id or "", reason, detail))

    def warn(self, legacy_id: str | None, reason: str, detail: str = "") -> None:
        self.warnings.append(Issue(legacy_id or "", reason, detail))

    def rejected_by_reason(self) -> dict[str, list[str]]:
        by: dict[str, list[str]] = {}
        for issue in self.rejects:
            by.setdefault(issue.reason, []).append(issue.legacy_id)
        return dict(sorted(by.items()))

    def warnings_by_reason(self) -> Counter:
        return Counter(issue.reason for issue in self.warnings)

    @property
    def accounted(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejected_by_reason": {
                reason: len(ids) for reason, ids in self.rejected_by_reason().items()
            },
            "rejects": [issue.as_dict() for issue in self.rejects],
            "warnings_by_reason": dict(sorted(self.warnings_by_reason().items())),
            "warnings": [issue.as_dict() for issue in self.warnings],
            "notes": list(self.notes),
        }


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    billed_through: str | None = None
    collections: dict[str, CollectionReport] = field(default_factory=dict)
    reconciliation: dict[str, Any] | None = None
    rules: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def collection(self, name: str) -> CollectionReport:
        if name not in self.collections:
            self.collections[name] = CollectionReport(name)
        return self.collections[name]

    @property
    def totals(self) -> dict[str, int]:
        keys = ("read", "created", "updated", "unchanged", "rejected")
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
            "reconciliation": self.reconciliation,
            "rules": self.rules,
        }

    def summary_lines(self) -> list[str]:
        head = f"Import of {self.source}" + (" (dry run: nothing written)" if self.dry_run else "")
        if self.billed_through:
            head += f", billed through {self.billed_through}"
        lines = [head, ""]
        width = max([len(n) for n in self.collections] + [10])
        lines.append(
            f"{'collection':<{width}}  {'read':>7} {'created':>7} {'updated':>7} "
            f"{'unchanged':>9} {'rejected':>8}"
        )
        for name, c in self.collections.items():
            lines.append(
                f"{name:<{width}}  {c.read:>7} {c.created:>7} {c.updated:>7} "
                f"{c.unchanged:>9} {c.rejected:>8}"
            )
        t = self.totals
        lines.append(
            f"{'total':<{width}}  {t['read']:>7} {t['created']:>7} {t['updated']:>7} "
            f"{t['unchanged']:>9} {t['rejected']:>8}"
        )
        for name, c in self.collections.items():
            if not (c.rejects or c.warnings or c.notes):
                continue
            lines.append("")
            lines.append(f"{name}:")
            for reason, ids in c.rejected_by_reason().items():
                shown = ", ".join(ids[:EXAMPLES]) + (" …" if len(ids) > EXAMPLES else "")
                lines.append(f"  rejected {len(ids)} × {reason}: {shown}")
                for issue in [i for i in c.rejects if i.reason == reason][:3]:
                    if issue.detail:
                        lines.append(f"      {issue.legacy_id}: {issue.detail}")
            for reason, count in sorted(c.warnings_by_reason().items()):
                example = next(i for i in c.warnings if i.reason == reason)
                lines.append(
                    f"  warning  {count} × {reason} (e.g. {example.legacy_id}: {example.detail})"
                )
            for note in c.notes:
                lines.append(f"  note: {note}")
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


def reconciliation_lines(rec: dict[str, Any]) -> list[str]:
    lines = [
        f"Reconciliation ({rec['months']} customer-months of {rec['customers']} imported "
        f"customers): {rec['matched']} match, {len(rec['mismatches'])} differ"
    ]
    lines.append(
        f"  delivered: source {rec['source_quantity']} / new {rec['new_quantity']}; "
        f"amount ₹{rec['source_amount']} / ₹{rec['new_amount']}; "
        f"payments ₹{rec['source_paid']} / ₹{rec['new_paid']}"
    )
    for m in rec["mismatches"][:50]:
        lines.append(
            f"  ≠ {m['customer']} {m['month']}: qty {m['source_quantity']}/{m['new_quantity']}, "
            f"amount {m['source_amount']}/{m['new_amount']}, "
            f"paid {m['source_paid']}/{m['new_paid']} — {m['cause']}"
        )
    if rec.get("not_imported"):
        lines.append(f"  not imported ({len(rec['not_imported'])} customers with activity):")
        for m in rec["not_imported"][:20]:
            lines.append(
                f"    {m['customer']}: {m['confirmations']} confirmation rows, delivered "
                f"{m['source_quantity']}, paid ₹{m['source_paid']} — {m['cause']}"
            )
    return lines
