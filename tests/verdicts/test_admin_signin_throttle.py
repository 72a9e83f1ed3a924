"""Admin sign-in is throttled per account and per address (django-axes), with a
clear page saying when to retry, and an operator can unlock either at once."""

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import make_editor
from tests.shiporskip.processes import manage

LOGIN = "/admin/login/"
PASSWORD = "a long editor password 42"


def sign_in(username, password, address="192.0.2.1", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return client, response


def assert_signed_in(client, response):
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def assert_locked_out(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed sign-ins for this account or from your address" in text
    assert "Try again in 15 minutes, after" in text
    assert "verdict desk" in text  # the admin's own look
    assert response["Retry-After"] == "900"


@pytest.mark.django_db
def test_failures_from_many_addresses_lock_the_account(settings):
    editor = make_editor()
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5  # ADMIN_LOGIN_FAILURE_LIMIT's default
    for n in range(limit - 1):
        _, response = sign_in(editor.username, "wrong password", address=f"203.0.113.{n}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    _, response = sign_in(editor.username, "wrong password", address="203.0.113.99")
    assert_locked_out(response)

    client, response = sign_in(editor.username, PASSWORD, address="198.51.100.7")
    assert_locked_out(response)
    assert client.get("/admin/").status_code == 302  # not signed in

    # Other accounts still sign in from those addresses.
    other = make_editor(password=PASSWORD)
    assert_signed_in(*sign_in(other.username, PASSWORD, address="203.0.113.1"))


@pytest.mark.django_db
def test_failures_for_many_accounts_lock_the_address(settings):
    editor = make_editor()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _, response = sign_in(f"guess{n}@example.com", "wrong password", address="203.0.113.7")
    assert_locked_out(response)

    client, response = sign_in(editor.username, PASSWORD, address="203.0.113.7")
    assert_locked_out(response)
    assert client.get("/admin/").status_code == 302
    assert_signed_in(*sign_in(editor.username, PASSWORD, address="203.0.113.8"))


@pytest.mark.django_db
def test_the_address_is_found_as_the_rate_limits_find_it(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    editor = make_editor()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            f"guess{n}@example.com", "x", address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
    _, response = sign_in(
        editor.username, PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert_locked_out(response)
    # Same proxy, another reader behind it: not locked.
    assert_signed_in(
        *sign_in(editor.username, PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    )


@pytest.mark.django_db
def test_axes_reset_username_unlocks_the_account(settings, capsys):
    editor = make_editor()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(editor.username, "wrong password", address=f"203.0.113.{n}")
    assert_locked_out(sign_in(editor.username, PASSWORD)[1])

    call_command("axes_reset_username", editor.username)
    assert "attempts removed" in capsys.readouterr().out
    assert_signed_in(*sign_in(editor.username, PASSWORD))


@pytest.mark.django_db
def test_axes_reset_ip_unlocks_the_address(settings, capsys):
    editor = make_editor()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"guess{n}@example.com", "wrong password", address="203.0.113.7")
    assert_locked_out(sign_in(editor.username, PASSWORD, address="203.0.113.7")[1])

    call_command("axes_reset_ip", "203.0.113.7")
    assert "attempts removed" in capsys.readouterr().out
    assert_signed_in(*sign_in(editor.username, PASSWORD, address="203.0.113.7"))


@pytest.mark.django_db
def test_force_login_still_works_with_the_axes_backend_first(editor_client):
    assert editor_client.get("/admin/verdicts/tool/").status_code == 200


def test_the_limit_and_the_wait_come_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        ADMIN_LOGIN_FAILURE_LIMIT="3",
        ADMIN_LOGIN_COOLOFF_MINUTES="2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 120"
    refused = manage("check", ADMIN_LOGIN_FAILURE_LIMIT="0")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "Configuration error: ADMIN_LOGIN_FAILURE_LIMIT=0 is below the minimum of 1"
    )
