"""A customer's status changed: customers sends, deliveries receives.

Sender: customers.services, inside the transaction that saved the customer —
`update_customer` (staff pages, admin) when the status differs from before, and
`activate_customer` (trial → active). Creating a customer does not send it (a new
customer has no orders yet), and neither does the legacy import, which writes customers
directly (its subscriptions step sends orders.signals.schedule_changed instead).

Receiver: deliveries (connected in DeliveriesConfig.ready), which refreshes the
customer's deliveries from today on: a paused or stopped customer's pending rows are
cancelled, a reactivated customer's come back. customers imports nothing from
deliveries.
"""

from django.dispatch import Signal

# kwargs: customer (Customer)
customer_status_changed = Signal()
