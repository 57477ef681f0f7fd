"""API on orders.

Staff: list and read orders, create a subscription. Customers (under me/): their
subscriptions, pauses and resumes, day overrides (0 = skip), one-time orders and their
cancellation — every customer change subject to the cut-off the evening before.
"""

from datetime import date, timedelta
from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Customer
from earlybird import roles
from earlybird.api import (
    BAD_REQUEST,
    CUSTOMER_PERMISSIONS,
    NOT_FOUND,
    STAFF_PERMISSIONS,
    of_visible_customers,
    reason_for_field,
)
from earlybird.roles import customers_visible_to
from orders.models import DayOverride, Order, OrderLine, OrderPause, Product
from orders.services import (
    LineSpec,
    cancel_one_time_order,
    check_customer_cutoff,
    create_one_time_order,
    create_subscription,
    customer_cutoff_passed,
    pause_order,
    resume_order,
    set_day_override,
)

MAY_ADD_SUBSCRIPTIONS = (roles.ADMIN, roles.MARKETING, roles.SUPPORT)
QUANTITY = {"max_digits": 10, "decimal_places": 3}


def check_cutoff(day: date, field: str | None = None) -> None:
    """Refuse a customer's change for `day` after the cut-off, the reason on `field`."""
    if day <= timezone.localdate():
        message = f"{day:%d %b %Y} has already begun; it can no longer be changed."
        raise DjangoValidationError({field: message} if field else message)
    try:
        check_customer_cutoff(day=day)
    except DjangoValidationError as exc:
        raise (reason_for_field(exc, field) if field else exc) from exc


def first_open_day() -> date:
    """The first day a customer may still change."""
    day = timezone.localdate() + timedelta(days=1)
    return day + timedelta(days=1) if customer_cutoff_passed(day=day) else day


# --- output -------------------------------------------------------------------------------


class OrderLineOut(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    unit = serializers.CharField(source="product.unit", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "product_name", "unit", "quantity"]
        read_only_fields = fields


class OrderOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    lines = OrderLineOut(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "code",
            "kind",
            "customer",
            "customer_code",
            "customer_name",
            "pattern",
            "weekdays",
            "shift",
            "start_date",
            "end_date",
            "status",
            "notes",
            "lines",
            "created_at",
        ]
        read_only_fields = fields


class PauseOut(serializers.ModelSerializer):
    order_code = serializers.CharField(source="order.code", read_only=True)

    class Meta:
        model = OrderPause
        fields = ["id", "order", "order_code", "start_date", "end_date", "reason"]
        read_only_fields = fields


class PauseInOrderOut(serializers.ModelSerializer):
    class Meta:
        model = OrderPause
        fields = ["id", "start_date", "end_date", "reason"]
        read_only_fields = fields


class SubscriptionOut(OrderOut):
    pauses = PauseInOrderOut(many=True, read_only=True)

    class Meta(OrderOut.Meta):
        fields = [*OrderOut.Meta.fields, "pauses"]
        read_only_fields = fields


class OverrideOut(serializers.ModelSerializer):
    order_line = serializers.IntegerField(source="line_id", read_only=True)
    order = serializers.IntegerField(source="line.order_id", read_only=True)
    product_name = serializers.CharField(source="line.product.name", read_only=True)

    class Meta:
        model = DayOverride
        fields = ["id", "order", "order_line", "product_name", "date", "quantity"]
        read_only_fields = fields


def orders_with_lines():
    return Order.objects.select_related("customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product"))
    )


# --- input --------------------------------------------------------------------------------


class LineIn(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.filter(is_active=True))
    quantity = serializers.DecimalField(**QUANTITY, min_value=Decimal("0.001"))


class SubscriptionIn(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    lines = LineIn(many=True, allow_empty=False, max_length=50)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True, default=None)
    pattern = serializers.ChoiceField(Order.Pattern.choices, default=Order.Pattern.DAILY)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        default=list,
        max_length=7,
        help_text="For the weekdays pattern: 0 = Monday … 6 = Sunday.",
    )
    shift = serializers.ChoiceField(Order.Shift.choices, default=Order.Shift.MORNING)
    status = serializers.ChoiceField(
        [(s.value, s.label) for s in Order.SUBSCRIPTION_STATUSES], default=Order.Status.ACTIVE
    )
    notes = serializers.CharField(allow_blank=True, default="", max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["customer"].queryset = customers_visible_to(request.user)

    def validate(self, attrs):
        if attrs["end_date"] is not None and attrs["end_date"] < attrs["start_date"]:
            raise serializers.ValidationError({"end_date": "The end cannot be before the start."})
        return attrs


class OneTimeOrderIn(serializers.Serializer):
    delivery_date = serializers.DateField()
    shift = serializers.ChoiceField(Order.Shift.choices, default=Order.Shift.MORNING)
    lines = LineIn(many=True, allow_empty=False, max_length=50)
    notes = serializers.CharField(allow_blank=True, default="", max_length=500)


class PauseIn(serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(
        queryset=Order.objects.none(), help_text="One of your subscriptions."
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(
        allow_null=True, default=None, help_text="Last day paused; none = until resumed."
    )
    reason = serializers.CharField(allow_blank=True, default="", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = Order.objects.filter(
            customer=self.context.get("customer"), kind=Order.Kind.SUBSCRIPTION
        )


class ResumeIn(serializers.Serializer):
    first_day_back = serializers.DateField(
        required=False, help_text="Deliveries start again this day; default the first open day."
    )


class OverrideIn(serializers.Serializer):
    order_line = serializers.PrimaryKeyRelatedField(
        queryset=OrderLine.objects.none(), help_text="A line of one of your subscriptions."
    )
    date = serializers.DateField()
    quantity = serializers.DecimalField(
        **QUANTITY,
        min_value=Decimal(0),
        allow_null=True,
        help_text="The quantity that day; 0 skips the day; null goes back to the usual.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_line"].queryset = OrderLine.objects.filter(
            order__customer=self.context.get("customer"), order__kind=Order.Kind.SUBSCRIPTION
        ).select_related("order", "product")


class OverrideSetOut(serializers.Serializer):
    order_line = serializers.IntegerField()
    date = serializers.DateField()
    quantity = serializers.DecimalField(**QUANTITY, allow_null=True)


def line_specs(lines: list[dict]) -> list[LineSpec]:
    return [LineSpec(product=line["product"], quantity=line["quantity"]) for line in lines]


# --- staff --------------------------------------------------------------------------------


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


# --- customers ----------------------------------------------------------------------------


class MeSubscriptionListApi(generics.ListAPIView):
    """Your subscriptions, with their lines (for overrides) and pauses."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = SubscriptionOut

    def get_queryset(self):
        return (
            orders_with_lines()
            .prefetch_related("pauses")
            .filter(customer__user_id=self.request.user.pk, kind=Order.Kind.SUBSCRIPTION)
        )


class MeOrderListCreateApi(generics.ListAPIView):
    """GET: your one-time orders. POST: a one-time order of one or more products."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = OrderOut

    def get_queryset(self):
        return orders_with_lines().filter(
            customer__user_id=self.request.user.pk, kind=Order.Kind.ONE_TIME
        )

    @extend_schema(request=OneTimeOrderIn, responses={201: OrderOut, 400: BAD_REQUEST})
    def post(self, request):
        data = OneTimeOrderIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        check_cutoff(fields["delivery_date"], "delivery_date")
        order = create_one_time_order(
            customer=request.user.customer,
            lines=line_specs(fields.pop("lines")),
            created_by=request.user,
            **fields,
        )
        order = orders_with_lines().get(pk=order.pk)
        return Response(OrderOut(order).data, status=status.HTTP_201_CREATED)


class MeOrderCancelApi(generics.GenericAPIView):
    """Cancel one of your one-time orders, until the cut-off before its day."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = OrderOut

    def get_queryset(self):
        return orders_with_lines().filter(
            customer__user_id=self.request.user.pk, kind=Order.Kind.ONE_TIME
        )

    @extend_schema(request=None, responses={200: OrderOut, 400: BAD_REQUEST, 404: NOT_FOUND})
    def post(self, request, pk: int):
        order = self.get_object()
        check_cutoff(order.start_date)
        cancel_one_time_order(order=order)
        return Response(OrderOut(self.get_object()).data)


class MePauseListCreateApi(generics.ListAPIView):
    """GET: the pauses of your subscriptions. POST: pause one (an open end = until resumed)."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = PauseOut

    def get_queryset(self):
        return OrderPause.objects.select_related("order").filter(
            order__customer__user_id=self.request.user.pk
        )

    @extend_schema(request=PauseIn, responses={201: PauseOut, 400: BAD_REQUEST})
    def post(self, request):
        data = PauseIn(data=request.data, context={"customer": request.user.customer})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        check_cutoff(fields["start_date"], "start_date")
        try:
            pause = pause_order(**fields)
        except DjangoValidationError as exc:
            raise reason_for_field(exc, "start_date") from exc
        return Response(PauseOut(pause).data, status=status.HTTP_201_CREATED)


class MePauseResumeApi(generics.GenericAPIView):
    """End a pause: deliveries start again on `first_day_back`. A pause that had not begun
    is removed altogether (204)."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = PauseOut

    def get_queryset(self):
        return OrderPause.objects.select_related("order").filter(
            order__customer__user_id=self.request.user.pk
        )

    @extend_schema(
        request=ResumeIn,
        responses={
            200: PauseOut,
            204: OpenApiResponse(description="The pause had not begun: it is gone."),
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        pause = self.get_object()
        data = ResumeIn(data=request.data)
        data.is_valid(raise_exception=True)
        first_day_back = data.validated_data.get("first_day_back") or first_open_day()
        check_cutoff(first_day_back, "first_day_back")
        try:
            pause = resume_order(pause=pause, first_day_back=first_day_back)
        except DjangoValidationError as exc:
            raise reason_for_field(exc, "first_day_back") from exc
        if pause is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(PauseOut(pause).data)


class OverrideFilter(django_filters.FilterSet):
    class Meta:
        model = DayOverride
        fields: list[str] = []


OverrideFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="date", lookup_expr="gte", label="From this date"
)
OverrideFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="date", lookup_expr="lte", label="Up to this date"
)


class MeOverrideListCreateApi(generics.ListAPIView):
    """GET: your day overrides. POST: one day's quantity of a line (0 skips the day)."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = OverrideOut
    filterset_class = OverrideFilter

    def get_queryset(self):
        return DayOverride.objects.select_related("line__product").filter(
            line__order__customer__user_id=self.request.user.pk
        )

    @extend_schema(
        request=OverrideIn,
        responses={
            200: OpenApiResponse(OverrideSetOut, description="The day as it now stands."),
            400: BAD_REQUEST,
        },
    )
    def post(self, request):
        data = OverrideIn(data=request.data, context={"customer": request.user.customer})
        data.is_valid(raise_exception=True)
        line, day = data.validated_data["order_line"], data.validated_data["date"]
        quantity = data.validated_data["quantity"]
        check_cutoff(day, "date")
        try:
            set_day_override(line=line, day=day, quantity=quantity)
        except DjangoValidationError as exc:
            raise reason_for_field(exc, "date") from exc
        return Response(
            OverrideSetOut({"order_line": line.pk, "date": day, "quantity": quantity}).data
        )
