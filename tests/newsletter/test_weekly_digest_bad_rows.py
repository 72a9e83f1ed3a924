"""send_weekly_digest never stops on one bad row: a stored subject with CR LF, an
address with a line break, an address the real SMTP server refuses. Each is
recorded as failed with its reason, the good readers get their issue once, no
delivery is left "sending", and the command exits non-zero saying how many failed.
"""

import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter.models import Delivery, Issue, Subscriber
from tests.factories import make_comparison, make_persona, make_subscriber, make_take, make_tool
from tests.newsletter.test_weekly_digest_crash import mail, site  # noqa: F401 (fixtures)
from tests.server import manage
from verdicts.models import Call

pytestmark = pytest.mark.django_db

GOOD = [f"reader{n}@example.com" for n in range(3)]
REFUSED = "gone@example.com"
NEWLINE_ADDRESS = "evil@example.com\nBcc: someone@example.net"
BAD_SUBJECT = "Weekly AI Tool Verdicts\r\nBcc: someone@example.net"


@pytest.fixture
def readers(settings, smtp_server):
    settings.SITE_URL = "https://shiporskip.example"
    settings.EMAIL_TIMEOUT = 5
    smtp_server.refused.add(REFUSED)
    for email in [*GOOD, REFUSED]:
        make_subscriber(email=email)
    bad = make_subscriber(email="placeholder@example.com")
    # Stored bypassing validation, as a row written before validation existed.
    Subscriber.objects.filter(pk=bad.pk).update(email=NEWLINE_ADDRESS)
    return smtp_server


@pytest.fixture
def bad_issue(readers):
    """Last week's issue, still undelivered, whose stored subject holds CR LF."""
    now = timezone.now()
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=1,
        subject="placeholder",
        period_since=now - timedelta(days=14),
        period_until=now - timedelta(days=7),
        html_body="<p>Last week</p>",
        text_body="Last week",
    )
    Issue.objects.filter(pk=issue.pk).update(subject=BAD_SUBJECT)
    Delivery.objects.bulk_create(
        Delivery(issue=issue, subscriber=subscriber) for subscriber in Subscriber.objects.all()
    )
    return issue


@pytest.fixture
def news():
    persona = make_persona(name="Builder")
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    make_take(alpha, persona, call=Call.SHIP)
    make_take(beta, persona, call=Call.SKIP)
    return make_comparison(alpha, beta)


def run_failing() -> str:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("send_weekly_digest", stdout=out, stderr=out)
    return f"{out.getvalue()}{failed.value}"


def received(server) -> list[str]:
    return sorted(address for to, _ in server.messages for address in to)


def test_bad_rows_fail_with_their_reason_and_every_good_reader_gets_the_issue_once(
    readers, bad_issue, news
):
    output = run_failing()

    assert received(readers) == GOOD  # the new issue, once each; the bad one to nobody
    for _, message in readers.messages:
        assert "Alpha vs Beta" in str(message["Subject"])
    new_issue = Issue.objects.exclude(pk=bad_issue.pk).get()
    statuses = {
        (d.issue_id, d.subscriber.email): (d.status, d.last_error)
        for d in Delivery.objects.select_related("subscriber")
    }
    assert not any(status == Delivery.Status.SENDING for status, _ in statuses.values())
    for email in [*GOOD, REFUSED]:
        status, error = statuses[bad_issue.pk, email]
        assert status == Delivery.Status.FAILED
        assert error.startswith("cannot build: BadHeaderError: Header values can't contain")
    for issue in [bad_issue, new_issue]:
        status, error = statuses[issue.pk, NEWLINE_ADDRESS]
        assert status == Delivery.Status.FAILED
        assert error.startswith("cannot build: ValueError: Invalid address")
        assert "evil@example.com\\nBcc" in error  # one line, the break shown
    for email in GOOD:
        assert statuses[new_issue.pk, email] == (Delivery.Status.SENT, "")
    assert statuses[new_issue.pk, REFUSED] == (
        Delivery.Status.FAILED,
        "550 5.1.1 Mailbox unavailable",
    )
    assert "Sent 3, failed 7 (4x cannot build: BadHeaderError" in output
    assert "; 2x cannot build: ValueError: Invalid address" in output
    assert "1x 550 5.1.1 Mailbox unavailable" in output
    assert "0 remaining" in output
    assert "7 deliveries failed: the next run tries again" in output

    output = run_failing()  # the failed ones are retried, and fail again

    assert received(readers) == GOOD  # nothing sent twice
    assert "Sent 0, failed 7" in output
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent", "failed"}
    assert set(
        Delivery.objects.filter(status=Delivery.Status.FAILED).values_list("attempts", flat=True)
    ) == {2}


def test_a_subject_fixed_after_a_failed_run_is_delivered_by_the_next(readers, bad_issue):
    run_failing()
    Issue.objects.filter(pk=bad_issue.pk).update(subject="Weekly AI Tool Verdicts, fixed")
    readers.refused.clear()

    output = run_failing()  # the address with a line break still fails

    assert received(readers) == sorted([*GOOD, REFUSED])
    assert "Sent 4, failed 1 (1x cannot build: ValueError" in output


def test_the_command_exits_non_zero_when_a_delivery_failed(site, mail):  # noqa: F811
    manage(
        site,
        "shell",
        "-c",
        "from newsletter.models import Subscriber; "
        "Subscriber.objects.create(email='x@example.com', status='confirmed'); "
        f"Subscriber.objects.filter(email='x@example.com').update(email={NEWLINE_ADDRESS!r})",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "send_weekly_digest", "--since", "2000-01-01"],
        cwd=django_settings.BASE_DIR,
        env=site,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Sent 6, failed 1 (1x cannot build: ValueError" in result.stderr
    assert len(mail.messages) == 6
