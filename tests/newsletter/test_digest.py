"""Composing an issue: what is new since the last one, its subject and its bodies."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from comparisons.models import Comparison
from newsletter import digest, personal
from newsletter.models import Delivery, Issue
from newsletter.verified import READER_VOTE_URL
from tests.factories import (
    make_comparison,
    make_persona,
    make_subscriber,
    make_take,
    make_tool,
)
from tests.html import assert_in_order, text_of
from verdicts.models import Call, CommunityVote

pytestmark = pytest.mark.django_db

WEEK_AGO = timedelta(days=7)
# Composing an issue: the newest issue, the new comparisons (ids and tool ids),
# the tools issues ending after the period's start reported, the changed tools'
# ids, then the shown comparisons, tools and takes.
DIGEST_QUERIES = 7


def backdate(obj, **fields):
    """Set auto_now fields, which save() would overwrite."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)


def old_comparison(days=30, **fields):
    comparison = make_comparison(make_tool(), make_tool(), **fields)
    when = timezone.now() - timedelta(days=days)
    backdate(comparison, published_at=when, updated_at=when)
    return Comparison.objects.get(pk=comparison.pk)


def compose_week():
    now = timezone.now()
    return digest.compose(now - WEEK_AGO, now)


def test_it_covers_comparisons_published_in_the_period_newest_first():
    now = timezone.now()
    older = make_comparison(make_tool(), make_tool(), published_at=now - timedelta(days=2))
    newer = make_comparison(make_tool(), make_tool(), published_at=now - timedelta(days=1))
    old_comparison(days=30)
    make_comparison(make_tool(), make_tool(), is_published=False)
    make_comparison(make_tool(), make_tool(), published_at=now + timedelta(days=1))
    make_comparison(make_tool(), make_tool(is_published=False))

    news = compose_week()

    assert news.comparisons == [newer, older]


def test_it_announces_a_draft_published_later_than_its_published_at():
    draft = old_comparison(days=10, is_published=False)
    assert compose_week().comparisons == []
    draft.is_published = True
    draft.save()  # as the admin's "Publish selected" does: published_at stays 10 days ago

    assert compose_week().comparisons == [draft]


def test_it_never_announces_a_comparison_an_earlier_issue_covered():
    make_subscriber()
    comparison = make_comparison(make_tool(), make_tool())
    digest.publish(compose_week())
    comparison.intro = "Edited after the issue went out."
    comparison.save()

    assert compose_week().comparisons == []


def test_it_lists_tools_whose_takes_were_added_or_revised_with_those_takes():
    skeptic, builder = make_persona(name="Skeptic"), make_persona(name="Builder")
    revised = make_tool(name="Revised")
    old_take = make_take(revised, builder)
    make_take(revised, skeptic, call=Call.SKIP, score=30)
    backdate(old_take, updated_at=timezone.now() - timedelta(days=20))
    untouched = make_tool(name="Untouched")
    backdate(make_take(untouched, skeptic), updated_at=timezone.now() - timedelta(days=20))
    hidden = make_tool(name="Hidden", is_published=False)
    make_take(hidden, skeptic)

    [changed] = compose_week().changed

    assert changed.tool == revised
    assert [take.persona.name for take in changed.revised_takes] == ["Skeptic"]
    # The whole panel; two takes are below VERDICT_MIN_TAKES.
    assert changed.tool.panel.summary == "Split (preliminary) · 1 ship / 1 skip"


def test_tools_in_a_new_comparison_are_not_listed_again_as_updated():
    persona = make_persona()
    tool_a, tool_b = make_tool(), make_tool()
    make_take(tool_a, persona)
    make_comparison(tool_a, tool_b)

    news = compose_week()

    assert [c.tool_a for c in news.comparisons] == [tool_a]
    assert news.changed == []


def test_an_overlapping_since_does_not_announce_the_same_revision_twice():
    make_subscriber()
    persona = make_persona()
    tool = make_tool()
    take = make_take(tool, persona)
    digest.publish(compose_week())
    assert compose_week().changed == []

    take.call = Call.SKIP
    take.save()

    [changed] = compose_week().changed
    assert changed.tool == tool


@pytest.mark.parametrize("slot", ["tool_a", "tool_b", "tool_c", "tool_d"])
def test_an_overlapping_since_leaves_out_what_an_earlier_issue_compared(
    django_assert_num_queries, slot
):
    make_subscriber()
    first, second = make_persona(name="Builder"), make_persona(name="Skeptic")
    slots = {
        name: make_tool(name=f"Tool {name}") for name in ("tool_a", "tool_b", "tool_c", "tool_d")
    }
    reported = slots[slot]
    make_take(reported, first)
    make_comparison(*slots.values())
    digest.publish(compose_week())
    # The issue announced the comparison, so its tools' takes were reported.
    assert compose_week().is_empty

    make_take(reported, second)

    # No comparison to show (one query fewer), but one more for when the tools
    # an issue of the overlap reported were last revised.
    with django_assert_num_queries(DIGEST_QUERIES):
        [changed] = compose_week().changed
    assert changed.tool == reported
    assert [take.persona for take in changed.revised_takes] == [second]


def test_the_subject_names_the_iso_week_and_the_lead_comparison():
    first = make_comparison(
        make_tool(name="Alpha"),
        make_tool(name="Beta"),
        published_at=datetime(2024, 11, 20, tzinfo=UTC),
    )
    make_comparison(make_tool(), make_tool(), published_at=datetime(2024, 11, 19, tzinfo=UTC))

    news = digest.compose(datetime(2024, 11, 18, tzinfo=UTC), datetime(2024, 11, 21, tzinfo=UTC))

    assert len(news.comparisons) == 2
    assert news.comparisons[0] == first
    assert news.subject == "Weekly AI Tool Verdicts — week 47, 2024: Alpha vs Beta"


def test_the_week_is_the_iso_week_across_new_year():
    news = digest.Digest(
        since=datetime(2026, 12, 25, tzinfo=UTC), until=datetime(2027, 1, 1, 7, tzinfo=UTC)
    )
    assert news.iso_year_week == (2026, 53)


def test_without_comparisons_the_subject_names_the_updated_verdicts():
    persona = make_persona()
    for name in ["Zeta", "Eta", "Theta"]:
        make_take(make_tool(name=name), persona)

    news = compose_week()

    assert news.subject.endswith(": updated verdicts on Eta and 2 more tools")
    news.changed = news.changed[:1]
    assert news.subject.endswith(": updated verdict on Eta")


def test_the_next_issue_starts_where_the_last_one_ended():
    now = timezone.now()
    assert digest.default_since(now) == now - WEEK_AGO
    make_subscriber()
    make_comparison(make_tool(), make_tool())
    issue = digest.publish(compose_week())

    assert digest.default_since(now + timedelta(days=7)) == issue.period_until


@pytest.mark.parametrize("pairs", [1, 6])
def test_composing_runs_a_constant_number_of_queries_whatever_the_size(
    django_assert_num_queries, pairs
):
    persona = make_persona()
    for _ in range(pairs):
        tool_a, tool_b = make_tool(), make_tool()
        make_take(tool_a, persona)
        make_comparison(tool_a, tool_b)
        make_take(make_tool(), persona)  # an updated verdict outside any comparison

    # The covered pks, then only the shown rows (the cap); the panels are stored
    # on the tools (issue 15), and every shown tool's takes with personas (for
    # dissenters and bottom lines) come in one query that also yields the revised
    # takes, so no query more.
    with django_assert_num_queries(DIGEST_QUERIES):
        news = compose_week()
        digest.render(news)

    assert len(news.comparisons) == pairs
    assert len(news.changed) == pairs


def test_the_rendered_issue_shows_both_panels_and_the_community_with_absolute_links(settings):
    settings.SITE_URL = "https://shiporskip.example"
    personas = [make_persona(name=name) for name in ["Builder", "Skeptic", "PM"]]
    alpha = make_tool(name="Alpha", tagline="Fast agent loops")
    beta = make_tool(name="Beta <b>&</b> Co", tagline="Cheap & cheerful")
    for persona, call in zip(personas, [Call.SHIP, Call.SHIP, Call.SKIP], strict=True):
        make_take(alpha, persona, call=call)
    make_take(beta, personas[0], call=Call.SKIP, score=None)
    CommunityVote.objects.cast(alpha, "reader-1", Call.SHIP)
    CommunityVote.objects.cast(alpha, "reader-2", Call.SKIP)
    make_comparison(alpha, beta)
    revised = make_tool(name="Gamma")
    make_take(revised, personas[1], call=Call.SKIP, score=41)

    _, html, text = digest.render(compose_week())

    page = text_of(html)
    assert_in_order(
        page,
        [
            "New comparisons",
            "Alpha vs Beta <b>&</b> Co",
            # Builder reviewed both: ship (scored) against skip (unscored).
            "The panel favours Alpha: the 1 persona who reviewed both.",
            "Alpha",
            "Fast agent loops",
            "Panel: Ship 2 ship / 1 skip · 67% ship · PM dissents",
            "Community: 1 ship, 1 skip",  # two votes: counts, no percentage
            "Beta <b>&</b> Co",
            "Panel: Skip (preliminary) 0 ship / 1 skip · 0% ship",
            "Community: No community votes yet",
            "Updated verdicts",
            "Gamma",
            "Panel: Skip (preliminary) 0 ship / 1 skip",
            "Revised: Skeptic Skip 41/100",
            "Unsubscribe",
        ],
    )
    assert "<b>&</b>" not in html  # escaped in HTML
    assert "Beta <b>&</b> Co: Cheap & cheerful" in text  # left as written in text
    assert_in_order(
        text,
        [
            "NEW COMPARISONS",
            "## Alpha vs Beta <b>&</b> Co",
            "https://shiporskip.example/compare/alpha-vs-beta-b-b-co/",
            "The panel favours Alpha: the 1 persona who reviewed both.",
            "Panel: Ship · 2 ship / 1 skip · PM dissents (67% ship)",
            "Community: 1 ship, 1 skip",
            "Panel: Skip (preliminary) · 0 ship / 1 skip (0% ship)",
            "UPDATED VERDICTS",
            "Gamma",
            "Revised: Skeptic Skip 41/100",
            f"Unsubscribe with one click: {digest.READER_UNSUBSCRIBE_URL}",
        ],
    )
    hrefs = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    # Each message puts in its reader's own links: the verified vote, unsubscribe,
    # manage (newsletter/personal.py fills them in).
    own = [READER_VOTE_URL, digest.READER_UNSUBSCRIBE_URL, personal.READER_MANAGE_URL]
    assert [href for href in hrefs if href in own] == own
    assert hrefs[-2:] == [digest.READER_UNSUBSCRIBE_URL, personal.READER_MANAGE_URL]
    shared = [href for href in hrefs if href not in own]
    assert shared and all(href.startswith("https://shiporskip.example/") for href in shared)
    assert f"as a verified reader: {READER_VOTE_URL}" in text


def test_publishing_stores_the_issue_and_a_delivery_per_confirmed_subscriber():
    confirmed = [make_subscriber(), make_subscriber()]
    make_subscriber(status="pending")
    make_subscriber(status="unsubscribed")
    comparison = make_comparison(make_tool(), make_tool())
    news = compose_week()

    issue = digest.publish(news)

    assert issue.subject == news.subject
    assert list(issue.comparisons.all()) == [comparison]
    assert digest.READER_UNSUBSCRIBE_URL in issue.html_body
    assert digest.READER_UNSUBSCRIBE_URL in issue.text_body
    deliveries = Delivery.objects.filter(issue=issue)
    assert sorted(d.subscriber_id for d in deliveries) == sorted(s.pk for s in confirmed)
    assert {d.status for d in deliveries} == {Delivery.Status.PENDING}


def test_without_confirmed_subscribers_nothing_is_published():
    make_subscriber(status="pending")
    make_comparison(make_tool(), make_tool())

    assert digest.publish(compose_week()) is None
    assert Issue.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert len(compose_week().comparisons) == 1  # still news for the first reader


def test_an_issue_leading_with_the_longest_tool_names_can_be_stored():
    make_subscriber()
    make_comparison(make_tool(name="A" * 120), make_tool(name="B" * 120))

    issue = digest.publish(compose_week())

    assert Issue.objects.get(pk=issue.pk).subject.endswith("A" * 120 + " vs " + "B" * 120)


def test_a_digest_composed_before_another_run_stored_its_issue_is_refused():
    readers = [make_subscriber(), make_subscriber()]
    make_comparison(make_tool(), make_tool())
    first, second = compose_week(), compose_week()  # two runs, both composing

    stored = digest.publish(first)
    with pytest.raises(digest.AnotherIssueStored, match=re.escape(stored.subject)):
        digest.publish(second)

    assert list(Issue.objects.all()) == [stored]
    assert sorted(Delivery.objects.values_list("subscriber", flat=True)) == sorted(
        reader.pk for reader in readers
    )
    # A run that composes after the first issue simply finds nothing new.
    assert compose_week().since < stored.period_until
    assert digest.compose(stored.period_until, timezone.now()).is_empty


def test_the_text_part_carries_editor_text_literally_and_the_html_part_escapes_it():
    a = make_tool(name="R&D <Bot>", tagline='Fast & "bold" <b>really</b> &amp; more')
    b = make_tool(name="Plain", tagline="Simple")
    make_comparison(a, b)
    changed = make_tool(name="Q&A Tool", tagline="Answers <i>everything</i>")
    make_take(changed, make_persona(name="Pros & Cons"), call=Call.SKIP, score=40)

    subject, html_body, text_body = digest.render(compose_week())

    assert subject.endswith(": R&D <Bot> vs Plain")
    assert "## R&D <Bot> vs Plain" in text_body
    assert 'R&D <Bot>: Fast & "bold" <b>really</b> &amp; more' in text_body
    assert "Q&A Tool: Answers <i>everything</i>" in text_body
    assert "Revised: Pros & Cons Skip 40/100" in text_body
    # Nothing the editor typed was escaped in the text part, nor un-escaped.
    assert "&lt;" not in text_body and "&#34;" not in text_body
    assert "&amp;" not in text_body.replace("&amp; more", "")
    # The HTML part shows the same characters, escaped, never as markup.
    assert "<b>really</b>" not in html_body and "<i>everything</i>" not in html_body
    assert "R&amp;D &lt;Bot&gt;" in html_body
    assert "&lt;b&gt;really&lt;/b&gt; &amp;amp; more" in html_body
