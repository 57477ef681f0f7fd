"""CodeCounter: one counter row per prefix and day (or month), never below zero. Each
rule is broken twice: full_clean() (ValidationError) and a raw write (IntegrityError
naming the constraint). Handing out codes under load is in test_codes.py."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from earlybird.models import CodeCounter

pytestmark = pytest.mark.django_db


def refused_by_database(write, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()


def test_each_prefix_and_day_has_its_own_counter():
    for prefix, key in [("CU", "20261118"), ("CU", "20261119"), ("DL", "20261118")]:
        counter = CodeCounter(prefix=prefix, key=key, last_value=3)
        counter.full_clean()
        counter.save()
    assert CodeCounter.objects.count() == 3


def test_full_clean_refuses_a_second_counter_for_a_prefix_and_day():
    CodeCounter.objects.create(prefix="CU", key="20261118", last_value=3)
    with pytest.raises(ValidationError) as excinfo:
        CodeCounter(prefix="CU", key="20261118").full_clean()
    assert "Code counter with this Prefix and Key already exists." in excinfo.value.messages


def test_the_database_refuses_a_second_counter_for_a_prefix_and_day():
    CodeCounter.objects.create(prefix="CU", key="20261118", last_value=3)
    refused_by_database(
        lambda: CodeCounter.objects.create(prefix="CU", key="20261118"),
        "earlybird_codecounter_unique",
    )
    other = CodeCounter.objects.create(prefix="CU", key="20261119")
    refused_by_database(
        lambda: CodeCounter.objects.filter(pk=other.pk).update(key="20261118"),
        "earlybird_codecounter_unique",
    )
    assert CodeCounter.objects.get(prefix="CU", key="20261118").last_value == 3


def test_it_refuses_a_counter_below_zero():
    with pytest.raises(ValidationError) as excinfo:
        CodeCounter(prefix="CU", key="20261118", last_value=-1).full_clean()
    assert "last_value" in excinfo.value.message_dict
    refused_by_database(
        lambda: CodeCounter.objects.create(prefix="CU", key="20261118", last_value=-1),
        "earlybird_codecounter_last_value_check",
    )
