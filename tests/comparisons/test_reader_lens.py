"""The reader's lens: ?lens=<persona slugs> recomputes every verdict, the
head-to-head and the bottom line from those personas only, without JavaScript,
cacheable, noindex, with the lens-free page as canonical."""

import re

import pytest
from django.test import Client

from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import region, text_of

CLAUDE = "Claude 4 API: Tool Use Streaming & Prompt Caching"
SMOLVM = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
SMOLAGENTS = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolagents-20/"


def _bottom_line(response) -> str:
    html = response.content.decode()
    return text_of(re.search(r'<p class="bottom-line__panel">(.*?)</p>', html, re.S).group(1))


@pytest.mark.django_db
def test_a_lens_changes_the_bottom_line_on_a_seed_pair(client, seeded):
    whole = client.get(SMOLVM)
    assert _bottom_line(whole) == (
        f"The panel favours {CLAUDE}: all 3 personas who reviewed both, by 16.7 points on average."
    )
    skeptic = client.get(SMOLVM, {"lens": "skeptic"})
    assert skeptic.status_code == 200
    assert _bottom_line(skeptic) == (
        f"Through the lens of Skeptic: The panel favours {CLAUDE}: "
        "the 1 persona who reviewed both, by 37 points on average."
    )
    # Founder reviewed only Claude, PM only SmolAgents: nobody is left to compare.
    apart = client.get(SMOLAGENTS, {"lens": "founder,pm"})
    assert _bottom_line(apart) == (
        f"Through the lens of Founder and PM: No persona has reviewed both {CLAUDE} "
        "and SmolAgents 2.0 yet, so the panel cannot pick."
    )


@pytest.mark.django_db
def test_a_lens_recomputes_every_verdict_on_the_page(client, seeded):
    html = client.get(SMOLVM, {"lens": "builder,skeptic"}).content.decode()
    decision = text_of(region(html, "decision-heading", "head-to-head-heading"))
    # SmolVM: Builder ship, Skeptic skip -> a split of two, below the minimum of 3.
    assert "Split (preliminary) · 1 ship / 1 skip" in decision
    assert "Ship (preliminary) · 2 ship / 0 skip" in decision
    assert decision.count("2 of 2 reviewed") == 2
    head_to_head = text_of(region(html, "head-to-head-heading", "scorecard-heading"))
    assert "Builder" in head_to_head and "Skeptic" in head_to_head
    assert "Futurist" not in head_to_head
    scorecard = text_of(region(html, "scorecard-heading"))
    assert "Futurist" not in scorecard and "Creator" not in scorecard
    card = text_of(region(html, "tool-smolvm", "decision-heading"))
    assert "Panel ship 50%" in card


@pytest.mark.django_db
def test_a_lensed_page_is_noindex_with_the_lens_free_canonical(client, seeded):
    lensed = client.get(SMOLVM, {"lens": "builder,skeptic"}).content.decode()
    assert '<meta name="robots" content="noindex">' in lensed
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{SMOLVM}">' in lensed
    assert "application/ld+json" not in lensed  # search engines read the whole panel's page
    whole = client.get(SMOLVM).content.decode()
    assert 'name="robots"' not in whole
    assert "application/ld+json" in whole


@pytest.mark.django_db
def test_a_lensed_page_is_cached_like_every_public_page(seeded, django_assert_num_queries):
    first = Client().get(SMOLVM, {"lens": "skeptic"})
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(1):  # a hit: only the versions row
        second = Client().get(SMOLVM, {"lens": "skeptic"})
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    other = Client().get(SMOLVM, {"lens": "builder"})
    assert other.content != first.content  # the lens is part of the key


@pytest.mark.django_db
def test_the_form_works_without_javascript_and_redirects_to_one_spelling(client, seeded):
    html = client.get(SMOLVM).content.decode()
    form = re.search(r'<form class="lens" method="get" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form.group(1) == SMOLVM
    boxes = re.findall(
        r'<input type="checkbox" name="lens" value="([a-z]+)" checked>', form.group(2)
    )
    assert boxes == ["builder", "skeptic", "futurist", "founder", "pm", "creator"]
    # What the form sends with two boxes ticked, in any order: one URL to share.
    sent = client.get(f"{SMOLVM}?lens=skeptic&lens=builder")
    assert sent.status_code == 302
    assert sent["Location"] == f"{SMOLVM}?lens=builder,skeptic"
    ticked = client.get(sent["Location"]).content.decode()
    assert 'value="builder" checked' in ticked and 'value="futurist" checked' not in ticked
    # Every persona ticked is the whole panel.
    every = "&".join(f"lens={slug}" for slug in boxes)
    assert client.get(f"{SMOLVM}?{every}")["Location"] == SMOLVM


@pytest.mark.django_db
@pytest.mark.parametrize("lens", ["nobody", "builder,nobody", "builder,,<script>", "x" * 3000])
def test_an_unknown_persona_in_the_lens_answers_400_with_a_message(client, seeded, lens):
    response = client.get(SMOLVM, {"lens": lens})
    assert response.status_code == 400
    text = text_of(response.content.decode())
    assert "no reviewer" in text or "too long" in text
    assert "private" in response["Cache-Control"]  # an error page is never shared
    assert "The panel favours" in text  # the whole panel's page, nothing lost
    assert "<script>" not in response.content.decode().split("</header>", 1)[1].split("<footer")[0]


@pytest.mark.django_db
def test_a_reversed_pair_keeps_its_lens_through_the_301(client, seeded):
    response = client.get(
        "/compare/smolvm-vs-claude-4-api-tool-use-streaming-prompt-caching/", {"lens": "skeptic"}
    )
    assert response.status_code == 301
    assert response["Location"] == f"{SMOLVM}?lens=skeptic"


def _comparison_with_personas(count):
    a, b = make_tool(), make_tool()
    personas = [make_persona() for _ in range(count)]
    for n, persona in enumerate(personas):
        make_take(a, persona, score=n)
        make_take(b, persona, score=None if n % 2 else 100 - n)
    return make_comparison(a, b), personas


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 12])
def test_a_lensed_page_runs_the_same_queries_with_2_or_12_personas(
    client, django_assert_num_queries, count
):
    comparison, personas = _comparison_with_personas(count)
    lens = ",".join(persona.slug for persona in personas[:1])
    # Versions, the panel, the tools, the comparison, both tools' lensed takes (one
    # query), their whole-panel history (one): a lens adds no query.
    with django_assert_num_queries(6):
        response = client.get(comparison.get_absolute_url(), {"lens": lens})
    assert response.status_code == 200
    assert text_of(response.content.decode()).count("1 of 1 reviewed") == 2
