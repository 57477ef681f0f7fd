"""The reconciliation and the duplicate phones, as lines to print."""

from __future__ import annotations

from typing import Any

SHOWN = 50


def reconciliation_lines(rec: dict[str, Any]) -> list[str]:
    totals = rec["totals"]
    unexplained = rec["unexplained"]
    lines = [
        f"Reconciliation ({rec['months']} customer-months of {rec['customers']} imported "
        f"customers, against what the source confirms as delivered): {rec['matched']} match, "
        f"{rec['explained']} differ with their explanation in the report, "
        f"{len(unexplained)} unexplained",
        f"  delivered: confirmed {totals.get('confirmed_quantity', '0')} / new "
        f"{totals.get('new_quantity', '0')}; amount ₹{totals.get('confirmed_amount', '0')} / "
        f"₹{totals.get('new_amount', '0')}; payments ₹{totals.get('source_paid', '0')} / "
        f"₹{totals.get('new_paid', '0')}",
        f"  the old engine's own bill (schedule, §7): {totals.get('old_engine_quantity', '0')} "
        f"worth ₹{totals.get('old_engine_amount', '0')}; {rec['differs_from_old_engine']} "
        "customer-months differ from it (the new system bills what was delivered)",
    ]
    for row in unexplained[:SHOWN]:
        lines.append(
            f"  unexplained {row['customer']} {row['code']} {row['month']}: delivered "
            f"{row['confirmed']['quantity']} / {row['new']['quantity']}, amount "
            f"₹{row['confirmed']['amount']} / ₹{row['new']['amount']}, paid "
            f"₹{row['paid']['source']} / ₹{row['paid']['new']} (source / new)"
            + (f"; {'; '.join(row['explained_by'])}" if row["explained_by"] else "")
        )
    if len(unexplained) > SHOWN:
        lines.append(f"  … and {len(unexplained) - SHOWN} more (the JSON report has them all)")
    if rec.get("not_imported"):
        lines.append(f"  not imported ({len(rec['not_imported'])} customers with activity):")
        for m in rec["not_imported"][:20]:
            lines.append(
                f"    {m['customer']}: {m['confirmations']} confirmation rows, delivered "
                f"{m['source_quantity']} worth ₹{m['source_amount']}, paid "
                f"₹{m['source_paid']} — {m['cause']}"
            )
    return lines


def duplicate_phone_lines(groups: list[dict[str, Any]]) -> list[str]:
    from legacy_import.importer.customers.phones import left_out_text

    lines = [
        f"Duplicate phones ({len(groups)}): one customer each is imported; merge with "
        "--merge-duplicate-phones FILE (one line per person, the one to keep first)"
    ]
    for group in groups:
        lines.append(f"  {group['phone']}:")
        for member in group["members"]:
            line = f"    {member['customer']} ({member['name'] or 'no name'}): {member['status']}"
            if "left_out" in member:
                line += "; left out: " + left_out_text(member["left_out"])
            lines.append(line)
    return lines
