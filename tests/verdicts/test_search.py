"""/search/ finds tools by name, tagline, description and takes, ranked the
same way on SQLite and PostgreSQL (CI runs this file on both). The shared
cases of the engines (stems, typos, phrases, marks in names, other scripts)
are tests/verdicts/test_search_cases.py."""

import os
import re

import pytest

from tests.factories import make_category, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts.models import Tool
from verdicts.search import MAX_RESULTS, MAX_TERMS, parse_query


def found(response) -> list[str]:
    # Names are isolated for right-to-left text: <a …><bdi>Name</bdi></a>.
    html = response.content.decode()
    return re.findall(r'class="tool-row__name" href="[^"]+"><bdi>([^<]+)</bdi></a>', html)


@pytest.fixture
def tools(db):
    persona = make_persona(name="Builder")
    make_tool(name="Rocket Agent", tagline="Ships code", description="An agent.")
    make_tool(name="Helper", tagline="A rocket for your tests", description="Plain.")
    make_tool(name="Plain", tagline="Nothing special", description="Built like a rocket.")
    take_only = make_tool(name="Quiet", tagline="Small", description="Calm.")
    make_take(take_only, persona, body="Goes off like a **rocket** in CI.")
    make_tool(name="Rocketry Draft", tagline="Rocket", is_published=False)
    make_tool(name="Unrelated", tagline="Other", description="Other.")


@pytest.mark.django_db
def test_it_ranks_name_over_tagline_over_description_over_takes(client, tools):
    response = client.get("/search/", {"q": "ROCKET"})
    assert response.status_code == 200
    assert found(response) == ["Rocket Agent", "Helper", "Plain", "Quiet"]
    # Where the take matched, highlighted (the take's own bold is gone: plain text).
    assert "Goes off like a <mark>rocket</mark>" in response.content.decode()


@pytest.mark.django_db
def test_a_sentence_ranks_by_where_its_words_are_on_both_engines(client):
    # More words than SQLite's bm25() ranks by (search_engines.RANKED_ITEMS): every
    # tool holds all five, and the one holding them in its tagline comes first.
    persona = make_persona(name="Builder")
    words = "streaming sandbox pipeline agent eval"
    in_takes = make_tool(name="Aardvark", tagline="Other", description="Other.")
    make_take(in_takes, persona, body=f"It does {words} well.")
    make_tool(name="Zebra", tagline=f"The {words} tool", description="Other.")
    in_description = make_tool(name="Mole", tagline="Other", description=f"For {words}.")
    make_take(in_description, persona, body="Fine.")
    assert found(client.get("/search/", {"q": words})) == ["Zebra", "Mole", "Aardvark"]
    # Alternatives: a hit holding none of the longest words is still found (on
    # SQLite it ranks after those that hold some).
    make_tool(name="Bee", tagline="Only cat dog")
    names = found(client.get("/search/", {"q": f"{words} or cat dog"}))
    assert names[:2] == ["Zebra", "Mole"]
    assert sorted(names[2:]) == ["Aardvark", "Bee"]


def test_sqlite_ranks_a_long_query_by_its_longest_words():
    from verdicts.search_engines import RANKED_ITEMS, ranking_items

    assert RANKED_ITEMS == 3
    assert ranking_items(parse_query("agent cache api")) is None
    assert ranking_items(parse_query('ai "tool use" streaming sandbox eval')) == [
        "streaming",
        "tool use",
        "sandbox",
    ]
    # Exclusions are never ranked by.
    assert ranking_items(parse_query("streaming sandbox -pipelines agent")) is None


@pytest.mark.django_db
def test_every_word_must_match_unless_or_joins_them_and_ties_go_by_name(client):
    make_tool(name="zeta", tagline="fast agent")
    make_tool(name="Alpha", tagline="fast agent")
    make_tool(name="beta", tagline="fast")
    make_tool(name="Omega", tagline="slow agent")
    assert found(client.get("/search/", {"q": "fast agent"})) == ["Alpha", "zeta"]
    assert set(found(client.get("/search/", {"q": "fast or slow"}))) == {
        "Alpha",
        "zeta",
        "beta",
        "Omega",
    }
    assert found(client.get("/search/", {"q": "agent -slow"})) == ["Alpha", "zeta"]


@pytest.mark.django_db
def test_each_result_shows_its_tagline_verdict_and_ship_percent(client):
    tool = make_tool(name="Rocket", tagline="Launches things")
    make_take(tool, make_persona(), call="skip")
    text = text_of(client.get("/search/", {"q": "rocket"}).content.decode())
    assert "Rocket Launches things" in text
    assert "Skip (preliminary) 0% panel ship" in text  # one take: below VERDICT_MIN_TAKES


@pytest.mark.django_db
def test_like_wildcards_are_searched_literally(client):
    make_tool(name="100% Pure", tagline="a_b")
    make_tool(name="Other", tagline="anything")
    assert found(client.get("/search/", {"q": "100%"})) == ["100% Pure"]
    assert found(client.get("/search/", {"q": "a_b"})) == ["100% Pure"]


@pytest.mark.django_db
def test_accented_words_match_in_any_case_with_their_accents(client):
    make_tool(name="Café Agent", tagline="Résumé writer")
    make_tool(name="CAFÉ LOUD", tagline="Shouting")
    make_tool(name="Cafe Plain", tagline="No accent")
    # Case folds on both engines (SQLite's unicode61, PostgreSQL's C.UTF-8 or
    # richer locale); accents stay: "cafe" is not "café" on either.
    assert set(found(client.get("/search/", {"q": "café"}))) == {"Café Agent", "CAFÉ LOUD"}
    assert set(found(client.get("/search/", {"q": "CAFÉ"}))) == {"Café Agent", "CAFÉ LOUD"}
    assert found(client.get("/search/", {"q": "résumé"})) == ["Café Agent"]
    assert found(client.get("/search/", {"q": "cafe"})) == ["Cafe Plain"]


@pytest.mark.django_db
def test_an_empty_search_is_a_helpful_page(client, tools):
    response = client.get("/search/")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "Browse instead" in text
    assert "Top-rated by the panel" in text
    assert "Rocket Agent" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "status", "message"),
    [
        ("!!! ??? ***", 200, "has no letters or digits to look for"),
        ("x" * 101, 400, "That search is too long"),
        ("' OR 1=1; DROP TABLE verdicts_tool; --", 200, "Results for “' OR 1=1; DROP TABLE"),
        ("\x00\x01", 200, "Browse instead"),
        ("rock\x00et", 200, "Results for “rock et”"),
        ("🚀🚀", 200, "has no letters or digits"),
        ("日本語のツール", 200, "Nothing matches"),
        ("<script>alert(1)</script>", 200, "Nothing matches"),
        ("a b c d e f g h i j k", 200, f"We searched for the first {MAX_TERMS} words only."),
    ],
)
def test_an_absurd_search_gets_a_helpful_page_never_an_error(client, tools, q, status, message):
    response = client.get("/search/", {"q": q})
    assert response.status_code == status
    html = response.content.decode()
    assert message in text_of(html)
    assert "<script>alert" not in html and "\x00" not in html
    assert "Top-rated by the panel" in text_of(html) or found(response)
    assert Tool.objects.count() == 6


@pytest.mark.django_db
def test_the_search_page_is_kept_out_of_search_engines(client, tools):
    html = client.get("/search/", {"q": "rocket"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html


def test_it_reads_terms_keeping_the_marks_of_tool_names():
    assert parse_query("  c++ node.js, GPT-4o!  ").terms == ("c++", "node.js", "GPT-4o")
    assert parse_query("Rocket rocket ROCKET").terms == ("Rocket",)
    assert parse_query("").is_empty
    assert parse_query("?!").has_nothing_to_search
    assert parse_query("y" * 101).too_long


def test_it_reads_phrases_alternatives_exclusions_and_comparisons_as_websearch_does():
    query = parse_query('"tool use" streaming or caching -python')
    assert query.websearch_text == '"tool use" streaming or caching -python'
    assert query.terms == ("tool use", "streaming", "caching")
    assert parse_query("Claude vs smolvm").sides == ("Claude", "smolvm")
    assert parse_query("claude VS. smolvm").websearch_text == "claude or smolvm"
    assert parse_query("vs code").sides == ()
    # Exclusions alone search for nothing, as websearch_to_tsquery's would.
    assert parse_query("-python").has_nothing_to_search


@pytest.mark.django_db
@pytest.mark.parametrize("tools", [3, 10, 11, 60])
def test_a_search_runs_three_queries_whatever_the_number_of_tools(
    client, django_assert_num_queries, tools
):
    category = make_category()
    persona = make_persona()
    for n in range(tools):
        tool = make_tool(name=f"Rocket {n}", category=category)
        make_take(tool, persona, body="rocket fast")
    # The ranked hits, their tools with panel counts, the snippets of the page
    # shown; +1: the content version read by the page cache.
    with django_assert_num_queries(4):
        response = client.get("/search/", {"q": "rocket fast"})
    assert len(found(response)) == min(tools, MAX_RESULTS)
    # A full page does not claim to be every match.
    heading = f"The {MAX_RESULTS} best matches" if tools > MAX_RESULTS else f"{tools} tools found"
    assert f'<h2 id="results-heading">{heading}</h2>' in response.content.decode()
    # A miss that may be a typo looks for close names instead (no snippets: they
    # matched no word typed).
    with django_assert_num_queries(4):
        response = client.get("/search/", {"q": "rokcet"})
    assert len(found(response)) == min(tools, MAX_RESULTS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_searches_from_the_header_in_a_browser(live_server, page):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    make_tool(name="Rocket Agent"), make_tool(name="Snail")
    page.goto(live_server.url + "/methodology/")
    page.get_by_label("Search tools and takes").fill("rocket")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=rocket$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Results for “rocket”"
    assert page.locator(".tool-row__name").all_inner_texts() == ["Rocket Agent"]
