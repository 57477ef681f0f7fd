import os

import pytest

os.environ.setdefault("DEBUG", "1")


@pytest.fixture(autouse=True)
def _role_groups_after_flush(request):
    """Transactional tests flush every table, data-migration rows included: put the role
    groups back so each such test starts like a migrated database."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from earlybird.roles import ensure_role_groups

        ensure_role_groups()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Login throttles and rate limits count in the cache: each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
