"""A cursor whose statements the server binds and prepares: a statement a connection has
run DB_PREPARE_THRESHOLD times is planned once for that connection (with CONN_MAX_AGE > 0,
once per worker). Planning was half the route page's SQL time (issue 18).

Only for the reads every page makes, written for it: few parameters (a list goes as one
array parameter — the server takes at most 65,535, so never `IN (%s, %s, …)` of ids) and
one text whatever the request, so that the prepared plan serves every request. Everything
else keeps Django's cursor (parameters bound by the client), which has no such limit."""

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper


class _LoggedPreparedCursor(CursorDebugWrapper):
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        # psycopg keeps no text of a statement it ran prepared: log it with its values
        # as Django's own server-side binding does.
        if use_last_executed_query and not many:
            sql = self.db.ops.compose_sql(sql, params)
        return super().debug_sql(sql, params, use_last_executed_query=False, many=many)


def prepared_cursor():
    """Use as `with prepared_cursor() as cursor:`; a Django cursor wrapper, so its execute
    wrappers and query log (query counts in tests) see these statements too."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return _LoggedPreparedCursor(cursor, connection)
    return connection.make_cursor(cursor)
