"""The digest cap (issue 15): an issue's email shows at most DIGEST_MAX_ITEMS new
comparisons and updated verdicts, says "and N more" with a link to the issue's
archive page (which lists them all), stays under 100 KB, and composes in the
same number of queries at any size."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comparisons.models import Comparison, tools_key
from newsletter import digest
from newsletter.models import Issue
from tests.factories import make_category, make_persona, make_subscriber
from tests.html import text_of
from verdicts.models import Call, Take, Tool

pytestmark = pytest.mark.django_db

SITE = "https://shiporskip.example"
# Mail clients clip longer messages (Gmail at 102 KB).
INBOX_LIMIT = 100_000


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def fill(tools: int, comparisons: int, longest: bool = False) -> None:
    """`tools` published tools, six takes each, all revised this week; the first
    2 x `comparisons` of them paired in new comparisons. longest: names and
    taglines as long as the fields allow (120 and 200 characters)."""
    category = make_category()
    personas = [make_persona() for _ in range(6)]
    yesterday = timezone.now() - timedelta(days=1)
    Tool.objects.bulk_create(
        Tool(
            name=(f"Tool {n:05d} " + "with a long descriptive name " * 5)[:120]
            if longest
            else f"Tool {n:05d} Code Agent",
            slug=f"tool-{n:05d}",
            logo_initial="T",
            category=category,
            tagline=("The one-line read of what it is best for, " * 5)[:200]
            if longest
            else "Best for teams who want agents in their editor.",
            description="About it.",
            entry_tier=Tool.EntryTier.FREE,
            is_published=True,
            published_at=yesterday - timedelta(days=30),
        )
        for n in range(tools)
    )
    made = list(Tool.objects.order_by("slug"))
    Take.objects.bulk_create(
        Take(tool=tool, persona=persona, score=60 + i, call=Call.SHIP, body="Good.")
        for tool in made
        for i, persona in enumerate(personas)
    )
    Comparison.objects.bulk_create(
        Comparison(
            tool_a=made[2 * n],
            tool_b=made[2 * n + 1],
            # bulk_create() skips the receiver that fills the stored key.
            tools_key=tools_key([made[2 * n].pk, made[2 * n + 1].pk]),
            is_published=True,
            published_at=yesterday,
        )
        for n in range(comparisons)
    )


def compose_week(**options):
    now = timezone.now()
    return digest.compose(now - timedelta(days=7), now, **options)


def received(smtp_server):
    [(_, message)] = smtp_server.wait_for(1)
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    return len(message.as_bytes()), html, text


def test_the_email_shows_twenty_of_each_and_links_the_rest_under_100_kb(client, smtp_server):
    fill(tools=400, comparisons=150)  # 150 new comparisons, 100 tools changed besides
    make_subscriber(email="reader@example.com")

    call_command("send_weekly_digest", stdout=StringIO())

    issue = Issue.objects.get()
    size, html, text = received(smtp_server)
    assert size < INBOX_LIMIT, size
    page = f"{SITE}/newsletter/issues/{issue.pk}/"
    assert "And 130 more new comparisons" in text_of(html)
    assert "And 80 more updated verdicts" in text_of(html)
    assert f'href="{page}#in-this-issue"' in html
    assert f"And 130 more new comparisons: {page}" in text
    assert f"And 80 more updated verdicts: {page}" in text
    assert len(re.findall(r"<h3[^>]*><a href=", html)) == 20  # comparisons shown
    assert "150 new comparisons and 100 updated verdicts this week." in html
    # The issue covers them all: none is announced again next week.
    assert issue.comparisons.count() == 150
    assert issue.changed_tools.count() == 100
    assert compose_week().is_empty
    # The link leads to every one of them.
    listed = client.get(f"/newsletter/issues/{issue.pk}/").content.decode()
    section = listed.split('id="in-this-issue"', 1)[1]
    assert section.count('href="/compare/') == 150
    assert section.count('href="/tools/') == 100


def test_with_the_longest_names_fewer_are_shown_and_the_email_still_fits(smtp_server):
    fill(tools=400, comparisons=150, longest=True)
    make_subscriber(email="reader@example.com")

    call_command("send_weekly_digest", stdout=StringIO())

    issue = Issue.objects.get()
    size, html, text = received(smtp_server)
    assert size < INBOX_LIMIT, size
    shown = len(re.findall(r"<h3[^>]*><a href=", html))
    assert 1 <= shown < 20
    page = f"{SITE}/newsletter/issues/{issue.pk}/"
    assert f"And {150 - shown} more new comparisons: {page}" in text
    assert "more updated verdict" in text
    assert issue.comparisons.count() == 150


def test_without_the_caps_the_same_week_would_not_fit_in_an_inbox(settings):
    """The measurements above mean something: uncapped, this data is far too big."""
    settings.DIGEST_MAX_BYTES = 10**9
    fill(tools=400, comparisons=150)

    _, html_body, _ = digest.render(compose_week(max_items=10_000))

    assert len(html_body.encode()) > 3 * INBOX_LIMIT


def test_a_small_week_says_nothing_about_more(settings):
    settings.DIGEST_MAX_ITEMS = 20
    fill(tools=30, comparisons=10)  # 10 comparisons, 10 changed tools: under the cap

    _, html_body, text_body = digest.render(compose_week())

    assert "more new comparison" not in html_body
    assert "more updated verdict" not in text_body
    assert digest.ISSUE_URL not in html_body  # nothing left to fill in


def test_the_cap_is_a_setting(settings):
    settings.DIGEST_MAX_ITEMS = 3
    fill(tools=30, comparisons=10)

    news = compose_week()

    assert len(news.comparisons) == 3
    assert news.more_comparisons == 7
    assert len(news.changed) == 3
    assert news.more_changed == 7
    assert [changed.tool.slug for changed in news.changed] == [
        "tool-00020",
        "tool-00021",
        "tool-00022",
    ]


@pytest.mark.parametrize(("tools", "comparisons"), [(30, 10), (400, 150)])
def test_composing_a_capped_issue_runs_seven_queries_at_any_size(
    django_assert_num_queries, tools, comparisons
):
    fill(tools=tools, comparisons=comparisons)

    with django_assert_num_queries(7):
        news = compose_week()
        digest.render(news)

    assert len(news.comparison_ids) == comparisons
    assert len(news.changed_tool_ids) == tools - 2 * comparisons
    # Only what the email shows was loaded: no take bodies, no descriptions.
    take = news.changed[0].revised_takes[0]
    assert "body" in take.get_deferred_fields()
    assert "description" in news.changed[0].tool.get_deferred_fields()
    assert "description" in news.comparisons[0].tool_a.get_deferred_fields()
