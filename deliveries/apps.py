from django.apps import AppConfig


class DeliveriesConfig(AppConfig):
    name = "deliveries"

    def ready(self):
        from orders.signals import schedule_changed

        schedule_changed.connect(_refresh_after_schedule_edit, dispatch_uid="deliveries-refresh")


def _refresh_after_schedule_edit(sender, *, order_ids, from_day, **kwargs):
    from deliveries.services import refresh_deliveries

    refresh_deliveries(order_ids=order_ids, from_day=from_day)
