"""Log in with a phone number (customers, delivery boys) or a username (staff), with
failed logins throttled (see earlybird.throttle).

Every login path calls django.contrib.auth.authenticate, which asks this backend: a
locked-out username or address raises PermissionDenied (Django then stops and answers
"no user"), before the password is even looked at. The login forms below check the
same throttle so that the person sees why: "Too many failed attempts; try again in 15
minutes." rather than "wrong password".
"""

from contextvars import ContextVar

from asgiref.sync import sync_to_async
from django import forms
from django.contrib import auth
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject

from earlybird import plain_reads, throttle
from earlybird.phones import InvalidPhone, normalise_phone
from earlybird.roles import ROLES_SQL, remember_roles


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        message = throttle.refusal(request, username)
        if message is not None:
            raise PermissionDenied(message)
        try:
            username = normalise_phone(username)
        except InvalidPhone:
            pass  # not a phone number: a staff username
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.register_failure(request, username)
        else:
            throttle.register_success(request, username)
        return user

    def get_user(self, user_id):
        """The request's signed-in user, with their role names read in the same plain
        statement (every page asks for them: earlybird.roles); none at all when the
        request's session read them already (SessionUserMiddleware)."""
        session = _request_session.get()
        user = getattr(session, "signed_in", None)
        if user is not None and str(user.pk) == str(user_id):
            return user if self.user_can_authenticate(user) else None
        found = plain_reads.one(get_user_model(), "t.id = %s", [user_id], also=ROLES_SQL)
        if found is None or not self.user_can_authenticate(found[0]):
            return None
        user, (group_names,) = found
        remember_roles(user, group_names)
        return user

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        # ModelBackend's own async version would skip the phone and the throttle.
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )


class ThrottledLoginMixin:
    """For an AuthenticationForm: say "too many attempts" instead of "wrong password"
    when the throttle refuses, whether it did so before this attempt or because of it.
    The message is the same for an unknown username, so it tells nothing about
    accounts."""

    def clean(self):
        username = self.cleaned_data.get("username")
        message = throttle.refusal(self.request, username) if username else None
        if message is not None:
            raise forms.ValidationError(message, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            message = throttle.refusal(self.request, username) if username else None
            if message is not None:
                raise forms.ValidationError(message, code="throttled") from None
            raise


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """For LoginView(authentication_form=...): /login/, /d/login/, /me/login/."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """For admin.site.login_form."""


# The session of the request whose user Django's get_user is looking up, if any.
_request_session: ContextVar = ContextVar("earlybird_request_session", default=None)


def _session_user(request):
    """Django's own get_user (the session's login, its password hash checked), given the
    user the session was read with (earlybird.sessions) while it runs."""
    if not hasattr(request, "_cached_user"):
        token = _request_session.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _request_session.reset(token)
    return request._cached_user


class SessionUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, whose user comes from the session's own read."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _session_user(request))
