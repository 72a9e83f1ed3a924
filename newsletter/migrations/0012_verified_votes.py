"""Verified votes (newsletter/verified.py), and editors may view them."""

import django.db.models.deletion
from django.db import migrations, models

from verdicts.editors import grant_editor_permissions, revoke_editor_permissions

# Added to newsletter.editors.EDITOR_NEWSLETTER_PERMISSIONS as this migration grants
# it: a later change to that list needs a migration of its own.
VERIFIED_VOTE_PERMISSIONS = ["newsletter.view_verifiedvote"]


def grant(apps, schema_editor):
    grant_editor_permissions(apps, VERIFIED_VOTE_PERMISSIONS, schema_editor)


def revoke(apps, schema_editor):
    revoke_editor_permissions(apps, VERIFIED_VOTE_PERMISSIONS, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0011_personal_issues'),
        ('verdicts', '0011_verified_tallies'),
    ]

    operations = [
        migrations.CreateModel(
            name='VerifiedVote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('call', models.CharField(choices=[('ship', 'Ship'), ('skip', 'Skip')], max_length=4)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('subscriber', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='verified_votes', to='newsletter.subscriber')),
                ('tool', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='verified_votes', to='verdicts.tool')),
            ],
            options={
                'ordering': ['-pk'],
                'indexes': [models.Index(fields=['tool', '-id'], name='verified_vote_tool_newest'), models.Index(fields=['call', '-id'], name='verified_vote_call_newest')],
                'constraints': [models.UniqueConstraint(fields=('subscriber', 'tool'), name='one_verified_vote_per_subscriber'), models.CheckConstraint(condition=models.Q(('call__in', ['ship', 'skip'])), name='verified_vote_call_valid')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
