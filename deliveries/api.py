"""API on deliveries.

Delivery boys: their route for today or tomorrow, and confirming a delivery on it
(another boy's delivery is a 404). Staff (support, admin): confirm or correct any
delivery. Staff: list and read deliveries. Customers (under me/): their deliveries.
"""

from datetime import timedelta

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from customers.models import Customer
from customers.selectors import of_visible_customers
from deliveries import selectors, services
from deliveries.models import Delivery, DeliveryBoy
from deliveries.views.boy import current_shift
from earlybird import roles
from earlybird.api import (
    BAD_REQUEST,
    CUSTOMER_PERMISSIONS,
    DELIVERY_BOY_PERMISSIONS,
    NOT_FOUND,
    STAFF_PERMISSIONS,
    IsDeliveryBoy,
    RolePermission,
    client_ip,
)
from earlybird.bounds import DayInput, QuantityInput
from orders.models import Order

MAY_SEE_DELIVERIES = (roles.ADMIN, roles.SUPPORT, roles.ACCOUNTS)
MAY_CORRECT_DELIVERIES = (roles.ADMIN, roles.SUPPORT)


# --- output -------------------------------------------------------------------------------


class DeliveryOut(serializers.ModelSerializer):
    """A delivery as its customer sees it."""

    product_name = serializers.CharField(source="product.name", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)
    # Blank choices, spelt out: a read-only model field would lose allow_blank.
    reason = serializers.ChoiceField(Delivery.Reason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "code",
            "order",
            "order_line",
            "product",
            "product_name",
            "unit",
            "date",
            "shift",
            "ordered_qty",
            "delivered_qty",
            "unit_price",
            "status",
            "reason",
            "confirmed_at",
        ]
        read_only_fields = fields


class DeliveryDetailOut(DeliveryOut):
    """A delivery as staff and its delivery boy see it: whose, and who confirmed it how."""

    customer_code = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    delivery_boy_name = serializers.CharField(
        source="delivery_boy.name", read_only=True, allow_null=True
    )
    confirmed_via = serializers.ChoiceField(Delivery.Via.choices, allow_blank=True, read_only=True)

    class Meta(DeliveryOut.Meta):
        fields = [
            *DeliveryOut.Meta.fields,
            "customer",
            "customer_code",
            "customer_name",
            "delivery_boy",
            "delivery_boy_name",
            "reason_note",
            "confirmed_by",
            "confirmed_by_name",
            "confirmed_via",
            "confirmed_ip",
            "confirmed_user_agent",
        ]
        read_only_fields = fields


def deliveries_with_names():
    return Delivery.objects.select_related("product", "customer", "delivery_boy")


class RouteCustomerOut(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True)
    map_link = serializers.CharField(read_only=True, help_text="A map URL, or empty.")

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "phone",
            "address",
            "landmark",
            "area_name",
            "map_link",
            "latitude",
            "longitude",
        ]
        read_only_fields = fields


class StopOut(serializers.Serializer):
    position = serializers.IntegerField(allow_null=True)
    is_done = serializers.BooleanField()
    customer = RouteCustomerOut()
    deliveries = DeliveryOut(many=True)


class RouteOut(serializers.Serializer):
    date = serializers.DateField()
    shift = serializers.ChoiceField(Order.Shift.choices)
    delivery_boy = serializers.CharField()
    stops = StopOut(many=True)


# --- input --------------------------------------------------------------------------------


class RouteQuery(serializers.Serializer):
    date = DayInput(required=False, help_text="Today (default) or tomorrow.")
    shift = serializers.ChoiceField(
        Order.Shift.choices, required=False, help_text="Default: the shift now running."
    )

    def validate_date(self, value):
        today = timezone.localdate()
        if value not in (today, today + timedelta(days=1)):
            raise serializers.ValidationError("Only today's route and tomorrow's list are open.")
        return value


class ConfirmIn(serializers.Serializer):
    delivered_qty = QuantityInput(
        help_text="All of the ordered quantity (delivered), some (partial) or 0 (not delivered).",
    )
    reason = serializers.ChoiceField(
        Delivery.Reason.choices,
        allow_blank=True,
        default="",
        help_text="Why not, when nothing was delivered.",
    )
    reason_note = serializers.CharField(allow_blank=True, default="", max_length=200)


# --- delivery boys ------------------------------------------------------------------------


class RouteApi(generics.GenericAPIView):
    """Your route for a day and shift: the stops in order, each with what to hand over.
    A day the evening generation has not reached yet has no stops (reading never writes)."""

    permission_classes = DELIVERY_BOY_PERMISSIONS
    serializer_class = RouteOut
    pagination_class = None

    @extend_schema(parameters=[RouteQuery], responses={200: RouteOut, 400: BAD_REQUEST})
    def get(self, request):
        query = RouteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        boy: DeliveryBoy = request.user.delivery_boy
        day = query.validated_data.get("date") or timezone.localdate()
        shift = query.validated_data.get("shift") or current_shift()
        stops = selectors.route_for(delivery_boy=boy, day=day, shift=shift)
        route = {"date": day, "shift": shift, "delivery_boy": boy.name, "stops": stops}
        return Response(RouteOut(route).data)


class DeliveryConfirmApi(generics.GenericAPIView):
    """Confirm what was handed over: all, some, or none (with a reason). A delivery boy
    confirms today's deliveries on his own route; support staff may correct any
    delivery up to today. Confirming twice with the same values changes nothing."""

    permission_classes = [IsAuthenticated, IsDeliveryBoy | RolePermission]
    allowed_roles = MAY_CORRECT_DELIVERIES
    serializer_class = DeliveryDetailOut

    def as_staff(self) -> bool:
        return roles.has_role(self.request.user, *MAY_CORRECT_DELIVERIES)

    def get_queryset(self):
        deliveries = deliveries_with_names()
        if self.as_staff():
            return deliveries
        return deliveries.filter(delivery_boy__user_id=self.request.user.pk)

    @extend_schema(
        request=ConfirmIn, responses={200: DeliveryDetailOut, 400: BAD_REQUEST, 404: NOT_FOUND}
    )
    def post(self, request, pk: int):
        delivery = self.get_object()
        data = ConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        via = Delivery.Via.STAFF if self.as_staff() else Delivery.Via.DELIVERY_BOY
        services.confirm_delivery(
            delivery=delivery,
            delivered_qty=data.validated_data["delivered_qty"],
            reason=data.validated_data["reason"],
            reason_note=data.validated_data["reason_note"],
            by=services.Confirmer(
                via=via,
                user=request.user,
                ip=client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
            ),
        )
        return Response(DeliveryDetailOut(self.get_object()).data)


# --- staff --------------------------------------------------------------------------------


class DeliveryFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Delivery
        fields = ["date", "shift", "status", "delivery_boy", "customer", "order", "product"]


class DeliveryListApi(generics.ListAPIView):
    permission_classes = STAFF_PERMISSIONS
    allowed_roles = MAY_SEE_DELIVERIES
    serializer_class = DeliveryDetailOut
    filterset_class = DeliveryFilter

    def get_queryset(self):
        return of_visible_customers(deliveries_with_names(), self.request.user)


class DeliveryDetailApi(generics.RetrieveAPIView):
    permission_classes = STAFF_PERMISSIONS
    allowed_roles = MAY_SEE_DELIVERIES
    serializer_class = DeliveryDetailOut

    def get_queryset(self):
        return of_visible_customers(deliveries_with_names(), self.request.user)


# --- customers ----------------------------------------------------------------------------


class MeDeliveryFilter(django_filters.FilterSet):
    class Meta:
        model = Delivery
        fields = ["status", "shift"]


MeDeliveryFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="date", lookup_expr="gte", label="From this date"
)
MeDeliveryFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="date", lookup_expr="lte", label="Up to this date"
)


class MeDeliveryListApi(generics.ListAPIView):
    """Your deliveries (?from=&to= dates), cancelled ones left out."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = DeliveryOut
    filterset_class = MeDeliveryFilter

    def get_queryset(self):
        return (
            Delivery.objects.select_related("product")
            .filter(customer__user_id=self.request.user.pk)
            .exclude(status=Delivery.Status.CANCELLED)
        )
