import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comparisons.models import Comparison, split_pair_slug
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
