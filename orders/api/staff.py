"""Staff: list and read the orders of the customers they may see, create a subscription."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from customers.selectors import of_visible_customers
from earlybird import roles
from earlybird.api import BAD_REQUEST, STAFF_PERMISSIONS
from orders.api.serializers import OrderOut, SubscriptionIn, line_specs, orders_with_lines
from orders.models import Order
from orders.services import create_subscription

MAY_ADD_SUBSCRIPTIONS = (roles.ADMIN, roles.MARKETING, roles.SUPPORT)


class OrderFilter(django_filters.FilterSet):
    class Meta:
        model = Order
        fields = ["kind", "status", "customer", "shift"]


class OrderListCreateApi(generics.ListAPIView):
    """GET: orders of the customers this staff member may see. POST: a subscription."""

    permission_classes = STAFF_PERMISSIONS
    allowed_roles = {"GET": roles.STAFF_ROLES, "POST": MAY_ADD_SUBSCRIPTIONS}
    serializer_class = OrderOut
    filterset_class = OrderFilter

    def get_queryset(self):
        return of_visible_customers(orders_with_lines(), self.request.user)

    @extend_schema(request=SubscriptionIn, responses={201: OrderOut, 400: BAD_REQUEST})
    def post(self, request):
        data = SubscriptionIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        order = create_subscription(
            lines=line_specs(fields.pop("lines")), created_by=request.user, **fields
        )
        order = orders_with_lines().get(pk=order.pk)
        return Response(OrderOut(order).data, status=status.HTTP_201_CREATED)


class OrderDetailApi(generics.RetrieveAPIView):
    permission_classes = STAFF_PERMISSIONS
    allowed_roles = roles.STAFF_ROLES
    serializer_class = OrderOut

    def get_queryset(self):
        return of_visible_customers(orders_with_lines(), self.request.user)
