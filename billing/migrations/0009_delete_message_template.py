from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0008_move_message_templates"),
    ]

    operations = [
        migrations.DeleteModel(name="HistoricalMessageTemplate"),
        migrations.DeleteModel(name="MessageTemplate"),
    ]
