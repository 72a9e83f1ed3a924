"""The Editors group made by the data migration, and `manage.py createeditor`."""

import getpass

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from newsletter.editors import EDITOR_NEWSLETTER_PERMISSIONS
from verdicts.editors import EDITOR_PERMISSIONS, EDITORS_GROUP, grant_editor_permissions

PASSWORD = "a long editor password 42"

# Written out in full so a change to EDITOR_PERMISSIONS has to be deliberate.
EXPECTED = {
    *(f"verdicts.{action}_{model}" for model in ("tool", "persona", "take", "category")
      for action in ("add", "change", "delete", "view")),
    *(f"comparisons.{action}_comparison" for action in ("add", "change", "delete", "view")),
    "verdicts.view_communityvote",
}  # fmt: skip
# Granted by the newsletter's migrations 0003, 0010 (follows) and 0012 (verified
# votes), once their models exist.
EXPECTED_NEWSLETTER = {
    "newsletter.view_issue",
    "newsletter.view_delivery",
    "newsletter.view_subscriber",
    "newsletter.view_follow",
    "newsletter.view_verifiedvote",
}
EXPECTED_ALL = EXPECTED | EXPECTED_NEWSLETTER


def names(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


@pytest.mark.django_db
def test_the_migrations_give_editors_exactly_the_desk_permissions():
    group = Group.objects.get(name=EDITORS_GROUP)
    assert names(group.permissions.select_related("content_type")) == EXPECTED_ALL
    assert set(EDITOR_PERMISSIONS) == EXPECTED
    assert set(EDITOR_NEWSLETTER_PERMISSIONS) == EXPECTED_NEWSLETTER


@pytest.mark.django_db
def test_the_migration_makes_its_permissions_on_a_fresh_database():
    # As before post_migrate has ever run: no permissions, no group.
    Group.objects.all().delete()
    Permission.objects.all().delete()
    state = MigrationLoader(connection).project_state(("verdicts", "0002_editors_group"))
    migration = MigrationLoader(connection).get_migration("verdicts", "0002_editors_group")
    migration.operations[0].code(state.apps, None)
    group = Group.objects.get(name=EDITORS_GROUP)
    assert names(group.permissions.select_related("content_type")) == EXPECTED


@pytest.mark.django_db
def test_a_later_app_can_add_a_permission_and_a_typo_fails_loudly():
    from django.apps import apps

    grant_editor_permissions(apps, ["verdicts.view_communityvote"])  # already there: no-op
    group = Group.objects.get(name=EDITORS_GROUP)
    assert names(group.permissions.select_related("content_type")) == EXPECTED_ALL
    with pytest.raises(LookupError, match=r"verdicts\.view_subscriber"):
        grant_editor_permissions(apps, ["verdicts.view_subscriber"])


@pytest.mark.django_db
def test_createeditor_makes_a_staff_editor_from_the_environment(monkeypatch, client, capsys):
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    call_command("createeditor", "Ada@Example.COM", "--password-from-env", "EDITOR_PASSWORD")
    assert "Created editor ada@example.com" in capsys.readouterr().out
    user = User.objects.get()
    assert (user.username, user.email) == ("ada@example.com", "ada@example.com")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert user.get_all_permissions() == EXPECTED_ALL
    # Through the sign-in form: Axes needs the request to authenticate.
    signed_in = client.post(
        "/admin/login/", {"username": "ada@example.com", "password": PASSWORD, "next": "/admin/"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/verdicts/tool/add/").status_code == 200


@pytest.mark.django_db
def test_createeditor_prompts_twice_and_asks_again_on_a_mismatch(monkeypatch, capsys):
    answers = iter(["first try 12345", "second try 12345", PASSWORD, PASSWORD])
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))
    call_command("createeditor", "ed@example.com")
    assert "The two passwords differ" in capsys.readouterr().err
    assert User.objects.get().check_password(PASSWORD)


@pytest.mark.django_db
def test_createeditor_gives_up_after_three_bad_passwords(monkeypatch, capsys):
    monkeypatch.setattr(getpass, "getpass", lambda prompt: "123")
    with pytest.raises(CommandError, match="No acceptable password given"):
        call_command("createeditor", "ed@example.com")
    assert "This password is too short" in capsys.readouterr().err
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "env", "message"),
    [
        ("not-an-email", PASSWORD, "'not-an-email' is not a valid email address."),
        ("taken@example.com", PASSWORD, "A user with the email taken@example.com already exists."),
        ("TAKEN@example.com", PASSWORD, "already exists"),
        ("new@example.com", "", "The environment variable EDITOR_PASSWORD is unset or empty."),
        ("new@example.com", "password", "Password refused: This password is too common."),
    ],
)
def test_createeditor_refuses_bad_input_clearly(monkeypatch, email, env, message):
    User.objects.create_user("taken@example.com", "taken@example.com")
    monkeypatch.setenv("EDITOR_PASSWORD", env)
    with pytest.raises(CommandError) as error:
        call_command("createeditor", email, "--password-from-env", "EDITOR_PASSWORD")
    assert message in str(error.value)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_createeditor_needs_the_migrated_group(monkeypatch):
    Group.objects.all().delete()
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match=r"run `manage\.py migrate`"):
        call_command("createeditor", "ed@example.com", "--password-from-env", "EDITOR_PASSWORD")
