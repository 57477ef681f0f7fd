"""Django's database sessions, kept in earlybird.models.Session: a session saved with a
signed-in user carries the user's id as a column, so one plain statement reads the
session, its user and their roles (issue 18: every signed-in request made two reads
before its page's own; building ORM queries cost more than running them). The rest —
saving, expiry, clearing — is Django's own. SESSION_ENGINE names this module;
earlybird.auth.SessionUserMiddleware hands the user read here to Django's login check."""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from earlybird.prepared import prepared_cursor
from earlybird.roles import ROLES_SQL, remember_roles


class SessionStore(db.SessionStore):
    # The session's user as read with it (a User with its roles), or None.
    signed_in = None

    @classmethod
    def get_model_class(cls):
        from earlybird.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = str(data.get(SESSION_KEY, ""))
        session.user_id = int(user_id) if user_id.isdigit() and len(user_id) < 19 else None
        return session

    def _get_session_from_db(self):
        self.signed_in = None
        row = None
        if self.session_key:
            sql, session_columns, user_columns = _statement()
            with prepared_cursor() as cursor:
                cursor.execute(sql, [self.session_key, timezone.now()])
                row = cursor.fetchone()
        if row is None:  # unknown or expired: a new session, as Django does
            self._session_key = None
            return None
        model, user_model = self.model, get_user_model()
        n = len(session_columns)
        session = model.from_db(connection.alias, session_columns, row[:n])
        if row[n] is not None:  # the user's id: their row was found
            user = user_model.from_db(
                connection.alias, user_columns, row[n : n + len(user_columns)]
            )
            remember_roles(user, row[-1])
            self.signed_in = user
        return session


def _statement() -> tuple[str, list[str], list[str]]:
    """The session (alias s) and its user (t) with their roles; the columns are the
    models' own, so a field added later is read too."""
    from earlybird.models import Session

    user_model = get_user_model()
    session_columns = [field.attname for field in Session._meta.concrete_fields]
    user_columns = [field.attname for field in user_model._meta.concrete_fields]
    select = ", ".join(
        [*(f"s.{c}" for c in session_columns), *(f"t.{c}" for c in user_columns), ROLES_SQL]
    )
    sql = (
        f"SELECT {select} FROM {Session._meta.db_table} s"  # noqa: S608 - our SQL, values as parameters
        f" LEFT JOIN {user_model._meta.db_table} t ON t.id = s.user_id"
        " WHERE s.session_key = %s AND s.expire_date > %s LIMIT 1"
    )
    return sql, session_columns, user_columns
