"""manage.py send_pending_confirmations: the confirmations sign-up could not send
go out later, over real SMTP, once each."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter.models import Subscriber
from tests.smtp import RecordingSMTPServer

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"


def run() -> str:
    out = StringIO()
    call_command("send_pending_confirmations", stdout=out, stderr=out)
    return out.getvalue()


def run_failing() -> str:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("send_pending_confirmations", stdout=out, stderr=out)
    return f"{out.getvalue()}{failed.value}"


def minutes_later():
    """Past the grace a sign-up in progress has to send its own confirmation."""
    Subscriber.objects.filter(confirmation_due_at__isnull=False).update(
        confirmation_due_at=timezone.now() - timedelta(minutes=2)
    )


@pytest.fixture
def signed_up_while_down(client, smtp_server, settings):
    """Four sign-ups answered while the mail server was down."""
    settings.SUBSCRIBE_RATE_LIMIT = "100/3600"
    Subscriber.objects.create(email="pending@example.com")
    Subscriber.objects.create(email="confirmed@example.com", status="confirmed")
    Subscriber.objects.create(email="left@example.com", status="unsubscribed")
    smtp_server.stop()
    for email in ["new@example.com", "pending@example.com", "confirmed@example.com"]:
        assert client.post(SUBSCRIBE, {"email": email}).status_code == 200
    assert client.post(SUBSCRIBE, {"email": "left@example.com"}).status_code == 200
    with RecordingSMTPServer() as back:
        settings.EMAIL_PORT = back.port
        yield back


def test_due_confirmations_are_delivered_later_and_once(client, signed_up_while_down):
    mail = signed_up_while_down
    minutes_later()

    output = run()

    assert "Sent 3 confirmation emails, failed 0, 0 still due." in output
    mail.wait_for(3)
    assert sorted(to for recipients, _ in mail.messages for to in recipients) == [
        "left@example.com",
        "new@example.com",
        "pending@example.com",
    ]
    [message] = mail.to("new@example.com")
    assert message["Subject"] == "Confirm your subscription to Weekly AI Tool Verdicts"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/newsletter/confirm/\S+/)", text).group(1)
    assert "You are subscribed" in client.post(link).content.decode()
    assert Subscriber.objects.get(email="new@example.com").status == "confirmed"
    assert not Subscriber.objects.filter(confirmation_due_at__isnull=False).exists()

    assert "No confirmation emails due." in run()
    assert len(mail.messages) == 3


def test_a_sign_up_of_the_last_minute_is_left_to_the_request_sending_it(signed_up_while_down):
    assert "No confirmation emails due." in run()
    assert signed_up_while_down.messages == []
    assert Subscriber.objects.filter(confirmation_due_at__isnull=False).count() == 3


def test_a_subscriber_who_confirmed_meanwhile_is_not_sent_another(signed_up_while_down):
    minutes_later()
    Subscriber.objects.get(email="pending@example.com").confirm()

    assert "Sent 2 confirmation emails" in run()
    assert signed_up_while_down.to("pending@example.com") == []


def test_an_address_refused_for_good_is_reported_and_no_longer_due(signed_up_while_down):
    signed_up_while_down.refused.add("new@example.com")
    minutes_later()

    output = run_failing()

    assert "Sent 2 confirmation emails, failed 1 (new@example.com: 550 5.1.1" in output
    assert "0 still due" in output
    assert "No confirmation emails due." in run()


def test_with_the_server_still_down_the_run_stops_and_everything_stays_due(
    signed_up_while_down, settings
):
    signed_up_while_down.stop()
    minutes_later()

    output = run_failing()

    assert "Stopped: the mail server failed" in output
    assert "Sent 0 confirmation emails, failed 0, 3 still due." in output
