"""The reference lists' version (earlybird.reference): one row the database moves to a new
number, from a sequence, in the same transaction as any change to a table the staff
pages' drop-downs are read from. The users' tables are watched here; customers,
deliveries and orders add the trigger to theirs."""

from django.db import migrations

WATCHED_HERE = {
    "auth_user": "INSERT OR DELETE OR TRUNCATE OR UPDATE OF username, first_name, last_name, is_active",
    "auth_user_groups": "INSERT OR DELETE OR TRUNCATE OR UPDATE",
    "auth_group": "INSERT OR DELETE OR TRUNCATE OR UPDATE",
}


def triggers(watched: dict[str, str]) -> tuple[str, str]:
    """The SQL adding (and removing) the version's trigger on each table."""
    add = "".join(
        f"CREATE TRIGGER earlybird_reference_changed AFTER {events} ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION earlybird_reference_changed();"
        for table, events in watched.items()
    )
    drop = "".join(
        f"DROP TRIGGER IF EXISTS earlybird_reference_changed ON {table};" for table in watched
    )
    return add, drop


ADD, DROP = triggers(WATCHED_HERE)


class Migration(migrations.Migration):
    dependencies = [
        ("earlybird", "0007_session_with_user"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            """
            CREATE SEQUENCE earlybird_reference_number;
            CREATE TABLE earlybird_referenceversion (
                id integer PRIMARY KEY CHECK (id = 1),
                number bigint NOT NULL
            );
            INSERT INTO earlybird_referenceversion VALUES (1, nextval('earlybird_reference_number'));
            -- A number never handed out before (a sequence does not roll back): a list kept
            -- under a number a rolled-back change showed its own transaction is never used.
            -- An upsert: a row emptied by hand comes back at the next change (until then
            -- the number reads NULL and nothing is kept).
            CREATE FUNCTION earlybird_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO earlybird_referenceversion
                     VALUES (1, nextval('earlybird_reference_number'))
                ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number;
                RETURN NULL;
            END $$;
            """
            + ADD,
            DROP
            + """
            DROP FUNCTION earlybird_reference_changed();
            DROP TABLE earlybird_referenceversion;
            DROP SEQUENCE earlybird_reference_number;
            """,
        ),
    ]
