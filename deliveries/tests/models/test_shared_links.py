"""Shared links: a hashed token, a date range that is not backwards."""

import datetime as dt

import pytest
from django.utils import timezone

from deliveries.models import DeliveryLink
from deliveries.services.links import hash_token
from deliveries.tests.models import JAN_10, refused_by_database, refused_by_full_clean

pytestmark = pytest.mark.django_db


JAN_11 = dt.date(2026, 1, 11)
TOKEN = "k3Qe0a9S1m2lqG8pX4v7TzR5wYbN6cHdJfUoLiEaMs0"  # as secrets.token_urlsafe(32) makes


def link_fields(boy, /, **overrides) -> dict:
    fields = {
        "delivery_boy": boy,
        "shift": "morning",
        "token_hash": hash_token(TOKEN),
        "valid_from": JAN_10,
        "valid_until": JAN_11,
        "expires_at": timezone.now() + dt.timedelta(days=1),
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize("valid_until", [JAN_10, JAN_11], ids=["one-day", "two-days"])
def test_it_accepts_a_link_with_a_hashed_token_for_one_or_more_days(boy, valid_until):
    link = DeliveryLink(**link_fields(boy, valid_until=valid_until))
    link.full_clean()
    link.save()
    assert DeliveryLink.objects.get(pk=link.pk).token_hash == hash_token(TOKEN)


def test_full_clean_refuses_a_link_ending_before_it_starts(boy):
    refused_by_full_clean(
        DeliveryLink(**link_fields(boy, valid_until=dt.date(2026, 1, 9))),
        "deliveries_deliverylink_valid_range",
    )


def test_the_database_refuses_a_link_ending_before_it_starts(boy):
    refused_by_database(
        lambda: DeliveryLink.objects.create(**link_fields(boy, valid_until=dt.date(2026, 1, 9))),
        "deliveries_deliverylink_valid_range",
    )
    link = DeliveryLink.objects.create(**link_fields(boy))
    refused_by_database(
        lambda: DeliveryLink.objects.filter(pk=link.pk).update(valid_from=dt.date(2026, 1, 12)),
        "deliveries_deliverylink_valid_range",
    )
    link.refresh_from_db()
    assert link.valid_from == JAN_10


NOT_A_HASH = [
    pytest.param(TOKEN, id="the-token-itself"),
    pytest.param(hash_token(TOKEN).upper(), id="upper-case-hex"),
    pytest.param(hash_token(TOKEN)[:63], id="63-digits"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("token_hash", NOT_A_HASH)
def test_full_clean_refuses_a_link_whose_token_is_not_a_sha256(boy, token_hash):
    refused_by_full_clean(
        DeliveryLink(**link_fields(boy, token_hash=token_hash)),
        "deliveries_deliverylink_token_hashed",
    )


@pytest.mark.parametrize("token_hash", NOT_A_HASH)
def test_the_database_refuses_a_link_whose_token_is_not_a_sha256(boy, token_hash):
    refused_by_database(
        lambda: DeliveryLink.objects.create(**link_fields(boy, token_hash=token_hash)),
        "deliveries_deliverylink_token_hashed",
    )
    assert not DeliveryLink.objects.exists()


def test_the_database_refuses_storing_the_token_in_place_of_its_hash(boy):
    link = DeliveryLink.objects.create(**link_fields(boy))
    refused_by_database(
        lambda: DeliveryLink.objects.filter(pk=link.pk).update(token_hash=TOKEN),
        "deliveries_deliverylink_token_hashed",
    )


def test_it_refuses_two_links_with_the_same_token(boy):
    DeliveryLink.objects.create(**link_fields(boy))
    refused_by_full_clean(
        DeliveryLink(**link_fields(boy, shift="evening")),
        "Delivery link with this Token hash already exists",
    )
    refused_by_database(
        lambda: DeliveryLink.objects.create(**link_fields(boy, shift="evening")),
        "deliveries_deliverylink_token_hash_key",
    )
