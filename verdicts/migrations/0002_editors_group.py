"""The Editors group with exactly the permissions to run the verdict desk."""

from django.db import migrations

from verdicts.editors import grant_editor_permissions, revoke_editor_permissions

# A copy of verdicts.editors.EDITOR_PERMISSIONS as this migration granted it: a
# later change to that list needs a migration of its own.
EDITOR_PERMISSIONS = [
    "verdicts.add_tool", "verdicts.change_tool", "verdicts.delete_tool", "verdicts.view_tool",
    "verdicts.add_persona", "verdicts.change_persona", "verdicts.delete_persona", "verdicts.view_persona",
    "verdicts.add_take", "verdicts.change_take", "verdicts.delete_take", "verdicts.view_take",
    "verdicts.add_category", "verdicts.change_category", "verdicts.delete_category", "verdicts.view_category",
    "comparisons.add_comparison", "comparisons.change_comparison", "comparisons.delete_comparison", "comparisons.view_comparison",
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
