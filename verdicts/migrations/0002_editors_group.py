"""The Editors group with exactly the permissions to run the verdict desk."""

from django.db import migrations

from verdicts.editors import grant_editor_permissions, revoke_editor_permissions

# A copy of verdicts.editors.EDITOR_PERMISSIONS as this migration granted it: a
# later change to that list needs a migration of its own.
EDITOR_PERMISSIONS = [
    *[
        f"{app}.{action}_{model}"
        for app, model in [
            ("verdicts", "tool"),
            ("verdicts", "persona"),
            ("verdicts", "take"),
            ("verdicts", "category"),
            ("comparisons", "comparison"),
        ]
        for action in ("add", "change", "delete", "view")
    ],
    "verdicts.view_communityvote",
]


def grant(apps, schema_editor):
    grant_editor_permissions(apps, EDITOR_PERMISSIONS, schema_editor)


def revoke(apps, schema_editor):
    revoke_editor_permissions(apps, EDITOR_PERMISSIONS, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("verdicts", "0001_initial"),
        # The group also manages comparisons, so their permissions must exist.
        ("comparisons", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
