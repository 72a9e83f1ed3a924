"""The data migration that starts every existing take's history at its own date."""

from datetime import UTC, datetime

import pytest

from tests.migrations_helpers import migrate

BEFORE = [("verdicts", "0004_clean_stored_text")]
AFTER = [("verdicts", "0006_take_history_from_seed_dates")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_each_existing_take_gets_one_first_record_at_its_created_at():
    old = migrate(BEFORE)
    category = old.get_model("verdicts", "Category").objects.create(name="Agents", slug="agents")
    tool = old.get_model("verdicts", "Tool").objects.create(
        name="Alpha", slug="alpha", category=category, tagline="T", description="D"
    )
    Persona = old.get_model("verdicts", "Persona")
    Take = old.get_model("verdicts", "Take")
    made = {}
    for n, day in enumerate([20, 25], start=1):
        persona = Persona.objects.create(
            name=f"P{n}",
            slug=f"p{n}",
            position=n,
            motto="m",
            lens="l",
            excited_by="e",
            tired_of="t",
        )
        take = Take.objects.create(tool=tool, persona=persona, score=40 + n, call="skip", body="B")
        when = datetime(2026, 4, day, 9, tzinfo=UTC)
        Take.objects.filter(pk=take.pk).update(created_at=when)  # auto_now_add set it to now
        made[take.pk] = when

    HistoricalTake = migrate(AFTER).get_model("verdicts", "HistoricalTake")

    records = HistoricalTake.objects.order_by("id")
    assert [(r.id, r.history_type, r.history_date) for r in records] == [
        (pk, "+", when) for pk, when in sorted(made.items())
    ]
    assert [(r.score, r.call, r.tool_id) for r in records] == [
        (41, "skip", tool.pk),
        (42, "skip", tool.pk),
    ]
