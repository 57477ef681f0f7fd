"""Locks, always taken in this order to avoid deadlocks:

0. An idempotency key's claim (earlybird.idempotency: a unique insert, which waits for the
   same key's claim in flight), first in the transaction of the write it guards.
1. Advisory (transaction-level) locks, before any row lock:
   - 7301, day ordinal: generate_deliveries for one day;
   - 7302, 0: billing runs as a whole; 7302, YYYYMM: one billing period (runs, issue,
     void and discard of that month's bills; correcting or deleting a payment takes the
     periods whose bills could count it, in ascending order).
2. Row locks, model by model:

       Customer -> Order -> Delivery -> Wallet -> BillingRun -> Bill -> Payment

   Within one model, rows are locked in primary-key order. Keep locked blocks short.
   Wallet (billing.Wallet, one per customer, made on first use) is what every write of a
   prepaid wallet locks: a confirmation's debits (order, delivery, then the wallet, through
   deliveries.signals.deliveries_changed), a recharge (customer, then wallet), an
   adjustment or a refund (the wallet alone); a billing-mode change takes the customer,
   then the deliveries of the days it changes, then the wallet.
"""

from django.db.models import QuerySet


def lock_one(queryset: QuerySet, **lookup):
    """Lock one row (FOR NO KEY UPDATE of the table itself) and return it fresh."""
    return queryset.select_for_update(no_key=True, of=("self",)).get(**lookup)
