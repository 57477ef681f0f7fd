"""Tokens are redacted from whatever path or query is still logged
(earlybird.middleware.redact, RedactSecretsFilter). The requests themselves — a shared
link, a set-password link — are in web/tests/test_request_log.py."""

import logging

import pytest

from earlybird.middleware import REDACTED, RedactSecretsFilter, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd/", f"/s/{REDACTED}/"),
        ("/s/short/stops/12/confirm/", f"/s/{REDACTED}/stops/12/confirm/"),
        (
            "/me/set-password/MQ/cz1abc-0a1b2c3d4e5f60718293a4b5c6d7e8f9/",
            f"/me/set-password/MQ/{REDACTED}/",
        ),
        (
            "/anything/?month=2026-11&token=abc&x=1",
            f"/anything/?month=2026-11&token={REDACTED}&x=1",
        ),
        ('"GET /s/abc/ HTTP/1.1" 404 1234', f'"GET /s/{REDACTED}/ HTTP/1.1" 404 1234'),
        ("/staff/customers/123/orders/45/", "/staff/customers/123/orders/45/"),
        (
            "/staff/reports/monthly-procurement-report/",
            "/staff/reports/monthly-procurement-report/",
        ),
        ("/d/?date=2026-11-18&shift=morning", "/d/?date=2026-11-18&shift=morning"),
        (
            "Gateway payment pay_Fo49sHbQ78PCMI of plink_Fo48rl281ENAg9: not recorded.",
            "Gateway payment pay_Fo49sHbQ78PCMI of plink_Fo48rl281ENAg9: not recorded.",
        ),
        ("pay_Fo49sHbQ78PCMIxyz9QrStUv", REDACTED),  # longer than Razorpay's ids
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_the_filter_redacts_a_records_message_and_keeps_the_record():
    token = "Zq8xY2vB7nM4kL1pR6tW9sD3fG5hJ0aC2eE4iI6oO8u"
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", f"/s/{token}/"),
        None,
    )
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == f"Not Found: /s/{REDACTED}/"


def test_the_filter_leaves_a_clean_record_alone():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", "/nope/"), None
    )
    RedactSecretsFilter().filter(record)
    assert (record.msg, record.args) == ("%s: %s", ("Not Found", "/nope/"))
