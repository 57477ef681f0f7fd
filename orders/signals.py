"""orders knows nothing of deliveries; deliveries listens here to keep its rows up to date.

Sent by the order services, inside their transaction, after a schedule edit.
"""

from django.dispatch import Signal

# kwargs: order_ids (list[int]), from_day (date)
schedule_changed = Signal()
