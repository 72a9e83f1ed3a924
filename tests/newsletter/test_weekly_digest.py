"""manage.py send_weekly_digest against a real SMTP server on loopback."""

import re
import threading
from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from newsletter import digest
from newsletter.models import Delivery, Issue, Subscriber
from tests.factories import make_comparison, make_persona, make_subscriber, make_take, make_tool
from tests.html import text_of
from tests.smtp import RecordingSMTPServer, free_port
from verdicts.models import Call

pytestmark = pytest.mark.django_db

SITE = "https://shiporskip.example"


@pytest.fixture
def mail(settings, smtp_server):
    settings.SITE_URL = SITE
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def readers():
    """Three confirmed subscribers, and two who must never get the newsletter."""
    confirmed = [make_subscriber(email=f"reader{n}@example.com") for n in range(3)]
    make_subscriber(email="pending@example.com", status="pending")
    make_subscriber(email="left@example.com", status="unsubscribed")
    return confirmed


@pytest.fixture
def news():
    persona_a, persona_b = make_persona(name="Builder"), make_persona(name="Skeptic")
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    make_take(alpha, persona_a, call=Call.SHIP)
    make_take(alpha, persona_b, call=Call.SKIP)
    make_take(beta, persona_a, call=Call.SHIP)
    return make_comparison(alpha, beta)


def run(*args) -> str:
    out = StringIO()
    call_command("send_weekly_digest", *args, stdout=out, stderr=out)
    return out.getvalue()


def run_failing(*args) -> str:
    """Run a send that must exit non-zero; its output and the error it ends with."""
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("send_weekly_digest", *args, stdout=out, stderr=out)
    return f"{out.getvalue()}{failed.value}"


def header(message, name) -> str:
    # Long headers are folded onto the next line; parsing keeps the fold's space.
    return str(message[name]).strip()


def recipients(server) -> list[str]:
    return sorted(address for to, _ in server.messages for address in to)


def test_it_sends_both_parts_and_the_headers_to_confirmed_subscribers_only(
    mail, readers, news, settings
):
    before = timezone.now()
    output = run()
    after = timezone.now()

    messages = mail.wait_for(3)
    assert recipients(mail) == [reader.email for reader in readers]
    # The run may straddle midnight between a Sunday and a Monday.
    subjects = {
        f"Weekly AI Tool Verdicts — week {week}, {year}: Alpha vs Beta"
        for year, week, _ in (before.isocalendar(), after.isocalendar())
    }
    assert "3 recipients" in output and "Sent 3, failed 0" in output
    for reader in readers:
        [message] = mail.to(reader.email)
        delivery = Delivery.objects.get(subscriber=reader)
        own_link = f"{SITE}{reader.unsubscribe_url}"
        assert header(message, "Subject") in subjects
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        assert message["To"] == reader.email
        sent_at = parsedate_to_datetime(message["Date"]).replace(tzinfo=UTC)  # "-0000" is UTC
        assert abs(sent_at - timezone.now()).total_seconds() < 60
        assert message["Message-ID"] == delivery.message_id
        assert re.fullmatch(r"<[^@<>]+@shiporskip\.example>", message["Message-ID"])
        assert header(message, "List-Unsubscribe") == f"<{own_link}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert own_link in text and own_link in html
        # Two takes are below VERDICT_MIN_TAKES: preliminary.
        assert "Panel: Split (preliminary) · 1 ship / 1 skip (50% ship)" in text
        assert "Panel: Split (preliminary) 1 ship / 1 skip · 50% ship" in text_of(html)
        assert f"{SITE}/compare/alpha-vs-beta/" in text and f"{SITE}/compare/alpha-vs-beta/" in html
        assert delivery.status == Delivery.Status.SENT
        assert delivery.attempts == 1 and delivery.sent_at is not None
    assert len({message["Message-ID"] for _, message in messages}) == 3
    issue = Issue.objects.get()
    assert list(issue.comparisons.all()) == [news]
    assert issue.deliveries.count() == 3


def test_one_click_unsubscribe_works_from_the_received_message(mail, readers, news):
    run()
    mail.wait_for(3)
    [message] = mail.to("reader1@example.com")

    url = header(message, "List-Unsubscribe").strip("<>")
    assert url.startswith(f"{SITE}/newsletter/unsubscribe/")
    client = Client(enforce_csrf_checks=True)  # a mail client: no cookies, no CSRF token
    response = client.post(
        url.removeprefix(SITE),
        message["List-Unsubscribe-Post"],
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses["reader1@example.com"] == Subscriber.Status.UNSUBSCRIBED
    assert statuses["reader0@example.com"] == statuses["reader2@example.com"] == "confirmed"


def test_a_refused_address_is_recorded_as_failed_and_the_others_still_get_it(mail, readers, news):
    mail.refused.add("reader1@example.com")

    output = run_failing()

    assert recipients(mail) == ["reader0@example.com", "reader2@example.com"]
    failed = Delivery.objects.get(subscriber__email="reader1@example.com")
    assert failed.status == Delivery.Status.FAILED
    assert failed.attempts == 1
    assert failed.last_error == "550 5.1.1 Mailbox unavailable"
    assert "Sent 2, failed 1 (1x 550 5.1.1 Mailbox unavailable)" in output
    assert "1 delivery failed: the next run tries again" in output

    output = run("--dry-run")
    assert "Would (re)try 1 delivery of earlier issues." in output
    assert len(mail.messages) == 2

    mail.refused.clear()
    output = run()

    assert recipients(mail) == [reader.email for reader in readers]  # once each
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT
    assert failed.attempts == 2
    assert Issue.objects.count() == 1
    assert "Sent 1, failed 0" in output


def test_a_refused_address_is_tried_at_most_max_attempts_times(mail, readers, news, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    mail.refused.add("reader1@example.com")

    run_failing()
    run_failing()
    output = run()

    failed = Delivery.objects.get(subscriber__email="reader1@example.com")
    assert failed.status == Delivery.Status.FAILED
    assert failed.attempts == 2
    assert "Finishing earlier issues" not in output
    assert recipients(mail) == ["reader0@example.com", "reader2@example.com"]


def test_dry_run_sends_nothing_and_stores_nothing(mail, readers, news):
    output = run("--dry-run")

    assert "Dry run: nothing is sent or stored." in output
    assert "Subject: Weekly AI Tool Verdicts — week" in output
    assert "Recipients: 3 confirmed subscribers" in output
    assert "New comparison: Alpha vs Beta" in output
    assert mail.messages == []
    assert Issue.objects.count() == 0 and Delivery.objects.count() == 0

    run()
    assert len(mail.wait_for(3)) == 3  # the dry run did not mark anything as covered


def test_with_nothing_new_it_composes_no_issue_and_says_so(mail, readers):
    output = run()

    assert re.search(r"Nothing new since \d{4}-\d\d-\d\d \d\d:\d\d UTC", output)
    assert Issue.objects.count() == 0
    assert mail.messages == []


def test_a_rerun_after_a_complete_send_does_nothing(mail, readers, news):
    run()
    mail.wait_for(3)

    output = run()

    assert "Nothing new since" in output
    assert Issue.objects.count() == 1
    assert len(mail.messages) == 3


def test_since_overrides_the_start_of_the_period(mail, readers, news):
    Issue.objects.create(
        iso_year=2026,
        iso_week=1,
        subject="An earlier issue",
        period_since=timezone.now(),
        period_until=timezone.now(),
    )
    assert "Nothing new since" in run()

    output = run("--since", timezone.now().date().isoformat())

    assert "Composed “Weekly AI Tool Verdicts" in output
    assert len(mail.wait_for(3)) == 3


@pytest.mark.parametrize("since", ["2026-13-01", "last week", ""])
def test_a_bad_since_is_refused_with_a_message(since):
    with pytest.raises(CommandError, match="is not a date like 2026-11-16"):
        run("--since", since)


def test_a_reader_who_unsubscribes_before_their_turn_is_not_sent_it(mail, readers, news):
    digest.publish(digest.compose(timezone.now() - timedelta(days=7), timezone.now()))
    readers[1].unsubscribe()

    output = run()

    assert recipients(mail) == ["reader0@example.com", "reader2@example.com"]
    skipped = Delivery.objects.get(subscriber=readers[1])
    assert skipped.status == Delivery.Status.CANCELLED
    assert "skipped 1 (unsubscribed)" in output


def test_when_the_smtp_server_goes_away_the_run_stops_and_a_rerun_delivers_the_rest(
    mail, news, settings
):
    readers = [make_subscriber(email=f"reader{n}@example.com") for n in range(5)]
    mail.hold(after=2, at="MAIL")

    def server_dies():
        mail.holding.wait(10)
        mail.drop()
        mail.stop()

    killer = threading.Thread(target=server_dies)
    killer.start()
    with pytest.raises(CommandError) as stopped:
        run()
    killer.join()

    assert "Stopped: the mail server failed" in str(stopped.value)
    assert "Sent 2, failed 0" in str(stopped.value) and "3 remaining" in str(stopped.value)
    statuses = sorted(Delivery.objects.values_list("status", flat=True))
    assert statuses == ["pending"] * 3 + ["sent"] * 2

    with RecordingSMTPServer() as back:
        settings.EMAIL_PORT = back.port
        output = run()
        back.wait_for(3)

    assert "Sent 3, failed 0" in output
    assert sorted(recipients(mail) + recipients(back)) == [reader.email for reader in readers]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_without_a_mail_server_nothing_is_lost(settings, readers, news):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()

    with pytest.raises(CommandError, match=r"Sent 0, .* 3 remaining\. Run the command again"):
        run()

    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_an_interrupted_delivery_is_resent_only_when_an_operator_requeues_it(mail, readers, news):
    digest.publish(digest.compose(timezone.now() - timedelta(days=7), timezone.now()))
    Delivery.objects.filter(subscriber=readers[0]).update(
        status=Delivery.Status.SENDING, message_id="<interrupted@shiporskip.example>"
    )

    output = run()

    assert "1 delivery interrupted while sending: not resent automatically" in output
    assert "<interrupted@shiporskip.example>" in output
    assert recipients(mail) == ["reader1@example.com", "reader2@example.com"]

    output = run("--requeue-interrupted")

    assert "Requeued 1 interrupted delivery." in output
    assert recipients(mail) == [reader.email for reader in readers]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_two_runs_at_once_send_each_reader_the_issue_once(mail, readers, news, monkeypatch):
    """A second cron host starts the command while the first is composing."""
    publish = digest.publish
    second_run = []

    def publish_after_a_second_run(composed):
        if second_run:  # the second run publishes as usual
            return publish(composed)
        second_run.append("started")
        second_run.append(run())  # composes, stores and sends its own issue
        return publish(composed)

    monkeypatch.setattr(digest, "publish", publish_after_a_second_run)
    first_run = run()

    assert "Sent 3, failed 0" in second_run[1]
    assert "while this one was composing. This run composed no issue." in first_run
    assert recipients(mail) == [reader.email for reader in readers]
    assert Issue.objects.count() == 1
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3
