"""Each person's language on the phone pages (/d/, /s/, /me/): English, Telugu or Hindi
(settings.LANGUAGES).

A signed-in person's choice is saved on their profile (UserProfile.language) and copied
into the session when they log in, so the middleware reads it with no query of its own;
anyone else (a shared link's substitute, a visitor) keeps theirs in Django's language
cookie, which LocaleMiddleware reads with Accept-Language. The language buttons
(templates/_language_switch.html) post to `switch_language`, which saves both.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from earlybird.models import UserProfile

SESSION_KEY = "earlybird_language"  # the profile's language, copied at login
# The pages that speak Telugu and Hindi: the delivery boy's, the substitute's and the
# customer's. Staff pages and the admin stay in Indian English whatever the browser asks
# (half-translated pages help nobody).
PHONE_PAGES = ("/d/", "/s/", "/me/")


def supported(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


# --- the one write ------------------------------------------------------------------------


def save_language(*, user, language: str) -> UserProfile:
    """Save `language` as the person's own (a code of settings.LANGUAGES)."""
    if not supported(language):
        raise ValidationError(f"Unknown language {language!r}.", code="language")
    with transaction.atomic():
        profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
        if profile.language != language:
            profile.language = language
            profile.full_clean()
            profile.save(update_fields=["language"])
    return profile


# --- reading it back ------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="earlybird.i18n.remember_language")
def remember_language(sender, request, user, **kwargs):
    """At login (a POST that writes the session anyway) copy the saved language into the
    session: every later page reads it from there."""
    if request is None or not hasattr(request, "session"):
        return
    language = (
        UserProfile.objects.filter(user=user).values_list("language", flat=True).first() or ""
    )
    if supported(language):
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)


class UserLanguageMiddleware:
    """After AuthenticationMiddleware, on the phone pages: the signed-in person's saved
    language wins over the cookie and Accept-Language that LocaleMiddleware went by (only
    a signed-in session carries the key; logging out flushes it). Elsewhere: English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PHONE_PAGES):
            language = settings.LANGUAGE_CODE
        else:
            session = getattr(request, "session", None)
            language = session.get(SESSION_KEY, "") if session is not None else ""
        if supported(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# --- the buttons --------------------------------------------------------------------------


def _back(request) -> str:
    """Where the button was pressed (the form's `next`, else the Referer), if it is ours."""
    for candidate in (request.POST.get("next", ""), request.META.get("HTTP_REFERER", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


@require_POST
def switch_language(request):
    """POST language=<code>: saved on the profile when signed in, and in the cookie;
    back to the page it came from. An unknown code changes nothing: 400 with the reason."""
    language = request.POST.get("language", "")
    if not supported(language):
        choices = ", ".join(code for code, _name in settings.LANGUAGES)
        return HttpResponseBadRequest(
            f"Unknown language: choose one of {choices}.", content_type="text/plain"
        )
    if request.user.is_authenticated:
        save_language(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    response = HttpResponseRedirect(_back(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
