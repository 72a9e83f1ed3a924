"""The public archive: /newsletter/, each sent issue's page, the Atom feed of
issues and their sitemap entries; drafts and issues still being sent are 404."""

from io import StringIO

import feedparser
import pytest
from django.core.management import call_command
from django.utils import timezone

from newsletter import digest
from newsletter.models import Delivery, Issue
from tests.factories import make_comparison, make_persona, make_subscriber, make_take, make_tool
from tests.html import text_of
from verdicts.models import Call

pytestmark = pytest.mark.django_db

SITE = "https://shiporskip.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def article(html: str) -> str:
    """The issue itself, without the site's own sign-up box around it."""
    return html.split('<article class="newsletter-issue">', 1)[1].split("</article>", 1)[0]


def news(lead="Alpha", other="Beta"):
    persona = make_persona(name=f"Reviewer of {lead}")
    tool_a, tool_b = make_tool(name=lead), make_tool(name=other)
    make_take(tool_a, persona, call=Call.SHIP)
    make_take(tool_b, persona, call=Call.SKIP)
    return make_comparison(tool_a, tool_b)


def published_issue(**compose) -> Issue:
    """An issue stored with its deliveries pending: composed, not yet sent."""
    now = timezone.now()
    issue = digest.publish(digest.compose(digest.default_since(now), now, **compose))
    assert issue is not None
    return issue


def sent_issue(**compose) -> Issue:
    issue = published_issue(**compose)
    issue.deliveries.update(status=Delivery.Status.SENT, sent_at=timezone.now())
    assert Issue.objects.filter(pk=issue.pk).record_sent() == 1
    issue.refresh_from_db()
    return issue


def test_the_archive_lists_sent_issues_newest_first_with_the_sign_up(client):
    make_subscriber()
    news("Alpha", "Beta")
    first = sent_issue()
    news("Gamma", "Delta")
    second = sent_issue()

    response = client.get("/newsletter/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/newsletter/subscribe/"' in html
    assert 'name="email"' in html
    text = text_of(html)
    assert text.index(second.subject) < text.index(first.subject)
    assert f'href="/newsletter/issues/{first.pk}/"' in html
    assert f'href="/newsletter/issues/{second.pk}/"' in html


def test_an_issue_still_being_sent_is_not_public(client):
    make_subscriber()
    news()
    issue = published_issue()

    assert client.get(f"/newsletter/issues/{issue.pk}/").status_code == 404
    assert issue.subject not in client.get("/newsletter/").content.decode()
    assert Issue.objects.record_sent() == 0  # its delivery is pending

    issue.deliveries.update(status=Delivery.Status.SENDING)  # a run died mid-message
    assert Issue.objects.record_sent() == 0
    assert client.get(f"/newsletter/issues/{issue.pk}/").status_code == 404
    assert client.get("/newsletter/issues/999999/").status_code == 404


def test_the_weekly_run_puts_its_issue_in_the_archive_and_retires_the_cached_page(
    client, smtp_server
):
    make_subscriber(email="reader@example.com")
    before = client.get("/newsletter/")  # cached, without the issue
    assert "No issue has been sent yet." in before.content.decode()
    news("Alpha", "Beta")

    call_command("send_weekly_digest", stdout=StringIO())

    issue = Issue.objects.get()
    assert issue.sent_at is not None
    after = client.get("/newsletter/").content.decode()
    assert issue.subject in after
    assert client.get(f"/newsletter/issues/{issue.pk}/").status_code == 200


def test_an_issue_page_shows_what_readers_got_without_their_unsubscribe_link(client):
    reader = make_subscriber(email="reader@example.com")
    comparison = news("Alpha", "Beta")
    issue = sent_issue()

    response = client.get(f"/newsletter/issues/{issue.pk}/")

    html = response.content.decode()
    text = text_of(html)
    assert issue.subject in text
    assert "Alpha vs Beta" in text
    assert f"{SITE}{comparison.get_absolute_url()}" in html
    assert "Community:" in text  # the email's own tool rows
    assert "/newsletter/unsubscribe/" not in html
    assert reader.unsubscribe_url not in html
    assert digest.READER_UNSUBSCRIBE_URL not in html
    assert "Unsubscribe" not in text_of(article(html))
    # Everything it covered, linked.
    assert f'href="{comparison.get_absolute_url()}"' in html


def test_an_issue_page_runs_three_queries_whatever_the_issue_covers(
    client, django_assert_num_queries
):
    make_subscriber()
    for n in range(5):
        news(f"Lead {n}", f"Other {n}")
    issue = sent_issue()
    # +1: the content version read by the page cache
    with django_assert_num_queries(4):
        response = client.get(f"/newsletter/issues/{issue.pk}/")
    assert response.status_code == 200
    assert text_of(response.content.decode()).count(" vs Other ") >= 5


@pytest.mark.parametrize("issues", [1, 25])
def test_the_archive_runs_a_constant_number_of_queries(client, django_assert_num_queries, issues):
    make_subscriber()
    for n in range(issues):
        news(f"Lead {n}", f"Other {n}")
        sent_issue()
    # The content version, the count and the page.
    with django_assert_num_queries(3):
        response = client.get("/newsletter/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/newsletter/issues/') == min(issues, 20)


def test_the_archive_pages_by_twenty_and_forgives_a_bad_page_number(client):
    make_subscriber()
    for n in range(21):
        news(f"Lead {n}", f"Other {n}")
        sent_issue()
    oldest = Issue.objects.order_by("pk").first()

    assert oldest.subject not in client.get("/newsletter/").content.decode()
    page_two = client.get("/newsletter/?page=2").content.decode()
    assert oldest.subject in page_two
    assert client.get("/newsletter/?page=abc").status_code == 200


def test_the_feed_lists_sent_issues_as_atom_with_their_text(client):
    make_subscriber()
    news("Alpha", "Beta")
    sent = sent_issue()
    news("Gamma", "Delta")
    published_issue()  # still being sent: not in the feed

    response = client.get("/feeds/newsletter/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Ship or Skip: Weekly AI Tool Verdicts"
    [entry] = feed.entries
    assert entry.title == sent.subject
    assert entry.link == f"{SITE}/newsletter/issues/{sent.pk}/"
    assert "Alpha vs Beta" in entry.summary
    assert "unsubscribe" not in entry.summary.lower()


def test_the_sitemap_lists_the_archive_and_each_sent_issue(client):
    make_subscriber()
    news()
    sent = sent_issue()
    news("Gamma", "Delta")
    unsent = published_issue()

    xml = client.get("/sitemaps/newsletter-1.xml").content.decode()  # the index links it

    assert f"<loc>{SITE}/newsletter/</loc>" in xml
    assert f"<loc>{SITE}/newsletter/issues/{sent.pk}/</loc>" in xml
    assert f"/newsletter/issues/{unsent.pk}/" not in xml


def test_an_issue_stored_before_the_archive_shows_its_text_without_the_reader_links(client):
    """Issues composed before the archive markers existed: the text body, cut at
    its signature."""
    make_subscriber()
    issue = Issue.objects.create(
        iso_year=2026,
        iso_week=40,
        subject="Weekly AI Tool Verdicts — week 40, 2026: Old vs Older",
        period_since=timezone.now(),
        period_until=timezone.now(),
        html_body="<p>No markers here</p>",
        text_body="Old vs Older\n\nThe panel said ship.\n\n-- \n"
        f"Unsubscribe: {digest.READER_UNSUBSCRIBE_URL}",
        sent_at=timezone.now(),
    )

    html = client.get(f"/newsletter/issues/{issue.pk}/").content.decode()

    assert "The panel said ship." in article(html)
    assert "Unsubscribe" not in article(html)
    assert digest.READER_UNSUBSCRIBE_URL not in html
