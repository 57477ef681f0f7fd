"""The reads every request makes, by plain statements (earlybird.plain_reads,
earlybird.sessions): the session with its signed-in user and their roles in one, the
delivery boy of /d/ — each what Django's own would read, refused the same way."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from earlybird import plain_reads, roles
from earlybird.models import Session
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


def test_the_session_and_its_user_with_their_roles_are_one_statement(client):
    user = make_user(roles.SUPPORT, roles.ACCOUNTS)
    client.force_login(user)
    assert Session.objects.get(user=user)  # the login saved its user's id
    with CaptureQueriesContext(connection) as read:
        response = client.get(reverse("home"))  # a redirect by role: no query of its own
    assert response.url == reverse("dashboard")
    assert len(read.captured_queries) == 1
    store = SessionStore(client.session.session_key)
    store.load()
    assert store.signed_in == user
    assert store.signed_in._earlybird_roles == {roles.SUPPORT, roles.ACCOUNTS}


def test_a_role_taken_away_counts_at_the_next_request(client):
    user = make_user(roles.SUPPORT)
    client.force_login(user)
    assert client.get(reverse("home")).url == reverse("dashboard")
    user.groups.set(Group.objects.filter(name=roles.CUSTOMER))
    assert client.get(reverse("home")).url == reverse("me:home")


def test_a_session_without_its_user_column_is_still_signed_in(client):
    """A session saved before the column (copied by the migration without a user, say)
    is read as Django reads it: its user by a second statement."""
    user = make_user(roles.SUPPORT)
    client.force_login(user)
    Session.objects.filter(user=user).update(user=None)
    with CaptureQueriesContext(connection) as read:
        assert client.get(reverse("home")).url == reverse("dashboard")
    assert len(read.captured_queries) == 2


def test_a_session_names_its_user_only_as_its_data_does(client):
    """The column follows the data: logging out drops the row, another login its own."""
    first, second = make_user(roles.SUPPORT), make_user(roles.SUPPORT)
    client.force_login(first)
    client.force_login(second)  # a new session key for the second
    assert Session.objects.get(pk=client.session.session_key).user == second
    client.post(reverse("logout"))
    assert not Session.objects.filter(user=second).exists()
    store = SessionStore()
    store["_auth_user_id"] = "not a number"
    store.save()
    assert Session.objects.get(pk=store.session_key).user is None


def test_a_deleted_user_takes_their_sessions_with_them(client):
    user = make_user(roles.SUPPORT)
    client.force_login(user)
    user.delete()
    assert not Session.objects.filter(pk=client.session.session_key).exists()
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_a_session_naming_a_user_gone_meanwhile_saves_and_signs_nobody_in(client):
    """A request whose user was deleted while it ran may still write its session (a
    message, a language): no error, and the session signs nobody in."""
    store = SessionStore()
    store["_auth_user_id"] = "999999"
    store["_auth_user_backend"] = "earlybird.auth.PhoneOrUsernameBackend"
    store.save()
    with connection.cursor() as cursor:  # what the commit would check, checked now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Session.objects.get(pk=store.session_key).user_id == 999999
    client.cookies["sessionid"] = store.session_key
    assert client.get(reverse("home")).url.startswith(reverse("login"))
