"""Sending the weekly issue through an email service's API (django-anymail):
a refusal of one message fails that delivery and the run goes on; any other API
error stops the run with the delivery left interrupted, never sent twice. The
service is anymail's own test backend, answering as the service would."""

from io import StringIO

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailRecipientStatus
from django.core import mail
from django.core.management import CommandError, call_command

from newsletter.models import Delivery
from tests.factories import make_comparison, make_persona, make_subscriber, make_take, make_tool

pytestmark = pytest.mark.django_db

INACTIVE = "inactive@example.com"
BROKEN = "broken@example.com"


class ServiceBackend(AnymailTestBackend):
    """Refuses INACTIVE as Postmark does an inactive recipient; answers 500 for BROKEN."""

    def post_to_esp(self, payload, message):
        if BROKEN in payload.recipient_emails:
            raise AnymailAPIError("500 Internal Server Error from the service")
        if INACTIVE in payload.recipient_emails:
            message.anymail_test_response = {
                "recipient_status": {INACTIVE: AnymailRecipientStatus(None, "rejected")}
            }
        return super().post_to_esp(payload, message)


@pytest.fixture
def service(settings):
    settings.EMAIL_BACKEND = f"{__name__}.ServiceBackend"
    settings.ANYMAIL = {}


def news():
    persona = make_persona()
    tool_a, tool_b = make_tool(), make_tool()
    make_take(tool_a, persona)
    make_take(tool_b, persona)
    make_comparison(tool_a, tool_b)


def run() -> str:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("send_weekly_digest", stdout=out, stderr=out)
    return f"{out.getvalue()}{failed.value}"


def test_a_refused_recipient_fails_its_delivery_and_the_others_are_sent(service):
    make_subscriber(email="a@example.com")
    inactive = make_subscriber(email=INACTIVE)
    make_subscriber(email="z@example.com")
    news()

    output = run()

    assert sorted(message.to[0] for message in mail.outbox if message.to[0] != INACTIVE) == [
        "a@example.com",
        "z@example.com",
    ]
    refused = Delivery.objects.get(subscriber=inactive)
    assert refused.status == Delivery.Status.FAILED
    assert refused.last_error.startswith("refused by the email service")
    assert "Sent 2, failed 1" in output
    # Every message kept its one-click unsubscribe headers through the service.
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_a_service_error_stops_the_run_and_leaves_the_delivery_interrupted(service):
    broken = make_subscriber(email=BROKEN)
    later = make_subscriber(email="z@example.com")
    news()

    output = run()

    assert "Stopped" in output
    assert Delivery.objects.get(subscriber=broken).status == Delivery.Status.SENDING
    assert Delivery.objects.get(subscriber=later).status == Delivery.Status.PENDING
