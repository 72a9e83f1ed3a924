"""/sitemap.xml lists every public page with its last change, and no draft;
/robots.txt points crawlers at it."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from comparisons.models import Comparison
from tests.factories import make_comparison, make_persona, make_take, make_tool
from verdicts.models import Category, Persona, Take, Tool

SITE = "http://127.0.0.1:8000"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client) -> dict:
    """URL -> lastmod (None when absent)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


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
    later = timezone.now() + timedelta(days=30)
    Take.objects.filter(tool__slug="smolvm", persona__slug="builder").update(updated_at=later)
    Tool.objects.filter(slug="smolvm").update(updated_at=later - timedelta(days=60))
    urls = sitemap(client)
    assert datetime.fromisoformat(urls[f"{SITE}/tools/smolvm/"]).date() == later.date()
    pair = f"{SITE}/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
    assert datetime.fromisoformat(urls[pair]).date() == later.date()
    assert datetime.fromisoformat(urls[f"{SITE}/reviewers/builder/"]).date() == later.date()
    assert datetime.fromisoformat(urls[f"{SITE}/"]).date() == later.date()


@pytest.mark.django_db
@pytest.mark.parametrize("pairs", [1, 12])
def test_the_sitemap_runs_a_constant_number_of_queries(client, django_assert_num_queries, pairs):
    persona = make_persona()
    for _ in range(pairs):
        comparison = make_comparison(make_tool(), make_tool())
        make_take(comparison.tool_a, persona)
    # Two aggregates for the list pages, then a count and a page for each of
    # comparisons, tools, reviewers and categories.
    # +1: the content version read by the page cache
    # +1: the newsletter's sent issues (newsletter archive)
    with django_assert_num_queries(12):
        urls = sitemap(client)
    assert len(urls) == 5 + 3 * pairs + 2 * pairs + 1


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /" not in lines
