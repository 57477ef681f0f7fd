"""What every app's admin shares, and the admin for the code counters.

The admin writes through the services, like every other interface. Where a service hands
back the row it saved, `adopt` makes the admin's own instance that row, so the admin logs
the change and redirects to the right object.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import get_random_string
from simple_history.admin import SimpleHistoryAdmin

from earlybird import roles
from earlybird.models import CodeCounter

User = get_user_model()

AUDIT_FIELDS = ("created_at", "updated_at")

# No look-alikes (0/O, 1/l/I): the password is read out to a customer or a delivery boy.
_READABLE_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def adopt(target: Model, saved: Model) -> None:
    """Turn the admin's unsaved instance into the row a service created."""
    target.__dict__.update(saved.__dict__)


def generate_password() -> str:
    """A strong random password (about 71 bits), easy to read out."""
    return get_random_string(12, _READABLE_CHARS)


def new_password_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave blank to generate a strong password, shown once after saving.",
    )


def check_new_password(form: forms.Form, *, username: str, name: str) -> None:
    """Put the password validators' complaints on the form's password field."""
    password = form.cleaned_data.get("password")
    if not password:
        return
    try:
        password_validation.validate_password(
            password, user=User(username=username, first_name=name[:150])
        )
    except forms.ValidationError as exc:
        form.add_error("password", exc)


def announce_password(request: HttpRequest, *, who: str, username: str, password: str) -> None:
    messages.success(
        request,
        f"{who} logs in with {username} and the password {password} "
        "(hand it over now: it is not shown again).",
    )


def staff_users() -> QuerySet:
    """Users who can be named as staff on a record (not the thousands of customer logins)."""
    return User.objects.filter(Q(is_staff=True) | Q(groups__name__in=roles.STAFF_ROLES)).distinct()


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages for reading only: a revert would write old values past the services."""

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("Reverting from the history is turned off.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyMixin:
    """For rows that only a service or a command writes: the admin shows them."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CodeCounter)
class CodeCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Counters move only through earlybird.codes, inside the transaction that uses a code."""

    list_display = ("prefix", "key", "last_value")
    list_filter = ("prefix",)
    search_fields = ("key",)
