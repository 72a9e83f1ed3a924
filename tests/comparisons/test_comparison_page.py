"""The side-by-side comparison page, checked against the seed documents."""

import re

import pytest
from django.contrib.auth.models import User
from django.utils.text import slugify

from comparisons.models import Comparison
from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import assert_in_order, region, text_of, without_csrf
from tests.seed_pages import seed_pages
from verdicts.models import Take

SEEDS = seed_pages()


def as_rendered(body):
    # Takes are Markdown: `code` spans lose their backticks on the page.
    return body.replace("`", "")


def url_for(seed):
    return f"/compare/{slugify(seed.tool_a)}-vs-{slugify(seed.tool_b)}/"


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_it_shows_each_seed_take_with_its_score_and_call(client, seeded, seed):
    response = client.get(url_for(seed))
    assert response.status_code == 200
    scorecard = text_of(region(response.content.decode(), "scorecard-heading"))
    expected = []
    for persona, *pair in seed.rows:
        if persona:
            expected.append(persona)
        for tool_name, take in zip((seed.tool_a, seed.tool_b), pair, strict=True):
            expected.append(tool_name)
            if take is None:
                expected.append("No panel take")
            elif take.call is None:  # seed 001 shows neither scores nor calls
                expected.append(as_rendered(take.body))
            else:
                expected += [f"{take.score}/100 · {take.call}", as_rendered(take.body)]
    assert_in_order(scorecard, expected)
    missing = sum(take is None for _, *pair in seed.rows for take in pair)
    assert scorecard.count("No panel take") == missing


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_it_shows_the_cards_and_the_decision_table_of_each_seed(client, seeded, seed):
    html = client.get(url_for(seed)).content.decode()
    title = f"{seed.tool_a} vs {seed.tool_b}: Which AI Tool Should You Ship? — Ship or Skip"
    assert f"<title>{title.replace('&', '&amp;')}</title>" in html
    text = text_of(html)
    assert_in_order(
        text,
        [
            "Compare",
            f"{seed.tool_a} vs {seed.tool_b}",
            "AI tool comparison",
            "Which one should you ship with? Here is the side-by-side panel verdict, pricing "
            "read, reviewer split, and community vote comparison.",
            seed.tool_a,
            seed.percents[seed.tool_a],
            seed.tool_b,
            seed.percents[seed.tool_b],
            "Decision",
        ],
    )
    decision = text_of(region(html, "decision-heading", "scorecard-heading"))
    assert_in_order(decision, ["Panel verdict", *seed.panel_lines.values()])
    assert_in_order(decision, ["Community", "No community votes yet", "No community votes yet"])
    assert_in_order(decision, ["Pricing", *seed.pricing.values()])


@pytest.mark.django_db
def test_unknown_scores_are_shown_as_unscored_never_invented(client, seeded):
    html = client.get("/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smollm3/")
    scorecard = text_of(region(html.content.decode(), "scorecard-heading"))
    assert scorecard.count("Unscored") == 4
    assert scorecard.count("/100") == 4  # Claude's four scored takes only
    assert_in_order(scorecard, ["Founder", "79/100 · ship", "SmolLM3", "Unscored · skip"])


@pytest.mark.django_db
def test_an_unknown_pricing_read_is_said_not_invented(client, seeded):
    html = client.get("/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smollm3/")
    assert "No pricing read yet" in text_of(html.content.decode())


@pytest.mark.django_db
def test_the_reversed_pair_redirects_permanently_to_the_canonical_url(client, seeded):
    response = client.get("/compare/smolvm-vs-claude-4-api-tool-use-streaming-prompt-caching/")
    assert response.status_code == 301
    assert (
        response["Location"] == "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pair",
    [
        "smolvm-vs-nothing",
        "nothing-vs-nowhere",
        "smolvm",
        "smolvm-vs-",
        "a" + "-vs-a" * 40,
    ],
)
def test_an_unknown_pair_is_a_404_page(client, seeded, pair):
    response = client.get(f"/compare/{pair}/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_an_unpublished_comparison_is_on_demand_for_readers_and_a_preview_for_staff(client, seeded):
    Comparison.objects.filter(tool_b__slug="smolvm").update(
        is_published=False, intro="Secret draft intro"
    )
    url = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
    reader = text_of(client.get(url).content.decode())
    assert "On demand — not an editor's pick" in reader
    assert "Draft preview" not in reader
    client.force_login(User.objects.create_user("editor", is_staff=True))
    response = client.get(url)
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()
    assert "On demand" not in response.content.decode()


@pytest.mark.django_db
def test_a_comparison_with_an_unpublished_tool_is_a_404(client, seeded):
    from verdicts.models import Tool

    Tool.objects.filter(slug="smolvm").update(is_published=False)
    url = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/"
    assert client.get(url).status_code == 404


def _comparison_with_personas(count):
    a, b = make_tool(), make_tool()
    for n in range(count):
        persona = make_persona()
        make_take(a, persona, score=n)
        if n % 2:
            make_take(b, persona, score=None)
    return make_comparison(a, b)


@pytest.mark.django_db
@pytest.mark.parametrize("personas", [2, 12])
def test_the_page_runs_the_same_queries_with_2_or_12_personas(
    client, django_assert_num_queries, personas
):
    comparison = _comparison_with_personas(personas)
    for take in Take.objects.filter(tool=comparison.tool_a):  # history after publication
        take.score += 1
        take.save()
    # The content version, the panel (the lens form, "N of M reviewed"), then the
    # tools, the comparison, both tools' takes (one query) and all their history
    # records in one query.
    with django_assert_num_queries(6):
        response = client.get(comparison.get_absolute_url())
    assert response.status_code == 200
    with django_assert_num_queries(1):  # cached: only the content version
        again = client.get(comparison.get_absolute_url())
    assert without_csrf(again.content) == without_csrf(response.content)
    html = response.content.decode()
    assert len(re.findall(r'class="take take--(?:ship|skip)"', html)) == personas + personas // 2
    assert text_of(response.content.decode()).count("No panel take") == personas - personas // 2
    assert text_of(html).count("after this comparison was published") == personas
