""" "Email me when this verdict changes" on a tool page: the same answer whatever
the address, a confirmation mail over real SMTP whose link confirms on POST
only, a failed send retried by send_pending_confirmations."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter.models import Follow, Subscriber
from tests.factories import make_tool
from tests.html import text_of
from tests.newsletter.test_signup_answers_alike import counting_smtp_connections

pytestmark = pytest.mark.django_db

FOLLOW = "/newsletter/follow/aider/"
STATES = ["new", "pending", "confirmed", "unsubscribed", "suppressed"]


@pytest.fixture
def tool(settings):
    settings.SUBSCRIBE_RATE_LIMIT = "100/3600"
    return make_tool(name="Aider", slug="aider")


def confirm_link(smtp_server, email: str, settings) -> str:
    [message] = smtp_server.to(email)
    assert message["Subject"] == "Confirm: email me when the verdict on Aider changes"
    text = message.get_body(preferencelist=("plain",)).get_content()
    [link] = re.findall(rf"{re.escape(settings.SITE_URL)}(/newsletter/follow/confirm/\S+/)", text)
    return link


def test_the_tool_page_offers_the_form_with_nothing_per_reader(client, tool):
    first = client.get(tool.get_absolute_url())
    client.cookies["sessionid"] = "somebody"
    second = client.get(tool.get_absolute_url())
    body = first.content.decode()
    [form] = re.findall(r'<form class="follow-tool.*?</form>', body, re.S)
    assert f'action="{FOLLOW}"' in form
    assert "Email me when this verdict changes" in text_of(form)
    assert "csrf" not in form.lower()
    assert re.findall(r'<form class="follow-tool.*?</form>', second.content.decode(), re.S) == [
        form
    ]


def test_a_new_address_confirms_over_real_smtp_on_post_only(client, tool, smtp_server, settings):
    answer = client.post(FOLLOW, {"email": "new@example.com"})

    assert answer.status_code == 200
    assert "Check your inbox" in text_of(answer.content.decode())
    smtp_server.wait_for(1)
    follow = Follow.objects.get(subscriber__email="new@example.com", tool=tool)
    assert follow.confirmed_at is None and follow.confirmation_due_at is None
    assert follow.subscriber.status == Subscriber.Status.PENDING
    link = confirm_link(smtp_server, "new@example.com", settings)

    # Mail scanners follow links: a GET shows the button and changes nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert "Yes, email me" in text_of(page.content.decode())
    follow.refresh_from_db()
    assert follow.confirmed_at is None
    assert Subscriber.objects.get(email="new@example.com").status == "pending"

    done = client.post(link)
    assert done.status_code == 200
    assert "You follow Aider" in text_of(done.content.decode())
    follow.refresh_from_db()
    subscriber = follow.subscriber
    assert follow.confirmed_at is not None
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.digest_scope == Subscriber.DigestScope.FOLLOWED
    # The confirmed page links to the reader's manage page, which lists the tool.
    [manage] = re.findall(r'href="(/newsletter/manage/[^"]+/)"', done.content.decode())
    assert "Aider" in text_of(client.get(manage).content.decode())

    again = client.post(link)
    assert "You already follow Aider" in text_of(again.content.decode())
    assert Follow.objects.count() == 1


def test_a_confirmed_subscriber_just_gains_the_follow(client, tool, smtp_server, settings):
    Subscriber.objects.create(
        email="reader@example.com", status="confirmed", confirmed_at=timezone.now()
    )
    client.post(FOLLOW, {"email": "Reader@Example.com"})
    smtp_server.wait_for(1)
    client.post(confirm_link(smtp_server, "reader@example.com", settings))

    subscriber = Subscriber.objects.get(email="reader@example.com")
    assert subscriber.status == "confirmed"
    assert subscriber.digest_scope == Subscriber.DigestScope.EVERYTHING
    assert Follow.objects.confirmed().filter(subscriber=subscriber, tool=tool).exists()


def test_an_unsubscribed_address_must_confirm_like_a_new_sign_up(
    client, tool, smtp_server, settings
):
    subscriber = Subscriber.objects.create(email="left@example.com", status="confirmed")
    subscriber.unsubscribe()
    client.post(FOLLOW, {"email": "left@example.com"})
    smtp_server.wait_for(1)
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"
    link = confirm_link(smtp_server, "left@example.com", settings)
    message = smtp_server.to("left@example.com")[0]
    assert "also subscribes you" in message.get_body(preferencelist=("plain",)).get_content()

    client.post(link)
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    assert subscriber.digest_scope == Subscriber.DigestScope.FOLLOWED

    # A link sent before the reader leaves again cannot bring them back.
    subscriber.unsubscribe()
    Follow.objects.filter(subscriber=subscriber).update(confirmed_at=None)
    answer = client.post(link)
    assert answer.status_code == 400
    assert "no longer valid" in text_of(answer.content.decode())
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def follow_from_each_state(client) -> dict[str, tuple[int, str, int]]:
    """state -> (status, page, SMTP connections attempted)."""
    for state in ["pending", "confirmed", "unsubscribed"]:
        Subscriber.objects.create(email=f"{state}@example.com", status=state)
    suppressed = Subscriber.objects.create(email="suppressed@example.com", status="confirmed")
    Subscriber.objects.filter(pk=suppressed.pk).suppress("bounced", timezone.now())
    answers = {}
    for state in STATES:
        with counting_smtp_connections() as attempts:
            response = client.post(FOLLOW, {"email": f"{state}@example.com"})
        answers[state] = (response.status_code, response.content.decode(), len(attempts))
    return answers


def test_every_address_gets_the_same_answer_and_only_the_suppressed_no_mail(
    client, tool, smtp_server
):
    answers = follow_from_each_state(client)

    pages = {state: answer[:2] for state, answer in answers.items()}
    assert len(set(pages.values())) == 1, {s: a[0] for s, a in answers.items()}
    assert answers["new"][0] == 200
    assert "Check your inbox" in text_of(answers["new"][1])
    assert {s: a[2] for s, a in answers.items()} == {
        "new": 1,
        "pending": 1,
        "confirmed": 1,
        "unsubscribed": 1,
        "suppressed": 0,
    }
    smtp_server.wait_for(4)
    assert smtp_server.to("suppressed@example.com") == []
    for state in ["new", "pending", "confirmed", "unsubscribed"]:
        assert len(smtp_server.to(f"{state}@example.com")) == 1
    assert not Follow.objects.confirmed().exists()
    assert not Follow.objects.filter(confirmation_due_at__isnull=False).exists()


def test_with_the_server_down_the_answer_is_the_same_and_the_mail_is_retried(
    client, tool, smtp_server, settings
):
    up = client.post(FOLLOW, {"email": "first@example.com"})
    smtp_server.wait_for(1)
    smtp_server.stop()
    down = client.post(FOLLOW, {"email": "second@example.com"})
    assert (up.status_code, up.content) == (down.status_code, down.content)
    follow = Follow.objects.get(subscriber__email="second@example.com")
    assert follow.confirmation_due_at is not None

    # The command refuses to run while the server is down, and loses nothing.
    Follow.objects.filter(pk=follow.pk).update(
        confirmation_due_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    with pytest.raises(CommandError, match="1 still due"):
        call_command("send_pending_confirmations")

    from tests.smtp import RecordingSMTPServer

    with RecordingSMTPServer() as server:
        settings.EMAIL_PORT = server.port
        call_command("send_pending_confirmations")
        server.wait_for(1)
        follow.refresh_from_db()
        assert follow.confirmation_due_at is None
        link = confirm_link(server, "second@example.com", settings)
    assert client.post(link).status_code == 200
    follow.refresh_from_db()
    assert follow.confirmed_at is not None


def test_bad_input_is_a_400_or_404_with_a_message_and_nothing_is_stored(client, tool):
    answer = client.post(FOLLOW, {"email": "not an address"})
    assert answer.status_code == 400
    assert "Enter a valid email address" in text_of(answer.content.decode())
    assert (
        client.post("/newsletter/follow/no-such-tool/", {"email": "a@example.com"}).status_code
        == 404
    )
    draft = make_tool(slug="draft", is_published=False)
    assert (
        client.post(f"/newsletter/follow/{draft.slug}/", {"email": "a@example.com"}).status_code
        == 404
    )
    forged = client.post("/newsletter/follow/confirm/not-a-token/")
    assert forged.status_code == 400
    assert "This link is not valid" in text_of(forged.content.decode())
    assert not Subscriber.objects.exists() and not Follow.objects.exists()


def test_a_bot_filling_the_honeypot_gets_the_same_answer_and_nothing_is_stored(client, tool):
    human = client.post(FOLLOW, {"email": "human@example.com"})
    bot = client.post(FOLLOW, {"email": "bot@example.com", "website": "http://spam.example"})
    assert (bot.status_code, bot.content) == (human.status_code, human.content)
    assert not Subscriber.objects.filter(email="bot@example.com").exists()


def test_requests_are_rate_limited_per_network_and_per_address(client, tool, smtp_server, settings):
    settings.CONFIRMATION_EMAIL_RATE_LIMIT = "1/3600"
    for _ in range(3):
        assert client.post(FOLLOW, {"email": "reader@example.com"}).status_code == 200
    smtp_server.wait_for(1)
    assert len(smtp_server.to("reader@example.com")) == 1

    settings.SUBSCRIBE_RATE_LIMIT = "1/3600"  # a new rate: its own count
    assert client.post(FOLLOW, {"email": "other@example.com"}).status_code == 200
    answer = client.post(FOLLOW, {"email": "third@example.com"})
    assert answer.status_code == 429
    assert not Subscriber.objects.filter(email="third@example.com").exists()


def test_confirming_beyond_the_cap_is_a_400_and_follows_nothing(
    client, tool, smtp_server, settings
):
    settings.NEWSLETTER_MAX_FOLLOWS = 1
    subscriber = Subscriber.objects.create(email="reader@example.com", status="confirmed")
    client.post(FOLLOW, {"email": "reader@example.com"})
    smtp_server.wait_for(1)
    link = confirm_link(smtp_server, "reader@example.com", settings)
    Follow.objects.create(
        subscriber=subscriber, tool=make_tool(slug="other"), confirmed_at=timezone.now()
    )
    answer = client.post(link)
    assert answer.status_code == 400
    assert "the most one subscription can hold" in text_of(answer.content.decode())
    assert not Follow.objects.confirmed().filter(tool=tool).exists()
