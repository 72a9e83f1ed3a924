"""The email service's tracking webhooks (django-anymail), posted as Postmark and
Mailgun send them: hard bounces and complaints suppress the address for every
later email, soft bounces are only counted, and posts without the right
credentials or signature are refused and change nothing."""

import base64
import hashlib
import hmac
import json
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from newsletter.models import Delivery, Issue, Subscriber, Suppression
from tests.factories import make_comparison, make_persona, make_subscriber, make_take, make_tool
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

POSTMARK = "/newsletter/esp/postmark/tracking/"
MAILGUN = "/newsletter/esp/mailgun/tracking/"
WEBHOOK_SECRET = "postmark-hook:9c1f0e3b7a5d"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"


@pytest.fixture(autouse=True)
def esp_settings(settings):
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
    }


def basic_auth(credentials: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def postmark_bounce(email: str, kind: str = "HardBounce", record: str = "Bounce") -> dict:
    """A Postmark bounce or spam-complaint webhook body, as its documentation shows it."""
    names = {
        "HardBounce": (1, "Hard bounce"),
        "SoftBounce": (4096, "Soft bounce"),
        "SpamComplaint": (512, "Spam complaint"),
    }
    code, name = names[kind]
    return {
        "RecordType": record,
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": code,
        "Name": name,
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message.",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "verdicts@shiporskip.example",
        "BouncedAt": "2026-11-30T16:33:54.9070259Z",
        "DumpAvailable": False,
        "Inactive": kind != "SoftBounce",
        "CanActivate": True,
        "Subject": "Weekly AI Tool Verdicts — week 49, 2026",
    }


def post_postmark(client: Client, body: dict, credentials: str | None = WEBHOOK_SECRET):
    headers = basic_auth(credentials) if credentials else {}
    return client.post(POSTMARK, json.dumps(body), content_type="application/json", **headers)


def mailgun_event(email: str, event: str, severity: str | None = None, key: str = MAILGUN_KEY):
    """A Mailgun webhook body signed with `key` (HMAC-SHA256 of timestamp + token)."""
    timestamp, token = str(int(time.time())), "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    data = {
        "event": event,
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "timestamp": 1764520434.375624,
        "log-level": "error",
        "recipient": email,
        "recipient-domain": email.split("@")[1],
        "message": {
            "headers": {
                "to": email,
                "message-id": "20261130163354.1.ABC@mg.shiporskip.example",
                "from": "verdicts@shiporskip.example",
                "subject": "Weekly AI Tool Verdicts",
            },
            "attachments": [],
            "size": 4242,
        },
        "tags": [],
        "user-variables": {},
    }
    if severity:
        data["severity"] = severity
        data["reason"] = "bounce" if severity == "permanent" else "generic"
        data["delivery-status"] = {
            "code": 550 if severity == "permanent" else 452,
            "message": "mailbox unavailable" if severity == "permanent" else "mailbox full",
            "description": "",
        }
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": data,
    }


def post_mailgun(client: Client, body: dict, credentials: str | None = WEBHOOK_SECRET):
    """Mailgun's webhook URL carries the basic auth too (https://user:pass@host/...)."""
    headers = basic_auth(credentials) if credentials else {}
    return client.post(MAILGUN, json.dumps(body), content_type="application/json", **headers)


def news():
    persona = make_persona()
    tool_a, tool_b = make_tool(), make_tool()
    make_take(tool_a, persona)
    make_take(tool_b, persona)
    return make_comparison(tool_a, tool_b)


def weekly_run() -> str:
    out = StringIO()
    call_command("send_weekly_digest", stdout=out, stderr=out)
    return out.getvalue()


def test_a_postmark_hard_bounce_suppresses_the_address_and_the_next_issue_skips_it(
    client, smtp_server
):
    bounced = make_subscriber(email="gone@example.com")
    make_subscriber(email="reader@example.com")

    response = post_postmark(client, postmark_bounce("Gone@Example.com"))

    assert response.status_code == 200
    bounced.refresh_from_db()
    assert bounced.suppression_reason == Suppression.BOUNCED
    assert bounced.suppressed_at.isoformat().startswith("2026-11-30T16:33:54")
    assert bounced.status == Subscriber.Status.CONFIRMED  # kept as it was, marked

    news()
    weekly_run()
    assert [to for to, _ in smtp_server.wait_for(1)] == [["reader@example.com"]]
    assert smtp_server.to("gone@example.com") == []
    assert not Delivery.objects.filter(subscriber=bounced).exists()


def test_a_postmark_spam_complaint_suppresses_the_address(client):
    complained = make_subscriber(email="annoyed@example.com")

    response = post_postmark(
        client, postmark_bounce("annoyed@example.com", "SpamComplaint", "SpamComplaint")
    )

    assert response.status_code == 200
    complained.refresh_from_db()
    assert complained.suppression_reason == Suppression.COMPLAINED
    assert complained.is_suppressed


def test_a_postmark_soft_bounce_is_counted_and_the_address_still_gets_the_next_issue(
    client, smtp_server
):
    full = make_subscriber(email="full@example.com")

    for _ in range(2):
        assert post_postmark(client, postmark_bounce(full.email, "SoftBounce")).status_code == 200

    full.refresh_from_db()
    assert not full.is_suppressed
    assert full.soft_bounces == 2
    news()
    weekly_run()
    [(recipients, _)] = smtp_server.wait_for(1)
    assert recipients == ["full@example.com"]


def test_a_mailgun_permanent_failure_suppresses_and_a_temporary_one_is_counted(client):
    gone = make_subscriber(email="gone@example.com")
    full = make_subscriber(email="full@example.com")

    assert post_mailgun(client, mailgun_event(gone.email, "failed", "permanent")).status_code == 200
    assert post_mailgun(client, mailgun_event(full.email, "failed", "temporary")).status_code == 200

    gone.refresh_from_db()
    full.refresh_from_db()
    assert gone.suppression_reason == Suppression.BOUNCED
    assert not full.is_suppressed
    assert full.soft_bounces == 1


def test_a_mailgun_complaint_suppresses_the_address(client):
    annoyed = make_subscriber(email="annoyed@example.com")

    assert post_mailgun(client, mailgun_event(annoyed.email, "complained")).status_code == 200

    annoyed.refresh_from_db()
    assert annoyed.suppression_reason == Suppression.COMPLAINED


def test_a_second_report_keeps_the_first_reason_and_date(client):
    subscriber = make_subscriber(email="gone@example.com")
    post_postmark(client, postmark_bounce(subscriber.email))
    first = Subscriber.objects.get(pk=subscriber.pk).suppressed_at

    post_mailgun(client, mailgun_event(subscriber.email, "complained"))

    subscriber.refresh_from_db()
    assert subscriber.suppression_reason == Suppression.BOUNCED
    assert subscriber.suppressed_at == first


def unchanged(subscriber) -> bool:
    row = Subscriber.objects.get(pk=subscriber.pk)
    return row.suppressed_at is None and row.suppression_reason == "" and row.soft_bounces == 0


@pytest.mark.parametrize(
    "credentials", [None, "postmark-hook:wrong-password", "someone:9c1f0e3b7a5d"]
)
def test_a_postmark_post_without_the_right_basic_auth_is_refused(client, credentials):
    subscriber = make_subscriber(email="reader@example.com")

    response = post_postmark(client, postmark_bounce(subscriber.email), credentials)

    assert response.status_code == 400
    assert unchanged(subscriber)


def test_a_mailgun_post_with_a_forged_or_missing_signature_is_refused(client):
    subscriber = make_subscriber(email="reader@example.com")
    forged = mailgun_event(subscriber.email, "failed", "permanent", key="key-not-the-real-one")
    unsigned = mailgun_event(subscriber.email, "failed", "permanent")
    del unsigned["signature"]
    replayed = mailgun_event(subscriber.email, "failed", "permanent")
    replayed["signature"]["token"] = "another-token"  # the signature no longer matches

    for body in (forged, unsigned, replayed):
        assert post_mailgun(client, body).status_code == 400
    signed = mailgun_event(subscriber.email, "failed", "permanent")
    assert post_mailgun(client, signed, credentials=None).status_code == 400

    assert unchanged(subscriber)


def test_an_authenticated_post_that_is_not_a_tracking_event_is_a_400(client):
    subscriber = make_subscriber(email="reader@example.com")
    headers = basic_auth(WEBHOOK_SECRET)

    for body in ("not json", json.dumps([1, 2])):
        response = client.post(POSTMARK, body, content_type="application/json", **headers)
        assert response.status_code == 400, body
    # A bounce naming nobody is taken (the service need not retry it) and does nothing.
    bounce = json.dumps({"RecordType": "Bounce", "Type": "HardBounce"})
    assert (
        client.post(POSTMARK, bounce, content_type="application/json", **headers).status_code == 200
    )

    assert unchanged(subscriber)


def test_a_service_without_its_secret_configured_has_no_webhook(client, settings):
    subscriber = make_subscriber(email="reader@example.com")
    settings.ANYMAIL = {}

    assert post_postmark(client, postmark_bounce(subscriber.email)).status_code == 404
    assert post_mailgun(client, mailgun_event(subscriber.email, "complained")).status_code == 404
    assert client.post("/newsletter/esp/unknown/tracking/", {}).status_code == 404
    assert unchanged(subscriber)


def test_the_webhook_answers_get_with_405(client):
    assert client.get(POSTMARK).status_code == 405


def test_an_issue_queued_before_the_bounce_is_not_sent_to_the_suppressed_address(
    client, smtp_server, settings
):
    """The report arrives while an issue's deliveries are still pending (a run
    stopped by the mail server): the re-run does not mail the address."""
    gone = make_subscriber(email="gone@example.com")
    make_subscriber(email="reader@example.com")
    news()
    settings.EMAIL_PORT = free_port()  # nobody listens: the run stops before sending
    with pytest.raises(CommandError, match="Stopped"):
        weekly_run()
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 2

    post_postmark(client, postmark_bounce(gone.email))
    settings.EMAIL_PORT = smtp_server.port
    output = weekly_run()

    assert smtp_server.to("gone@example.com") == []
    assert len(smtp_server.to("reader@example.com")) == 1
    assert Delivery.objects.get(subscriber=gone).status == Delivery.Status.SUPPRESSED
    assert "1 (suppressed address)" in output
    assert Issue.objects.get().sent_at is not None


def test_signing_up_again_sends_a_suppressed_address_nothing_but_answers_alike(client, smtp_server):
    make_subscriber(email="gone@example.com", status="pending")
    make_subscriber(email="annoyed@example.com")
    post_postmark(client, postmark_bounce("gone@example.com"))
    post_postmark(client, postmark_bounce("annoyed@example.com", "SpamComplaint", "SpamComplaint"))

    for email in ("gone@example.com", "annoyed@example.com", "new@example.com"):
        response = client.post("/newsletter/subscribe/", {"email": email})
        assert response.status_code == 200
        assert "Check your inbox" in response.content.decode()

    [(recipients, _)] = smtp_server.wait_for(1)
    assert recipients == ["new@example.com"]
    time.sleep(0.3)  # nothing else arrives
    assert len(smtp_server.messages) == 1


def test_a_due_confirmation_is_not_sent_to_a_suppressed_address(client, smtp_server):
    subscriber = make_subscriber(email="gone@example.com", status="pending")
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirmation_due_at=timezone.now() - timezone.timedelta(hours=1)
    )
    post_postmark(client, postmark_bounce(subscriber.email))

    out = StringIO()
    call_command("send_pending_confirmations", stdout=out)

    assert "No confirmation emails due." in out.getvalue()
    assert smtp_server.messages == []


def test_editors_find_suppressed_subscribers_in_the_admin(admin_client, client):
    make_subscriber(email="gone@example.com")
    make_subscriber(email="reader@example.com")
    post_postmark(client, postmark_bounce("gone@example.com"))

    url = "/admin/newsletter/subscriber/"
    suppressed = admin_client.get(url, {"suppressed_at__isempty": "0"}).content.decode()
    complained = admin_client.get(url, {"suppression_reason__exact": "complained"})

    assert "gone@example.com" in suppressed
    assert "reader@example.com" not in suppressed
    assert "Hard bounce" in suppressed
    assert "gone@example.com" not in complained.content.decode()
