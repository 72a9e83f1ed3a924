"""The benchmark filler keeps up with the schema: every bench (make bench,
bench/cold_path.py, bench/search.py) starts by running it."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from newsletter.models import Delivery, Follow, Issue, Subscriber, VerifiedVote
from verdicts.models import Call, Category, CommunityVote, Take, Tool

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_small_fill_adds_every_kind_of_row_with_consistent_tallies(capsys):
    from bench.fill_benchmark_data import main as fill

    call_command("loadseed")
    small = ["--tools", "30", "--votes", "300", "--comparisons", "10", "--categories", "3"]
    assert fill([*small, "--subscribers", "400", "--issues", "3"]) == 0
    bench_tools = Tool.objects.filter(slug__startswith="bench-")
    assert bench_tools.count() == 30
    assert Take.objects.filter(tool__in=bench_tools).count() == 30 * 6
    # On every published tool, the seed's six too.
    assert CommunityVote.objects.count() == 300
    assert_vote_tallies_match_the_rows()
    # The stored panel tallies of the raw inserts match a recount.
    call_command("recount_panel_tallies", "--check")
    # Dates are stored as Django stores them, so the queries it writes find them:
    # a keyset cursor asks for "this very date" (SQLite compares the text).
    tool = bench_tools.order_by("pk").first()
    assert bench_tools.filter(published_at=tool.published_at).count() == 30
    vote = CommunityVote.objects.filter(tool__in=bench_tools).first()
    assert CommunityVote.objects.filter(pk=vote.pk, created_at=vote.created_at).exists()
    # Newsletter rows: confirmed readers, a delivery per reader and issue, and each
    # issue's stored delivery counts equal to its rows (the check raises otherwise).
    assert Subscriber.objects.confirmed().count() == 400
    assert Issue.objects.count() == 3
    assert Delivery.objects.count() == 400 * 3
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert {Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.PENDING} <= statuses
    call_command("recount_delivery_counts", "--check")
    newest = Issue.objects.order_by("-period_until").first()
    assert newest.sent_count + newest.pending_count + newest.failed_count <= 400
    assert newest.pending_count > 0 and newest.sent_at is None
    assert_follows_and_verified_votes(readers=400)
    assert "Added 30 tools" in capsys.readouterr().out


def assert_vote_tallies_match_the_rows():
    """Every published tool has community votes, its stored tallies equal to a recount."""
    for tool in Tool.objects.published():
        stored = (tool.community_ship_votes, tool.community_skip_votes)
        recounted = CommunityVote.objects.recount(tool)
        assert stored == (recounted.ship, recounted.skip) != (0, 0), tool


def assert_follows_and_verified_votes(readers):
    """Follows of tools and of categories, a few unconfirmed, and verified votes
    whose tools' stored tallies match a count of the rows."""
    follows = Follow.objects.all()
    assert follows.filter(tool__isnull=False).count() == readers // 4
    assert follows.filter(category__isnull=False).count() == len(range(5, readers, 12))
    assert follows.filter(confirmed_at__isnull=True).exists()
    assert follows.filter(confirmed_at__isnull=False).exists()
    assert VerifiedVote.objects.count() == 3 * len(range(1, readers, 3))
    counted = Tool.objects.annotate(
        ship=Count("verified_votes", filter=Q(verified_votes__call=Call.SHIP)),
        skip=Count("verified_votes", filter=Q(verified_votes__call=Call.SKIP)),
    ).values_list("verified_ship_votes", "verified_skip_votes", "ship", "skip")
    assert [row for row in counted if row[:2] != row[2:]] == []
    assert any(ship + skip for _, _, ship, skip in counted)


def test_the_cold_paths_seed_newsletter_adds_only_newsletter_rows(capsys):
    from bench.cold_path import SEED_NEWSLETTER
    from bench.fill_benchmark_data import main as fill

    call_command("loadseed")
    tools, categories = Tool.objects.count(), Category.objects.count()

    assert fill(SEED_NEWSLETTER) == 0

    assert (Tool.objects.count(), Category.objects.count()) == (tools, categories)
    assert Subscriber.objects.count() == 60
    assert Issue.objects.count() == 2 and Delivery.objects.count() == 120
    # Community votes on the seed's own tools, their stored tallies counted to match.
    assert CommunityVote.objects.count() == 300
    assert_vote_tallies_match_the_rows()
    assert_follows_and_verified_votes(readers=60)
    call_command("recount_delivery_counts", "--check")
    call_command("recount_panel_tallies", "--check")
