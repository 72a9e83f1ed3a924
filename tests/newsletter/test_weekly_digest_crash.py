"""send_weekly_digest killed for real (SIGKILL) in the middle of a send, then run
again: nobody gets the issue twice and nobody is skipped.

The command runs as `python manage.py send_weekly_digest` on a seeded SQLite
file; the SMTP server holds the session at a chosen point, the test kills the
process there, and a second run finishes the issue.
"""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

from tests.server import manage
from tests.smtp import RecordingSMTPServer

READERS = [f"reader{n}@example.com" for n in range(6)]
SETUP = """
from newsletter.models import Subscriber
for email in {readers!r}:
    Subscriber.objects.create(email=email, status="confirmed")
Subscriber.objects.create(email="pending@example.com", status="pending")
Subscriber.objects.create(email="left@example.com", status="unsubscribed")
"""


@pytest.fixture
def mail():
    with RecordingSMTPServer() as server:
        yield server


@pytest.fixture
def site(tmp_path, mail):
    """Environment of a seeded site with six confirmed readers, mailing to `mail`."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.dev",
        "DEBUG": "false",
        "SQLITE_PATH": str(tmp_path / "digest.sqlite3"),
        "SITE_URL": "https://shiporskip.example",
        "EMAIL_HOST": mail.host,
        "EMAIL_PORT": str(mail.port),
        "EMAIL_TIMEOUT": "10",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "loadseed")
    manage(env, "shell", "-c", SETUP.format(readers=READERS))
    return env


# The seed comparisons are from 2026: --since takes them all in, on both runs.
COMMAND = [sys.executable, "manage.py", "send_weekly_digest", "--since", "2000-01-01"]


def start(env) -> subprocess.Popen:
    return subprocess.Popen(
        COMMAND,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill_when_held(process, mail):
    assert mail.holding.wait(30), process.communicate()[0]
    process.kill()
    process.wait(10)
    mail.release()


def run_again(env) -> str:
    result = subprocess.run(
        COMMAND, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def deliveries(env) -> dict[str, tuple[str, str]]:
    """email -> (status, message_id), read straight from the database file."""
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        rows = db.execute(
            "SELECT s.email, d.status, d.message_id FROM newsletter_delivery d "
            "JOIN newsletter_subscriber s ON s.id = d.subscriber_id"
        ).fetchall()
        assert db.execute("SELECT count(*) FROM newsletter_issue").fetchone() == (1,)
    return {email: (status, message_id) for email, status, message_id in rows}


def received(mail) -> list[str]:
    return sorted(address for to, _ in mail.messages for address in to)


def test_a_run_killed_after_message_k_then_run_again_delivers_exactly_once_to_everyone(site, mail):
    k = 3
    mail.hold(after=k, at="MAIL")  # message k sent and recorded; k + 1 not begun
    kill_when_held(start(site), mail)

    after_crash = deliveries(site)
    assert sorted(status for status, _ in after_crash.values()) == ["pending"] * 3 + ["sent"] * 3
    assert len(mail.messages) == k

    output = run_again(site)

    assert "Finishing earlier issues: 3 deliveries to (re)try." in output
    assert "Sent 3, failed 0" in output
    assert received(mail) == READERS  # exactly once each, pending and unsubscribed never
    final = deliveries(site)
    assert {status for status, _ in final.values()} == {"sent"}
    for _, message in mail.messages:
        [address] = message["To"].addresses
        assert final[address.addr_spec][1] == message["Message-ID"]


def test_a_run_killed_while_its_message_is_being_accepted_never_sends_it_twice(site, mail):
    # The server has all of message k + 1 and queues it, but the client dies before
    # hearing its "250": the reader has the issue, the database says "sending".
    k = 3
    mail.hold(after=k, at="DATA")
    kill_when_held(start(site), mail)
    mail.wait_for(k + 1)
    _, held = mail.messages[k]
    held_to = held["To"].addresses[0].addr_spec

    assert deliveries(site)[held_to] == ("sending", held["Message-ID"])

    output = run_again(site)

    assert "1 delivery interrupted while sending: not resent automatically" in output
    assert held["Message-ID"] in output  # what the operator looks for in the mail log
    assert received(mail) == READERS  # the held reader got the one copy, not two
    final = deliveries(site)
    assert final.pop(held_to)[0] == "sending"
    assert {status for status, _ in final.values()} == {"sent"}
