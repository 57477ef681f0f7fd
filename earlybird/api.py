"""API plumbing shared by every app's api.py: one exception handler, who may call what.

Errors, everywhere in the API:
- 400 with a field-level reason: ``{"field": ["message", ...]}``; reasons that belong to
  no single field come under ``non_field_errors``. Services raise Django's
  ValidationError; the handler turns it into DRF's.
- 401 when no (valid) credentials were sent, with ``WWW-Authenticate: Token``.
- 403 when the caller's role may not use the endpoint at all.
- 404 for an object the caller may not see (querysets are scoped, so it is not found).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from earlybird.access import TablePermission


def exception_handler(exc, context):
    """Services raise Django's ValidationError: answer 400 with the field-level reason."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_detail(exc))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # The session authenticator comes first in the settings and has no
        # WWW-Authenticate challenge, so DRF would answer 403: missing credentials are 401.
        exc.status_code = 401
        exc.auth_header = TokenAuthentication.keyword
    return drf_exception_handler(exc, context)


def validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def reason_for_field(exc: DjangoValidationError, field: str) -> DjangoValidationError:
    """A reason without a field (the cut-off, an overlapping pause), put on `field`."""
    if hasattr(exc, "error_dict"):
        return exc
    return DjangoValidationError({field: exc.messages})


# Which roles may use an operation is the access table's business (earlybird/access.py).
RolePermission = TablePermission


class IsCustomer(BasePermission):
    """A logged-in customer (a user with a Customer row); `request.user.customer` is his."""

    message = "Only customers may use this part of the API."

    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and hasattr(request.user, "customer")


class IsDeliveryBoy(BasePermission):
    """An active delivery boy; `request.user.delivery_boy` is he."""

    message = "Only delivery boys may use this part of the API."

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        boy = getattr(request.user, "delivery_boy", None)
        return boy is not None and boy.is_active


STAFF_PERMISSIONS = [IsAuthenticated, TablePermission]
CUSTOMER_PERMISSIONS = [IsAuthenticated, TablePermission, IsCustomer]
DELIVERY_BOY_PERMISSIONS = [IsAuthenticated, TablePermission, IsDeliveryBoy]

# Documented error answers (each is a JSON object; a 400 names the fields).
BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Refused: {"field": ["reason", ...]}; "non_field_errors" for the rest.',
)
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No such object, or not yours.")


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
