"""The shared counters of login throttles and rate limits (earlybird.counters)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('earlybird', '0002_create_role_groups'),
    ]

    operations = [
        migrations.CreateModel(
            name='ThrottleCounter',
            fields=[
                ('key', models.CharField(max_length=200, primary_key=True, serialize=False)),
                ('value', models.BigIntegerField(default=0)),
                ('expires_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'ordering': ['key'],
            },
        ),
        # Counts are worth less than a commit's fsync: no write-ahead log for this table
        # (a count costs ~0.8 ms instead of ~6). After a database crash it comes back
        # empty (every lockout lifted); a standby does not have it. See earlybird/counters.py.
        migrations.RunSQL(
            "ALTER TABLE earlybird_throttlecounter SET UNLOGGED",
            reverse_sql="ALTER TABLE earlybird_throttlecounter SET LOGGED",
        ),
    ]
