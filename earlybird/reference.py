"""Reference lists kept per process: the small lists staff pages offer as drop-downs
(areas, delivery boys, marketers, products; earlybird.quick_select.ChoiceLists) are read
again only when one of their tables changed.

A trigger on each of those tables moves one number (earlybird_referenceversion, migration
earlybird 0008) in the same transaction as the change, to a value never handed out
before. Every request reads the number with its session (earlybird.sessions), so a list
kept under the number a request read is at least as new as what that request would have
read itself: the list was read after the number was, by a request that saw it."""

# The number, as the session's statement reads it.
VERSION_SQL = "(SELECT number FROM earlybird_referenceversion WHERE id = 1)"
TRIGGER = "earlybird_reference_changed"  # on every table a kept list is read from


def remember_version(user, number: int | None) -> None:
    """Keep the number read with the user's session on the user, for this request."""
    user._earlybird_reference = number


def version_seen_by(user) -> int | None:
    """The number this request read with its session; None: none was read (keep
    nothing, read the lists)."""
    return getattr(user, "_earlybird_reference", None)


def watch(table: str, events: str = "INSERT OR UPDATE OR DELETE OR TRUNCATE"):
    """The migration operation putting the version's trigger on `table` (the function it
    runs is earlybird migration 0008's)."""
    from django.db import migrations

    return migrations.RunSQL(
        f"CREATE TRIGGER {TRIGGER} AFTER {events} ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION earlybird_reference_changed()",
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}",
    )
