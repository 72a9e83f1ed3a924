"""Indexes for the admin's delivery list by issue (and status) and the subscriber list's
"Suppressed at" and "Paused at" filters; the issue foreign key's own index gives way
to (issue, id)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0013_issue_delivery_counts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='delivery',
            name='issue',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='newsletter.issue'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['issue', 'id'], name='delivery_issue'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['issue', 'status', 'id'], name='delivery_issue_status'),
        ),
        migrations.AddIndex(
            model_name='subscriber',
            index=models.Index(condition=models.Q(('suppressed_at__isnull', False)), fields=['created_at'], name='subscriber_suppressed'),
        ),
        migrations.AddIndex(
            model_name='subscriber',
            index=models.Index(condition=models.Q(('paused_at__isnull', False)), fields=['created_at'], name='subscriber_paused'),
        ),
    ]
