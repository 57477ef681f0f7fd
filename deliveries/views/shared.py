"""The substitute's pages at /s/<token>/: a shared link, no login.

One route (delivery boy and shift), today only, while the link is valid. Every request
is rate-limited per IP and per link; a token that opens nothing (unknown, tampered,
malformed, expired, revoked, outside its dates) gets the same plain page and the
request writes nothing; opening a valid link writes nothing either (a day with nothing
generated says so). The substitute types their name once (kept in a signed cookie,
per link); every confirmation records it with the link, the IP and the user agent.
"""

import base64
import binascii
import dataclasses
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from deliveries import selectors, services
from deliveries.forms import StopConfirmForm, SubstituteNameForm
from deliveries.models import Delivery, DeliveryLink
from deliveries.ratelimit import shared_link_rate_limited


def not_valid(request):
    return render(request, "deliveries/shared/not_valid.html", status=404)


def link_required(view):
    """Open the link the token names, or the not-valid page (read-only, no hints why)."""

    @wraps(view)
    def wrapper(request, *args, token: str, **kwargs):
        link = services.valid_link(token)
        if link is None:
            return not_valid(request)
        return view(request, link, token, *args, **kwargs)

    return wrapper


def _name_cookie(link: DeliveryLink) -> str:
    return f"earlybird_substitute_{link.pk}"


def _name_salt(link: DeliveryLink) -> str:
    # v2: the name is base64 inside the signature (v1 cookies, plain, are simply not read).
    return f"deliveries.shared.name.v2.{link.pk}"


def _encode_name(name: str) -> str:
    """A cookie value is Latin-1 on the wire (gunicorn refuses anything else): any name,
    Telugu or Hindi as well as English, goes as URL-safe base64 of its UTF-8."""
    return base64.urlsafe_b64encode(name.encode()).decode("ascii")


def _decode_name(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value.encode("ascii")).decode()
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError
        return ""


def typed_name(request, link: DeliveryLink) -> str:
    """The name typed on this link in this browser, or "" (signed: cannot be forged or
    carried over to another link)."""
    value = request.get_signed_cookie(_name_cookie(link), default="", salt=_name_salt(link))
    name = _decode_name(value)
    return name if 2 <= len(name) <= 100 else ""


def _remember_name(response, link: DeliveryLink, name: str) -> None:
    max_age = max(int((link.expires_at - timezone.now()).total_seconds()), 0)
    response.set_signed_cookie(
        _name_cookie(link),
        _encode_name(name),
        salt=_name_salt(link),
        max_age=max_age,
        path="/s/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _confirmer(request, link: DeliveryLink, name: str) -> services.Confirmer:
    # A substitute has no login: the typed name and the link say who it was.
    confirmer = services.Confirmer.from_request(
        request, via=Delivery.Via.SHARED_LINK, name=name, link=link
    )
    return dataclasses.replace(confirmer, user=None)


def _stop_deliveries(link: DeliveryLink, customer_id: int) -> list[Delivery]:
    """Today's deliveries of one customer on the link's route and shift, else 404."""
    deliveries = selectors.stop_deliveries(
        delivery_boy_id=link.delivery_boy_id,
        customer_id=customer_id,
        day=timezone.localdate(),
        shift=link.shift,
    )
    if not deliveries:
        raise Http404("No such stop on this route today.")
    return deliveries


def _back_to_route(token: str, customer_id: int):
    return redirect(f"{reverse('shared:route', kwargs={'token': token})}#stop-{customer_id}")


@never_cache
@require_safe
@shared_link_rate_limited
def no_token(request, token: str = ""):
    return not_valid(request)


@never_cache
@require_safe
@shared_link_rate_limited
@link_required
def route(request, link: DeliveryLink, token: str):
    name = typed_name(request, link)
    if not name:
        return render(
            request,
            "deliveries/shared/name.html",
            {"link": link, "token": token, "form": SubstituteNameForm()},
        )
    today = timezone.localdate()
    stops = selectors.route_with_holds(delivery_boy=link.delivery_boy, day=today, shift=link.shift)
    return render(
        request,
        "deliveries/shared/route.html",
        {
            "link": link,
            "token": token,
            "name": name,
            "day": today,
            "shift": link.shift,
            "stops": stops,
            "generated": bool(stops) or selectors.day_is_generated(day=today),
            "done": sum(stop.is_done for stop in stops),
            "to_deliver": sum(bool(stop.deliveries) for stop in stops),
            "reasons": Delivery.Reason.choices,
        },
    )


@never_cache
@require_POST
@shared_link_rate_limited
@link_required
def set_name(request, link: DeliveryLink, token: str):
    form = SubstituteNameForm(request.POST)
    if not form.is_valid():
        return render(
            request, "deliveries/shared/name.html", {"link": link, "token": token, "form": form}
        )
    response = redirect("shared:route", token=token)
    _remember_name(response, link, form.cleaned_data["name"])
    return response


@require_POST
@shared_link_rate_limited
@link_required
def confirm_stop(request, link: DeliveryLink, token: str, customer_id: int):
    deliveries = _stop_deliveries(link, customer_id)
    name = typed_name(request, link)
    if not name:
        messages.error(request, _("Type your name before confirming."))
        return redirect("shared:route", token=token)
    customer = deliveries[0].customer
    form = StopConfirmForm(request.POST, deliveries=deliveries)
    if form.is_valid():
        try:
            services.confirm_stop(
                quantities=form.quantities(),
                reason=form.cleaned_data.get("reason", ""),
                by=_confirmer(request, link, name),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{customer.name}: {form.summary()}.")
    else:
        messages.error(request, form.error_text())
    return _back_to_route(token, customer_id)


@require_POST
@shared_link_rate_limited
@link_required
def undo_stop(request, link: DeliveryLink, token: str, customer_id: int):
    deliveries = _stop_deliveries(link, customer_id)
    name = typed_name(request, link)
    if not name:
        messages.error(request, _("Type your name first."))
        return redirect("shared:route", token=token)
    customer = deliveries[0].customer
    try:
        services.undo_stop(deliveries=deliveries, by=_confirmer(request, link, name))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(customer)s: back to not done.") % {"customer": customer.name}
        )
    return _back_to_route(token, customer_id)
