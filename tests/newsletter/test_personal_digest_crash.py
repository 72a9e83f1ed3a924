"""send_weekly_digest with personal issues, killed for real (SIGKILL) mid-send; the
readers change what they follow and an editor revises a take before the run
again: every message goes out exactly once, and each is the message a clean run
of the stored issue sends, header for header and byte for byte in its bodies.

The clean run is a twin of the site: a copy of the database taken at the crash,
with the issue's deliveries put back as publish() left them, sent to its own
SMTP server with nothing changed.
"""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

from tests.server import manage
from tests.smtp import RecordingSMTPServer

# Every subscriber's choices as the issue is stored; delivery order is pk order.
SETUP = """
from django.utils import timezone
from newsletter.models import Follow, Subscriber
from verdicts.models import Category, Take, Tool

take = Take.objects.get(persona__name="Skeptic", tool__slug="smolvm")
take.call, take.score = "ship", 71
take.save()
smolvm = Tool.objects.get(slug="smolvm")
category = Category.objects.get(slug="developer-tools")

def reader(name, scope="everything", paused=False, tool=None, category=None):
    subscriber = Subscriber.objects.create(
        email=f"{name}@example.com", status="confirmed", digest_scope=scope,
        paused_at=timezone.now() if paused else None,
    )
    if tool or category:
        Follow.objects.create(
            subscriber=subscriber, tool=tool, category=category, confirmed_at=timezone.now()
        )

reader("tool-fan", tool=smolvm)
reader("category-fan", category=category)
reader("idle-focused", scope="followed")
reader("leaves-tool", tool=smolvm)
reader("switches-tool", scope="followed", tool=smolvm)
reader("joins-category")
reader("paused", paused=True, tool=smolvm)
"""

# Between the runs: what each changed reader does, and an editor's revision.
CHANGES = """
from django.utils import timezone
from newsletter.models import Follow, Subscriber
from verdicts.models import Category, Take, Tool

Follow.objects.filter(subscriber__email="leaves-tool@example.com").delete()
Subscriber.objects.filter(email="leaves-tool@example.com").update(digest_scope="followed")
switcher = Subscriber.objects.get(email="switches-tool@example.com")
Follow.objects.filter(subscriber=switcher).delete()
Follow.objects.create(
    subscriber=switcher, tool=Tool.objects.get(slug="smollm3"), confirmed_at=timezone.now()
)
Follow.objects.create(
    subscriber=Subscriber.objects.get(email="joins-category@example.com"),
    category=Category.objects.get(slug="developer-tools"),
    confirmed_at=timezone.now(),
)
take = Take.objects.get(persona__name="Skeptic", tool__slug="smolvm")
take.call, take.score = "skip", 30
take.save()
"""

SENT_TO = sorted(
    f"{name}@example.com"
    for name in ["tool-fan", "category-fan", "leaves-tool", "switches-tool", "joins-category"]
)
CHANGE = "Skeptic: skip → ship, 45 → 71"
COMMAND = [sys.executable, "manage.py", "send_weekly_digest", "--since", "2000-01-01"]
# Set by each attempt: the rest of every message must be the same.
PER_ATTEMPT = {"message-id", "date"}


@pytest.fixture
def mail():
    with RecordingSMTPServer() as server:
        yield server


@pytest.fixture
def twin_mail():
    with RecordingSMTPServer() as server:
        yield server


def environment(path, mail) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.dev",
        "DEBUG": "false",
        "SQLITE_PATH": str(path),
        "SITE_URL": "https://shiporskip.example",
        "EMAIL_HOST": mail.host,
        "EMAIL_PORT": str(mail.port),
        "EMAIL_TIMEOUT": "10",
    }


def run(env) -> str:
    result = subprocess.run(
        COMMAND, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def first_issue(path) -> dict[str, tuple[str, str]]:
    """email -> (status, message_id) of the first issue's deliveries."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT s.email, d.status, d.message_id FROM newsletter_delivery d "
            "JOIN newsletter_subscriber s ON s.id = d.subscriber_id "
            "WHERE d.issue_id = (SELECT min(id) FROM newsletter_issue)"
        ).fetchall()
    return {email: (status, message_id) for email, status, message_id in rows}


def twin_as_published(source, path) -> None:
    """A copy of the database with the first issue's deliveries as publish() left them."""
    with sqlite3.connect(source) as original, sqlite3.connect(path) as copy:
        original.backup(copy)
        copy.execute(
            "UPDATE newsletter_delivery SET status = 'pending', message_id = '', attempts = 0, "
            "sent_at = NULL, last_attempt_at = NULL WHERE status IN ('sent', 'sending')"
        )
    with sqlite3.connect(path) as copy:
        assert copy.execute("SELECT count(*) FROM newsletter_issue").fetchone() == (1,)


def by_recipient(mail, message_ids) -> dict[str, list]:
    """The first issue's messages (by Message-ID), by recipient."""
    received = {}
    for to, message in mail.messages:
        if message["Message-ID"] in message_ids:
            for address in to:
                received.setdefault(address, []).append(message)
    return received


def comparable(message) -> tuple:
    headers = sorted(
        (name.lower(), str(value))
        for name, value in message.items()
        if name.lower() not in PER_ATTEMPT
    )
    parts = [
        (part.get_content_type(), part.get_payload(decode=True))
        for part in message.walk()
        if not part.is_multipart()
    ]
    return headers, parts


def test_a_killed_run_resumed_after_readers_and_editors_changed_sends_the_stored_messages(
    tmp_path, mail, twin_mail
):
    site = environment(tmp_path / "site.sqlite3", mail)
    manage(site, "migrate", "--noinput")
    manage(site, "loadseed")
    manage(site, "shell", "-c", SETUP)

    mail.hold(after=2, at="MAIL")  # two messages sent and recorded, the third not begun
    process = subprocess.Popen(
        COMMAND,
        cwd=settings.BASE_DIR,
        env=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert mail.holding.wait(60), process.communicate()[0]
    process.kill()
    process.wait(10)
    mail.release()
    after_crash = first_issue(site["SQLITE_PATH"])
    assert sorted(status for status, _ in after_crash.values()) == [
        "pending",
        "pending",
        "pending",
        "sent",
        "sent",
        "skipped",
    ]
    assert "paused@example.com" not in after_crash

    twin = environment(tmp_path / "twin.sqlite3", twin_mail)
    twin_as_published(site["SQLITE_PATH"], twin["SQLITE_PATH"])
    manage(site, "shell", "-c", CHANGES)
    output = run(site)
    twin_output = run(twin)

    assert "Finishing earlier issues: 3 deliveries to (re)try." in output
    assert "Finishing earlier issues: 5 deliveries to (re)try." in twin_output
    final = first_issue(site["SQLITE_PATH"])
    assert sorted(email for email, (status, _) in final.items() if status == "sent") == SENT_TO
    received = by_recipient(mail, {message_id for _, message_id in final.values()})
    assert sorted(received) == SENT_TO
    assert all(len(messages) == 1 for messages in received.values())  # exactly once
    clean = by_recipient(twin_mail, {m["Message-ID"] for _, m in twin_mail.messages})
    assert sorted(clean) == SENT_TO
    for email in SENT_TO:
        [message], [clean_message] = received[email], clean[email]
        assert comparable(message) == comparable(clean_message), email
        assert message["Message-ID"] != clean_message["Message-ID"]
    # What each reader followed when the issue was stored, not since.
    for email in ["leaves-tool@example.com", "switches-tool@example.com"]:
        text = received[email][0].get_body(preferencelist=("plain",)).get_content()
        assert CHANGE in text and "45 → 30" not in text and "71 → 30" not in text
    leaver = received["leaves-tool@example.com"][0].get_body(preferencelist=("plain",))
    assert "What our panel of six reviewers" in leaver.get_content()  # still "everything"
    joiner = received["joins-category@example.com"][0].get_body(preferencelist=("plain",))
    assert "WHAT CHANGED ON WHAT YOU FOLLOW" not in joiner.get_content()
