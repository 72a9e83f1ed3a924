"""Editors may view issues, deliveries and subscribers (and send test copies)."""

from django.db import migrations

from verdicts.editors import grant_editor_permissions, revoke_editor_permissions

# A copy of newsletter.editors.EDITOR_NEWSLETTER_PERMISSIONS as this migration
# granted it: a later change to that list needs a migration of its own.
EDITOR_NEWSLETTER_PERMISSIONS = [
    "newsletter.view_issue",
    "newsletter.view_delivery",
    "newsletter.view_subscriber",
]


def grant(apps, schema_editor):
    grant_editor_permissions(apps, EDITOR_NEWSLETTER_PERMISSIONS, schema_editor)


def revoke(apps, schema_editor):
    revoke_editor_permissions(apps, EDITOR_NEWSLETTER_PERMISSIONS, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_issues_and_deliveries"),
        ("verdicts", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
