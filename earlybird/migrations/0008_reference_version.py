"""The reference lists' version (earlybird.reference): one row the database moves to a new
number, from a sequence, in the same transaction as any change to a table the staff
pages' drop-downs are read from. The users' tables are watched here; customers,
deliveries and orders add the trigger to theirs."""

from django.db import migrations

from earlybird.reference import watch

# A login writes last_login only: the users' trigger watches what a list shows.
USERS = "INSERT OR DELETE OR TRUNCATE OR UPDATE OF username, first_name, last_name, is_active"


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
            """,
            """
            DROP FUNCTION earlybird_reference_changed();
            DROP TABLE earlybird_referenceversion;
            DROP SEQUENCE earlybird_reference_number;
            """,
        ),
        watch("auth_user", USERS),
        watch("auth_user_groups"),
        watch("auth_group"),
    ]
