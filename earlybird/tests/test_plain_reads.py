"""The reads every request makes, by plain statements (earlybird.plain_reads): the
session, the signed-in user with their roles, the delivery boy of /d/ — each what
Django's own would read, refused the same way."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from earlybird import plain_reads, roles
from earlybird.sessions import SessionStore

pytestmark = pytest.mark.django_db


def make_user(*role_names: str, **fields):
    """A user with these roles (the groups the roles migration made)."""
    from django.contrib.auth.models import Group, User

    fields.setdefault("username", f"user{User.objects.count() + 1}")
    user = User.objects.create_user(password="s3cret-pass", **fields)
    user.groups.set(Group.objects.filter(name__in=role_names))
    return user


def test_one_reads_every_column_of_the_model_and_the_extra_values():
    user = make_user(roles.SUPPORT, first_name="Ravi")
    found, extra = plain_reads.one(
        type(user), "t.username = %s", [user.username], also="1 + 1, t.id * 10"
    )
    assert found == user and found.first_name == "Ravi" and found.password == user.password
    assert not found._state.adding and extra == (2, user.pk * 10)
    assert plain_reads.one(type(user), "t.username = %s", ["nobody"]) is None


def test_a_session_is_read_until_it_expires_and_a_stranger_key_starts_a_new_one():
    store = SessionStore()
    store["colour"] = "blue"
    store.save()
    assert SessionStore(store.session_key).load() == {"colour": "blue"}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("x" * 32).load() == {}


def test_an_inactive_user_is_signed_out_at_the_next_request(client):
    user = make_user(roles.SUPPORT)
    client.force_login(user)
    assert client.get(reverse("home")).url == reverse("dashboard")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_a_changed_password_signs_the_other_sessions_out(client):
    user = make_user(roles.SUPPORT)
    client.force_login(user)
    user.set_password("another-Secret-9")
    user.save()
    assert client.get(reverse("home")).url.startswith(reverse("login"))
