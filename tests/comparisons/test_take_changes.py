"""A comparison page says when a take changed after the comparison was published."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from comparisons.models import Comparison
from tests.factories import make_comparison, make_persona, make_take, make_tool
from tests.html import text_of
from verdicts.models import Call, Take

NOTE = "after this comparison was published"
APRIL = datetime(2026, 4, 20, tzinfo=UTC)


def take_of(tool, persona, when=APRIL, **fields):
    """A take first saved at `when` (before the comparisons below were published)."""
    take = Take(tool=tool, persona=persona, body="Take.", **{"score": 70, "call": "ship", **fields})
    take._history_date = when
    take.save()
    del take._history_date
    return take


def edit(take, when: datetime, **fields):
    """Save the take with its history record dated `when` (simple-history's hook)."""
    for name, value in fields.items():
        setattr(take, name, value)
    take._history_date = when
    take.save()
    del take._history_date


@pytest.mark.django_db
def test_a_take_changed_after_publication_is_noted_with_its_date(client):
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    skeptic = make_persona(name="Skeptic")
    take = take_of(alpha, skeptic, score=45, call=Call.SKIP)
    take_of(beta, skeptic, score=60)
    comparison = make_comparison(alpha, beta, published_at=datetime(2026, 5, 1, tzinfo=UTC))
    edit(take, datetime(2026, 5, 20, 10, tzinfo=UTC), score=71, call=Call.SHIP)

    text = text_of(client.get(comparison.get_absolute_url()).content.decode())
    # (text_of() puts a space after the <time> element.)
    assert (
        "Skeptic's take on Alpha changed on 20 May 2026 , after this comparison was published "
        "(skip → ship, 45 → 71)." in text
    )
    assert text.count(NOTE) == 1

    data = json.loads(client.get(f"/compare/{comparison.canonical_slug}.json").content)
    assert data["changed_after_publication"] == [
        {
            "tool": "alpha",
            "persona": skeptic.slug,
            "date": "2026-05-20T10:00:00+00:00",
            "kind": "revised",
            "summary": "Skeptic: skip → ship, 45 → 71",
        }
    ]


@pytest.mark.django_db
def test_a_change_before_publication_is_not_noted(client):
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    take = take_of(alpha, make_persona(name="Skeptic"), score=45, call=Call.SKIP)
    edit(take, datetime(2026, 4, 28, tzinfo=UTC), score=71, call=Call.SHIP)
    comparison = make_comparison(alpha, beta, published_at=datetime(2026, 5, 1, tzinfo=UTC))
    response = client.get(comparison.get_absolute_url())
    assert NOTE not in text_of(response.content.decode())
    data = json.loads(client.get(f"/compare/{comparison.canonical_slug}.json").content)
    assert data["changed_after_publication"] == []
    # The tool's own history still has it.
    assert data["tools"][0]["history"][0]["summary"] == "Skeptic: skip → ship, 45 → 71"


@pytest.mark.django_db
def test_each_take_is_noted_once_with_its_latest_change_and_additions_and_withdrawals_too(
    client,
):
    alpha, beta = make_tool(name="Alpha"), make_tool(name="Beta")
    builder, pm = make_persona(name="Builder"), make_persona(name="PM")
    published = datetime(2026, 5, 1, tzinfo=UTC)
    take = take_of(alpha, builder, score=50)
    withdrawn = take_of(beta, builder, score=70)
    comparison = make_comparison(alpha, beta, published_at=published)
    edit(take, published + timedelta(days=3), score=55)
    edit(take, published + timedelta(days=9), body="Rewritten.")
    take_of(beta, pm, published + timedelta(days=5), score=30, call=Call.SKIP)
    withdrawn._history_date = published + timedelta(days=7)
    withdrawn.delete()

    text = text_of(client.get(comparison.get_absolute_url()).content.decode())
    assert text.count(NOTE) == 3
    assert "Builder's take on Alpha changed on 10 May 2026" in text
    assert "Builder's take on Beta was withdrawn on 8 May 2026" in text
    assert "PM's take on Beta was added on 6 May 2026" in text
    assert text.index("10 May 2026") < text.index("8 May 2026") < text.index("6 May 2026")


@pytest.mark.django_db
def test_an_on_demand_pair_has_no_publication_to_be_late_for(client):
    alpha = make_tool(name="Alpha")
    make_tool(name="Beta")
    take = make_take(alpha, make_persona(name="Skeptic"))
    take.score = 10
    take.save()
    assert NOTE not in text_of(client.get("/compare/alpha-vs-beta/").content.decode())


@pytest.mark.django_db
def test_the_seed_comparisons_note_nothing_until_a_take_changes(client):
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    for comparison in Comparison.objects.all():
        assert NOTE not in text_of(client.get(comparison.get_absolute_url()).content.decode())
    take = Take.objects.get(tool__slug="smolvm", persona__name="Skeptic")
    take.score, take.call = 71, Call.SHIP
    take.save()
    page = client.get("/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/")
    assert "Skeptic's take on smolvm changed on" in text_of(page.content.decode())
