"""Deliveries whose confirmation changed: deliveries sends, upper layers receive.

Sender: deliveries.services.confirmation, inside the transaction of every confirmation,
correction or undo (one delivery or a whole stop), after the rows are saved and while
their locks are held, with the deliveries that changed.

Receiver: billing (connected in BillingConfig.ready), which settles the prepaid wallet:
billing.services.wallet.settle_debits writes a debit, or a reversal and a new debit,
so that every delivered unit of a prepaid customer is debited exactly once. deliveries
imports nothing from billing.
"""

from django.dispatch import Signal

# kwargs: deliveries (list[Delivery]), user (the confirming user, or None)
deliveries_changed = Signal()
