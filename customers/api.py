"""Staff API on customers: list with filters, one customer, create (with its login).

Marketing staff see only their own customers; another's customer is a 404.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from customers.models import Area, Customer
from customers.selectors import customers_visible_to, matching
from customers.services import CustomerDetails, create_customer
from earlybird import roles
from earlybird.api import BAD_REQUEST, STAFF_PERMISSIONS
from earlybird.bounds import AmountInput

User = get_user_model()

MAY_ADD_CUSTOMERS = (roles.ADMIN, roles.MARKETING, roles.SUPPORT)


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name, phone or code")
    delivery_boy = django_filters.NumberFilter(
        field_name="route_stop__delivery_boy", label="Delivery boy id"
    )

    class Meta:
        model = Customer
        fields = ["status", "area", "marketing_staff"]

    def filter_search(self, queryset, name, value):
        return matching(queryset, value)


class CustomerOut(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True)
    map_link = serializers.CharField(read_only=True, help_text="A map URL, or empty.")

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "phone",
            "status",
            "area",
            "area_name",
            "address",
            "landmark",
            "map_link",
            "latitude",
            "longitude",
            "marketing_staff",
            "opening_balance",
            "trial_started_on",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class CustomerIn(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=20, help_text="Indian mobile number.")
    status = serializers.ChoiceField(Customer.Status.choices, default=Customer.Status.TRIAL)
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.filter(is_active=True), allow_null=True, default=None
    )
    address = serializers.CharField(allow_blank=True, default="")
    landmark = serializers.CharField(max_length=200, allow_blank=True, default="")
    map_link = serializers.URLField(max_length=500, allow_blank=True, default="")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, allow_null=True, default=None
    )
    marketing_staff = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(groups__name=roles.MARKETING),
        allow_null=True,
        default=None,
        help_text="A marketing user; marketing staff may only add their own customers.",
    )
    opening_balance = AmountInput(allow_negative=True, default=0)
    notes = serializers.CharField(allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, allow_blank=True, default="")
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=128,
        trim_whitespace=False,
        help_text="The customer's login password; none = set later by a link.",
    )

    def validate(self, attrs):
        user = self.context["request"].user
        if roles.has_role(user, roles.MARKETING) and not roles.has_role(
            user, roles.ADMIN, roles.SUPPORT
        ):
            if attrs["marketing_staff"] not in (None, user):
                raise serializers.ValidationError(
                    {"marketing_staff": "You can only add customers of your own."}
                )
            attrs["marketing_staff"] = user
        if (attrs["latitude"] is None) != (attrs["longitude"] is None):
            raise serializers.ValidationError(
                {"longitude": "Give both latitude and longitude, or neither."}
            )
        if attrs.get("password"):
            probe = User(username=attrs["phone"], first_name=attrs["name"], email=attrs["email"])
            try:
                validate_password(attrs["password"], user=probe)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class CustomerCreatedOut(CustomerOut):
    set_password_link = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="Created without a password: the link for the customer to set one, given "
        "this once (it works once, for PASSWORD_RESET_TIMEOUT). Null when a password was given.",
    )

    class Meta(CustomerOut.Meta):
        fields = [*CustomerOut.Meta.fields, "set_password_link"]
        read_only_fields = fields


def _customers(user):
    return customers_visible_to(user).select_related("area")


class CustomerListCreateApi(generics.ListAPIView):
    """GET: the customers this staff member may see. POST: a new customer and its login."""

    permission_classes = STAFF_PERMISSIONS
    allowed_roles = {"GET": roles.STAFF_ROLES, "POST": MAY_ADD_CUSTOMERS}
    serializer_class = CustomerOut
    filterset_class = CustomerFilter
    # (customer, request) -> the absolute set-password link; the URL map (web.api_urls)
    # gives the customer pages' own, which live above this app.
    set_password_link = None

    def get_queryset(self):
        return _customers(self.request.user)

    @extend_schema(request=CustomerIn, responses={201: CustomerCreatedOut, 400: BAD_REQUEST})
    def post(self, request):
        data = CustomerIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        password = fields.pop("password", "") or None
        customer = create_customer(
            details=CustomerDetails(**fields), password=password, by=request.user
        )
        customer.set_password_link = (
            self.set_password_link(customer, request=request)
            if password is None and self.set_password_link is not None
            else None
        )
        return Response(CustomerCreatedOut(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(generics.RetrieveAPIView):
    """One customer, if this staff member may see it (else 404)."""

    permission_classes = STAFF_PERMISSIONS
    allowed_roles = roles.STAFF_ROLES
    serializer_class = CustomerOut

    def get_queryset(self):
        return _customers(self.request.user)
