"""Comparison and tool pages say when they were published and when the panel's
takes last changed: a reader judges a verdict's freshness before trusting it."""

import re
from datetime import UTC, datetime

import pytest

from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts.models import Take

MAY_5 = datetime(2026, 5, 5, 9, 30, tzinfo=UTC)


def dateline(html: str) -> str:
    [line] = re.findall(r'<p class="dateline[^"]*">(.*?)</p>', html)
    return text_of(line)


def dated_take(tool, persona, when):
    take = make_take(tool, persona)
    Take.objects.filter(pk=take.pk).update(updated_at=when)  # auto_now would overwrite it


@pytest.fixture
def pair():
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    builder, skeptic = make_persona(name="Builder"), make_persona(name="Skeptic")
    dated_take(alpha, builder, datetime(2026, 6, 1, tzinfo=UTC))
    dated_take(beta, builder, datetime(2026, 11, 20, 23, 59, tzinfo=UTC))
    dated_take(beta, skeptic, datetime(2026, 7, 14, tzinfo=UTC))
    return alpha, beta


@pytest.mark.django_db
def test_a_curated_comparison_shows_its_date_and_the_latest_take(client, pair):
    alpha, beta = pair
    make_comparison(alpha, beta, published_at=MAY_5)
    html = client.get("/compare/alpha-vs-beta/").content.decode()
    assert dateline(html) == "Published 5 May 2026 · Panel takes last updated 20 November 2026"
    assert '<time datetime="2026-05-05">5 May 2026</time>' in html
    assert '<time datetime="2026-11-20">20 November 2026</time>' in html


@pytest.mark.django_db
def test_an_on_demand_pair_shows_only_when_its_takes_changed(client, pair):
    html = client.get("/compare/alpha-vs-beta/").content.decode()
    assert dateline(html) == "Panel takes last updated 20 November 2026"


@pytest.mark.django_db
def test_without_takes_the_page_says_so(client):
    make_comparison(make_tool(name="Alpha"), make_tool(name="Beta"), published_at=MAY_5)
    html = client.get("/compare/alpha-vs-beta/").content.decode()
    assert dateline(html) == "Published 5 May 2026 · No panel takes yet"


@pytest.mark.django_db
def test_the_tool_page_shows_when_it_was_reviewed(client, pair):
    beta = pair[1]
    type(beta).objects.filter(pk=beta.pk).update(published_at=MAY_5)
    text = text_of(client.get("/tools/beta/").content.decode())
    assert "Reviewed Published 5 May 2026 · panel takes last updated 20 November 2026" in text


@pytest.mark.django_db
def test_a_revised_take_moves_the_date_at_once(client, pair):
    alpha, beta = pair
    make_comparison(alpha, beta, published_at=MAY_5)
    url = "/compare/alpha-vs-beta/"
    assert dateline(client.get(url).content.decode()).endswith("20 November 2026")
    take = alpha.takes.get()
    take.body = "Revised after the 2.0 release."
    take.save()  # updated_at becomes now, through the model as the admin saves it
    today = take.updated_at.strftime("%-d %B %Y")
    assert dateline(client.get(url).content.decode()).endswith(f"last updated {today}")


@pytest.mark.django_db
def test_the_json_carries_the_same_dates(client, pair):
    alpha, beta = pair
    make_comparison(alpha, beta, published_at=MAY_5)
    data = client.get("/compare/alpha-vs-beta.json").json()
    assert data["published_at"] == "2026-05-05T09:30:00+00:00"
    assert data["takes_updated_at"] == "2026-11-20T23:59:00+00:00"
    alpha_data, beta_data = data["tools"]
    assert alpha_data["takes_updated_at"] == "2026-06-01T00:00:00+00:00"
    assert [take["updated_at"] for take in beta_data["takes"]] == [
        "2026-11-20T23:59:00+00:00",
        "2026-07-14T00:00:00+00:00",
    ]
    lone = make_tool(name="Lone")
    assert client.get(f"/tools/{lone.slug}.json").json()["takes_updated_at"] is None
