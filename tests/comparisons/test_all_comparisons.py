"""/compare/: the picker above every published comparison, newest first, by
keyset pages (?after=/?before= cursors)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comparisons import views
from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import assert_in_order, text_of
from verdicts.models import Call


def comparisons_published_days_ago(*days):
    """A comparison per age, titled "Tool Nd vs Other Nd"."""
    made = []
    for age in days:
        when = timezone.now() - timedelta(days=age)
        first, second = make_tool(name=f"Tool {age}d"), make_tool(name=f"Other {age}d")
        made.append(make_comparison(first, second, published_at=when))
    return made


def listed_titles(html: str) -> list[str]:
    section = html[html.index('id="all-comparisons-heading"') :]
    return [
        text_of(link)
        for link in re.findall(r'class="comparison-item__link"[^>]*>(.*?)</a>', section)
    ]


@pytest.mark.django_db
def test_it_lists_every_published_comparison_newest_first_by_pages(client, monkeypatch):
    monkeypatch.setattr(views, "COMPARISONS_PER_PAGE", 2)
    comparisons_published_days_ago(3, 1, 2)
    make_comparison(make_tool(name="Draft A"), make_tool(name="Draft B"), is_published=False)

    first = client.get("/compare/").content.decode()
    assert listed_titles(first) == ["Tool 1d vs Other 1d", "Tool 2d vs Other 2d"]
    # No total (counting every live comparison grew with the catalogue).
    assert "Picked by our editors, newest first." in text_of(first)
    assert "3 comparisons" not in text_of(first)
    [after] = re.findall(r'<a rel="next" href="/compare/\?after=([\w-]+)">Next</a>', first)
    assert 'rel="prev"' not in first
    assert '<link rel="canonical" href="http://127.0.0.1:8000/compare/">' in first

    second = client.get("/compare/", {"after": after}).content.decode()
    assert listed_titles(second) == ["Tool 3d vs Other 3d"]
    [before] = re.findall(r'<a rel="prev" href="/compare/\?before=([\w-]+)">Previous</a>', second)
    assert 'rel="next"' not in second
    canonical = f'<link rel="canonical" href="http://127.0.0.1:8000/compare/?after={after}">'
    assert canonical in second
    assert "Draft A vs Draft B" not in text_of(first + second)  # the draft comparison
    back = client.get("/compare/", {"before": before}).content.decode()
    assert listed_titles(back) == listed_titles(first)


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["0", "2", "two", "-1", "1e9"])
def test_an_old_page_number_moves_permanently_to_the_first_page(client, number):
    comparisons_published_days_ago(1)
    response = client.get("/compare/", {"page": number})
    assert response.status_code == 301
    assert response["Location"] == "/compare/"
    assert client.get("/compare/?a=x&page=2")["Location"] == "/compare/?a=x"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor", ["x", "W10", "WyJuZXdlc3QiLDFd", "e30", "x" * 700, "WyJzaGlwIiwxLDJd"]
)
def test_a_bad_cursor_is_a_400_with_a_message_over_the_first_page(client, cursor):
    comparisons_published_days_ago(1)
    response = client.get("/compare/", {"after": cursor})
    assert response.status_code == 400
    html = response.content.decode()
    assert "start from the first page" in text_of(html)
    assert listed_titles(html) == ["Tool 1d vs Other 1d"]


@pytest.mark.django_db
def test_each_comparison_shows_both_panel_verdicts(client):
    [comparison] = comparisons_published_days_ago(1)
    builder, skeptic = make_persona(name="Builder"), make_persona(name="Skeptic")
    make_take(comparison.tool_a, builder, call=Call.SHIP)
    make_take(comparison.tool_a, skeptic, call=Call.SHIP)
    make_take(comparison.tool_b, builder, call=Call.SKIP)

    text = text_of(client.get("/compare/").content.decode())
    heading = ["All comparisons", "Tool 1d vs Other 1d"]
    assert_in_order(text, [*heading, "Tool 1d", "Ship", "100% ship", "Other 1d", "Skip", "0% ship"])


@pytest.mark.django_db
def test_with_nothing_published_it_says_so(client):
    make_comparison(make_tool(), make_tool(), is_published=False)
    text = text_of(client.get("/compare/").content.decode())
    assert "Picked by our editors" in text
    assert "No comparisons are published yet." in text


@pytest.mark.django_db
def test_the_home_page_and_the_navigation_link_to_it(client):
    comparisons_published_days_ago(1)
    html = client.get("/").content.decode()
    assert '<a href="/compare/">All comparisons</a>' in html
    nav = html[html.index('class="site-nav"') : html.index("</header>")]
    assert '<a href="/compare/">Comparisons</a>' in nav


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_the_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, count):
    persona = make_persona()
    for comparison in comparisons_published_days_ago(*range(1, count + 1)):
        make_take(comparison.tool_a, persona)
    # The content version, the picker's tools, the page (panels are stored on the
    # tools, read with them), the page's categories (apart: four joins fewer for
    # PostgreSQL's planner); no count since issue 15.
    with django_assert_num_queries(4):
        response = client.get("/compare/")
    assert len(listed_titles(response.content.decode())) == min(count, 24)
    with django_assert_num_queries(1):  # cached whole: the content version only
        again = client.get("/compare/")
    assert listed_titles(again.content.decode()) == listed_titles(response.content.decode())


@pytest.mark.django_db
def test_a_newly_published_comparison_appears_at_once(client):
    comparisons_published_days_ago(2)
    assert listed_titles(client.get("/compare/").content.decode()) == ["Tool 2d vs Other 2d"]
    comparisons_published_days_ago(1)
    titles = listed_titles(client.get("/compare/").content.decode())
    assert titles == ["Tool 1d vs Other 1d", "Tool 2d vs Other 2d"]
