"""The parts of `import_legacy` (legacy_import/services.py), one module per area:

base.py           the run's context, reading legacy values, checksums, the legacy-id map
report.py         the report: read / created / updated / unchanged / rejected
catalogue.py      products and prices, areas
users.py          logins, staff, delivery boys; old password hashes
requests.py       pause and product requests → customer notes
customers.py      customers, linked to their logins; duplicates by phone
subscriptions.py  subscriptions_v2 (via translate.py) and old-app subscriptions
orders.py         one-time orders
confirm_rule.py   the confirmation rule (pure): plan, merging, over-quantity
confirmations.py  delivery confirmations → confirmed deliveries
payments.py       payments
links.py          shared links, imported revoked
archive.py        the audit trail and collections with no counterpart
billed.py         --billed-through and opening balances
models.py         ImportRun, ImportIssue, ArchivedDocument
"""
