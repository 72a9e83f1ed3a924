"""Sign-up answers every valid address alike, so nobody can learn who subscribes:
same status, same page, one SMTP connection, whatever the address's state and
whether the mail server is up or down."""

import contextlib
import re
import smtplib
from unittest import mock

import pytest

from newsletter.models import Subscriber
from tests.html import text_of

SUBSCRIBE = "/newsletter/subscribe/"
STATES = ["new", "pending", "confirmed", "unsubscribed"]


@contextlib.contextmanager
def counting_smtp_connections():
    """Count the connections Django's SMTP backend attempts, refused ones included."""
    connect = smtplib.SMTP.connect
    attempts = []

    def counted(self, *args, **kwargs):
        attempts.append(args)
        return connect(self, *args, **kwargs)

    with mock.patch.object(smtplib.SMTP, "connect", counted):
        yield attempts


def sign_up_each_state(client) -> dict[str, tuple[int, str, int]]:
    """state -> (status, page without its CSRF token, SMTP connections attempted)."""
    for state in ["pending", "confirmed", "unsubscribed"]:
        Subscriber.objects.create(email=f"{state}@example.com", status=state)
    answers = {}
    for state in STATES:
        with counting_smtp_connections() as attempts:
            response = client.post(SUBSCRIBE, {"email": f"{state}@example.com"})
        page = re.sub(r'value="[^"]+"', "", response.content.decode())
        answers[state] = (response.status_code, page, len(attempts))
    return answers


@pytest.fixture
def client_allowed_many(client, settings):
    settings.SUBSCRIBE_RATE_LIMIT = "100/3600"
    return client


@pytest.mark.django_db
def test_with_the_server_up_every_address_gets_the_same_answer_and_one_email(
    client_allowed_many, smtp_server, settings
):
    answers = sign_up_each_state(client_allowed_many)

    assert len(set(answers.values())) == 1, {s: (a[0], a[2]) for s, a in answers.items()}
    status, page, connections = answers["new"]
    assert status == 200 and connections == 1
    assert "Check your inbox" in text_of(page)
    smtp_server.wait_for(4)
    for state in STATES:
        [message] = smtp_server.to(f"{state}@example.com")
        text = message.get_body(preferencelist=("plain",)).get_content()
        if state == "confirmed":
            subscriber = Subscriber.objects.get(email="confirmed@example.com")
            assert message["Subject"] == "You are already subscribed to Weekly AI Tool Verdicts"
            assert f"{settings.SITE_URL}{subscriber.unsubscribe_url}" in text
            assert "/newsletter/confirm/" not in text
        else:
            assert message["Subject"] == "Confirm your subscription to Weekly AI Tool Verdicts"
            assert "/newsletter/confirm/" in text
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "new@example.com": "pending",
        "pending@example.com": "pending",
        "confirmed@example.com": "confirmed",
        "unsubscribed@example.com": "pending",
    }
    assert not Subscriber.objects.filter(confirmation_due_at__isnull=False).exists()


@pytest.mark.django_db
def test_with_the_server_down_every_address_gets_the_same_answer_and_nothing_is_lost(
    client_allowed_many, smtp_server
):
    smtp_server.stop()

    answers = sign_up_each_state(client_allowed_many)

    assert len(set(answers.values())) == 1, {s: (a[0], a[2]) for s, a in answers.items()}
    status, page, connections = answers["new"]
    assert status == 200 and connections == 1
    assert "Check your inbox" in text_of(page)
    due = set(
        Subscriber.objects.filter(confirmation_due_at__isnull=False).values_list("email", flat=True)
    )
    assert due == {"new@example.com", "pending@example.com", "unsubscribed@example.com"}
    assert Subscriber.objects.get(email="confirmed@example.com").status == "confirmed"


@pytest.mark.django_db
def test_the_answers_are_the_same_with_the_server_up_and_down(client_allowed_many, smtp_server):
    up = client_allowed_many.post(SUBSCRIBE, {"email": "first@example.com"})
    smtp_server.stop()
    down = client_allowed_many.post(SUBSCRIBE, {"email": "second@example.com"})

    assert up.status_code == down.status_code == 200
    assert re.sub(r'value="[^"]+"', "", up.content.decode()) == re.sub(
        r'value="[^"]+"', "", down.content.decode()
    )


@pytest.mark.django_db
def test_over_the_per_address_limit_nothing_is_sent_whatever_the_state(
    client_allowed_many, smtp_server, settings
):
    settings.CONFIRMATION_EMAIL_RATE_LIMIT = "1/3600"
    Subscriber.objects.create(email="confirmed@example.com", status="confirmed")
    for email in ["new@example.com", "confirmed@example.com"]:
        for _ in range(3):
            response = client_allowed_many.post(SUBSCRIBE, {"email": email})
            assert response.status_code == 200
    smtp_server.wait_for(2)
    assert len(smtp_server.to("new@example.com")) == 1
    assert len(smtp_server.to("confirmed@example.com")) == 1
