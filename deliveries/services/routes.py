"""Delivery boys and their routes: who stands where on whose round."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from customers.models import Customer
from customers.services import clean_phone
from deliveries.models import DeliveryBoy, RouteStop
from deliveries.services.generation import refresh_deliveries
from earlybird import roles
from orders.models import Order
from orders.services import create_customer_with_subscription

User = get_user_model()


def create_delivery_boy(*, name: str, phone: str, password: str | None = None) -> DeliveryBoy:
    """A delivery boy and his login (username = phone), in one transaction."""
    phone = clean_phone(phone)
    if User.objects.filter(username=phone).exists():
        raise ValidationError({"phone": f"{phone} is already the login of another user."})
    with transaction.atomic():
        user = User(username=phone, first_name=name[:150])
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=roles.DELIVERY_BOY))
        boy = DeliveryBoy(user=user, name=name, phone=phone)
        boy.full_clean()
        boy.save()
    return boy


def assign_to_route(
    *, customer: Customer, delivery_boy: DeliveryBoy, position: int | None = None
) -> RouteStop:
    """Put a customer on a route, at the end or at `position` (later stops move down)."""
    with transaction.atomic():
        RouteStop.objects.filter(customer=customer).delete()
        last = RouteStop.objects.filter(delivery_boy=delivery_boy).aggregate(m=Max("position"))["m"]
        end = (last or 0) + 1
        if position is None or position >= end:
            position = end
        else:
            position = max(position, 1)
            # The unique position is deferred, so one UPDATE can shift the later stops.
            RouteStop.objects.filter(delivery_boy=delivery_boy, position__gte=position).update(
                position=F("position") + 1
            )
        stop = RouteStop.objects.create(
            customer=customer, delivery_boy=delivery_boy, position=position
        )
        # Days already generated move to the new route too (pending rows only).
        order_ids = list(customer.orders.values_list("pk", flat=True))
        if order_ids:
            refresh_deliveries(order_ids=order_ids, from_day=timezone.localdate())
    return stop


def move_stop(*, stop: RouteStop, position: int) -> RouteStop:
    """Move a stop to `position` on its route; the stops in between shift by one."""
    with transaction.atomic():
        stops = RouteStop.objects.filter(delivery_boy=stop.delivery_boy)
        last = stops.aggregate(m=Max("position"))["m"] or 1
        position = min(max(position, 1), last)
        old = stop.position
        if position < old:
            stops.filter(position__gte=position, position__lt=old).update(
                position=F("position") + 1
            )
        elif position > old:
            stops.filter(position__gt=old, position__lte=position).update(
                position=F("position") - 1
            )
        stops.filter(pk=stop.pk).update(position=position)
    stop.position = position
    return stop


def create_customer_on_route(
    *, delivery_boy: DeliveryBoy | None, position: int | None = None, **creation
) -> tuple[Customer, Order | None, RouteStop | None]:
    """A new customer (orders.services.create_customer_with_subscription: the login and a
    first subscription, with its keyword arguments) put on `delivery_boy`'s route at
    `position` (the end if None), in one transaction: if any part is refused, nothing is
    created. Days already generated get the new subscription on that route."""
    with transaction.atomic():
        customer, order = create_customer_with_subscription(**creation)
        stop = None
        if delivery_boy is not None:
            stop = assign_to_route(customer=customer, delivery_boy=delivery_boy, position=position)
    return customer, order, stop
