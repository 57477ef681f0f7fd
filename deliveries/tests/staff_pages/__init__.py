"""Staff delivery pages: routes and their stops, the daily sheet, generating a day,
procurement and corrections. Shared: routes of N stops on a fixed day."""

import datetime as dt

from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from orders.tests.factories import ProductFactory, SubscriptionFactory

DAY = dt.date(2026, 2, 10)


def route_with(stops: int, *, boy=None, product=None):
    boy = boy or DeliveryBoyFactory()
    product = product or ProductFactory()
    for _ in range(stops):
        order = SubscriptionFactory(start_date=DAY, product=product)
        assign_to_route(customer=order.customer, delivery_boy=boy)
    generate_deliveries(day=DAY)
    return boy
