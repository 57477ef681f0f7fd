"""API on online payments, for customers (under me/): a payment link to recharge the
wallet or to pay an issued bill. The payment itself is recorded by the gateway's webhook
(POST /hooks/razorpay/, billing.gateway.webhooks), not by these calls.

Asking twice for the same thing gives the same open link back (200 instead of 201), so
no Idempotency-Key is needed: nothing is paid until the customer pays the link.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from billing.gateway.base import GatewayError
from billing.gateway.models import PaymentLink
from billing.selectors import issued_bills
from billing.services.online_payments import create_payment_link
from earlybird.api import BAD_REQUEST, CUSTOMER_PERMISSIONS
from earlybird.bounds import AmountInput


class GatewayUnavailable(APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "The payment gateway could not make the link; try again later."
    default_code = "gateway_unavailable"


class PaymentLinkOut(serializers.ModelSerializer):
    class Meta:
        model = PaymentLink
        fields = ["id", "purpose", "bill", "amount", "short_url", "status", "expires_at"]
        read_only_fields = fields


class RechargeIn(serializers.Serializer):
    amount = AmountInput(help_text="Rupees to put in the wallet, at most PAYMENT_MAX_AMOUNT.")


LINK_RESPONSES = {
    200: OpenApiResponse(PaymentLinkOut, description="An open link made earlier, the same."),
    201: OpenApiResponse(PaymentLinkOut, description="A new link."),
    400: BAD_REQUEST,
    502: OpenApiResponse(description="The gateway refused or could not be reached."),
}


def _answer(make) -> Response:
    try:
        link, made = make()
    except GatewayError as exc:
        raise GatewayUnavailable(str(exc)) from exc
    return Response(PaymentLinkOut(link).data, status=201 if made else 200)


class MeRechargeLinkApi(generics.GenericAPIView):
    """A link to recharge your wallet with `amount` (online payments must be set up)."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = RechargeIn

    @extend_schema(request=RechargeIn, responses=LINK_RESPONSES)
    def post(self, request):
        data = RechargeIn(data=request.data)
        data.is_valid(raise_exception=True)
        return _answer(
            lambda: create_payment_link(
                customer=request.user.customer,
                purpose=PaymentLink.Purpose.WALLET,
                amount=data.validated_data["amount"],
                by=request.user,
            )
        )


class MeBillPaymentLinkApi(generics.GenericAPIView):
    """A link to pay what is still due on one of your issued bills."""

    permission_classes = CUSTOMER_PERMISSIONS
    serializer_class = PaymentLinkOut

    @extend_schema(request=None, responses=LINK_RESPONSES)
    def post(self, request, pk: int):
        bill = get_object_or_404(issued_bills(customer=request.user.customer), pk=pk)
        return _answer(
            lambda: create_payment_link(
                customer=request.user.customer,
                purpose=PaymentLink.Purpose.BILL,
                bill=bill,
                by=request.user,
            )
        )
