import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_persona, make_take, make_tool
from verdicts.models import Call, Take, Tool


@pytest.mark.django_db
def test_it_keeps_an_unknown_score_unknown():
    take = make_take(make_tool(), make_persona(), score=None, call=Call.SKIP)
    take.refresh_from_db()
    assert take.score is None
    assert take.score_label == "Unscored"


@pytest.mark.django_db
def test_it_allows_one_take_per_persona_and_tool():
    tool, persona = make_tool(), make_persona()
    make_take(tool, persona)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_take(tool, persona)


@pytest.mark.django_db
def test_the_database_refuses_a_score_above_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_take(make_tool(), make_persona(), score=101)


@pytest.mark.django_db
def test_it_fills_slug_and_logo_initial_from_the_name():
    tool = make_tool(name="Llama 4 Compact (12B)")
    assert tool.slug == "llama-4-compact-12b"
    assert tool.logo_initial == "L"


@pytest.mark.django_db
def test_it_renders_sanitised_markdown_on_save():
    tool = make_tool(description="Uses `stream=true` <script>alert(1)</script>")
    assert "<code>stream=true</code>" in tool.description_html
    assert "<script" not in tool.description_html
    take = make_take(tool, make_persona(), body="[x](javascript:alert(1)) **bold**")
    assert "javascript:" not in take.body_html
    assert "<strong>bold</strong>" in take.body_html


@pytest.mark.django_db
def test_the_panel_is_the_same_from_stored_columns_and_from_prefetched_takes():
    tool = make_tool()
    for call in (Call.SHIP, Call.SHIP, Call.SKIP):
        make_take(tool, make_persona(), call=call)
    stored = Tool.objects.get(pk=tool.pk).panel
    prefetched = Tool.objects.prefetch_related("takes").get(pk=tool.pk).panel
    assert stored == prefetched
    assert stored.summary == "Ship · 2 ship / 1 skip"
    assert stored.ship_percent == 67


@pytest.mark.django_db
def test_published_hides_drafts_and_future_dates():
    from datetime import timedelta

    from django.utils import timezone

    live = make_tool()
    make_tool(is_published=False)
    make_tool(published_at=timezone.now() + timedelta(days=1))
    assert list(Tool.objects.published()) == [live]
    assert Take.objects.count() == 0
