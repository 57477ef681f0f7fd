"""customers knows nothing of deliveries; deliveries listens here.

Sent by the customer services, inside their transaction, when a customer's status
changes (a paused or stopped customer gets nothing, a reactivated one gets deliveries).
"""

from django.dispatch import Signal

# kwargs: customer (Customer)
customer_status_changed = Signal()
