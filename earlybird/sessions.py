"""Django's database sessions, read with one plain statement (earlybird.plain_reads):
every signed-in request loads its session, and building the ORM query cost more than the
query (issue 18). The rest — saving, expiry, clearing — is Django's own. SESSION_ENGINE
names this module."""

from django.contrib.sessions.backends import db
from django.utils import timezone

from earlybird import plain_reads


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = None
        if self.session_key:
            found = plain_reads.one(
                self.model,
                "t.session_key = %s AND t.expire_date > %s",
                [self.session_key, timezone.now()],
            )
        if found is None:  # unknown or expired: a new session, as Django does
            self._session_key = None
            return None
        return found[0]
