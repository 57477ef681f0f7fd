"""Doing a money write once, however many times it is sent.

One mechanism for forms and the API: a key, claimed in a table of used keys
(`earlybird.models.IdempotencyKey`, unique per user and key) in the same transaction as the
write it guards, and pointing at what the write made.

* A form carries a one-time key the server issued when it drew the form (`OnceFormMixin`:
  a hidden field ``once``). The key is random and signed for the user and the form, not
  stored, so drawing a form writes nothing (GET never writes); a key the server did not
  issue is refused and the form comes back with a fresh one.
* An API call carries an ``Idempotency-Key`` header chosen by the client (`api_once`):
  a new key for each new operation, the same key for a retry.

`once()` claims the key — ``INSERT … ON CONFLICT DO NOTHING`` — then runs the write and
records its result (the object made, what the first answer said) on the key's row, all in
one transaction. A second request with the key does not write: it gets the first result
(`Outcome.replayed`), and is told whether it asked the same thing (`Outcome.same_request`,
from a digest of the request's content): the API refuses a different body (422); a form
shows the first result. A second request sent while the first is still working waits at
the unique index until the first commits, then gets its result; if the first failed, its
claim rolled back with it and the key is free again (a form refused for a bad value keeps
its key, so the corrected form goes through once).

Work that commits on its own, in several transactions (a billing run records its run row
first so pages can show it while it works), passes ``commits_itself=True``: the claim is
committed first and deleted again if the work fails; a repeat meanwhile is told the work
is under way (`Outcome.in_progress`). Call it outside any transaction.

Lock order: the claim comes before any other lock of the transaction (earlybird/locks.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signing import BadSignature, Signer
from django.db import connection, models, transaction
from django.shortcuts import redirect
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from earlybird.models import IdempotencyKey

KEY_MAX_LENGTH = 100
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
FORM_FIELD = "once"
# An API key: what a UUID, a ULID or a random token looks like; no spaces, no oddities.
_HEADER_KEY = re.compile(rf"[A-Za-z0-9_.:-]{{8,{KEY_MAX_LENGTH}}}")
_FORM_SALT = "earlybird.idempotency.form"
# Request fields that are not its content: the CSRF token and the key itself.
_NOT_CONTENT = frozenset({"csrfmiddlewaretoken", FORM_FIELD})

STALE_FORM = "This form was out of date. Check it and send it again."
OTHER_DETAILS = (
    "This form had been sent already, so its new details were not recorded: "
    "open the form again to record them."
)
UNDER_WAY = "This was sent already and is still under way: look again in a moment."

Write = Callable[[], tuple[models.Model | None, dict[str, Any]]]


@dataclass(frozen=True)
class Outcome:
    """What `once` did: wrote now, or found the first result of the key."""

    target: models.Model | None  # what the write made (None if it is gone since)
    result: dict[str, Any] = field(default_factory=dict)  # what the first answer said
    replayed: bool = False  # the key was used before: nothing was written now
    same_request: bool = True  # ...by a request with the same content
    in_progress: bool = False  # ...whose work (commits_itself) has not finished


def fingerprint_of(content: Any) -> str:
    """A digest of a request's content (JSON-able data), the same whatever the key order."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def once(
    *,
    user,
    key: str,
    operation: str,
    content: Any,
    write: Write,
    commits_itself: bool = False,
) -> Outcome:
    """Run `write` once per (user, key). `write` returns (the object it made or None, a
    JSON-able dict of what the answer says); a repeat gets that back instead."""
    fingerprint = fingerprint_of(content)
    if not commits_itself:
        with transaction.atomic():
            claim = _claim(user, key, operation, fingerprint)
            if claim is None:
                return _replay(user, key, operation, fingerprint)
            target, result = write()
            result = result or {"done": True}
            _record(claim, target, result)
        return Outcome(target=target, result=result)
    with transaction.atomic():
        claim = _claim(user, key, operation, fingerprint)
    if claim is None:
        return _replay(user, key, operation, fingerprint)
    try:
        target, result = write()
    except BaseException:
        IdempotencyKey.objects.filter(pk=claim).delete()  # the key may be used again
        raise
    result = result or {"done": True}
    _record(claim, target, result)
    return Outcome(target=target, result=result)


_CLAIM = """
    INSERT INTO earlybird_idempotencykey
           (user_id, key, operation, fingerprint, result, created_at)
    VALUES (%(user)s, %(key)s, %(operation)s, %(fingerprint)s, '{}'::jsonb, %(now)s)
    ON CONFLICT (user_id, key) DO NOTHING
    RETURNING id
"""


def _claim(user, key: str, operation: str, fingerprint: str) -> int | None:
    """The new row's id, or None when the key was used (waits for a claim in flight)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM,
            {
                "user": user.pk,
                "key": key,
                "operation": operation,
                "fingerprint": fingerprint,
                "now": timezone.now(),
            },
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _record(claim: int, target: models.Model | None, result: dict[str, Any]) -> None:
    """What the write made and answered, on its key (an empty result reads "under way")."""
    IdempotencyKey.objects.filter(pk=claim).update(
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        result=result,
    )


def _replay(user, key: str, operation: str, fingerprint: str) -> Outcome:
    earlier = IdempotencyKey.objects.get(user=user, key=key)
    return Outcome(
        target=earlier.target if earlier.content_type_id else None,
        result=earlier.result,
        replayed=True,
        same_request=(earlier.operation, earlier.fingerprint) == (operation, fingerprint),
        in_progress=not earlier.result,
    )


# --- forms ---------------------------------------------------------------------------------


def _signer(user, operation: str) -> Signer:
    return Signer(salt=f"{_FORM_SALT}:{operation}:{user.pk}")


def issue_form_key(*, user, operation: str) -> str:
    """A new one-time key for `user`'s form `operation` (random, signed; not stored)."""
    return _signer(user, operation).sign(secrets.token_urlsafe(18))


def is_issued_form_key(key: str, *, user, operation: str) -> bool:
    if not key or len(key) > KEY_MAX_LENGTH:
        return False
    try:
        _signer(user, operation).unsign(key)
    except BadSignature:
        return False
    return True


class OnceFormMixin:
    """A form sent once: a hidden one-time key (``once``) issued for this user and this
    form when the form is drawn. Set `once_operation` (the view's URL name); build the form
    with ``user=request.user``; hand a valid form to `form_once`."""

    once_operation = ""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.once_user = user
        self.fields[FORM_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=KEY_MAX_LENGTH
        )
        if not self.is_bound:
            self.initial[FORM_FIELD] = self._new_key()

    def _new_key(self) -> str:
        return issue_form_key(user=self.once_user, operation=self.once_operation)

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get(FORM_FIELD) or ""
        if not is_issued_form_key(key, user=self.once_user, operation=self.once_operation):
            # Drawn again with a key that works: the next send goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix(FORM_FIELD)] = self._new_key()
            raise forms.ValidationError(STALE_FORM, code="stale_form")
        return cleaned


def form_result(*, redirect_to: str, message: str, replay: str) -> dict[str, str]:
    """What a form's write answers: where to go, what to say now, what to say to a repeat."""
    return {"redirect": redirect_to, "message": message, "replay": replay}


def form_once(request, form, *, write: Write, fallback: str, commits_itself: bool = False):
    """Run a valid once-form's write once; the message and the redirect of its result (a
    repeat: the first result, "Already …"). `fallback`: where to go while it is under way.
    The service's refusals (ValidationError, PermissionDenied) are the caller's to show."""
    content = {name: values for name, values in form.data.lists() if name not in _NOT_CONTENT}
    outcome = once(
        user=request.user,
        key=form.cleaned_data[FORM_FIELD],
        operation=form.once_operation,
        content=content,
        write=write,
        commits_itself=commits_itself,
    )
    if outcome.in_progress:
        messages.info(request, UNDER_WAY)
        return redirect(fallback)
    if outcome.replayed:
        said = outcome.result.get("replay") or "Already done."
        if not outcome.same_request:  # e.g. a form sent, then "back", changed and sent again
            said = f"{said} {OTHER_DETAILS}"
        messages.info(request, said)
    else:
        messages.success(request, outcome.result["message"])
    return redirect(outcome.result.get("redirect") or fallback)


# --- the API -------------------------------------------------------------------------------


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used for another request."
    default_code = "idempotency_key_reused"


def header_key(request) -> str:
    key = (request.headers.get(HEADER) or "").strip()
    if not _HEADER_KEY.fullmatch(key):
        raise serializers.ValidationError(
            {
                HEADER: [
                    f"Send an {HEADER} header of 8 to {KEY_MAX_LENGTH} letters, digits or "
                    "_ . : - (a UUID will do): a new key for each new request, the same key "
                    "when you send that request again."
                ]
            }
        )
    return key


def api_result(data: Any, status_code: int = status.HTTP_201_CREATED) -> dict[str, Any]:
    """What an API write answers, kept for its repeats."""
    return {"status": status_code, "body": data}


def api_once(request, *, operation: str, write: Write) -> Response:
    """Run an API write once per Idempotency-Key: a repeat with the same body gets the first
    answer again (with ``Idempotent-Replayed: true``); with another body, 422 and why."""
    key = header_key(request)
    data = request.data
    content = dict(data.lists()) if hasattr(data, "lists") else data
    outcome = once(user=request.user, key=key, operation=operation, content=content, write=write)
    if outcome.replayed and not outcome.same_request:
        what = f" ({outcome.target})" if outcome.target is not None else ""
        raise KeyReused(
            {
                HEADER: [
                    f"This key was used for another request{what}; nothing was written. "
                    "Use a new key for a new request."
                ]
            }
        )
    headers = {REPLAYED_HEADER: "true"} if outcome.replayed else None
    return Response(outcome.result["body"], status=outcome.result["status"], headers=headers)
