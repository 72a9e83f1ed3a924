"""Editors may view issues, deliveries and subscribers (and send test copies)."""

from django.db import migrations

from verdicts.editors import (
    EDITOR_NEWSLETTER_PERMISSIONS,
    grant_editor_permissions,
    revoke_editor_permissions,
)


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
