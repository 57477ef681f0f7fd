"""Old passwords keep working after the import.

The old backend stored either a bcrypt hash (``$2b$12$…``), which Django's
`BCryptPasswordHasher` reads once prefixed with ``bcrypt$``, or, for users who never
logged in after its own migration, a bare unsalted SHA-256 hex digest of the password,
which `LegacySHA256PasswordHasher` below reads as ``legacy_sha256$$<hex>``.

Neither is the preferred hasher, so Django rewrites the password with the first hasher of
PASSWORD_HASHERS (PBKDF2) the first time the user logs in. The settings list them after
the default ones:

    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "legacy_import.hashers.LegacySHA256PasswordHasher",
    ]
"""

from __future__ import annotations

import hashlib
import re

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _

ALGORITHM = "legacy_sha256"
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_BCRYPT = re.compile(r"^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$")
UNUSABLE = "!"  # Django's prefix for an unusable password


class LegacySHA256PasswordHasher(BasePasswordHasher):
    """Unsalted SHA-256 of the password, as the old backend stored it. Verify only:
    `must_update` is always true, so Django replaces it at the first login."""

    algorithm = ALGORITHM

    def salt(self) -> str:
        return ""

    def encode(self, password: str, salt: str) -> str:
        if password is None:
            raise TypeError("password must be provided.")
        digest = hashlib.sha256(password.encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        if algorithm != self.algorithm:
            raise ValueError(f"not a {self.algorithm} hash")
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        digest = hashlib.sha256(password.encode()).hexdigest()
        return constant_time_compare(digest, decoded["hash"].lower())

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {_("algorithm"): decoded["algorithm"], _("hash"): mask_hash(decoded["hash"])}

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


def django_password(legacy: object) -> tuple[str, str | None]:
    """A legacy `password_hash`/`password` value → (Django's encoded password, problem).

    bcrypt → ``bcrypt$<hash>``; a 64-hex SHA-256 digest → ``legacy_sha256$$<hex>``;
    anything else (missing, empty, plain text, unknown scheme) → an unusable password and
    the reason, so the user must reset it.
    """
    if not isinstance(legacy, str) or not legacy.strip():
        return UNUSABLE + "legacy-no-password", "no password hash"
    value = legacy.strip()
    if _BCRYPT.match(value):
        return "bcrypt$" + value, None
    if _HEX64.match(value):
        return f"{ALGORITHM}$${value.lower()}", None
    return UNUSABLE + "legacy-unknown-hash", "password stored in an unknown form"
