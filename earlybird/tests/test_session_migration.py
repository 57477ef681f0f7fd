"""Migration 0007 copies every live session into earlybird_session with its user's id:
nobody signed in is signed out by the upgrade."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.urls import reverse
from django.utils import timezone

from earlybird import roles
from earlybird.models import Session
from earlybird.tests.test_plain_reads import make_user

pytestmark = pytest.mark.django_db

migration = import_module("earlybird.migrations.0007_session_with_user")


def test_live_sessions_are_copied_with_their_user_and_still_sign_in(client):
    user = make_user(roles.SUPPORT)
    signed_in = DjangoStore()
    signed_in.update(
        {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "earlybird.auth.PhoneOrUsernameBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
    )
    signed_in.create()
    anonymous, expired, gone = DjangoStore(), DjangoStore(), DjangoStore()
    anonymous["colour"] = "blue"
    anonymous.create()
    expired["_auth_user_id"] = str(user.pk)
    expired.create()
    DjangoSession.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    gone["_auth_user_id"] = "999999"  # a user deleted since
    gone.create()

    migration.copy_live_sessions(apps, None)

    copied = {s.session_key: s.user_id for s in Session.objects.all()}
    assert copied == {
        signed_in.session_key: user.pk,
        anonymous.session_key: None,
        gone.session_key: None,
    }
    client.cookies["sessionid"] = signed_in.session_key
    assert client.get(reverse("home")).url == reverse("dashboard")  # still signed in
