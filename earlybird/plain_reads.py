"""One model instance read by a plain statement, for hot reads (the signed-in user or the
delivery boy of /d/ when the session's statement did not read them: earlybird.sessions):
building an ORM query cost more than running it (issue 18). The columns are the model's
own, so a field added later is read too."""

from django.db import connection
from django.db.models import Model

from earlybird.prepared import prepared_cursor


def one(model: type[Model], where: str, params: list, *, also: str = ""):
    """(instance, extra values) of the first row of `model`'s table (alias `t`) meeting
    `where`, with the values of the SQL expressions `also` (comma-separated) after its
    columns; None if there is none. `where` and `also` are our SQL; values go in
    `params`."""
    columns = [field.attname for field in model._meta.concrete_fields]
    select = ", ".join(f"t.{column}" for column in columns) + (f", {also}" if also else "")
    table = model._meta.db_table
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {table} t WHERE {where} LIMIT 1", params)  # noqa: S608 - our SQL, values as parameters
        row = cursor.fetchone()
    if row is None:
        return None
    return model.from_db(connection.alias, columns, row[: len(columns)]), row[len(columns) :]
