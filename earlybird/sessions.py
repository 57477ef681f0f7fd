"""Django's database sessions, kept in earlybird.models.Session: a session saved with a
signed-in user carries the user's id as a column, so one plain statement reads the
session, its user and their roles (issue 18: every signed-in request made two reads
before its page's own; building ORM queries cost more than running them). The rest —
saving, expiry, clearing — is Django's own. SESSION_ENGINE names this module;
earlybird.auth.SessionUserMiddleware hands the user read here to Django's login check.

The same statement reads the user's own row of the models apps name (read_with_user: the
delivery boy of /d/, the customer of /me/), each by its one-to-one `user`: the pages
asking "whose pages are these" then ask no query (user_row)."""

from functools import lru_cache

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.db.models import Model
from django.utils import timezone

from earlybird import plain_reads
from earlybird.changes import CHANGES_SQL, remember_changes
from earlybird.prepared import prepared_cursor
from earlybird.roles import ROLES_SQL, remember_roles


class SessionStore(db.SessionStore):
    # The session's user as read with it (a User with its roles), or None.
    signed_in = None

    @classmethod
    def get_model_class(cls):
        from earlybird.models import Session

        return Session

    @classmethod
    def clear_expired(cls) -> int:
        """Delete the expired sessions (`clearsessions`, the nightly job): how many."""
        expired = cls.get_model_class().objects.filter(expire_date__lt=timezone.now())
        return expired.delete()[0]

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = str(data.get(SESSION_KEY, ""))
        session.user_id = int(user_id) if user_id.isdigit() and len(user_id) < 19 else None
        return session

    def _get_session_from_db(self):
        self.signed_in = None
        row = None
        if self.session_key:
            with prepared_cursor() as cursor:
                cursor.execute(_statement(), [self.session_key, timezone.now()])
                row = cursor.fetchone()
        if row is None:  # unknown or expired: a new session, as Django does
            self._session_key = None
            return None
        # The row: the session's columns, its user's, each _WITH_USER model's, the user's
        # roles, the watched tables' change numbers (_statement).
        values = iter(row)
        session, user = (
            plain_reads.instance(model, [next(values) for _ in plain_reads.columns(model)])
            for model in (self.model, get_user_model())
        )
        rows = {
            model: plain_reads.instance(model, [next(values) for _ in plain_reads.columns(model)])
            for model in _WITH_USER
        }
        roles, changes = values
        if user is not None:
            remember_roles(user, roles)
            remember_changes(user, changes)
            user._earlybird_rows = rows
            self.signed_in = user
        return session


# The models whose row of the signed-in user the session reads (read_with_user).
_WITH_USER: list[type[Model]] = []
NOT_READ = object()


def read_with_user(model: type[Model]) -> None:
    """Read the signed-in user's row of `model` (its `user` a one-to-one field) with
    every session, from now on (an app's AppConfig.ready)."""
    if model not in _WITH_USER:
        _WITH_USER.append(model)
        _statement.cache_clear()


def user_row(user, model: type[Model]):
    """The user's row of `model` as their session read it (None: they have none), or
    NOT_READ when it was not (no session, or `model` not named): read it yourself."""
    return getattr(user, "_earlybird_rows", {}).get(model, NOT_READ)


@lru_cache(maxsize=1)
def _statement() -> str:
    """The session (alias s), its user (t), the user's rows of _WITH_USER (x0, x1…),
    the user's roles and the watched tables' change numbers (earlybird.changes); the columns
    are the models' own (plain_reads.columns), so a field added later is read too."""
    from earlybird.models import Session

    user_model = get_user_model()
    parts = [("s", Session), ("t", user_model), *((f"x{n}", m) for n, m in enumerate(_WITH_USER))]
    select = [f"{alias}.{c}" for alias, model in parts for c in plain_reads.columns(model)]
    joins = "".join(
        f" LEFT JOIN {model._meta.db_table} {alias} ON {alias}.user_id = t.id"
        for alias, model in parts[2:]
    )
    return (
        f"SELECT {', '.join([*select, ROLES_SQL, CHANGES_SQL])} FROM {Session._meta.db_table} s"  # noqa: S608 - our SQL, values as parameters
        f" LEFT JOIN {user_model._meta.db_table} t ON t.id = s.user_id{joins}"
        " WHERE s.session_key = %s AND s.expire_date > %s LIMIT 1"
    )
