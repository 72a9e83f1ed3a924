"""The signed "manage your subscription" page's forms: follow and unfollow
categories and tools, what the issue holds, pause and resume; forged and expired
links change nothing; an expired link offers a fresh one, answered alike."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter.models import Follow, Subscriber
from tests.factories import make_category, make_tool
from tests.html import text_of

pytestmark = pytest.mark.django_db

FRESH_LINK = "/newsletter/manage/"


def confirmed(email="reader@example.com") -> Subscriber:
    return Subscriber.objects.create(
        email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )


def manage_path(subscriber: Subscriber) -> str:
    return subscriber.manage_url(timezone.now())


def followed(subscriber: Subscriber) -> set[str]:
    """What the subscriber follows, in force: tool and category slugs."""
    return {
        follow.tool.slug if follow.tool else f"category:{follow.category.slug}"
        for follow in Follow.objects.confirmed()
        .filter(subscriber=subscriber)
        .select_related("tool", "category")
    }


def test_it_follows_and_unfollows_categories(client):
    subscriber = confirmed()
    agents = make_category(name="Coding agents", slug="coding-agents")
    make_category(name="Code review", slug="code-review")
    make_category(name="Testing", slug="testing")
    path = manage_path(subscriber)

    saved = client.post(path, {"action": "categories", "categories": ["coding-agents", "testing"]})

    assert saved.status_code == 303
    assert saved["Location"] == f"{path}?saved=categories"
    assert followed(subscriber) == {"category:coding-agents", "category:testing"}
    page = client.get(saved["Location"])
    assert "Saved: the categories you follow." in text_of(page.content.decode())
    assert re.search(r'value="coding-agents" checked', page.content.decode())
    assert not re.search(r'value="code-review" checked', page.content.decode())
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]

    client.post(path, {"action": "categories", "categories": ["code-review", "coding-agents"]})
    assert followed(subscriber) == {"category:coding-agents", "category:code-review"}
    # Following again keeps the row (and its date).
    assert Follow.objects.get(subscriber=subscriber, category=agents).pk
    client.post(path, {"action": "categories"})
    assert followed(subscriber) == set()


def test_it_follows_a_tool_by_name_or_slug_and_unfollows_it(client):
    subscriber = confirmed()
    make_tool(name="Claude Code", slug="claude-code")
    make_tool(name="Aider", slug="aider")
    path = manage_path(subscriber)

    assert client.post(path, {"action": "follow-tool", "tool": "  claude code "}).status_code == 303
    assert client.post(path, {"action": "follow-tool", "tool": "aider"}).status_code == 303
    assert followed(subscriber) == {"claude-code", "aider"}
    page = text_of(client.get(path).content.decode())
    assert "Claude Code Unfollow" in page and "Aider Unfollow" in page

    answer = client.post(path, {"action": "unfollow-tool", "tool": "aider"})
    assert answer.status_code == 303
    assert answer["Location"] == f"{path}?saved=unfollow-tool"
    assert followed(subscriber) == {"claude-code"}


def test_a_pending_follow_from_a_tool_page_is_confirmed_by_following_it_here(client):
    subscriber = confirmed()
    tool = make_tool(slug="aider")
    Follow.objects.create(subscriber=subscriber, tool=tool, confirmation_due_at=timezone.now())
    client.post(manage_path(subscriber), {"action": "follow-tool", "tool": "aider"})
    follow = Follow.objects.get(subscriber=subscriber, tool=tool)
    assert follow.confirmed_at is not None and follow.confirmation_due_at is None


def test_it_chooses_the_scope_and_pauses_and_resumes(client):
    subscriber = confirmed()
    path = manage_path(subscriber)

    assert client.post(path, {"action": "scope", "digest_scope": "followed"}).status_code == 303
    subscriber.refresh_from_db()
    assert subscriber.digest_scope == Subscriber.DigestScope.FOLLOWED

    answer = client.post(path, {"action": "pause"})
    assert answer.status_code == 303
    subscriber.refresh_from_db()
    assert subscriber.paused_at is not None
    assert not Subscriber.objects.receiving_digest().filter(pk=subscriber.pk).exists()
    page = text_of(client.get(answer["Location"]).content.decode())
    assert "paused until you resume" in page
    assert "Resume the weekly issue" in page

    client.post(path, {"action": "resume"})
    subscriber.refresh_from_db()
    assert subscriber.paused_at is None
    assert Subscriber.objects.receiving_digest().filter(pk=subscriber.pk).exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"action": "follow-tool", "tool": "no such tool"},
            "We know no tool called “no such tool”",
        ),
        ({"action": "follow-tool", "tool": ""}, "Type the name of the tool"),
        ({"action": "unfollow-tool", "tool": "gone"}, "That tool does not exist any more"),
        ({"action": "scope", "digest_scope": "weekly"}, "Choose everything, or only what"),
        ({"action": "categories", "categories": ["nope"]}, "does not exist any more"),
        ({"action": "delete-everything"}, "We did not understand that form"),
        ({}, "We did not understand that form"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_changes_nothing(client, form, message):
    subscriber = confirmed()
    make_category(slug="testing")
    answer = client.post(manage_path(subscriber), form)
    assert answer.status_code == 400
    assert message in text_of(answer.content.decode())
    assert not Follow.objects.exists()
    subscriber.refresh_from_db()
    assert subscriber.digest_scope == Subscriber.DigestScope.EVERYTHING


def test_more_follows_than_the_cap_is_a_400_and_changes_nothing(client, settings):
    settings.NEWSLETTER_MAX_FOLLOWS = 2
    subscriber = confirmed()
    for slug in ["a", "b", "c"]:
        make_category(slug=slug)
    make_tool(name="Aider", slug="aider")
    path = manage_path(subscriber)

    answer = client.post(path, {"action": "categories", "categories": ["a", "b", "c"]})
    assert answer.status_code == 400
    assert "at most 2 tools and categories" in text_of(answer.content.decode())
    assert followed(subscriber) == set()

    client.post(path, {"action": "categories", "categories": ["a", "b"]})
    answer = client.post(path, {"action": "follow-tool", "tool": "Aider"})
    assert answer.status_code == 400
    assert followed(subscriber) == {"category:a", "category:b"}


def test_forged_and_expired_links_are_refused_and_change_nothing(client, settings):
    subscriber = confirmed()
    make_category(slug="testing")
    token = manage_path(subscriber).rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    settings.NEWSLETTER_MANAGE_MAX_AGE = 3600
    expired = subscriber.manage_url(timezone.now() - timedelta(hours=2))

    for path, says in [
        (f"/newsletter/manage/{forged}/", "This link is not valid"),
        (expired, "This link has expired"),
    ]:
        for form in [{"action": "pause"}, {"action": "categories", "categories": ["testing"]}]:
            answer = client.post(path, form)
            assert answer.status_code == 400
            page = text_of(answer.content.decode())
            assert says in page
            assert "Email me a fresh link" in page
    subscriber.refresh_from_db()
    assert subscriber.paused_at is None
    assert not Follow.objects.exists()


def test_a_post_from_another_site_is_refused(client):
    subscriber = confirmed()
    answer = client.post(
        manage_path(subscriber),
        {"action": "pause"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.paused_at is None


@pytest.mark.parametrize("state", ["unsubscribed", "suppressed", "pending"])
def test_an_inactive_subscriber_sees_their_state_and_cannot_change_it_here(client, state):
    subscriber = confirmed()
    make_category(slug="testing")
    if state == "suppressed":
        Subscriber.objects.filter(pk=subscriber.pk).suppress("bounced", timezone.now())
    else:
        Subscriber.objects.filter(pk=subscriber.pk).update(status=state)
    path = manage_path(subscriber)

    page = client.get(path)
    assert page.status_code == 200
    text = text_of(page.content.decode())
    assert "This subscription is not active" in text
    assert "Pause the weekly issue" not in text and "Save categories" not in text

    for form in [{"action": "resume"}, {"action": "categories", "categories": ["testing"]}]:
        answer = client.post(path, form)
        assert answer.status_code == 400
        assert "cannot be changed here" in text_of(answer.content.decode())
    subscriber.refresh_from_db()
    assert subscriber.status == ("confirmed" if state == "suppressed" else state)
    assert not Follow.objects.exists()


def test_the_page_makes_the_same_queries_with_one_follow_or_many(client, django_assert_num_queries):
    one, many = confirmed("one@example.com"), confirmed("many@example.com")
    categories = [make_category() for _ in range(5)]
    tools = [make_tool(category=categories[0]) for _ in range(20)]
    now = timezone.now()
    Follow.objects.create(subscriber=one, tool=tools[0], confirmed_at=now)
    for tool in tools:
        Follow.objects.create(subscriber=many, tool=tool, confirmed_at=now)
    for category in categories:
        Follow.objects.create(subscriber=many, category=category, confirmed_at=now)

    # The subscriber, their follows with tools and categories, every category.
    for subscriber in [one, many]:
        path = manage_path(subscriber)
        with django_assert_num_queries(3):
            page = client.get(path)
        assert page.status_code == 200
    assert all(tool.name in page.content.decode() for tool in tools)


def fresh_link_answers(client) -> dict[str, tuple[int, str]]:
    """state -> (status, page) for a fresh-link request from each kind of address."""
    for state in ["pending", "confirmed", "unsubscribed"]:
        Subscriber.objects.create(email=f"{state}@example.com", status=state)
    suppressed = Subscriber.objects.create(email="suppressed@example.com", status="confirmed")
    Subscriber.objects.filter(pk=suppressed.pk).suppress("complained", timezone.now())
    answers = {}
    for state in ["new", "pending", "confirmed", "unsubscribed", "suppressed"]:
        response = client.post(FRESH_LINK, {"email": f"{state}@example.com"})
        answers[state] = (response.status_code, response.content.decode())
    return answers


def test_an_expired_link_offers_a_fresh_one_answered_alike_and_mailed(
    client, smtp_server, settings
):
    settings.SUBSCRIBE_RATE_LIMIT = "100/3600"
    answers = fresh_link_answers(client)

    assert len(set(answers.values())) == 1, {s: a[0] for s, a in answers.items()}
    status, page = answers["new"]
    assert status == 200 and "Check your inbox" in text_of(page)
    smtp_server.wait_for(4)
    assert smtp_server.to("suppressed@example.com") == []
    [message] = smtp_server.to("confirmed@example.com")
    text = message.get_body(preferencelist=("plain",)).get_content()
    [link] = re.findall(rf"{re.escape(settings.SITE_URL)}(/newsletter/manage/\S+/)", text)
    page = client.get(link)
    assert page.status_code == 200
    assert "Manage your subscription" in text_of(page.content.decode())
    for state in ["new", "pending", "unsubscribed"]:
        [note] = smtp_server.to(f"{state}@example.com")
        assert note["Subject"] == "No Weekly AI Tool Verdicts subscription at this address"
        assert "/newsletter/manage/" not in note.get_body(preferencelist=("plain",)).get_content()
    assert not Subscriber.objects.filter(email="new@example.com").exists()


def test_fresh_links_are_rate_limited_per_address_and_per_network(client, smtp_server, settings):
    settings.SUBSCRIBE_RATE_LIMIT = "100/3600"
    settings.CONFIRMATION_EMAIL_RATE_LIMIT = "1/3600"
    confirmed()
    for _ in range(3):
        assert client.post(FRESH_LINK, {"email": "reader@example.com"}).status_code == 200
    smtp_server.wait_for(1)
    assert len(smtp_server.to("reader@example.com")) == 1

    settings.SUBSCRIBE_RATE_LIMIT = "1/3600"
    from django.core.cache import caches

    caches["ratelimit"].clear()
    assert client.post(FRESH_LINK, {"email": "other@example.com"}).status_code == 200
    answer = client.post(FRESH_LINK, {"email": "third@example.com"})
    assert answer.status_code == 429


def test_a_fresh_link_request_with_a_bad_address_is_a_400_with_a_message(client):
    answer = client.post(FRESH_LINK, {"email": "not an address"})
    assert answer.status_code == 400
    assert "Enter a valid email address" in text_of(answer.content.decode())
