"""The dump and the run the rerun tests share (test_rerun_skip, test_rerun_replay): 40
customers over two months, imported on the suite's frozen day without the reconcile."""

import datetime as dt

import pytest

from legacy_import.services import import_legacy
from legacy_import.sources import open_source
from legacy_import.tests.legacy_dump import generate, write

TODAY = dt.date(2026, 11, 18)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write(generate(customers=40, months=2), tmp_path_factory.mktemp("rerun") / "json")


def run(folder, **options):
    return import_legacy(open_source(folder), today=TODAY, reconcile=False, **options)
