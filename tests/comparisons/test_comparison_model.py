import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comparisons.models import Comparison, read_compare_slug, split_pair_slug
from tests.factories import make_comparison, make_tool


def test_it_reads_a_pair_slug_every_possible_way():
    assert split_pair_slug("a-vs-b") == [("a", "b")]
    assert split_pair_slug("a-vs-b-vs-c") == [("a", "b-vs-c"), ("a-vs-b", "c")]
    assert split_pair_slug("no-separator") == []
    assert split_pair_slug("-vs-b") == []
    assert split_pair_slug("x" + "-vs-x" * 50) == []


@pytest.mark.django_db
def test_a_pair_exists_once_whichever_order():
    a, b = make_tool(), make_tool()
    make_comparison(a, b)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comparison(b, a)


@pytest.mark.django_db
def test_a_tool_is_not_compared_with_itself():
    a = make_tool()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comparison(a, a)
    with pytest.raises(ValidationError):
        Comparison(tool_a=a, tool_b=a).full_clean()


@pytest.mark.django_db
def test_clean_reports_a_reversed_duplicate():
    a, b = make_tool(), make_tool()
    make_comparison(a, b)
    with pytest.raises(ValidationError, match="already have a comparison"):
        Comparison(tool_a=b, tool_b=a).full_clean()


@pytest.mark.django_db
def test_the_canonical_slug_follows_the_tools():
    a, b = make_tool(name="Alpha"), make_tool(name="Beta-vs-Gamma")
    comparison = make_comparison(a, b)
    assert comparison.canonical_slug == "alpha-vs-beta-vs-gamma"
    assert Comparison.objects.for_pair_slug("alpha-vs-beta-vs-gamma").get() == comparison
    assert Comparison.objects.for_pair_slug("beta-vs-gamma-vs-alpha").get() == comparison
    assert comparison.get_absolute_url() == "/compare/alpha-vs-beta-vs-gamma/"


def test_it_reads_a_slug_as_two_to_four_tools_fewest_first():
    assert read_compare_slug("a-vs-b-vs-c") == [("a", "b-vs-c"), ("a-vs-b", "c"), ("a", "b", "c")]
    assert read_compare_slug("a-vs-b-vs-c-vs-d")[-1] == ("a", "b", "c", "d")
    assert len(read_compare_slug("a-vs-b-vs-c-vs-d")) == 3 + 3 + 1
    # Five separators: 5 + 10 + 10 readings, still within the bound; six are not.
    assert len(read_compare_slug("-vs-".join("abcdef"))) == 25
    assert read_compare_slug("-vs-".join("abcdefg")) == []
    # Overlapping separators never leave an empty slug.
    assert ("a", "b") not in read_compare_slug("a-vs-vs-b")
    assert all(all(part for part in reading) for reading in read_compare_slug("a-vs-vs-b"))


@pytest.mark.django_db
def test_a_set_of_tools_exists_once_in_any_order():
    a, b, c, d = (make_tool() for _ in range(4))
    make_comparison(a, b, c)
    for order in [(c, a, b), (b, c, a)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            make_comparison(*order)
    # The same pair with a third, or a fourth, is a different set.
    make_comparison(a, b)
    make_comparison(b, c, a, d)
    assert Comparison.objects.count() == 3
    assert sorted(Comparison.objects.values_list("tools_key", flat=True)) == sorted(
        [
            ",".join(str(pk) for pk in sorted(ids))
            for ids in ([a.pk, b.pk, c.pk], [a.pk, b.pk], [a.pk, b.pk, c.pk, d.pk])
        ]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("slots", ["a b a", "a b c b", "a b c c", "a b - c"])
def test_the_database_refuses_a_repeated_tool_or_a_fourth_without_a_third(slots):
    tools = {name: make_tool() for name in "abc"}
    fields = dict(zip(("tool_a", "tool_b", "tool_c", "tool_d"), slots.split(), strict=False))
    values = {field: tools.get(name) for field, name in fields.items()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(**values)
    with pytest.raises(ValidationError):
        Comparison(**values).full_clean()


@pytest.mark.django_db
def test_clean_names_the_existing_comparison_of_the_same_set():
    a, b, c = make_tool(name="Able"), make_tool(name="Baker"), make_tool(name="Cook")
    make_comparison(a, b, c)
    with pytest.raises(
        ValidationError, match="already have a comparison, in any order: “Able vs Baker vs Cook”"
    ):
        Comparison(tool_a=c, tool_b=b, tool_c=a).full_clean()


@pytest.mark.django_db
def test_loaddata_keeps_the_tools_key():
    """Fixtures load with raw saves, which skip save(); the pre_save receiver still runs."""
    from django.core.management import call_command

    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    for comparison in Comparison.objects.all():
        assert comparison.tools_key == ",".join(
            str(pk) for pk in sorted([comparison.tool_a_id, comparison.tool_b_id])
        )


@pytest.mark.django_db
def test_a_trio_is_found_by_its_slug_in_any_order():
    a, b, c = make_tool(name="Able"), make_tool(name="Baker"), make_tool(name="Cook")
    trio = make_comparison(b, c, a)
    pair = make_comparison(a, b)
    assert trio.canonical_slug == "baker-vs-cook-vs-able"
    assert trio.title == "Baker vs Cook vs Able"
    assert Comparison.objects.for_slug("able-vs-baker-vs-cook").get() == trio
    assert Comparison.objects.for_slug("baker-vs-able").get() == pair
    assert Comparison.objects.for_tools(c, a, b).get() == trio
    assert not Comparison.objects.for_slug("able-vs-baker-vs-able").exists()
