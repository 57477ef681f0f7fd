"""Customers (under me/): their subscriptions, pauses and resumes, day overrides (0 = skip),
one-time orders and their cancellation — every change subject to the cut-off the evening
before."""

from datetime import date, timedelta

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from earlybird.api import BAD_REQUEST, CUSTOMER_PERMISSIONS, NOT_FOUND, reason_for_field
from orders.api.serializers import (
    OneTimeOrderIn,
    OrderOut,
    OverrideIn,
    OverrideOut,
    OverrideSetOut,
    PauseIn,
    PauseOut,
    ResumeIn,
    SubscriptionOut,
    line_specs,
    orders_with_lines,
)
from orders.models import DayOverride, Order, OrderPause
from orders.services import (
    cancel_one_time_order,
    check_customer_cutoff,
    create_one_time_order,
    customer_cutoff_passed,
    pause_order,
    resume_order,
    set_day_override,
)


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
