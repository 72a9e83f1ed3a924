"""/sitemap.xml is a sitemap index of one file per section, each valid under
the sitemap protocol, listing every public page with its last change and no
draft; /robots.txt points crawlers at it."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from comparisons.models import Comparison
from pages import sitemaps
from tests.factories import make_comparison, make_persona, make_take, make_tool
from verdicts.models import Category, Persona, Take, Tool

SITE = "http://127.0.0.1:8000"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The protocol's limits (sitemaps.org/protocol.html).
MAX_URLS, MAX_BYTES, MAX_LOC = 50_000, 50 * 1024 * 1024, 2048
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def _valid_loc(loc: str | None) -> str:
    assert loc and len(loc) <= MAX_LOC, loc
    parts = urlsplit(loc)
    assert (parts.scheme, parts.netloc) == ("http", "127.0.0.1:8000"), loc
    return loc


def _parsed(client, path: str, root_tag: str):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert len(response.content) <= MAX_BYTES
    root = ET.fromstring(response.content)
    assert root.tag == f"{S}{root_tag}"
    return root


def sitemap_files(client) -> list[str]:
    """The index's file URLs, checked against the sitemapindex schema's shape."""
    root = _parsed(client, "/sitemap.xml", "sitemapindex")
    files = []
    for entry in root:
        assert entry.tag == f"{S}sitemap"
        assert [child.tag for child in entry] == [f"{S}loc"]
        files.append(_valid_loc(entry.findtext("s:loc", namespaces=NS)))
    assert 0 < len(files) <= MAX_URLS
    assert len(set(files)) == len(files)
    return files


def section_urls(client, loc: str) -> dict:
    """One file's URL -> lastmod, checked against the urlset schema's shape."""
    root = _parsed(client, urlsplit(loc).path, "urlset")
    urls = {}
    for entry in root:
        assert entry.tag == f"{S}url"
        tags = [child.tag for child in entry]
        assert tags in ([f"{S}loc"], [f"{S}loc", f"{S}lastmod"]), tags
        lastmod = entry.findtext("s:lastmod", namespaces=NS)
        assert lastmod is None or W3C_DATETIME.match(lastmod), lastmod
        url = _valid_loc(entry.findtext("s:loc", namespaces=NS))
        assert url not in urls
        urls[url] = lastmod
    assert len(urls) <= MAX_URLS
    return urls


def sitemap(client) -> dict:
    """URL -> lastmod (None when absent), across every file of the index."""
    urls = {}
    for loc in sitemap_files(client):
        found = section_urls(client, loc)
        assert not set(found) & set(urls)
        urls.update(found)
    return urls


@pytest.mark.django_db
def test_it_lists_every_published_page_with_its_last_change(client, seeded):
    draft_tool = make_tool(name="Draft Tool", is_published=False)
    future = make_tool(name="Future Tool", published_at=timezone.now() + timedelta(days=2))
    make_comparison(
        Tool.objects.get(slug="smolvm"), Tool.objects.get(slug="smollm3"), is_published=False
    )
    make_comparison(draft_tool, Tool.objects.get(slug="smolvm"))
    urls = sitemap(client)

    expected = {f"{SITE}/", f"{SITE}/compare/", f"{SITE}/tools/", f"{SITE}/reviewers/"}
    expected.add(f"{SITE}/methodology/")
    expected |= {f"{SITE}{tool.get_absolute_url()}" for tool in Tool.objects.published()}
    expected |= {f"{SITE}{c.get_absolute_url()}" for c in Comparison.objects.published()}
    expected |= {f"{SITE}{persona.get_absolute_url()}" for persona in Persona.objects.all()}
    # A category is listed once it has a published tool.
    live = Category.objects.filter(tools__in=Tool.objects.published()).distinct()
    expected |= {f"{SITE}{category.get_absolute_url()}" for category in live}
    assert set(urls) == expected
    assert len(expected) == 5 + 6 + 5 + 6 + 1
    for url in (draft_tool, future):
        assert f"{SITE}{url.get_absolute_url()}" not in urls
    assert f"{SITE}/compare/smollm3-vs-smolvm/" not in urls
    assert all(lastmod for lastmod in urls.values()), urls


@pytest.mark.django_db
def test_a_tool_is_dated_by_its_latest_take(client, seeded):
    take = Take.objects.get(tool__slug="smolvm", persona__slug="builder")
    take.body += " Revised."
    take.save()
    urls = sitemap(client)
    saved = datetime.fromisoformat(urls[f"{SITE}/tools/smolvm/"])
    assert saved >= take.updated_at.replace(microsecond=0)
    assert saved == max(datetime.fromisoformat(moment) for moment in urls.values())
    pair = f"{SITE}/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
    assert datetime.fromisoformat(urls[pair]) == saved
    builder = datetime.fromisoformat(urls[f"{SITE}/reviewers/builder/"])
    assert builder == take.updated_at.replace(microsecond=0)
    assert datetime.fromisoformat(urls[f"{SITE}/"]) == saved
    assert datetime.fromisoformat(urls[f"{SITE}/categories/{take.tool.category.slug}/"]) == saved


@pytest.mark.django_db
@pytest.mark.parametrize("pairs", [1, 12])
def test_the_sitemap_runs_a_constant_number_of_queries(client, django_assert_num_queries, pairs):
    persona = make_persona()
    for _ in range(pairs):
        comparison = make_comparison(make_tool(), make_tool())
        make_take(comparison.tool_a, persona)
    # The content version read by the page cache, then a count per section but
    # the pages (a constant list); the newsletter's counts its sent issues.
    with django_assert_num_queries(6):
        files = sitemap_files(client)
    per_file = {
        "pages": 2,
        "tools": 1,
        "comparisons": 1,
        "categories": 1,
        "reviewers": 1,  # each persona's latest take by a subquery (was 2)
        "newsletter": 1,
    }
    urls = {}
    for loc in files:
        section = re.search(r"/sitemaps/(\w+)-1\.xml$", loc)[1]
        with django_assert_num_queries(1 + per_file[section]):
            urls.update(section_urls(client, loc))
    assert len(urls) == 5 + 3 * pairs + 2 * pairs + 1


@pytest.mark.django_db
def test_a_section_beyond_the_limit_is_split_into_files(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "SITEMAP_LIMIT", 2)
    tools = [make_tool(name=f"Tool {n}") for n in range(5)]
    files = sitemap_files(client)
    tool_files = [loc for loc in files if "/sitemaps/tools-" in loc]
    assert tool_files == [f"{SITE}/sitemaps/tools-{n}.xml" for n in (1, 2, 3)]
    listed = [url for loc in tool_files for url in section_urls(client, loc)]
    assert all(len(section_urls(client, loc)) <= 2 for loc in files)
    assert listed == [f"{SITE}{tool.get_absolute_url()}" for tool in tools]
    assert client.get("/sitemaps/tools-4.xml").status_code == 404
    assert client.get("/sitemaps/tools-0.xml").status_code == 404
    assert client.get("/sitemaps/drafts-1.xml").status_code == 404
    assert client.get("/sitemaps/pages-4.xml").status_code == 404


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /" not in lines


@pytest.mark.django_db
def test_files_follow_key_ranges_with_no_gap_or_repeat_when_rows_come_and_go(client, monkeypatch):
    # Files are numbered from the lowest and highest primary keys (two index
    # lookups), not from a count of live rows; drafts and deleted rows leave a
    # file short, never a URL out or twice.
    monkeypatch.setattr(sitemaps, "SITEMAP_LIMIT", 3)
    tools = [make_tool(name=f"Tool {n}") for n in range(8)]
    tools[0].delete()  # the lowest key moves
    draft = tools[4]
    draft.is_published = False
    draft.save()
    tools[5].delete()
    files = [loc for loc in sitemap_files(client) if "/sitemaps/tools-" in loc]
    # Keys tools[1] … tools[7]: seven keys, three files of at most three.
    assert files == [f"{SITE}/sitemaps/tools-{n}.xml" for n in (1, 2, 3)]
    listed = [url for loc in files for url in section_urls(client, loc)]
    live = [tools[n] for n in (1, 2, 3, 6, 7)]
    assert listed == [f"{SITE}{tool.get_absolute_url()}" for tool in live]
    assert client.get("/sitemaps/tools-4.xml").status_code == 404

    tools.append(make_tool(name="Tool 8"))  # a new row lands in the last file or a new one
    files = [loc for loc in sitemap_files(client) if "/sitemaps/tools-" in loc]
    listed = [url for loc in files for url in section_urls(client, loc)]
    assert listed == [f"{SITE}{tool.get_absolute_url()}" for tool in [*live, tools[8]]]


@pytest.mark.django_db
def test_an_empty_file_inside_the_range_is_an_empty_urlset_not_a_404(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "SITEMAP_LIMIT", 2)
    tools = [make_tool(name=f"Tool {n}") for n in range(6)]
    for tool in tools[2:4]:
        tool.delete()
    assert section_urls(client, f"{SITE}/sitemaps/tools-2.xml") == {}
    assert len(section_urls(client, f"{SITE}/sitemaps/tools-3.xml")) == 2


def test_a_section_that_forgets_its_entries_cannot_be_made():
    class CountOnly(sitemaps.CountedSection):
        def count(self):
            return 0

    with pytest.raises(TypeError, match="slice"):
        CountOnly("broken")
