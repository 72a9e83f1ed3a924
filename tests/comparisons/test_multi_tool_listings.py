"""Comparisons of three or four tools wherever comparisons are listed: home,
/compare/, the feed, the sitemap, llms.txt, the tool page and the weekly digest."""

import xml.etree.ElementTree as ET
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from newsletter import digest
from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import assert_in_order, text_of
from verdicts.models import Call

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def trio():
    """A curated Zed vs Able vs Mid (editor's order), each tool with one take."""
    persona = make_persona(name="Builder")
    zed = make_tool(name="Zed")
    able, mid = make_tool(name="Able", category=zed.category), make_tool(name="Mid")
    for tool, call in ((zed, Call.SHIP), (able, Call.SKIP), (mid, Call.SHIP)):
        make_take(tool, persona, call=call)
    return make_comparison(zed, able, mid, intro="Three agents.")


@pytest.mark.django_db
def test_home_and_the_compare_list_show_every_tool_of_a_trio(client, trio):
    for url in ("/", "/compare/"):
        html = client.get(url).content.decode()
        assert '<a class="comparison-item__link" href="/compare/zed-vs-able-vs-mid/">' in html
        item = html[html.index('href="/compare/zed-vs-able-vs-mid/">') :]
        item = text_of(item[item.index(">") + 1 : item.index("</li>")])
        assert item.startswith("Zed vs Able vs Mid")
        assert_in_order(item, ["Zed Ship", "Able Skip", "Mid Ship"])
        # Each category once: Zed and Able share one.
        categories = f"{trio.tool_a.category.name} · {trio.tool_c.category.name} · published"
        assert categories in item


@pytest.mark.django_db
def test_the_feed_titles_a_trio_and_summarises_every_panel(client, trio):
    root = ET.fromstring(client.get("/feeds/comparisons/").content)
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Zed vs Able vs Mid"
    assert entry.find(f"{ATOM}link").get("href") == f"{SITE}/compare/zed-vs-able-vs-mid/"
    summary = entry.findtext(f"{ATOM}summary")
    assert summary.startswith("Zed: Ship")
    assert " · Able: Skip" in summary and " · Mid: Ship" in summary
    assert summary.endswith("Three agents.")


@pytest.mark.django_db
def test_the_sitemap_lists_a_trio_dated_by_its_newest_take(client, trio):
    take = trio.tool_c.takes.get()
    take.body = "Revised after the comparison was made."
    take.save()  # the third tool's stored content date moves (verdicts/tallies.py)
    trio.tool_c.refresh_from_db()
    assert trio.tool_c.content_updated_at > trio.updated_at
    root = ET.fromstring(client.get("/sitemaps/comparisons-1.xml").content)
    dates = {
        url.findtext("s:loc", namespaces=SITEMAP): url.findtext("s:lastmod", namespaces=SITEMAP)
        for url in root.findall("s:url", SITEMAP)
    }
    stamp = trio.tool_c.content_updated_at.astimezone(UTC).isoformat(timespec="seconds")
    assert dates[f"{SITE}/compare/zed-vs-able-vs-mid/"][:19] == stamp[:19]


@pytest.mark.django_db
def test_llms_txt_lists_a_trio(client, trio):
    body = client.get("/llms/comparisons.txt").content.decode()
    assert f"[Zed vs Able vs Mid]({SITE}/compare/zed-vs-able-vs-mid/)" in body
    assert f"{SITE}/compare/zed-vs-able-vs-mid.json" in body


@pytest.mark.django_db
def test_every_tool_page_of_a_trio_links_to_it(client, trio):
    for slug in ("zed", "able", "mid"):
        html = client.get(f"/tools/{slug}/").content.decode()
        assert (
            '<a href="/compare/zed-vs-able-vs-mid/">'
            "<bdi>Zed</bdi> vs <bdi>Able</bdi> vs <bdi>Mid</bdi></a>"
        ) in html


@pytest.mark.django_db
def test_a_trio_does_not_stand_for_a_pair_in_the_alternatives(client, trio):
    """ "Compare with Able" on Zed's page is the pair, not the editor's trio."""
    html = client.get("/tools/zed/").content.decode()
    assert "/compare/able-vs-zed/" in html


@pytest.mark.django_db
def test_the_weekly_digest_titles_a_trio_and_shows_every_tool(trio):
    now = timezone.now()
    news = digest.compose(now - timedelta(days=7), now)
    assert news.comparisons == [trio]
    subject, html, text = digest.render(news)
    assert subject.endswith(": Zed vs Able vs Mid")
    assert "## Zed vs Able vs Mid" in text
    for name in ("Zed", "Able", "Mid"):
        assert f"{name}: Tagline" in text
        assert f">{name}</a>" in html
    assert news.changed == []  # the trio's tools are reported with it, not again


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [2, 4])
def test_composing_the_digest_costs_the_same_for_pairs_and_fours(django_assert_num_queries, tools):
    persona = make_persona()
    for _ in range(3):
        members = [make_tool() for _ in range(tools)]
        make_take(members[-1], persona)
        make_comparison(*members)
        make_take(make_tool(), persona)  # an updated verdict outside any comparison
    # As any capped issue composes (tests/newsletter/test_digest_cap.py).
    with django_assert_num_queries(7):
        news = digest.compose(timezone.now() - timedelta(days=7), timezone.now())
        digest.render(news)
    assert [len(comparison.tools) for comparison in news.comparisons] == [tools] * 3


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [2, 4])
def test_home_feed_and_sitemap_cost_the_same_for_pairs_and_fours(
    client, django_assert_num_queries, tools
):
    persona = make_persona()
    for _ in range(3):
        members = [make_tool() for _ in range(tools)]
        make_take(members[0], persona)
        make_comparison(*members)
    # Pins as for pairs (test_feed, test_sitemap, test_home_page), with 4-tool rows.
    with django_assert_num_queries(3):
        assert client.get("/feeds/comparisons/").status_code == 200
    # The sitemap index: the content version and a query per section (key bounds or a count).
    with django_assert_num_queries(6):
        assert client.get("/sitemap.xml").status_code == 200
    with django_assert_num_queries(2):  # the content version, one file's rows
        assert client.get("/sitemaps/comparisons-1.xml").status_code == 200
    # The content version and the stored tool counts (comparisons are not counted).
    with django_assert_num_queries(2):
        assert client.get("/llms.txt").status_code == 200
