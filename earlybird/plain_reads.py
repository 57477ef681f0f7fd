"""One model instance read by a plain statement, for hot reads (the signed-in user or the
delivery boy of /d/ when the session's statement did not read them: earlybird.sessions):
building an ORM query cost more than running it (issue 18). The columns are the model's
own, so a field added later is read too."""

from functools import cache

from django.db import connection
from django.db.models import Model

from earlybird.prepared import prepared_cursor


@cache
def columns(model: type[Model]) -> tuple[str, ...]:
    """The model's columns, in the order its plain reads select them."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def instance(model: type[Model], values) -> Model | None:
    """The instance of `model` whose columns' `values` a plain read selected; None when
    its key is NULL (a LEFT JOIN found no row)."""
    if values[columns(model).index(model._meta.pk.attname)] is None:
        return None
    return model.from_db(connection.alias, columns(model), values)


def one(model: type[Model], where: str, params: list, *, also: str = ""):
    """(instance, extra values) of the first row of `model`'s table (alias `t`) meeting
    `where`, with the values of the SQL expressions `also` (comma-separated) after its
    columns; None if there is none. `where` and `also` are our SQL; values go in
    `params`."""
    names = columns(model)
    select = ", ".join(f"t.{column}" for column in names) + (f", {also}" if also else "")
    table = model._meta.db_table
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {table} t WHERE {where} LIMIT 1", params)  # noqa: S608 - our SQL, values as parameters
        row = cursor.fetchone()
    if row is None:
        return None
    return model.from_db(connection.alias, names, row[: len(names)]), row[len(names) :]
