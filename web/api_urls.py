"""The REST API, mounted at /api/: version 1 under /api/v1/, the OpenAPI schema at
/api/schema/ and its browsable documentation at /api/docs/."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from billing import api as billing
from billing import wallet_api
from billing.gateway import api as online
from customers import api as customers
from deliveries import api as deliveries
from earlybird import throttle
from earlybird.api import BAD_REQUEST
from orders import api as orders
from web.portal.access import set_password_link

app_name = "api"


class ThrottledAuthTokenSerializer(AuthTokenSerializer):
    """Failed logins are throttled in authenticate() (earlybird.throttle) like on every
    login path; here a refused attempt says so with a 429 rather than "wrong password"."""

    def validate(self, attrs):
        request, username = self.context.get("request"), attrs.get("username")
        if message := throttle.refusal(request, username):
            raise exceptions.Throttled(detail=message)
        try:
            return super().validate(attrs)
        except exceptions.ValidationError:
            if message := throttle.refusal(request, username):
                raise exceptions.Throttled(detail=message) from None
            raise


class TokenApi(ObtainAuthToken):
    """A token for `Authorization: Token <key>`, from a phone number (customers, delivery
    boys) or a username (staff) and the password."""

    authentication_classes: list = []  # no session, so no CSRF check on a login
    serializer_class = ThrottledAuthTokenSerializer

    @extend_schema(
        responses={
            200: ThrottledAuthTokenSerializer,
            400: BAD_REQUEST,
            429: OpenApiResponse(description="Too many failed attempts; try again later."),
        }
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


v1 = [
    path("auth/token/", TokenApi.as_view(), name="token"),
    # customers: their own account
    path("me/", billing.MeApi.as_view(), name="me"),
    path("me/deliveries/", deliveries.MeDeliveryListApi.as_view(), name="me-deliveries"),
    path("me/subscriptions/", orders.MeSubscriptionListApi.as_view(), name="me-subscriptions"),
    path("me/pauses/", orders.MePauseListCreateApi.as_view(), name="me-pauses"),
    path("me/pauses/<int:pk>/resume/", orders.MePauseResumeApi.as_view(), name="me-pause-resume"),
    path("me/overrides/", orders.MeOverrideListCreateApi.as_view(), name="me-overrides"),
    path("me/orders/", orders.MeOrderListCreateApi.as_view(), name="me-orders"),
    path("me/orders/<int:pk>/cancel/", orders.MeOrderCancelApi.as_view(), name="me-order-cancel"),
    path("me/bills/", billing.MeBillListApi.as_view(), name="me-bills"),
    path("me/payments/", billing.MePaymentListApi.as_view(), name="me-payments"),
    path("me/wallet/", wallet_api.MeWalletApi.as_view(), name="me-wallet"),
    path(
        "me/wallet/recharge-link/",
        online.MeRechargeLinkApi.as_view(),
        name="me-wallet-recharge-link",
    ),
    path(
        "me/bills/<int:pk>/payment-link/",
        online.MeBillPaymentLinkApi.as_view(),
        name="me-bill-payment-link",
    ),
    # delivery boys (and staff corrections)
    path("route/", deliveries.RouteApi.as_view(), name="route"),
    path(
        "deliveries/<int:pk>/confirm/",
        deliveries.DeliveryConfirmApi.as_view(),
        name="delivery-confirm",
    ),
    # staff
    path(
        "customers/",
        customers.CustomerListCreateApi.as_view(set_password_link=set_password_link),
        name="customers",
    ),
    path("customers/<int:pk>/", customers.CustomerDetailApi.as_view(), name="customer"),
    path(
        "customers/<int:pk>/wallet/",
        wallet_api.CustomerWalletApi.as_view(),
        name="customer-wallet",
    ),
    path("orders/", orders.OrderListCreateApi.as_view(), name="orders"),
    path("orders/<int:pk>/", orders.OrderDetailApi.as_view(), name="order"),
    path("deliveries/", deliveries.DeliveryListApi.as_view(), name="deliveries"),
    path("deliveries/<int:pk>/", deliveries.DeliveryDetailApi.as_view(), name="delivery"),
    path("payments/", billing.PaymentListCreateApi.as_view(), name="payments"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
]
