"""Comparison migrations, run forwards on rows as an older release left them."""

import pytest

from tests.factories import make_tool
from tests.migrations_helpers import migrate, migrate_to_latest

# The lead may renumber 0004 at merge: keep this name in step with the file.
BEFORE = [("comparisons", "0003_clean_stored_intros")]
AFTER = [("comparisons", "0004_three_or_four_tools")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_a_pair_stored_before_three_or_four_tools_answers_at_the_same_url(client):
    zed, able = make_tool(name="Zed"), make_tool(name="Able")
    other = make_tool(name="Other")
    old = migrate(BEFORE).get_model("comparisons", "Comparison")
    # The editor put Zed first: that order is the pair's URL, and must stay it.
    pair = old.objects.create(
        tool_a_id=zed.pk, tool_b_id=able.pk, intro="Kept.", intro_html="<p>Kept.</p>",
        is_published=True,
    )  # fmt: skip
    old.objects.create(tool_a_id=other.pk, tool_b_id=zed.pk, is_published=True)

    new = migrate(AFTER).get_model("comparisons", "Comparison")

    stored = new.objects.get(pk=pair.pk)
    assert (stored.tool_a_id, stored.tool_b_id, stored.tool_c_id, stored.tool_d_id) == (
        zed.pk, able.pk, None, None,
    )  # fmt: skip
    assert stored.tools_key == f"{min(zed.pk, able.pk)},{max(zed.pk, able.pk)}"
    assert new.objects.filter(tools_key="").count() == 0
    migrate_to_latest()
    response = client.get("/compare/zed-vs-able/")
    assert response.status_code == 200
    assert "Kept." in response.content.decode()
    assert client.get("/compare/able-vs-zed/")["Location"] == "/compare/zed-vs-able/"
    # The pair's set is still taken, in either order.
    from comparisons.models import Comparison

    assert Comparison.objects.for_tools(able, zed).get().pk == pair.pk
