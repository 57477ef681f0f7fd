"""Row locks, always taken in this order to avoid deadlocks:

    Customer -> Order -> Delivery -> BillingRun -> Bill -> Payment

Within one model, rows are locked in primary-key order. Keep locked blocks short.
"""

from django.db.models import QuerySet

LOCK_ORDER = ("Customer", "Order", "Delivery", "BillingRun", "Bill", "Payment")


def lock(queryset: QuerySet) -> list:
    """Lock the rows of `queryset` (FOR NO KEY UPDATE of the table itself), by pk."""
    return list(queryset.select_for_update(no_key=True, of=("self",)).order_by("pk"))


def lock_one(queryset: QuerySet, **lookup):
    return queryset.select_for_update(no_key=True, of=("self",)).get(**lookup)
