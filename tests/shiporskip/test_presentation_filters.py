"""The Jinja filters that hold presentation rules: names isolated with <bdi>
everywhere they appear, and long takes folded behind "Read the full take"."""

import re

import pytest
from markupsafe import Markup

from shiporskip.jinja2 import LONG_TAKE_CHARACTERS, TEASER_CHARACTERS, bdi, long_take_teaser
from tests.factories import (
    make_category,
    make_comparison,
    make_persona,
    make_take,
    make_tool,
)
from tests.html import region, text_of

RTL_NAME = "أداة <b>"  # right-to-left, with markup that must stay text


def test_bdi_escapes_and_isolates_a_name():
    assert bdi(RTL_NAME) == "<bdi>أداة &lt;b&gt;</bdi>"


def test_a_short_take_has_no_teaser_and_a_long_one_opens_with_its_first_words():
    short = "<p>" + "word " * (LONG_TAKE_CHARACTERS // 5 - 1) + "</p>"
    assert long_take_teaser(short) is None
    long = (
        "<p>The <strong>primitive</strong> is clean &amp; fast.</p>\n<p>" + "more " * 100 + "</p>"
    )
    teaser = long_take_teaser(long)
    assert teaser.startswith("The primitive is clean & fast. more more")
    assert teaser.endswith("more…")
    assert len(teaser) <= TEASER_CHARACTERS + 1
    assert long_take_teaser("<p>" + "x" * 1000 + "</p>") == "x" * TEASER_CHARACTERS + "…"


@pytest.mark.django_db
def test_the_comparison_page_folds_long_takes_and_keeps_short_ones_open(client):
    persona = make_persona(name="Builder", slug="builder")
    a, b = make_tool(name="Alpha"), make_tool(name="Beta")
    make_take(a, persona, body="Short and sweet.")
    make_take(b, persona, body="Long take. " + "Detail after detail. " * 40)
    make_comparison(a, b)
    html = client.get("/compare/alpha-vs-beta/").content.decode()
    scorecard = region(html, "scorecard-heading")
    assert scorecard.count("<details") == 1
    folded = re.search(r"<details class=\"take__more\">(.*?)</details>", scorecard, re.S).group(1)
    assert text_of(folded).startswith("Read the full take Long take. Detail after detail.")
    assert "Short and sweet." in text_of(scorecard)
    assert "Short and sweet." not in folded
    teaser = re.search(r'<p class="take__teaser">(.*?)</p>', scorecard).group(1)
    assert teaser.startswith("Long take. Detail after detail.") and teaser.endswith("…")


@pytest.mark.django_db
def test_editors_names_are_isolated_on_every_page_they_appear(client):
    category = make_category(name="فئة", slug="rtl-category")
    persona = make_persona(name="مراجع", slug="reviewer-rtl")
    tool = make_tool(name=RTL_NAME, category=category, slug="rtl-tool")
    other = make_tool(name="Beta", category=category)
    make_take(tool, persona, body="Solid.")
    make_comparison(tool, other)
    pages = [
        "/",
        "/tools/",
        "/tools/rtl-tool/",
        category.get_absolute_url(),
        "/reviewers/",
        "/reviewers/reviewer-rtl/",
        "/compare/",
        "/compare/rtl-tool-vs-beta/",
        "/search/?q=Beta",
        "/methodology/",
        "/bookmarks/?tools=rtl-tool",
    ]
    isolated = "<bdi>أداة &lt;b&gt;</bdi>"
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
        # The name never appears in the page's text outside a <bdi>.
        bare = main.replace(isolated, "").replace("<bdi>فئة</bdi>", "")
        bare = bare.replace("<bdi>مراجع</bdi>", "")
        bare = re.sub(r'"[^"]*"', '""', bare)  # attributes (aria-label, data-name) are not text
        # A select's option is a line of its own, with no words around it to reorder
        # (and an <option> may hold no <bdi>).
        bare = re.sub(r"<option[^>]*>[^<]*</option>", "", bare)
        assert "أداة" not in bare and "فئة" not in bare and "مراجع" not in bare, path
        assert "<b>" not in main, path


def test_bdi_names_isolates_whole_names_in_a_composed_sentence():
    from shiporskip.jinja2 import bdi_names

    line = bdi_names(
        "The panel favours Claude Code over Claude <b>: Skeptic dissents",
        ["Claude", "Claude Code", "Skeptic", "PM"],
    )
    assert str(line) == (
        "The panel favours <bdi>Claude Code</bdi> over <bdi>Claude</bdi> &lt;b&gt;: "
        "<bdi>Skeptic</bdi> dissents"
    )
    assert str(bdi_names("Skeptics <i>", [])) == "Skeptics &lt;i&gt;"
    # A snippet is Markup: its tags stay whole even for a tool called "mark".
    snippet = Markup("the <mark>mark</mark> tool by mark")
    assert str(bdi_names(snippet, ["mark"])) == (
        "the <mark><bdi>mark</bdi></mark> tool by <bdi>mark</bdi>"
    )
