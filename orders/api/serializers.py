"""The orders API's output and input serializers."""

from django.db.models import Prefetch
from rest_framework import serializers

from customers.models import Customer
from customers.selectors import customers_visible_to
from earlybird.bounds import DayInput, QuantityInput
from orders.models import DayOverride, Order, OrderLine, OrderPause, Product
from orders.services import LineSpec

QUANTITY = {"max_digits": 10, "decimal_places": 3}  # output: what the database holds


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
    quantity = QuantityInput(allow_zero=False)


class SubscriptionIn(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    lines = LineIn(many=True, allow_empty=False, max_length=50)
    start_date = DayInput()
    end_date = DayInput(allow_null=True, default=None)
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
    delivery_date = DayInput()
    shift = serializers.ChoiceField(Order.Shift.choices, default=Order.Shift.MORNING)
    lines = LineIn(many=True, allow_empty=False, max_length=50)
    notes = serializers.CharField(allow_blank=True, default="", max_length=500)


class PauseIn(serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(
        queryset=Order.objects.none(), help_text="One of your subscriptions."
    )
    start_date = DayInput()
    end_date = DayInput(
        allow_null=True, default=None, help_text="Last day paused; none = until resumed."
    )
    reason = serializers.CharField(allow_blank=True, default="", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = Order.objects.filter(
            customer=self.context.get("customer"), kind=Order.Kind.SUBSCRIPTION
        )


class ResumeIn(serializers.Serializer):
    first_day_back = DayInput(
        required=False, help_text="Deliveries start again this day; default the first open day."
    )


class OverrideIn(serializers.Serializer):
    order_line = serializers.PrimaryKeyRelatedField(
        queryset=OrderLine.objects.none(), help_text="A line of one of your subscriptions."
    )
    date = DayInput()
    quantity = QuantityInput(
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
