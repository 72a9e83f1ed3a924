"""verdicts 0008 fills every existing tool's stored panel from its takes, as
verdicts/verdict.py computes it."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.migrations_helpers import migrate

BEFORE = [("verdicts", "0007_search_documents")]
AFTER = [("verdicts", "0008_stored_panel_tallies")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_the_migration_stores_each_tools_panel_from_its_takes():
    old = migrate(BEFORE)
    Category, Tool = old.get_model("verdicts", "Category"), old.get_model("verdicts", "Tool")
    Persona, Take = old.get_model("verdicts", "Persona"), old.get_model("verdicts", "Take")
    category = Category.objects.create(name="Agents", slug="agents")
    personas = [
        Persona.objects.create(name=f"P{n}", slug=f"p{n}", position=n, motto="m", lens="l")
        for n in range(3)
    ]
    tool_fields = {"category": category, "tagline": "t", "description": "d", "entry_tier": "free"}
    reviewed = Tool.objects.create(name="Reviewed", slug="reviewed", **tool_fields)
    bare = Tool.objects.create(name="Bare", slug="bare", **tool_fields)
    late = datetime(2030, 1, 2, tzinfo=UTC)
    for persona, call, score in zip(
        personas, ["ship", "ship", "skip"], [66, 67, None], strict=True
    ):
        Take.objects.create(tool=reviewed, persona=persona, call=call, score=score, body="b")
    Take.objects.filter(tool=reviewed, score=None).update(updated_at=late)

    new = migrate(AFTER).get_model("verdicts", "Tool")

    row = new.objects.get(pk=reviewed.pk)
    assert (row.panel_ship, row.panel_skip, row.panel_ship_percent) == (2, 1, 67)
    assert (row.panel_verdict_key, row.panel_average_score) == ("ship", Decimal("66.5"))
    assert row.content_updated_at == late
    row = new.objects.get(pk=bare.pk)
    assert (row.panel_ship, row.panel_skip, row.panel_ship_percent) == (0, 0, None)
    assert (row.panel_verdict_key, row.panel_average_score) == ("none", None)
