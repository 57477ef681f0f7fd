"""What every app's admin shares, and the admin for the code counters.

The admin writes through the services, like every other interface (ServiceAdminMixin
turns a service's refusal into form errors). Where a service hands back the row it saved,
`adopt` makes the admin's own instance that row, so the admin logs the change and
redirects to the right object.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
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


def refusal_messages(exc: ValidationError | PermissionDenied) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc) or "You may not do this."])


def add_refusal(form: forms.BaseForm, exc: ValidationError | PermissionDenied) -> None:
    """A service's refusal as the form's errors: on a field the form shows, else on top."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            shown = field in form.fields and not form.fields[field].disabled
            form.add_error(field if shown else None, errors)
        return
    form.add_error(None, refusal_messages(exc))


class ServiceAdminMixin:
    """For an admin whose saves and deletes call the services (save_model, save_formset,
    delete_model): a service's refusal (ValidationError, or PermissionDenied for a role it
    reserves) rolls the whole save back and comes back as errors on the form, the input
    kept, or as a message after a delete; never a 500.

    Inline rows go through save_formset: the default refuses to write any row, so an admin
    with editable inlines routes each of them to a service.
    """

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as exc:
            if request.method != "POST" or hasattr(request, "_service_refusal"):
                raise  # the admin's own refusal (403) raises again before any form
            # Render the form again with the refusal as its error: nothing is saved.
            request._service_refusal = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class Refused(form_class):
            def clean(self):
                cleaned = super().clean()
                add_refusal(self, refusal)
                return cleaned

        Refused.__name__ = form_class.__name__
        return Refused

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, PermissionDenied) as exc:
            obj = self.get_object(request, unquote(object_id))
            if (
                request.method != "POST"
                or obj is None
                or not self.has_delete_permission(request, obj)
            ):
                raise
            for message in refusal_messages(exc):
                self.message_user(request, message, messages.ERROR)
            info = self.opts.app_label, self.opts.model_name
            url = reverse(
                "admin:{}_{}_change".format(*info), args=[obj.pk], current_app=self.admin_site.name
            )
            return HttpResponseRedirect(url)

    def get_actions(self, request: HttpRequest) -> dict:
        # A bulk delete would bypass the service's per-row rules: delete one at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        formset.save(commit=False)
        if formset.new_objects or formset.changed_objects or formset.deleted_objects:
            raise ImproperlyConfigured(
                f"{type(self).__name__} saves no {formset.model._meta.verbose_name} rows."
            )


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
