"""Where staff type which customer (the payment and payment-link forms): a code, a phone
or a name; a name several customers share gives an error listing them."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from billing.forms import PICKER_LISTED, customer_by_code_phone_or_name
from billing.gateway.forms import PaymentLinkForm
from billing.models import Payment
from billing.tests.factories import accounts_user
from customers.tests.factories import CustomerFactory
from earlybird.idempotency import issue_form_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Two Lakshmis, one Ravi Kumar, one Ravi."""
    return {
        "lakshmi_devi": CustomerFactory(name="Lakshmi Devi", phone="9848022338"),
        "lakshmi_rao": CustomerFactory(name="Lakshmi Rao", phone="9848022339"),
        "ravi_kumar": CustomerFactory(name="Ravi Kumar"),
        "ravi": CustomerFactory(name="Ravi"),
    }


def refusal(text: str) -> str:
    with pytest.raises(forms.ValidationError) as refused:
        customer_by_code_phone_or_name(text)
    return refused.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("lakshmi devi", "lakshmi_devi"),  # the whole name, any case
        ("  Devi ", "lakshmi_devi"),  # a part only one name holds
        ("Ravi", "ravi"),  # the whole name wins over a longer one
        ("kumar", "ravi_kumar"),
        ("+91 98480 22339", "lakshmi_rao"),  # a phone
    ],
)
def test_a_customer_is_found_by_name_or_phone(people, typed, who):
    assert customer_by_code_phone_or_name(typed) == people[who]


def test_a_customer_is_found_by_code_before_anything_else(people):
    ravi = people["ravi"]
    assert customer_by_code_phone_or_name(ravi.code.lower()) == ravi


def test_a_name_several_customers_share_lists_them_to_choose(people):
    message = refusal("lakshmi")

    devi, rao = people["lakshmi_devi"], people["lakshmi_rao"]
    assert message == (
        f"2 customers match “lakshmi”: Lakshmi Devi ({devi.code}, 9848022338); "
        f"Lakshmi Rao ({rao.code}, 9848022339). Type the code or phone of the one you mean."
    )


def test_a_very_common_name_lists_the_first_few_and_says_there_are_more():
    for n in range(PICKER_LISTED + 2):
        CustomerFactory(name=f"Sri {n:02d}")

    message = refusal("sri")

    assert message.startswith(f"More than {PICKER_LISTED} customers match “sri”: Sri 00 (")
    assert "Sri 07 (" in message and "Sri 08" not in message and "; …." in message


def test_nobody_by_that_name_says_so(people):
    assert refusal("Zareena") == "No customer with the code, phone or name “Zareena”."


def test_the_payment_form_records_a_payment_for_a_customer_found_by_name(client, people):
    accounts = accounts_user()
    client.force_login(accounts)

    response = client.post(
        reverse("billing:payments"),
        {
            "once": issue_form_key(user=accounts, operation="billing:payments"),
            "customer": "Lakshmi Rao",
            "amount": "300",
            "method": Payment.Method.CASH,
            "paid_on": "2026-11-18",
            "received_by": accounts.pk,
        },
        follow=True,
    )

    payment = Payment.objects.get()
    assert (payment.customer, payment.amount) == (people["lakshmi_rao"], Decimal("300.00"))
    assert "from Lakshmi Rao" in response.content.decode()
    assert 'placeholder="Lakshmi Devi, CU-' in response.content.decode()  # says names work


def test_the_payment_form_lists_the_customers_a_name_matches_and_records_nothing(client, people):
    accounts = accounts_user()
    client.force_login(accounts)

    response = client.post(
        reverse("billing:payments"),
        {
            "once": issue_form_key(user=accounts, operation="billing:payments"),
            "customer": "Lakshmi",
            "amount": "300",
            "method": Payment.Method.CASH,
            "paid_on": "2026-11-18",
            "received_by": accounts.pk,
        },
    )

    page = response.content.decode()
    assert "2 customers match “Lakshmi”" in page
    assert people["lakshmi_devi"].code in page and people["lakshmi_rao"].code in page
    assert not Payment.objects.exists()


def test_the_payment_link_form_finds_the_customer_by_name(people):
    form = PaymentLinkForm({"customer": "ravi kumar", "purpose": "wallet", "amount": "200"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["customer"] == people["ravi_kumar"]
    part = PaymentLinkForm({"customer": "Ravi K", "purpose": "wallet", "amount": "200"})
    assert part.is_valid()  # "Ravi K" is part of one name only
    several = PaymentLinkForm({"customer": "ra", "purpose": "wallet", "amount": "200"})
    assert not several.is_valid()
    assert several.errors["customer"][0].startswith("3 customers match “ra”")
