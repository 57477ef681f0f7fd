"""Pages drawn from a kept frame: the busiest pages' templates rendered once per process
for what stays the same from one request to the next, then filled in per request.

A frame is the template rendered with a marker where each of the request's own values
goes ("holes": rows, counts, one-time keys; and always the CSRF token and the path the
language switch returns to). It is kept under everything else the template reads: the
template, the language, the URL prefix, the person signed in (id, name, roles, staff
flag), the page's URL name and the caller's `frame` values. A request then only joins
strings, which costs a few microseconds where the template took most of a millisecond.

Rules for a framed template: a hole is written `{{ name }}` as it is (no filter, no
`{% if %}` on it: the frame saw only its marker), and every other value it reads is in
`frame`. A request with messages to show is drawn in full (messages are the request's),
and so is any page the caller does not frame: the template is the same either way, which
the tests compare byte for byte.
"""

import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from earlybird.kept import Kept
from earlybird.roles import role_names

# Private-use characters and a per-process nonce: no text of a page can forge a marker.
_NONCE = secrets.token_hex(4)
_START, _END = f"\ue000{_NONCE}:", "\ue001"
CSRF, PATH = "csrf_token", "full_path"

_frames = Kept(1024)  # frames per process: a few KB each


def marker(name: str) -> SafeString:
    # Our private-use characters, nonce and a hole's name we wrote: nothing to escape.
    return SafeString(f"{_START}{name}{_END}")  # nosec B703


class _FrameRequest:
    """The request as the frame's template sees it: its path is a hole."""

    def __init__(self, request):
        self._request = request

    def get_full_path(self) -> SafeString:
        return marker(PATH)

    def __getattr__(self, name):
        return getattr(self._request, name)


def render_framed(
    request, template_name: str, frame: dict, holes: dict, *, drawn_from: dict | None = None
) -> HttpResponse:
    """The page `template_name` with `frame` (hashable values: the frame's key) and
    `holes` (each request's: a SafeString as it is, anything else escaped). `drawn_from`:
    the objects the values were read from, passed to the template only when it is drawn
    in full, for whoever reads the response's context (tests); the template never uses
    them (web/tests/test_page_frames.py compares both drawings)."""
    filled = {name: conditional_escape(value) for name, value in holes.items()}
    if not settings.KEEP_PAGE_FRAMES or len(get_messages(request)):
        context = {**(drawn_from or {}), **frame, **filled}
        return HttpResponse(get_template(template_name).render(context, request))
    user = request.user
    match = request.resolver_match
    key = (
        template_name,
        get_language(),
        get_script_prefix(),
        user.pk,
        user.get_username(),
        user.is_staff,
        frozenset(role_names(user)),
        match.view_name if match else "",
        tuple(sorted(frame.items())),
        tuple(sorted(holes)),
    )
    parts = _frames.get(key)
    if parts is None:
        parts = _frames.keep(key, _frame(request, template_name, frame, holes))
    values = {CSRF: get_token(request), PATH: conditional_escape(request.get_full_path()), **filled}
    # parts: the frame's text at even places, the names of the holes at odd ones.
    return HttpResponse(
        "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts))
    )


def _frame(request, template_name: str, frame: dict, holes: dict) -> tuple[str, ...]:
    context = {**frame, **{name: marker(name) for name in holes}}
    context[CSRF] = marker(CSRF)
    context["request"] = _FrameRequest(request)
    text = get_template(template_name).render(context, request)
    first, *marked = text.split(_START)
    parts = [first]
    for piece in marked:  # "name<end>text that follows"
        parts.extend(piece.partition(_END)[::2])
    return tuple(parts)
