"""The shared search cases: the same queries find the same tools, in a sensible
order, on SQLite (FTS5) and PostgreSQL (full-text search + pg_trgm). CI runs the
suite on both databases (.ci/run), so every case here runs on each engine."""

import re

import pytest
from django.db import connection

from tests.factories import make_category, make_comparison, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts import search_engines


def found(response) -> list[str]:
    return re.findall(
        r'class="tool-row__name" href="[^"]+"><bdi>([^<]+)</bdi></a>', response.content.decode()
    )


@pytest.fixture
def catalogue(db):
    """Tools whose names, taglines and takes exercise each case."""
    persona = make_persona(name="Builder")
    agents = make_category(name="Pair programmers")
    tools = {
        "claude": make_tool(
            name="Claude 4 API", tagline="Streaming tool use and prompt caching", category=agents
        ),
        "smolvm": make_tool(name="smolvm", tagline="MicroVM sandboxes for agents"),
        "cpp": make_tool(name="C++ Copilot", tagline="Completes templates"),
        "node": make_tool(name="Node.js Runner", tagline="Runs scripts"),
        "gpt": make_tool(name="GPT-4o Studio", tagline="A playground"),
        "japanese": make_tool(name="日本語 コード", slug="nihongo-code", tagline="コード補完"),
        "cyrillic": make_tool(name="Редактор кода", slug="redaktor", tagline="Умный редактор"),
        "phrase": make_tool(name="Loose Words", tagline="Use it as a tool, daily"),
        "reviewer": make_tool(name="Quiet Helper", tagline="Small", description="Calm."),
        "hyphen": make_tool(name="Open-Codex", tagline="Terminal runner"),
    }
    make_take(tools["reviewer"], persona, body="We kept reviewing it; the review holds up.")
    make_take(tools["smolvm"], persona, body="Pairs well with Claude for agents that run code.")
    return tools


@pytest.mark.django_db
def test_it_runs_on_the_engine_built_for_the_database():
    expected = {"sqlite": "SQLiteEngine", "postgresql": "PostgreSQLEngine"}[connection.vendor]
    assert type(search_engines.for_connection()).__name__ == expected


# (query, the first tool found, tools that must also be found, tools never found)
CASES = [
    # Stems: "reviewing", "reviews" and "review" find each other.
    ("reviews", "Quiet Helper", [], ["Claude 4 API"]),
    ("reviewing", "Quiet Helper", [], ["smolvm"]),
    # A name hit above a take-body hit: smolvm's take mentions Claude.
    ("claude", "Claude 4 API", ["smolvm"], []),
    # Substrings of names and prefixes of words typed so far.
    ("claud", "Claude 4 API", [], ["C++ Copilot"]),
    ("smol", "smolvm", [], []),
    # Marks inside names.
    ("c++", "C++ Copilot", [], ["Node.js Runner"]),
    ("node.js", "Node.js Runner", [], ["C++ Copilot"]),
    ("gpt-4o", "GPT-4o Studio", [], ["Claude 4 API"]),
    ("GPT-4O", "GPT-4o Studio", [], []),
    # Quoted phrases: words next to each other, in order.
    ('"tool use"', "Claude 4 API", [], ["Loose Words"]),
    ("tool use", None, ["Claude 4 API", "Loose Words"], []),
    # Other scripts, in any case.
    ("日本語", "日本語 コード", [], ["Claude 4 API"]),
    ("コード", "日本語 コード", [], []),
    ("редактор", "Редактор кода", [], []),
    ("РЕДАКТОР", "Редактор кода", [], []),
    # The category's name.
    ("pair programmers", "Claude 4 API", [], ["GPT-4o Studio"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "first", "also", "never"), CASES, ids=[c[0] for c in CASES])
def test_the_shared_cases_find_the_same_tools_on_both_engines(
    client, catalogue, q, first, also, never
):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    names = found(response)
    assert names, q
    if first:
        assert names[0] == first, names
    assert set(also) <= set(names)
    assert not set(never) & set(names)


def test_the_shared_cases_are_all_collected():
    # A parametrised test that silently collected nothing would prove nothing.
    assert len(CASES) == 16
    assert all(first or also for _, first, also, _ in CASES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "name"),
    [
        ("cluade", "Claude 4 API"),
        ("Cluade", "Claude 4 API"),
        ("smolmv", "smolvm"),
        ("smolvn", "smolvm"),
        # A word after a hyphen is a word on both engines.
        ("codxe", "Open-Codex"),
        ("Copliot", "C++ Copilot"),
        ("редактро", "Редактор кода"),
    ],
)
def test_a_misspelt_name_offers_the_close_names(client, catalogue, q, name):
    response = client.get("/search/", {"q": q})
    text = text_of(response.content.decode())
    assert response.status_code == 200
    assert "exactly: 1 close name" in text
    assert found(response) == [name]


@pytest.mark.django_db
def test_words_too_far_from_any_name_find_nothing(client, catalogue):
    text = text_of(client.get("/search/", {"q": "zzqx"}).content.decode())
    assert "Nothing matches “zzqx”" in text


@pytest.mark.django_db
def test_a_versus_query_leads_to_the_curated_comparison_first(client, catalogue):
    comparison = make_comparison(catalogue["claude"], catalogue["smolvm"])
    html = client.get("/search/", {"q": "claude vs smolvm"}).content.decode()
    block = html[html.index('class="search-comparison"') : html.index('id="results-heading"')]
    assert f'href="{comparison.get_absolute_url()}"' in block
    assert "Claude 4 API vs smolvm" in text_of(block)
    assert "an editor's pick" in text_of(block)
    # The tools themselves are listed below it.
    assert {"Claude 4 API", "smolvm"} <= set(
        found(client.get("/search/", {"q": "claude vs smolvm"}))
    )


@pytest.mark.django_db
def test_a_versus_query_without_an_editors_pick_leads_to_the_on_demand_page(client, catalogue):
    html = client.get("/search/", {"q": "node.js versus cluade"}).content.decode()
    assert 'href="/compare/claude-4-api-vs-node-js-runner/"' in html
    assert "not an editor's pick" in text_of(html)
    assert client.get("/compare/claude-4-api-vs-node-js-runner/").status_code == 200


@pytest.mark.django_db
def test_a_versus_query_naming_one_tool_twice_shows_no_comparison(client, catalogue):
    html = client.get("/search/", {"q": "claude vs claud"}).content.decode()
    assert 'class="search-comparison"' not in html


@pytest.mark.django_db
def test_snippets_highlight_the_match_and_never_inject_editors_html(client, db):
    persona = make_persona()
    tool = make_tool(name="Escaper", tagline="Plain")
    make_take(
        tool,
        persona,
        body="Writes `<img src=x onerror=alert(1)>` tags beside the sandbox &amp; friends.",
    )
    html = client.get("/search/", {"q": "sandbox"}).content.decode()
    snippet = re.search(r'<p class="search-snippet small">(.*?)</p>', html).group(1)
    assert "<mark>sandbox</mark>" in snippet
    # The engine may start the snippet inside the code; what it shows is escaped.
    assert "onerror=alert(1)&gt;" in snippet
    assert "<img" not in html.replace("&lt;img", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        "x" * 100,
        ("claude streaming " * 6)[:100],
        '"',
        '""',
        '"unclosed phrase',
        "-",
        "-claude",
        "or",
        "claude or or or",
        "vs",
        "a vs b vs c vs d vs e",
        "NEAR(claude smolvm)",
        "claude*",
        "^claude",
        "name:claude",
        "{name}: claude",
        "' OR 1=1 --",
        "%_%",
        "\\",
        "c++ c# f# .net",
        "🚀 claude",
        "<mark>claude</mark>",
        "\u202eclaude",
    ],
)
def test_no_query_ever_fails(client, catalogue, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>claude</mark>" not in html.split('id="results-heading"')[0]


def snippet_of(html: str, name: str) -> str:
    row = html[html.index(f"<bdi>{name}</bdi>") :]
    return re.search(r'<p class="search-snippet small">(.*?)</p>', row).group(1)


@pytest.mark.django_db
def test_a_snippet_comes_from_the_tools_own_text_before_the_takes(client, db):
    persona = make_persona()
    own = make_tool(name="Own Words", tagline="A quiet tool", description="Fast sandbox boot.")
    make_take(own, persona, body="Our sandbox review: it holds.")
    taken = make_tool(name="Taken Words", tagline="A loud tool", description="Boots fast.")
    make_take(taken, persona, body="We ran every sandbox we had through it.")
    html = client.get("/search/", {"q": "sandbox"}).content.decode()
    assert "<mark>sandbox</mark> boot" in snippet_of(html, "Own Words")
    assert "review" not in snippet_of(html, "Own Words")
    # Only a take holds the word: the snippet is cut from the takes.
    assert "every <mark>sandbox</mark> we had" in snippet_of(html, "Taken Words")


@pytest.mark.django_db
def test_a_snippet_marks_any_word_typed_even_in_another_column(client, db):
    persona = make_persona()
    tool = make_tool(name="Split Words", tagline="Edge runtime", description="Plain.")
    make_take(tool, persona, body="Cold starts stay under a second at the edge.")
    html = client.get("/search/", {"q": "runtime cold"}).content.decode()
    # "cold" is only in a take, "runtime" in the tagline: the tagline is shown, marked.
    assert "<mark>runtime</mark>" in snippet_of(html, "Split Words")


@pytest.mark.django_db
def test_a_name_hit_leads_even_beyond_the_ranking_window(client, db, monkeypatch):
    persona = make_persona()
    rocket = make_tool(name="Rocket", tagline="Oldest of them")
    for n in range(6):
        make_take(make_tool(name=f"Newer {n}"), persona, body="A rocket of a tool.")
    monkeypatch.setattr(search_engines, "WINDOW", 3)
    names = found(client.get("/search/", {"q": "rocket"}))
    # The window ranks 3 of the text matches (SQLite the newest, PostgreSQL the
    # first its index yields, Rocket's name among them), by name among equals; the
    # name hit has its own window, so it leads either way.
    assert names[0] == rocket.name
    assert 3 <= len(names) <= 4
    assert names[1:] == sorted(names[1:])
    assert set(names[1:]) < {f"Newer {n}" for n in range(6)}


def test_edit_distance_counts_a_transposition_once_and_stops_at_its_bound():
    assert search_engines.edit_distance("cluade", "claude", 2) == 1
    assert search_engines.edit_distance("smolvn", "smolvm", 1) == 1
    # A letter the word lacks is an edit: past the bound without the table.
    assert search_engines.edit_distance("zzzzzz", "claude", 1) == 2
    assert search_engines.is_close("Cluade", "Claude 4 API") == 1
    assert search_engines.is_close("Cluade", "Cline") is None
