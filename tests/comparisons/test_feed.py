"""/feeds/comparisons/: an Atom feed of the newest published comparisons."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from tests.factories import make_comparison, make_persona, make_take, make_tool
from verdicts.models import Call

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "http://127.0.0.1:8000"


def feed(client):
    response = client.get("/feeds/comparisons/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


@pytest.mark.django_db
def test_it_lists_published_comparisons_newest_first_with_absolute_links(client):
    now = timezone.now()
    older = make_comparison(
        make_tool(name="A"), make_tool(name="B"), published_at=now - timedelta(days=2)
    )
    newer = make_comparison(
        make_tool(name="C"), make_tool(name="D"), published_at=now - timedelta(days=1)
    )
    make_comparison(make_tool(name="E"), make_tool(name="F"), is_published=False)
    make_comparison(make_tool(name="G"), make_tool(name="H", is_published=False))
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Ship or Skip: new comparisons"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{SITE}/", "self": f"{SITE}/feeds/comparisons/"}
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["C vs D", "A vs B"]
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        f"{SITE}{newer.get_absolute_url()}",
        f"{SITE}{older.get_absolute_url()}",
    ]
    assert entries[0].findtext(f"{ATOM}published").startswith(newer.published_at.date().isoformat())


@pytest.mark.django_db
def test_each_entry_summarises_both_panels_and_the_intro(client):
    a, b = make_tool(name="Rocket"), make_tool(name="Snail")
    make_take(a, make_persona(), call=Call.SHIP)
    make_comparison(a, b, intro="Two ways to *ship*.")
    summary = feed(client).find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    # One take is below VERDICT_MIN_TAKES: the feed says the verdict is preliminary.
    assert (
        summary
        == "Rocket: Ship (preliminary) · 1 ship / 0 skip · Snail: No panel yet. Two ways to ship."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("pairs", [1, 10])
def test_the_feed_runs_three_queries(client, django_assert_num_queries, pairs):
    for _ in range(pairs):
        comparison = make_comparison(make_tool(), make_tool())
        make_take(comparison.tool_a, make_persona())
    # The comparisons with every tool, all tools' calls at once (not one prefetch
    # per tool slot); +1: the content version read by the page cache.
    with django_assert_num_queries(3):
        assert len(feed(client).findall(f"{ATOM}entry")) == pairs


@pytest.mark.django_db
def test_editor_text_reaches_feed_readers_as_text_never_as_markup(client):
    """Checked with feedparser, as feed readers parse it: valid Atom, and the
    summary is the editor's literal text, with no element injected."""
    a = make_tool(name="Evil <img src=x onerror=alert(1)>")
    b = make_tool(name="Bold &lt;b&gt; Tool")
    make_comparison(a, b, intro="Use `<img src=x onerror=alert(1)>` and &lt;b&gt; as text.")
    response = client.get("/feeds/comparisons/")
    parsed = feedparser.parse(response.content)

    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    [entry] = parsed.entries
    assert entry.title == "Evil <img src=x onerror=alert(1)> vs Bold &lt;b&gt; Tool"
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary == (
        "Evil <img src=x onerror=alert(1)>: No panel yet · Bold &lt;b&gt; Tool: No panel yet. "
        "Use <img src=x onerror=alert(1)> and <b> as text."
    )
    # In the XML itself: the summary is text, holding no element of its own.
    summary = ET.fromstring(response.content).find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "text"
    assert list(summary) == []
    assert b"<img" not in response.content and b"<b>" not in response.content


@pytest.mark.django_db
def test_a_summary_names_who_dissents_in_panel_order(client):
    rocket, snail = make_tool(name="Rocket"), make_tool(name="Snail")
    personas = [make_persona(name=name, position=p) for p, name in enumerate("ABCDE")]
    # Rocket: ship 3-2, C and E dissent; Snail: 1-1, a split names nobody.
    for persona, call in zip(personas, "ship ship skip ship skip".split(), strict=True):
        make_take(rocket, persona, call=call)
    make_take(snail, personas[0], call=Call.SHIP)
    make_take(snail, personas[4], call=Call.SKIP)
    make_comparison(rocket, snail)
    summary = feed(client).find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert summary == (
        "Rocket: Ship · 3 ship / 2 skip · C and E dissent · Snail: Split (preliminary) "
        "· 1 ship / 1 skip."
    )
