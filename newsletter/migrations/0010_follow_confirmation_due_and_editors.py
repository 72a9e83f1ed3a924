"""A follow asked for on a tool page can owe its confirmation email (retried by
send_pending_confirmations), and editors may view follows."""

from django.db import migrations, models

from verdicts.editors import grant_editor_permissions, revoke_editor_permissions

# What this migration grants, written out: newsletter/editors.py may change later.
EDITOR_FOLLOW_PERMISSIONS = ["newsletter.view_follow"]


def grant(apps, schema_editor):
    grant_editor_permissions(apps, EDITOR_FOLLOW_PERMISSIONS, schema_editor)


def revoke(apps, schema_editor):
    revoke_editor_permissions(apps, EDITOR_FOLLOW_PERMISSIONS, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0009_follows_and_preferences"),
        ("verdicts", "0009_score_order_and_split_percents"),
    ]

    operations = [
        migrations.AddField(
            model_name="follow",
            name="confirmation_due_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Set while the confirmation email of a follow asked for on a tool "
                "page is owed: the page could not send it, send_pending_confirmations will.",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="follow",
            index=models.Index(
                condition=models.Q(("confirmation_due_at__isnull", False)),
                fields=["confirmation_due_at"],
                name="follow_confirmation_due",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
