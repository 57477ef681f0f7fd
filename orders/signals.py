"""An order's schedule changed: orders (and the legacy import) send, deliveries receives.

Senders: orders.services, inside the transaction of every schedule edit — a new
subscription or one-time order, an update, a pause or its end, a day override, a stop,
a cancelled one-time order — with the first day the edit changes; and
legacy_import (its subscriptions step) for the orders it created or changed.

Receiver: deliveries (connected in DeliveriesConfig.ready), which calls
deliveries.services.refresh_deliveries: pending rows of the days already generated
follow the edit; confirmed rows are never touched. orders imports nothing from
deliveries.
"""

from django.dispatch import Signal

# kwargs: order_ids (list[int]), from_day (date)
schedule_changed = Signal()
