"""Whose failures lock whom out (earlybird.throttle), and which address a request is
counted under behind a proxy (TRUSTED_PROXY_COUNT). The login paths themselves are in
web/tests/test_login_throttle.py."""

import logging

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import override_settings

from earlybird import throttle

pytestmark = pytest.mark.django_db

PASSWORD = "Milk-morning-7"
OWNER = "9848022338"
HOME, GUESSER, ELSEWHERE = "203.0.113.7", "198.51.100.66", "192.0.2.44"


def login(username: str):
    """A login whose username is a phone number, as customers' and delivery boys' are."""
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


@pytest.fixture
def owner():
    return login(OWNER)


def attempt(rf, username, password, *, ip=None, forwarded=None):
    meta = {"REMOTE_ADDR": ip or "127.0.0.1"}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return authenticate(rf.post("/login/", **meta), username=username, password=password)


def fail(rf, username, times=1, **where):
    for _ in range(times):
        assert attempt(rf, username, "wrong", **where) is None


# --- whose failures lock whom ------------------------------------------------------------


def test_a_guesser_elsewhere_does_not_lock_the_owner_out_where_they_logged_in_before(rf, owner):
    assert attempt(rf, OWNER, PASSWORD, ip=HOME)
    fail(rf, OWNER, times=10, ip=GUESSER)
    assert attempt(rf, OWNER, PASSWORD, ip=HOME) == owner
    # ... while from any address the owner has not logged in from, the username is locked.
    assert attempt(rf, OWNER, PASSWORD, ip=GUESSER) is None
    assert attempt(rf, OWNER, PASSWORD, ip=ELSEWHERE) is None


def test_at_a_known_address_the_username_still_gets_only_five_tries(rf, owner):
    """A guesser behind the owner's own shared address (a carrier's NAT, an office)."""
    assert attempt(rf, OWNER, PASSWORD, ip=HOME)
    fail(rf, OWNER, times=4, ip=HOME)
    assert attempt(rf, OWNER, PASSWORD, ip=HOME) == owner  # 4: still in
    fail(rf, OWNER, times=5, ip=HOME)
    assert attempt(rf, OWNER, PASSWORD, ip=HOME) is None
    assert attempt(rf, OWNER, PASSWORD, ip=ELSEWHERE) is None


def test_made_up_usernames_from_one_address_lock_out_only_new_usernames_from_it(rf, owner):
    newcomer = login("9848022339")
    assert attempt(rf, OWNER, PASSWORD, ip=GUESSER)  # the owner shares the guesser's NAT
    for n in range(20):
        fail(rf, f"made-up-{n}", ip=GUESSER)
    assert attempt(rf, newcomer.username, PASSWORD, ip=GUESSER) is None
    assert attempt(rf, OWNER, PASSWORD, ip=GUESSER) == owner
    assert attempt(rf, newcomer.username, PASSWORD, ip=ELSEWHERE) == newcomer


def test_a_support_reset_lifts_the_usernames_lock_everywhere(rf, owner):
    fail(rf, OWNER, times=5, ip=GUESSER)
    throttle.reset(username=OWNER)
    assert attempt(rf, OWNER, PASSWORD, ip=ELSEWHERE) == owner


# --- behind the proxy --------------------------------------------------------------------


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_nginx_one_clients_made_up_usernames_do_not_lock_out_other_clients(rf, owner):
    for n in range(20):
        fail(rf, f"made-up-{n}", forwarded=GUESSER)
    assert attempt(rf, "9000000001", "wrong", forwarded=GUESSER) is None
    assert throttle.refusal(rf.post("/", HTTP_X_FORWARDED_FOR=GUESSER), "new") is not None
    # Every request comes from 127.0.0.1 (nginx); the owner, a first-time login, is not
    # locked out.
    assert attempt(rf, OWNER, PASSWORD, forwarded=ELSEWHERE) == owner


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_client_cannot_pick_its_address_by_writing_x_forwarded_for(rf, owner):
    """nginx appends the address it saw; whatever the client wrote stays on the left."""
    for n in range(20):
        fail(rf, f"made-up-{n}", forwarded=f"10.9.9.{n}, {GUESSER}")
    assert attempt(rf, "9000000001", "x", forwarded=f"{ELSEWHERE}, {GUESSER}") is None
    assert throttle.refusal(rf.post("/", HTTP_X_FORWARDED_FOR=GUESSER), "new") is not None


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_the_proxy_count_everyone_behind_the_proxy_is_one_address(rf, owner):
    """What `check --deploy` (earlybird.W001) warns about: one guesser locks out every
    first-time login."""
    for n in range(20):
        fail(rf, f"made-up-{n}", forwarded=GUESSER)
    assert attempt(rf, OWNER, PASSWORD, forwarded=ELSEWHERE) is None


def test_an_ipv6_guesser_cannot_leave_the_address_limit_by_moving_within_its_64(rf, owner):
    for n in range(20):
        fail(rf, f"made-up-{n}", ip=f"2001:db8:1:2::{n + 1:x}")
    assert attempt(rf, OWNER, PASSWORD, ip="2001:db8:1:2:ffff::9") is None
    assert attempt(rf, OWNER, PASSWORD, ip="2001:db8:1:3::1") == owner


# --- which address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "127.0.0.1", "198.51.100.1", "127.0.0.1"),  # no proxy trusted: header ignored
        (1, "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (1, "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # client wrote 6.6.6.6
        (1, "127.0.0.1", " 6.6.6.6 ,198.51.100.1 ", "198.51.100.1"),
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),  # LB + nginx
        (2, "10.0.0.3", "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "127.0.0.1", None, "127.0.0.1"),  # did not come through the proxy
        (1, "127.0.0.1", "", "127.0.0.1"),
        (2, "10.0.0.3", "10.0.0.2", "10.0.0.3"),  # fewer entries than proxies
        (1, "127.0.0.1", "6.6.6.6, unknown", "127.0.0.1"),  # not an address
        (1, "127.0.0.1", "198.51.100.1:52311", "198.51.100.1"),
        (1, "127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        (1, "127.0.0.1", "2001:DB8:0::1", "2001:db8::1"),
        (1, "127.0.0.1", "::ffff:198.51.100.1", "198.51.100.1"),
        (0, "", None, None),
        (0, "garbage", None, None),
    ],
)
def test_client_ip(rf, settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert throttle.client_ip(rf.get("/", **meta)) == expected


def test_no_request_no_address():
    assert throttle.client_ip(None) is None


@pytest.mark.parametrize(
    ("ip", "group"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        (None, None),
    ],
)
def test_an_address_counts_as_itself_or_its_ipv6_64(ip, group):
    assert throttle.address_group(ip) == group


def test_a_forwarded_header_with_no_proxy_configured_is_logged_once(rf, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 0
    throttle._warned.clear()
    with caplog.at_level(logging.WARNING, logger="earlybird.throttle"):
        for _ in range(3):
            throttle.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"))
    warnings = [r for r in caplog.records if "TRUSTED_PROXY_COUNT is 0" in r.getMessage()]
    assert len(warnings) == 1
    throttle._warned.clear()
