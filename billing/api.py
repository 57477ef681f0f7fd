"""API on money.

Customers (under me/): their profile with the balance, their bills and payments.
The profile lives here because its balance is a billing fact (billing.selectors.balance_for;
customers may not import billing). Staff (accounts, admin): list payments, record a payment.
"""

from datetime import date

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.response import Response

from billing.models import Bill, Payment
from billing.selectors import PaymentStatus, balance_for, bill_coverage, issued_bills
from billing.services import record_payment
from customers.models import Customer
from customers.selectors import customers_visible_to, of_visible_customers
from earlybird import roles
from earlybird.api import (
    BAD_REQUEST,
    CUSTOMER_PERMISSIONS,
    STAFF_PERMISSIONS,
)
from earlybird.bounds import AmountInput
from earlybird.idempotency import HEADER, api_once, api_result

MAY_HANDLE_PAYMENTS = (roles.ADMIN, roles.ACCOUNTS)
IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "A new random key (a UUID) for each new payment; the same key when sending it again "
        "after a timeout or a lost answer, which then records nothing more and answers as "
        "the first time."
    ),
)
MONEY = {"max_digits": 12, "decimal_places": 2}


# --- output -------------------------------------------------------------------------------


class MeOut(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True)
    balance = serializers.DecimalField(
        **MONEY, read_only=True, help_text="Owed now (negative = in credit)."
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "phone",
            "status",
            "area_name",
            "address",
            "landmark",
            "opening_balance",
            "balance",
        ]
        read_only_fields = fields


class BillOut(serializers.ModelSerializer):
    payment_status = serializers.SerializerMethodField()
    outstanding = serializers.SerializerMethodField()

    class Meta:
        model = Bill
        fields = [
            "id",
            "code",
            "period",
            "status",
            "previous_balance",
            "charges",
            "adjustments_total",
            "total",
            "issued_at",
            "payment_status",
            "outstanding",
        ]
        read_only_fields = fields

    def _coverage(self, bill: Bill):
        return self.context.get("coverage", {}).get(bill.pk)

    @extend_schema_field(
        serializers.ChoiceField(list(PaymentStatus.LABELS.items()), allow_null=True)
    )
    def get_payment_status(self, bill: Bill) -> str | None:
        coverage = self._coverage(bill)
        return coverage.status if coverage else None

    @extend_schema_field(serializers.DecimalField(**MONEY, allow_null=True))
    def get_outstanding(self, bill: Bill) -> str | None:
        coverage = self._coverage(bill)
        return None if coverage is None else f"{coverage.outstanding:.2f}"


class PaymentOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "code",
            "customer",
            "customer_code",
            "customer_name",
            "amount",
            "method",
            "paid_on",
            "reference",
            "received_by",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class MePaymentOut(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "code", "amount", "method", "paid_on", "reference"]
        read_only_fields = fields


# --- input --------------------------------------------------------------------------------


class PaymentIn(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    amount = AmountInput(help_text="Rupees, at most PAYMENT_MAX_AMOUNT.")
    method = serializers.ChoiceField(Payment.Method.choices)
    paid_on = serializers.DateField(required=False, help_text="Default: today.")
    reference = serializers.CharField(allow_blank=True, default="", max_length=100)
    notes = serializers.CharField(allow_blank=True, default="", max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["customer"].queryset = customers_visible_to(request.user)

    def validate_paid_on(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError("A payment cannot be dated in the future.")
        return value


# --- customers ----------------------------------------------------------------------------


class MeApi(generics.GenericAPIView):
    """Your profile and what you owe now."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = MeOut
    pagination_class = None

    def get(self, request):
        customer = Customer.objects.select_related("area").get(user_id=request.user.pk)
        customer.balance = balance_for(customer)
        return Response(MeOut(customer).data)


class MeBillListApi(generics.ListAPIView):
    """Your issued bills, newest first, each paid, partly paid or unpaid."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = BillOut

    def get_queryset(self):
        # (The schema generator calls this without a customer: no bills then.)
        return issued_bills(customer=getattr(self.request.user, "customer", None))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        bills = BillOut(page, many=True, context={"coverage": bill_coverage(page)})
        return self.get_paginated_response(bills.data)


class MePaymentListApi(generics.ListAPIView):
    """Your payments, newest first."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = MePaymentOut

    def get_queryset(self):
        return Payment.objects.filter(customer__user_id=self.request.user.pk)


# --- staff --------------------------------------------------------------------------------


class PaymentFilter(django_filters.FilterSet):
    paid_from = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_to = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["customer", "method", "paid_on", "received_by"]


class PaymentListCreateApi(generics.ListAPIView):
    """GET: payments received. POST: record a payment from a customer."""

    permission_classes = STAFF_PERMISSIONS
    allowed_roles = MAY_HANDLE_PAYMENTS
    serializer_class = PaymentOut
    filterset_class = PaymentFilter

    def get_queryset(self):
        return of_visible_customers(Payment.objects.select_related("customer"), self.request.user)

    @extend_schema(
        request=PaymentIn,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: PaymentOut,
            400: BAD_REQUEST,
            422: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The Idempotency-Key was used for another request: nothing written.",
            ),
        },
    )
    def post(self, request):
        """Recorded once per Idempotency-Key: sent again with the same key and body, the
        first answer comes back (and nothing is written); with another body, 422."""

        def record():
            data = PaymentIn(data=request.data, context={"request": request})
            data.is_valid(raise_exception=True)
            fields = dict(data.validated_data)
            fields.setdefault("paid_on", timezone.localdate())
            payment = record_payment(received_by=request.user, by=request.user, **fields)
            return payment, api_result(PaymentOut(payment).data)

        return api_once(request, operation="api:payments", write=record)
