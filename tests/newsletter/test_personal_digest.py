"""Personal issues: each reader's message leads with what changed on what they
follow, composed from the stored issue and the delivery's snapshot, received
over a real SMTP server (newsletter/personal.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsletter import delivery, digest, personal
from newsletter.models import Delivery, Follow, Issue, Subscriber
from newsletter.tokens import subscriber_for_manage_token
from tests.factories import (
    make_category,
    make_comparison,
    make_persona,
    make_subscriber,
    make_take,
    make_tool,
)
from tests.html import text_of
from verdicts.models import Call, Take

pytestmark = pytest.mark.django_db

SITE = "https://shiporskip.example"
LEAD = "What changed on what you follow"
CHANGE = "Skeptic: skip → ship, 45 → 71"


@pytest.fixture
def mail(settings, smtp_server):
    settings.SITE_URL = SITE
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


def run(*args) -> str:
    out = StringIO()
    call_command("send_weekly_digest", *args, stdout=out, stderr=out)
    return out.getvalue()


def follow(subscriber, tool=None, category=None) -> Follow:
    return Follow.objects.create(
        subscriber=subscriber, tool=tool, category=category, confirmed_at=timezone.now()
    )


def revised_take(tool, persona, old=(Call.SKIP, 45), new=(Call.SHIP, 71)) -> Take:
    """A take first given a month ago (before the period), revised now."""
    take = make_take(tool, persona, call=old[0], score=old[1])
    month_ago = timezone.now() - timedelta(days=30)
    Take.history.filter(id=take.pk).update(history_date=month_ago)
    take.call, take.score = new
    take.save()
    return take


@pytest.fixture
def week():
    """A category of two tools, one of them with the Skeptic's verdict flipped this
    week; a tool in another category, compared with a third one this week."""
    skeptic = make_persona(name="Skeptic")
    agents = make_category(name="Agents")
    cursorish = make_tool(name="Cursorish", category=agents)
    make_tool(name="Quiet", category=agents)
    revised_take(cursorish, skeptic)
    elsewhere_a, elsewhere_b = make_tool(name="Elsewhere A"), make_tool(name="Elsewhere B")
    make_take(elsewhere_a, skeptic)
    make_comparison(elsewhere_a, elsewhere_b)
    return {"tool": cursorish, "category": agents, "compared": elsewhere_b}


def bodies(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_it_leads_a_followers_message_with_the_verdict_change_and_leaves_others_alone(mail, week):
    tool_follower = make_subscriber(email="tool@example.com")
    follow(tool_follower, tool=week["tool"])
    category_follower = make_subscriber(email="category@example.com")
    follow(category_follower, category=week["category"])
    make_subscriber(email="everything@example.com")  # everything, follows nothing
    only_followed_idle = make_subscriber(email="idle@example.com")
    only_followed_idle.digest_scope = Subscriber.DigestScope.FOLLOWED
    only_followed_idle.save()
    unconfirmed_follow = make_subscriber(email="unconfirmed@example.com")
    Follow.objects.create(subscriber=unconfirmed_follow, tool=week["tool"])  # not in force

    output = run()

    mail.wait_for(4)
    assert sorted(to for to, _ in mail.messages for to in to) == [
        "category@example.com",
        "everything@example.com",
        "tool@example.com",
        "unconfirmed@example.com",
    ]
    for reader in (tool_follower, category_follower):
        [message] = mail.to(reader.email)
        text, html = bodies(message)
        # The lead comes first, then the issue every reader gets.
        lead = text.index("WHAT CHANGED ON WHAT YOU FOLLOW")
        assert lead < text.index(CHANGE) < text.index("What our panel of six reviewers")
        day = timezone.now()
        assert f"{CHANGE} · {day.day} {day:%B %Y}" in text
        page = text_of(html)
        assert page.index(LEAD) < page.index(CHANGE) < page.index("Updated verdicts")
        assert f"{SITE}/tools/cursorish/" in text
    for email in ("everything@example.com", "unconfirmed@example.com"):
        [message] = mail.to(email)
        text, html = bodies(message)
        assert LEAD not in text_of(html) and "WHAT CHANGED ON WHAT YOU FOLLOW" not in text
        assert CHANGE not in text
        assert "Revised: Skeptic Ship 71/100" in text  # the shared issue is all there
    assert not mail.to("idle@example.com")
    assert Delivery.objects.get(subscriber=only_followed_idle).status == Delivery.Status.SKIPPED
    assert (
        "Sent 4, failed 0, skipped 0 (unsubscribed), 1 (nothing followed changed), 0 (paused)"
        in output
    )


def test_a_reader_of_only_what_they_follow_gets_the_lead_and_nothing_else(mail, week):
    reader = make_subscriber(email="focused@example.com")
    reader.digest_scope = Subscriber.DigestScope.FOLLOWED
    reader.save()
    follow(reader, tool=week["compared"])  # in this week's new comparison, no take changed

    run()

    mail.wait_for(1)
    [message] = mail.to("focused@example.com")
    text, html = bodies(message)
    assert message["Subject"].endswith(": what changed on what you follow")
    assert "New comparison: Elsewhere A vs Elsewhere B" in text
    assert f"{SITE}/compare/elsewhere-a-vs-elsewhere-b/" in text
    assert "New comparison: Elsewhere A vs Elsewhere B" in text_of(html)
    # Not the shared issue: neither its comparisons section nor its updated verdicts.
    for shared in ("What our panel of six reviewers", "UPDATED VERDICTS", "Cursorish"):
        assert shared not in text
    assert "Updated verdicts" not in text_of(html) and "Cursorish" not in html
    assert "<!--archive:start-->" not in html
    assert "You get only what you follow." in text
    assert personal.SHARED_TEXT_START not in text and "%%" not in text + html


def test_a_paused_reader_gets_no_delivery_and_is_counted(mail, week):
    make_subscriber(email="reader@example.com")
    paused = make_subscriber(email="paused@example.com")
    follow(paused, tool=week["tool"])
    paused.paused_at = timezone.now()
    paused.save()

    output = run()

    mail.wait_for(1)
    assert [to for to, _ in mail.messages] == [["reader@example.com"]]
    assert not Delivery.objects.filter(subscriber=paused).exists()
    assert "1 (paused)" in output and "Sent 1," in output


def test_a_reader_who_pauses_after_the_issue_is_stored_is_not_sent_it(mail, week):
    reader = make_subscriber(email="reader@example.com")
    later = make_subscriber(email="later@example.com")
    now = timezone.now()
    issue = digest.publish(digest.compose(now - timedelta(days=7), now))
    Subscriber.objects.filter(pk=later.pk).update(paused_at=timezone.now())

    outcome = delivery.deliver(issue.deliveries.all())

    assert (outcome.sent, outcome.paused) == (1, 1)
    assert [to for to, _ in mail.messages] == [[reader.email]]
    assert Delivery.objects.get(subscriber=later).status == Delivery.Status.PAUSED


def test_every_message_carries_the_readers_manage_link_beside_one_click_unsubscribe(mail, week):
    reader = make_subscriber(email="reader@example.com")

    run()

    mail.wait_for(1)
    [message] = mail.to(reader.email)
    text, html = bodies(message)
    issue = Issue.objects.get()
    manage = f"{SITE}{reader.manage_url(issue.created_at)}"
    unsubscribe = f"{SITE}{reader.unsubscribe_url}"
    assert f"Manage your subscription (what you follow, pause): {manage}" in text
    assert f'href="{manage}"' in html and f'href="{unsubscribe}"' in html
    assert str(message["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = manage.rstrip("/").rsplit("/", 1)[1]
    assert subscriber_for_manage_token(token) == reader
    assert Client().get(manage.removeprefix(SITE)).status_code == 200


def test_the_archive_shows_the_shared_part_only(client, mail, week):
    reader = make_subscriber(email="reader@example.com")
    follow(reader, tool=week["tool"])
    run()
    issue = Issue.objects.get()
    assert issue.sent_at is not None

    html = client.get(f"/newsletter/issues/{issue.pk}/").content.decode()

    assert "Cursorish" in html  # the shared "updated verdicts"
    assert LEAD not in text_of(html) and CHANGE not in html
    assert "/newsletter/manage/" not in html and "%%" not in html


def test_a_message_is_composed_from_the_stored_rows_not_the_live_follows_and_takes(mail, week):
    reader = make_subscriber(email="reader@example.com")
    own_follow = follow(reader, tool=week["tool"])
    now = timezone.now()
    issue = digest.publish(digest.compose(now - timedelta(days=7), now))
    stored = Delivery.objects.get(subscriber=reader)
    first = delivery.prepare(delivery.build_message(issue, reader.email, "u", "m", stored))

    # The reader stops following and narrows their scope; an editor revises again.
    own_follow.delete()
    Subscriber.objects.filter(pk=reader.pk).update(digest_scope=Subscriber.DigestScope.FOLLOWED)
    take = Take.objects.get(tool=week["tool"])
    take.score = 12
    take.save()
    issue = Issue.objects.get()
    stored = Delivery.objects.get(subscriber=reader)
    again = delivery.prepare(delivery.build_message(issue, reader.email, "u", "m", stored))

    assert CHANGE in first.message.body
    assert without_per_attempt_headers(again.data) == without_per_attempt_headers(first.data)
    assert first.message_id != again.message_id


def without_per_attempt_headers(data: bytes) -> bytes:
    """The message's bytes without Message-ID and Date, the headers each attempt sets."""
    header, _, body = data.partition(b"\r\n\r\n")
    kept = [
        line
        for line in header.split(b"\r\n")
        if not line.lower().startswith((b"message-id:", b"date:"))
    ]
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


def readers_with_follows(count: int, week) -> None:
    """count readers: a third follow the tool, a third its category, a third nothing,
    every other one reading only what they follow."""
    for n in range(count):
        reader = make_subscriber()
        if n % 2:
            reader.digest_scope = Subscriber.DigestScope.FOLLOWED
            reader.save()
        if n % 3 == 0:
            follow(reader, tool=week["tool"])
        elif n % 3 == 1:
            follow(reader, category=week["category"])


# Publishing, whatever the number of readers: the savepoint and its release, the
# first batch of readers (locked), any newer issue, three for the period's
# changes (take history, comparisons, tools), the issue's insert and its bodies'
# update (each save also retires the cached pages: three queries), the two
# covers; then per batch of readers their follows and their deliveries' insert,
# and the next batch (empty at the end); last, the issue's stored delivery counts.
PUBLISH_QUERIES = 21


@pytest.mark.parametrize("readers", [3, 30])
def test_publishing_runs_the_same_queries_whatever_the_number_of_readers(
    django_assert_num_queries, week, readers
):
    readers_with_follows(readers, week)
    now = timezone.now()
    news = digest.compose(now - timedelta(days=7), now)

    with django_assert_num_queries(PUBLISH_QUERIES):
        issue = digest.publish(news)

    assert issue.deliveries.count() == readers
    followed = issue.deliveries.exclude(followed_tool_ids=[])
    assert followed.count() == len([n for n in range(readers) if n % 3 != 2])


@pytest.mark.parametrize("readers", [3, 30])
def test_publishing_in_batches_adds_three_queries_a_batch(django_assert_num_queries, week, readers):
    readers_with_follows(readers, week)
    now = timezone.now()
    news = digest.compose(now - timedelta(days=7), now)
    batches = -(-readers // 2)

    with django_assert_num_queries(PUBLISH_QUERIES + 3 * (batches - 1)):
        issue = digest.publish(news, batch_size=2)

    assert sorted(issue.deliveries.values_list("subscriber_id", flat=True)) == sorted(
        Subscriber.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("readers", [3, 30])
def test_delivering_composes_each_lead_without_a_query(
    mail, django_assert_num_queries, week, readers
):
    readers_with_follows(readers, week)
    now = timezone.now()
    issue = digest.publish(digest.compose(now - timedelta(days=7), now))
    to_send = issue.deliveries.filter(status=Delivery.Status.PENDING)
    sending = to_send.count()

    # A batch of deliveries with their subscribers, the issue, the empty next batch;
    # then each message's claim and record, which exactly-once needs, each moving
    # the issue's stored delivery counts.
    with django_assert_num_queries(3 + 4 * sending):
        outcome = delivery.deliver(to_send, batch_size=500)

    assert outcome.sent == sending
    assert len(mail.wait_for(sending)) == sending
    leads = [m for _, m in mail.messages if CHANGE in bodies(m)[0]]
    assert len(leads) == len([n for n in range(readers) if n % 3 != 2])
