"""For a test that serves the app with gunicorn: the production settings, read from the
environment exactly as in production (earlybird.settings), with two test conveniences
that do not touch what such a test looks at:

* static files without a manifest, so no `collectstatic` has to run first (two test
  processes collecting into one folder at once could trip each other up);
* the test suite's fast password hasher first (the production ones stay behind it), so
  test users made by the factories log in and each failed login costs microseconds.
"""

from earlybird.settings import *  # noqa: F403
from earlybird.settings import PASSWORD_HASHERS, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
