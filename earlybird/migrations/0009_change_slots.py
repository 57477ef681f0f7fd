"""The watched tables' change numbers (earlybird.changes): a slot per server backend,
given a new number from a sequence, in the same transaction, by a statement trigger on
every table a kept read selects from (the pages' rows and the staff pages' drop-down
lists: earlybird.quick_select). The users' tables are watched here; the apps put the
trigger on their own tables. It replaces the drop-downs' version row (migration 0008 on
a database that applied it): its function, with its triggers, its row and sequence go."""

from django.db import migrations

from earlybird.changes import watch

# A login writes last_login only: the users' trigger watches what a page shows.
USERS = "INSERT OR DELETE OR TRUNCATE OR UPDATE OF username, first_name, last_name, is_active"


class Migration(migrations.Migration):
    dependencies = [
        ("earlybird", "0008_reference_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            """
            DROP FUNCTION IF EXISTS earlybird_reference_changed() CASCADE;
            DROP TABLE IF EXISTS earlybird_referenceversion;
            DROP SEQUENCE IF EXISTS earlybird_reference_number;
            CREATE SEQUENCE earlybird_change_number;
            CREATE TABLE earlybird_changeslot (
                slot integer PRIMARY KEY,
                number bigint NOT NULL
            );
            -- The slot is the backend's id (PostgreSQL 16: unique among live backends,
            -- fixed for a backend's life), found once per connection. Two connections
            -- never write the same row at once, so no writer waits for another, and no
            -- lock taken here can be part of a deadlock.
            CREATE FUNCTION earlybird_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                mine integer := nullif(current_setting('earlybird.change_slot', true), '');
            BEGIN
                IF mine IS NULL THEN
                    SELECT id INTO mine FROM pg_stat_get_backend_idset() id
                     WHERE pg_stat_get_backend_pid(id) = pg_backend_pid();
                    -- Statistics off: the process id, as unique among live connections.
                    mine := coalesce(mine, -pg_backend_pid());
                    PERFORM set_config('earlybird.change_slot', mine::text, false);
                END IF;
                INSERT INTO earlybird_changeslot VALUES (mine, nextval('earlybird_change_number'))
                ON CONFLICT (slot) DO UPDATE SET number = EXCLUDED.number;
                RETURN NULL;
            END $$;
            """,
            """
            DROP FUNCTION earlybird_changed();
            DROP TABLE earlybird_changeslot;
            DROP SEQUENCE earlybird_change_number;
            """,
        ),
        watch("auth_user", USERS),
        watch("auth_user_groups"),
        watch("auth_group"),
    ]
