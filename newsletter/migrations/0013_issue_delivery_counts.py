"""Each issue's delivery counts per status, stored (newsletter/delivery_counts.py),
filled from the deliveries already there."""

from django.db import migrations, models

# The statuses of Delivery when this migration was written: each has its column.
STATUSES = [
    "pending", "sending", "sent", "failed", "cancelled", "suppressed", "skipped", "paused",
]  # fmt: skip


def fill_counts(apps, schema_editor):
    """One GROUP BY over the deliveries, then one UPDATE per issue that has any."""
    Issue = apps.get_model("newsletter", "Issue")
    Delivery = apps.get_model("newsletter", "Delivery")
    counts = {}
    rows = (
        Delivery.objects.order_by()
        .values_list("issue_id", "status")
        .annotate(n=models.Count("pk"))
    )
    for issue_id, status, n in rows:
        if status in STATUSES:
            counts.setdefault(issue_id, {})[f"{status}_count"] = n
    for issue_id, columns in counts.items():
        Issue.objects.filter(pk=issue_id).update(**columns)


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0012_verified_votes'),
    ]

    operations = [
        migrations.AddField(
            model_name='issue',
            name='cancelled_count',
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='issue',
            name='failed_count',
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='issue',
            name='paused_count',
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='issue',
            name='pending_count',
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='issue',
            name='sending_count',
            field=models.IntegerField(default=0, editable=False, help_text='Interrupted while sending.'),
        ),
        migrations.AddField(
            model_name='issue',
            name='sent_count',
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='issue',
            name='skipped_count',
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='issue',
            name='suppressed_count',
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
