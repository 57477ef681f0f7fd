"""What the import remembers: one LegacyRecord per legacy document and target model
(so a rerun updates instead of duplicating), one ArchivedDocument per legacy document.
Each rule is broken twice: full_clean() (ValidationError) and a raw write
(IntegrityError naming the constraint)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.models import Customer
from legacy_import.models import ArchivedDocument, LegacyRecord

pytestmark = pytest.mark.django_db

LEGACY_ID = "344b1260-47dc-4c8e-9eb2-861c7d26237e"


def refused_by_database(write, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()


def record(model=Customer, **overrides) -> LegacyRecord:
    fields = {
        "collection": "customers_v2",
        "legacy_id": LEGACY_ID,
        "content_type": ContentType.objects.get_for_model(model),
        "object_id": 1,
    }
    fields.update(overrides)
    return LegacyRecord(**fields)


def archived(**overrides) -> ArchivedDocument:
    fields = {
        "collection": "subscription_audit",
        "legacy_id": LEGACY_ID,
        "checksum": "0" * 64,
        "document": {"_id": LEGACY_ID},
    }
    fields.update(overrides)
    return ArchivedDocument(**fields)


# --- LegacyRecord -----------------------------------------------------------------


def test_one_legacy_document_may_become_rows_of_several_models():
    """A legacy customer is both a Customer and its login (a User)."""
    for model in (Customer, get_user_model()):
        row = record(model)
        row.full_clean()
        row.save()
    assert LegacyRecord.objects.filter(legacy_id=LEGACY_ID).count() == 2


def test_full_clean_refuses_a_second_record_of_a_document_for_the_same_model():
    record().save()
    with pytest.raises(ValidationError) as excinfo:
        record(object_id=2).full_clean()
    assert "already exists" in " ".join(excinfo.value.messages)


def test_the_database_refuses_a_second_record_of_a_document_for_the_same_model():
    record().save()
    refused_by_database(record(object_id=2).save, "legacy_import_legacyrecord_unique")
    other = record(legacy_id="another")
    other.save()
    refused_by_database(
        lambda: LegacyRecord.objects.filter(pk=other.pk).update(legacy_id=LEGACY_ID),
        "legacy_import_legacyrecord_unique",
    )
    assert LegacyRecord.objects.get(legacy_id=LEGACY_ID).object_id == 1


# --- ArchivedDocument -------------------------------------------------------------


def test_the_same_legacy_id_may_be_archived_from_two_collections():
    for collection in ("subscription_audit", "notifications"):
        document = archived(collection=collection)
        document.full_clean()
        document.save()
    assert ArchivedDocument.objects.filter(legacy_id=LEGACY_ID).count() == 2


def test_full_clean_refuses_archiving_a_document_twice():
    archived().save()
    with pytest.raises(ValidationError) as excinfo:
        archived(checksum="1" * 64).full_clean()
    assert "already exists" in " ".join(excinfo.value.messages)


def test_the_database_refuses_archiving_a_document_twice():
    archived().save()
    refused_by_database(archived(checksum="1" * 64).save, "legacy_import_archiveddocument_unique")
    other = archived(legacy_id="another")
    other.save()
    refused_by_database(
        lambda: ArchivedDocument.objects.filter(pk=other.pk).update(legacy_id=LEGACY_ID),
        "legacy_import_archiveddocument_unique",
    )
    assert ArchivedDocument.objects.get(legacy_id=LEGACY_ID).checksum == "0" * 64
