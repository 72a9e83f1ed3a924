"""Verified votes from the weekly issue's signed link, end to end over a real SMTP
server: the link in each received message, a page that only votes on POST, one
vote per subscriber and tool (changeable), counted on the tool's row."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsletter import tokens, verified
from newsletter.models import Issue, Subscriber, Suppression, VerifiedVote
from tests.factories import make_comparison, make_persona, make_subscriber, make_take, make_tool
from tests.html import text_of
from verdicts.models import Call, Tool

pytestmark = pytest.mark.django_db

SITE = "https://shiporskip.example"
VOTE_LINK = re.compile(re.escape(SITE) + r"/newsletter/vote/[^/\s\"<>]+/")


@pytest.fixture
def mail(settings, smtp_server):
    settings.SITE_URL = SITE
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def readers():
    """Two confirmed subscribers, and one who left (gets no issue)."""
    confirmed = [make_subscriber(email=f"reader{n}@example.com") for n in range(2)]
    make_subscriber(email="left@example.com", status="unsubscribed")
    return confirmed


@pytest.fixture
def news():
    """A new comparison of Alpha and Beta, and Gamma, which is in no issue."""
    builder = make_persona(name="Builder")
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    make_take(alpha, builder, call=Call.SHIP)
    make_take(beta, builder, call=Call.SKIP)
    make_tool(name="Gamma")
    return make_comparison(alpha, beta)


def send_issue(mail, readers) -> dict[str, str]:
    """Run send_weekly_digest; each reader's vote link as received (path only),
    checked to be the same in the plain-text and the HTML part."""
    call_command("send_weekly_digest", stdout=StringIO(), stderr=StringIO())
    mail.wait_for(len(readers))
    links = {}
    for reader in readers:
        [message] = mail.to(reader.email)
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        [in_text] = VOTE_LINK.findall(text)
        [in_html] = VOTE_LINK.findall(html)
        assert in_text == in_html
        assert verified.READER_VOTE_URL not in text + html
        links[reader.email] = in_text.removeprefix(SITE)
    return links


def reader_client() -> Client:
    """A mail reader's browser: no cookies, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def vote(client, link, slug, call):
    return client.post(link, {"tool": slug, "verdict": call})


def counts(name) -> tuple[int, int]:
    return tuple(
        Tool.objects.filter(name=name).values_list("verified_ship_votes", "verified_skip_votes")[0]
    )


def rows() -> set[tuple[str, str, str]]:
    return set(VerifiedVote.objects.values_list("subscriber__email", "tool__name", "call"))


def test_a_vote_from_the_received_link_counts_once_per_subscriber_and_tool(mail, readers, news):
    links = send_issue(mail, readers)
    first, second = links["reader0@example.com"], links["reader1@example.com"]
    assert first != second  # each reader's own link
    issue = Issue.objects.get()
    assert first == verified.vote_url(readers[0], issue)  # the same link, composed again

    client = reader_client()
    # Opening the link (as a mail scanner does) shows the buttons and votes nothing.
    page = client.get(first)
    assert page.status_code == 200
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    body = page.content.decode()
    text = text_of(body)
    assert "reader0@example.com" in text
    for name in ("Alpha", "Beta"):
        assert f"Ship {name}" in text and f"Skip {name}" in text
    assert "Gamma" not in text  # not in this issue
    assert "csrfmiddlewaretoken" not in body
    assert '<meta name="robots" content="noindex">' in body
    assert rows() == set() and counts("Alpha") == (0, 0)

    answer = vote(client, first, "alpha", "ship")
    assert answer.status_code == 303
    assert answer["Location"] == f"{first}#voted-ship-alpha"
    assert rows() == {("reader0@example.com", "Alpha", "ship")}
    assert counts("Alpha") == (1, 0)
    back = client.get(first).content.decode()
    assert 'id="voted-ship-alpha"' in back
    assert "Your verified vote: Ship" in text_of(back)
    assert "Verified readers: 1 ship, 0 skip" in text_of(back)

    # The same call again changes nothing; the other call moves the one count.
    assert vote(client, first, "alpha", "ship").status_code == 303
    assert counts("Alpha") == (1, 0)
    answer = vote(client, first, "alpha", "skip")
    assert answer["Location"] == f"{first}#voted-skip-alpha"
    assert counts("Alpha") == (0, 1)
    assert rows() == {("reader0@example.com", "Alpha", "skip")}

    # Another reader's vote is theirs; a second tool is a second row.
    vote(reader_client(), second, "alpha", "ship")
    vote(client, first, "beta", "ship")
    assert counts("Alpha") == (1, 1) and counts("Beta") == (1, 0)
    assert rows() == {
        ("reader0@example.com", "Alpha", "skip"),
        ("reader1@example.com", "Alpha", "ship"),
        ("reader0@example.com", "Beta", "ship"),
    }
    assert VerifiedVote.objects.count() == 3
    # The anonymous community tally is untouched.
    assert Tool.objects.filter(community_ship_votes=0, community_skip_votes=0).count() == 3


def test_the_archive_shows_no_reader_s_vote_link(mail, readers, news, client):
    send_issue(mail, readers)
    issue = Issue.objects.get()
    assert issue.sent_at is not None
    assert verified.READER_VOTE_URL in issue.html_body  # stored once, filled per message
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Alpha vs Beta" in text_of(page)
    assert "/newsletter/vote/" not in page and verified.READER_VOTE_URL not in page


def test_a_tool_outside_the_issue_or_a_bad_call_is_refused_with_a_message(mail, readers, news):
    link = send_issue(mail, readers)["reader0@example.com"]
    client = reader_client()
    for slug, call, status, message in [
        ("gamma", "ship", 400, "not one of this issue's tools"),
        ("no-such-tool", "ship", 400, "not one of this issue's tools"),
        ("al\x00pha", "ship", 400, "not one of this issue's tools"),
        ("", "ship", 400, "not one of this issue's tools"),
        ("alpha", "maybe", 400, "either ship or skip"),
        ("alpha", "", 400, "either ship or skip"),
    ]:
        answer = vote(client, link, slug, call)
        assert answer.status_code == status, (slug, call)
        assert message in text_of(answer.content.decode())
    assert rows() == set()
    assert Tool.objects.exclude(verified_ship_votes=0, verified_skip_votes=0).count() == 0


def test_forged_damaged_and_foreign_links_are_refused_and_change_nothing(mail, readers, news):
    link = send_issue(mail, readers)["reader0@example.com"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    client = reader_client()
    for bad in (f"/newsletter/vote/{forged}/", f"/newsletter/vote/{token[:20]}/"):
        assert client.get(bad).status_code == 400
        answer = vote(client, bad, "alpha", "ship")
        assert answer.status_code == 400
        assert "This voting link is not valid" in text_of(answer.content.decode())
    # A manage or unsubscribe token is not a vote token.
    subscriber = readers[0]
    unsubscribe = subscriber.unsubscribe_url.rstrip("/").rsplit("/", 1)[1]
    assert vote(client, f"/newsletter/vote/{unsubscribe}/", "alpha", "ship").status_code == 400
    # A link for a row that now holds another address.
    Subscriber.objects.filter(pk=subscriber.pk).update(email="changed@example.com")
    assert vote(client, link, "alpha", "ship").status_code == 400
    assert rows() == set() and counts("Alpha") == (0, 0)


def test_an_expired_link_is_refused_and_changes_nothing(readers, news, settings):
    settings.NEWSLETTER_VOTE_MAX_AGE = 3600
    issue = _stored_issue(news, created=timezone.now() - timedelta(hours=2))
    link = verified.vote_url(readers[0], issue)
    client = reader_client()
    answer = client.get(link)
    assert answer.status_code == 400
    assert "This voting link has expired" in text_of(answer.content.decode())
    assert vote(client, link, "alpha", "ship").status_code == 400
    assert rows() == set() and counts("Alpha") == (0, 0)
    with pytest.raises(tokens.ExpiredToken):
        tokens.subscriber_and_issue_for_vote_token(link.rstrip("/").rsplit("/", 1)[1])
    # The same link within its age votes.
    settings.NEWSLETTER_VOTE_MAX_AGE = 3 * 3600
    assert vote(client, link, "alpha", "ship").status_code == 303
    assert counts("Alpha") == (1, 0)


@pytest.mark.parametrize("leave", ["unsubscribe", "suppress", "pending"])
def test_a_reader_no_longer_subscribed_cannot_vote(readers, news, leave):
    issue = _stored_issue(news)
    reader = readers[0]
    link = verified.vote_url(reader, issue)
    assert vote(reader_client(), link, "alpha", "ship").status_code == 303  # while subscribed
    if leave == "unsubscribe":
        reader.unsubscribe()
    elif leave == "suppress":
        Subscriber.objects.filter(pk=reader.pk).suppress(Suppression.COMPLAINED, timezone.now())
    else:
        Subscriber.objects.filter(pk=reader.pk).update(status=Subscriber.Status.PENDING)
    client = reader_client()
    page = client.get(link)
    assert page.status_code == 403
    assert "Only subscribers can vote here" in text_of(page.content.decode())
    answer = vote(client, link, "alpha", "skip")
    assert answer.status_code == 403
    # The vote cast while subscribed stays; the refused one changed nothing.
    assert rows() == {(reader.email, "Alpha", "ship")} and counts("Alpha") == (1, 0)


def test_a_cross_site_post_is_refused(readers, news):
    link = verified.vote_url(readers[0], _stored_issue(news))
    answer = reader_client().post(
        link, {"tool": "alpha", "verdict": "ship"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert answer.status_code == 403
    assert rows() == set()
    own = reader_client().post(
        link, {"tool": "alpha", "verdict": "ship"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert own.status_code == 303 and counts("Alpha") == (1, 0)


def test_deleting_a_subscriber_takes_their_votes_out_of_the_tally(readers, news):
    issue = _stored_issue(news)
    for reader in readers:
        vote(reader_client(), verified.vote_url(reader, issue), "alpha", "ship")
    assert counts("Alpha") == (2, 0)
    readers[0].delete()
    assert counts("Alpha") == (1, 0)
    assert rows() == {("reader1@example.com", "Alpha", "ship")}


@pytest.mark.parametrize("tools", [2, 8])
def test_the_vote_page_runs_a_constant_number_of_queries(readers, django_assert_num_queries, tools):
    more = [make_tool() for _ in range(tools - 2)]
    comparison = make_comparison(make_tool(name="Alpha"), make_tool(name="Beta"))
    issue = _stored_issue(comparison, changed=more)
    reader = readers[0]
    link = verified.vote_url(reader, issue)
    for tool in Tool.objects.all():
        verified.cast(reader, tool, Call.SHIP)
    client = reader_client()
    # The subscriber, the issue, the tools with this reader's votes.
    with django_assert_num_queries(3):
        page = client.get(link)
    assert text_of(page.content.decode()).count("Your verified vote: Ship") == tools


def _stored_issue(comparison, created=None, changed=()) -> Issue:
    """An issue covering the comparison (and `changed` tools), as publish() stores it."""
    now = timezone.now()
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=48,
        subject="Weekly AI Tool Verdicts — week 48, 2026: Alpha vs Beta",
        period_since=now - timedelta(days=7),
        period_until=now,
        html_body="<p>The week.</p>",
        text_body="The week.",
    )
    if created is not None:
        Issue.objects.filter(pk=issue.pk).update(created_at=created)
        issue.refresh_from_db()
    issue.comparisons.add(comparison)
    issue.changed_tools.add(*changed)
    return issue


def test_an_editor_s_test_copy_links_to_the_sign_up_page_instead(news, settings):
    from newsletter.delivery import build_message

    settings.SITE_URL = SITE
    issue = _stored_issue(news)
    issue.text_body = f"Vote: {verified.READER_VOTE_URL}"
    issue.html_body = f'<a href="{verified.READER_VOTE_URL}">Vote</a>'
    copy = build_message(issue, "editor@example.com", unsubscribe_url=None)
    assert copy.body == f"Vote: {SITE}/newsletter/subscribe/"
    assert copy.alternatives[0][0] == f'<a href="{SITE}/newsletter/subscribe/">Vote</a>'


def test_an_editor_saving_a_tool_loaded_before_a_vote_keeps_the_vote(readers, news):
    stale = Tool.objects.get(name="Alpha")
    verified.cast(readers[0], stale, Call.SHIP)
    stale.tagline = "Edited after the vote"
    stale.save()
    assert counts("Alpha") == (1, 0)
    assert Tool.objects.get(name="Alpha").tagline == "Edited after the vote"
