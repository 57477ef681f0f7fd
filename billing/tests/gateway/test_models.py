"""The database's rules for online payments, each twice: full_clean() says what is wrong,
and a raw write is refused by PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Payment, PaymentLink
from billing.services import record_payment

pytestmark = pytest.mark.django_db


def link_fields(customer, **changes) -> dict:
    return {
        "customer": customer,
        "purpose": "wallet",
        "amount": Decimal("100.00"),
        "gateway_link_id": "plink_Fo48rl281ENAg9",
        "reference_id": "EB0123456789abcdef",
        "short_url": "https://rzp.io/i/nxrHnLJ",
        "expires_at": timezone.now() + dt.timedelta(days=7),
        **changes,
    }


def both_refuse(make, *, constraint: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        make().full_clean()
    assert constraint in str(invalid.value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make().save()


def test_a_link_id_and_a_reference_are_used_once(customer):
    PaymentLink.objects.create(**link_fields(customer))

    with pytest.raises(ValidationError, match="Gateway and Gateway link id"):
        PaymentLink(**link_fields(customer, reference_id="EBother")).full_clean()
    with (
        pytest.raises(IntegrityError, match="billing_paymentlink_gateway_id_once"),
        transaction.atomic(),
    ):
        PaymentLink.objects.create(**link_fields(customer, reference_id="EBother"))
    with pytest.raises(ValidationError, match="Reference id"):
        PaymentLink(**link_fields(customer, gateway_link_id="plink_other")).full_clean()
    with (
        pytest.raises(IntegrityError, match="billing_paymentlink_reference_once"),
        transaction.atomic(),
    ):
        PaymentLink.objects.create(**link_fields(customer, gateway_link_id="plink_other"))


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"amount": Decimal("0")}, "billing_paymentlink_amount_positive"),
        ({"purpose": "bill"}, "billing_paymentlink_bill_for_bill_purpose"),
        ({"status": "paid"}, "billing_paymentlink_paid_has_payment"),
    ],
)
def test_a_link_refuses_what_cannot_be(customer, changes, constraint):
    both_refuse(lambda: PaymentLink(**link_fields(customer, **changes)), constraint=constraint)


def test_a_recharge_link_names_no_bill(customer, bill):
    both_refuse(
        lambda: PaymentLink(**link_fields(customer, bill=bill)),
        constraint="billing_paymentlink_bill_for_bill_purpose",
    )


def test_a_gateway_payment_is_recorded_once(customer):
    first = record_payment(
        customer=customer, amount="10", method="upi", paid_on=dt.date(2026, 11, 1)
    )
    Payment.objects.filter(pk=first.pk).update(gateway_payment_id="pay_Fo49sHbQ78PCMI")
    second = record_payment(
        customer=customer, amount="10", method="cash", paid_on=dt.date(2026, 11, 1)
    )
    second.gateway_payment_id = "pay_Fo49sHbQ78PCMI"

    with pytest.raises(ValidationError, match="This gateway payment is already recorded"):
        second.full_clean()
    with (
        pytest.raises(IntegrityError, match="billing_payment_gateway_payment_once"),
        transaction.atomic(),
    ):
        second.save(update_fields=["gateway_payment_id"])
    # Payments made otherwise have none, as many as there are.
    assert Payment.objects.filter(gateway_payment_id="").count() == 1
