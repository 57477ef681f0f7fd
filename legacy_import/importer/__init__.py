"""The parts of `import_legacy` (legacy_import/services.py), one module per area:

base.py           reading legacy values, checksums, the legacy-id map, batches
context.py        the run's context: options, what earlier collections became
keys.py           ids that repeat: true duplicates merged, different documents kept (rule 6)
report.py         the report: read / created / updated / unchanged / merged / rejected
catalogue.py      products and prices (rule 5), areas
users.py          logins, staff, delivery boys; old password hashes
requests.py       pause and product requests → customer notes
customers/        customers, linked to their logins; statuses in any casing (rule 1);
                  duplicate phones reported, merged on request (rule 7)
subscriptions.py  subscriptions_v2 (via translate/); crashes dated, with the field (rule 8)
old_subscriptions.py  old-app subscriptions, as history
orders.py         one-time orders (rule 4: delivered on evidence only)
confirm_rule.py   the confirmation rule (pure): evidence (rule 2), itemised beats blanket
                  (rule 3), one-time orders (rule 4), over-quantity
confirmations/    delivery confirmations → confirmed deliveries
payments.py       payments
links.py          shared links, imported revoked
archive.py        the audit trail and collections with no counterpart
billed.py         --billed-through and opening balances
wallets.py        wallet balances → opening wallet entries, prepaid from the cut-over
models.py         ImportRun, ImportIssue, ArchivedDocument
"""
