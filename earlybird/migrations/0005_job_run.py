"""Runs of scheduled jobs, once per task and slot (earlybird.jobs.run_once)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('earlybird', '0004_idempotency_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='JobRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('task', models.CharField(help_text="The job's task name.", max_length=100)),
                ('slot', models.CharField(help_text='What the run is for: a day, a month.', max_length=40)),
                ('status', models.CharField(choices=[('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed'), ('skipped', 'Skipped')], default='running', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=1)),
                ('started_at', models.DateTimeField(db_index=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('summary', models.TextField(blank=True, help_text='What the work did.')),
                ('error', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['-started_at', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('task', 'slot'), name='earlybird_jobrun_once_per_slot'), models.CheckConstraint(condition=models.Q(('status', 'running'), ('finished_at__isnull', False), _connector='OR'), name='earlybird_jobrun_finished_has_time')],
            },
        ),
    ]
