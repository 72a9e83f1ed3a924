"""The Editors group: staff who publish verdicts through the admin.

Data migrations call grant_editor_permissions() so the group is right on a fresh
database; a later app (the newsletter) grants its own permissions the same way.
Each migration writes out the list it grants rather than importing one of these
lists, which can still change after the migration has run:

    def grant(apps, schema_editor):
        grant_editor_permissions(apps, ["newsletter.view_subscriber"], schema_editor)
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS_GROUP = "Editors"

# Exactly what an editor needs: manage the verdict content, look at readers' votes.
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


def _permissions(apps, codenames, using):
    """The Permission rows for "app.codename" strings, created first if missing."""
    # Permissions are normally made after `migrate` finishes (post_migrate), too
    # late for a data migration on a fresh database.
    for app_label in {name.split(".", 1)[0] for name in codenames}:
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, apps=apps, using=using
        )
    Permission = apps.get_model("auth", "Permission")
    wanted = {tuple(name.split(".", 1)) for name in codenames}
    found = [
        permission
        for permission in Permission.objects.using(using).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"No such permissions: {sorted('.'.join(m) for m in missing)}")
    return found


def grant_editor_permissions(apps, codenames, schema_editor=None):
    """Create the Editors group when needed and give it these permissions."""
    using = schema_editor.connection.alias if schema_editor else "default"
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    group.permissions.add(*_permissions(apps, codenames, using))


def revoke_editor_permissions(apps, codenames, schema_editor=None):
    """Undo grant_editor_permissions(): the reverse of a data migration."""
    using = schema_editor.connection.alias if schema_editor else "default"
    Group = apps.get_model("auth", "Group")
    group = Group.objects.using(using).filter(name=EDITORS_GROUP).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, codenames, using))
