"""Tool lists and /compare/ read by keyset cursors: walking Next (or Previous)
while editors add tools and comparisons between requests never shows a row
twice and never skips one that was there all along."""

import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comparisons import views as comparison_views
from tests.factories import make_category, make_comparison, make_persona, make_take, make_tool
from verdicts import views
from verdicts.models import Call

_names = itertools.count()


def tool_names(html: str) -> list[str]:
    return re.findall(r'class="tool-row__name" href="[^"]+"><bdi>([^<]+)</bdi></a>', html)


def comparison_titles(html: str) -> list[str]:
    section = html[html.index('id="all-comparisons-heading"') :]
    found = re.findall(r'class="comparison-item__link"[^>]*>\s*(.*?)\s*</a>', section, re.S)
    return [re.sub(r"</?bdi>", "", title) for title in found]


def link(html: str, rel: str) -> str | None:
    found = re.findall(rf'<a rel="{rel}" href="([^"]+)">', html)
    return found[0].replace("&amp;", "&") if found else None


def a_tool(personas, category, calls_and_scores, age_days, prefix="T"):
    """A tool with one take per (call, score): panels that tie and that differ."""
    tool = make_tool(
        name=f"{prefix}{next(_names):03}",
        category=category,
        published_at=timezone.now() - timedelta(days=age_days),
    )
    for persona, (call, score) in zip(personas, calls_and_scores, strict=False):
        make_take(tool, persona, call=call, score=score)
    return tool


PANELS = [
    [],
    [(Call.SHIP, 80)],
    [(Call.SHIP, 80), (Call.SKIP, None)],
    [(Call.SHIP, 60), (Call.SKIP, 40)],
    [(Call.SKIP, None)],
    [(Call.SHIP, None), (Call.SHIP, 90)],
    [(Call.SHIP, 70)],
    [(Call.SHIP, 80)],
]


@pytest.fixture
def listing(db):
    personas = [make_persona() for _ in range(2)]
    category = make_category(name="Agents")
    names = {
        a_tool(personas, category, PANELS[n % len(PANELS)], age_days=n % 5).name for n in range(20)
    }
    return personas, category, names


def walk(client, start: str, rel: str, between) -> list[str]:
    """Names page by page along `rel` links, calling between() before each request."""
    seen, url = [], start
    while url:
        between()
        html = client.get(url).content.decode()
        seen += tool_names(html)
        url = link(html, rel)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["ship", "newest", "name"])
@pytest.mark.parametrize("path", ["/tools/", "/categories/agents/"])
def test_walking_next_while_tools_are_added_has_no_gaps_or_repeats(
    client, listing, monkeypatch, sort, path
):
    personas, category, there_all_along = listing
    monkeypatch.setattr(views, "TOOLS_PER_PAGE", 3)
    added = []

    def add_some():
        # The first rounds add tools that sort before and after wherever the reader is.
        if len(added) >= 12:
            return
        for panel, prefix in ((PANELS[1], "A"), (PANELS[4], "Z"), (PANELS[0], "M")):
            age = len(added) % 6
            added.append(a_tool(personas, category, panel, age_days=age, prefix=prefix).name)

    seen = walk(client, f"{path}?sort={sort}", "next", add_some)
    assert len(seen) == len(set(seen)), "a tool was shown twice"
    assert {name for name in seen if name not in added} == there_all_along, "a tool was skipped"


@pytest.mark.django_db
def test_walking_previous_from_the_end_shows_every_tool_once(client, listing, monkeypatch):
    monkeypatch.setattr(views, "TOOLS_PER_PAGE", 3)
    forwards = walk(client, "/tools/", "next", lambda: None)
    assert len(forwards) == 20
    last_page = "/tools/"
    html = client.get(last_page).content.decode()
    while link(html, "next"):
        last_page = link(html, "next")
        html = client.get(last_page).content.decode()
    backwards_pages = []
    url = last_page
    while url:
        html = client.get(url).content.decode()
        backwards_pages.insert(0, tool_names(html))
        url = link(html, "prev")
    assert [name for page in backwards_pages for name in page] == forwards


@pytest.mark.django_db
def test_walking_comparisons_while_new_ones_are_published_has_no_gaps_or_repeats(
    client, monkeypatch
):
    monkeypatch.setattr(comparison_views, "COMPARISONS_PER_PAGE", 2)
    now = timezone.now()

    def publish(age_minutes):
        first, second = make_tool(), make_tool()
        return make_comparison(first, second, published_at=now - timedelta(minutes=age_minutes))

    # Ties on published_at are broken by the primary key.
    originals = {publish(age).__str__() for age in [5, 5, 5, 9, 1, 30, 30]}
    added = []
    seen, url = [], "/compare/"
    while url:
        if len(added) < 6:
            added.append(str(publish(0)))  # newer than everything: before the reader
            added.append(str(publish(10_000)))  # older than everything: still ahead
        html = client.get(url).content.decode()
        seen += comparison_titles(html)
        url = link(html, "next")
    assert len(seen) == len(set(seen))
    assert originals <= set(seen)


def take_tools(html: str) -> list[str]:
    return re.findall(r'<p class="small"><a href="/tools/[^"]+/"><bdi>([^<]+)</bdi></a>', html)


@pytest.mark.django_db
def test_walking_a_reviewers_verdicts_while_takes_are_added_has_no_gaps_or_repeats(
    client, monkeypatch
):
    monkeypatch.setattr(views, "VERDICTS_PER_PAGE", 3)
    persona = make_persona(name="Skeptic", slug="skeptic")
    scores = [None, 40, 90, 40, 70, None, 90, 10, 55, 40, 100]
    originals = set()
    for score in scores:
        tool = make_tool(name=f"R{next(_names):03}")
        make_take(tool, persona, score=score)
        originals.add(tool.name)
    added, seen, url = [], [], "/reviewers/skeptic/"
    while url:
        for score, prefix in ((95, "A"), (None, "Z"), (40, "M")):
            if len(added) < 9:
                tool = make_tool(name=f"{prefix}{next(_names):03}")
                make_take(tool, persona, score=score)
                added.append(tool.name)
        html = client.get(url).content.decode()
        seen += take_tools(html)
        url = link(html, "next")
    assert len(seen) == len(set(seen)), "a verdict was shown twice"
    assert {name for name in seen if name not in added} == originals, "a verdict was skipped"
    assert client.get("/reviewers/skeptic/?page=2")["Location"] == "/reviewers/skeptic/"
    bad = client.get("/reviewers/skeptic/", {"after": "WyJzY29yZSIsIngiLCJ5IiwxXQ"})
    assert bad.status_code == 400
    assert "start from the first page" in bad.content.decode()
