import pytest

from comparisons.models import Comparison
from tests.factories import make_comparison, make_tool
from tests.html import assert_in_order, text_of


@pytest.mark.django_db
def test_it_lists_the_published_comparisons_newest_first(client, seeded):
    Comparison.objects.filter(tool_b__slug="smolvm").update(is_published=False)
    text = text_of(client.get("/").content.decode())
    claude = "Claude 4 API: Tool Use Streaming & Prompt Caching"
    assert_in_order(
        text,
        [
            f"{claude} vs Llama 4 Compact (12B)",
            f"{claude} vs SmolAgents 2.0",
            f"{claude} vs SmolLM3",
            f"{claude} vs SmolVLM-3B",
        ],
    )
    assert "vs smolvm" not in text
    assert "SmolLM3 Ship 75% ship" in text


@pytest.mark.django_db
@pytest.mark.parametrize("extra_tools", [0, 10])
def test_the_home_page_runs_six_queries_then_one(
    client, seeded, django_assert_num_queries, extra_tools
):
    for _ in range(extra_tools):
        make_comparison(make_tool(), make_tool())
    # The content version, comparisons (their tools' panels are stored columns),
    # top tools, personas, categories, the picker's tools; then, cached, the
    # content version only.
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_an_empty_site_says_nothing_is_published(client):
    assert "No comparisons are published yet." in text_of(client.get("/").content.decode())
