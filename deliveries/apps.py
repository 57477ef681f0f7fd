from django.apps import AppConfig


class DeliveriesConfig(AppConfig):
    name = "deliveries"

    def ready(self):
        from customers.signals import customer_status_changed
        from deliveries.models import DeliveryBoy
        from earlybird.sessions import read_with_user
        from orders.signals import schedule_changed

        read_with_user(DeliveryBoy)  # /d/'s "whose route": no query of its own

        schedule_changed.connect(_refresh_after_schedule_edit, dispatch_uid="deliveries-refresh")
        customer_status_changed.connect(
            _refresh_after_customer_status, dispatch_uid="deliveries-refresh-customer"
        )


def _refresh_after_schedule_edit(sender, *, order_ids, from_day, **kwargs):
    from deliveries.services import refresh_deliveries

    refresh_deliveries(order_ids=order_ids, from_day=from_day)


def _refresh_after_customer_status(sender, *, customer, **kwargs):
    from django.utils import timezone

    from deliveries.services import refresh_deliveries

    order_ids = list(customer.orders.values_list("pk", flat=True))
    if order_ids:
        refresh_deliveries(order_ids=order_ids, from_day=timezone.localdate())
