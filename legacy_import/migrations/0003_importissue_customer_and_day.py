from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("legacy_import", "0002_import_runs_and_archive"),
    ]

    operations = [
        migrations.AddField(
            model_name="importissue",
            name="customer_legacy_id",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="importissue",
            name="day",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="importissue",
            name="kind",
            field=models.CharField(
                choices=[("rejected", "Rejected"), ("warning", "Warning"), ("info", "Listed")],
                max_length=8,
            ),
        ),
        migrations.AddIndex(
            model_name="importissue",
            index=models.Index(
                fields=["run", "customer_legacy_id"], name="legacy_impo_run_id_9067cd_idx"
            ),
        ),
    ]
