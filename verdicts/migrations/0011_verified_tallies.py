"""Tools count their verified readers' votes (newsletter/verified.py keeps them)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('verdicts', '0010_stored_list_counts'),
    ]

    operations = [
        migrations.AddField(
            model_name='tool',
            name='verified_ship_votes',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='tool',
            name='verified_skip_votes',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
