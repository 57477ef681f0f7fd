"""API reads of the prepaid wallet: the customer's own (GET /api/v1/me/wallet/) and, for
staff, any customer they may see (GET /api/v1/customers/<id>/wallet/; another's → 404).

One answer: the summary (billing mode, balance, credit limit, usual daily amount, days
left, the days paused for low balance) and the entries, newest first, a page at a time
(`count`, `next`, `previous`, `results`, as every list of the API; 20 a page), each with
the balance after it. A recharge link is billing.gateway.api's (POST /api/v1/me/wallet/recharge-link/).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from billing.models import WalletEntry
from billing.selectors.wallet_overview import WalletSummary, wallet_entries, wallet_summary
from customers.models import Customer
from customers.selectors import customers_visible_to
from earlybird.api import CUSTOMER_PERMISSIONS, STAFF_PERMISSIONS

MONEY = {"max_digits": 14, "decimal_places": 2}


class HeldDayOut(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(help_text="low_balance")
    label = serializers.CharField(help_text='"Paused: low balance"')
    explanation = serializers.CharField(help_text="What to do about it.")
    amount = serializers.DecimalField(
        **MONEY, source="need", help_text="What that day's deliveries would have cost."
    )


class ModeChangeOut(serializers.Serializer):
    mode = serializers.CharField()
    effective_from = serializers.DateField()


class WalletEntryOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    balance_after = serializers.DecimalField(**MONEY, help_text="The balance after this entry.")
    product = serializers.CharField(
        source="delivery.product.name", allow_null=True, default=None, help_text="Debits."
    )
    payment = serializers.CharField(
        source="payment.code", allow_null=True, default=None, help_text="Recharges."
    )

    class Meta:
        model = WalletEntry
        fields = [
            "id",
            "date",
            "kind",
            "kind_label",
            "amount",
            "balance_after",
            "delivery",
            "product",
            "payment",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class WalletOut(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id")
    mode = serializers.CharField(help_text="prepaid or postpaid, today.")
    mode_since = serializers.DateField(allow_null=True)
    next_mode = ModeChangeOut(allow_null=True, help_text="A change already set for a later day.")
    balance = serializers.DecimalField(**MONEY, help_text="The sum of the entries.")
    credit_limit = serializers.DecimalField(**MONEY)
    low_balance_days = serializers.IntegerField()
    usual_daily_amount = serializers.DecimalField(
        **MONEY, source="daily", help_text="A usual day of the subscriptions, at today's prices."
    )
    days_left = serializers.IntegerField(
        allow_null=True, help_text="Days of usual deliveries paid for (null: none usual)."
    )
    low_balance = serializers.BooleanField(source="is_low")
    paused = HeldDayOut(many=True, source="held", help_text="Held days from today on.")
    shortfall = serializers.DecimalField(
        **MONEY, help_text="What a recharge must bring for the first paused day."
    )


class WalletPageOut(WalletOut):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = WalletEntryOut(many=True)


class WalletEntriesPage(PageNumberPagination):
    page_size = 20  # as on the customer's wallet page


class _WalletApi(generics.GenericAPIView):
    serializer_class = WalletEntryOut
    pagination_class = WalletEntriesPage

    def customer(self) -> Customer:
        raise NotImplementedError

    def get_queryset(self):
        # (The schema generator calls this without a customer: no entries then.)
        return WalletEntry.objects.none()

    def answer(self, customer: Customer) -> Response:
        summary: WalletSummary = wallet_summary(customer=customer)
        page = self.paginate_queryset(wallet_entries(customer_id=customer.pk))
        listed = self.get_paginated_response(WalletEntryOut(page, many=True).data).data
        return Response({**WalletOut(summary).data, **listed})


class MeWalletApi(_WalletApi):
    """Your wallet: balance, days left at your usual quantities, days paused for low
    balance, and the entries, newest first."""

    permission_classes = CUSTOMER_PERMISSIONS

    @extend_schema(responses=WalletPageOut)
    def get(self, request):
        return self.answer(Customer.objects.get(user_id=request.user.pk))


class CustomerWalletApi(_WalletApi):
    """A customer's wallet (one you may see; another's is not found)."""

    permission_classes = STAFF_PERMISSIONS

    @extend_schema(responses=WalletPageOut)
    def get(self, request, pk: int):
        return self.answer(get_object_or_404(customers_visible_to(request.user), pk=pk))
