"""A tool or comparison dated to publish shortly appears on every cached list once
its time comes, with no save: cached pages never outlive the next publication."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pagecache.models import ContentVersion
from tests.factories import make_comparison, make_tool
from verdicts.models import Category, Tool

LISTS = ["/tools/", "/", "/feeds/comparisons/", "/sitemaps/tools-1.xml"]


def _everywhere(text: str) -> dict:
    return {url: text in Client().get(url).content.decode() for url in LISTS}


@pytest.mark.django_db
def test_a_tool_and_a_comparison_scheduled_two_seconds_ahead_appear_without_a_save(seeded):
    soon = timezone.now() + timedelta(seconds=2)
    tool = make_tool(
        name="Chronoforge", slug="chronoforge", category=Category.objects.first(), published_at=soon
    )
    make_comparison(tool, Tool.objects.get(slug="smolvm"), published_at=soon)
    for url in LISTS:
        response = Client().get(url)
        # Neither the origin's cache nor one in front may keep it past the moment.
        assert (
            "s-maxage=2" in response["Cache-Control"] or "s-maxage=1" in response["Cache-Control"]
        )
    assert _everywhere("chronoforge") == dict.fromkeys(LISTS, False)
    assert _everywhere("chronoforge") == dict.fromkeys(LISTS, False)  # from the cache

    time.sleep((soon - timezone.now()).total_seconds() + 0.5)

    assert _everywhere("chronoforge") == dict.fromkeys(LISTS, True)
    # The version moved on its own; nothing is scheduled any more.
    assert ContentVersion.objects.get(pk=1).next_publication_at is None
    assert "s-maxage=60" in Client().get("/tools/")["Cache-Control"]


@pytest.mark.django_db
def test_the_next_publication_is_remembered_on_every_save(seeded):
    later = timezone.now() + timedelta(days=3)
    sooner = timezone.now() + timedelta(hours=1)
    make_tool(published_at=later)
    assert ContentVersion.objects.get(pk=1).next_publication_at == later
    make_tool(published_at=sooner)
    assert ContentVersion.objects.get(pk=1).next_publication_at == sooner
    make_tool(published_at=timezone.now() + timedelta(minutes=5), is_published=False)
    assert ContentVersion.objects.get(pk=1).next_publication_at == sooner  # drafts never go live
