"""The subscriber list's date hierarchy and "Not empty" filters at scale: the
years, months and days offered are those with rows, found by index probes (no
DISTINCT over every row, the same queries at any size), and the suppressed and
paused filters ask IS NOT NULL (a partial index's condition)."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter.models import Subscriber, Suppression
from tests.factories import make_subscriber
from tests.html import text_of

pytestmark = pytest.mark.django_db

SUBSCRIBERS = "/admin/newsletter/subscriber/"
JOINED = [
    datetime(2025, 11, 20, 12, tzinfo=UTC),
    datetime(2026, 1, 5, 12, tzinfo=UTC),
    datetime(2026, 3, 2, 12, tzinfo=UTC),
    datetime(2026, 3, 17, 12, tzinfo=UTC),
]


def readers(per_date: int) -> None:
    for n, joined in enumerate(JOINED * per_date):
        reader = make_subscriber(email=f"reader{n}@example.com")
        Subscriber.objects.filter(pk=reader.pk).update(created_at=joined)


def drill(html: str, part: str) -> list[int]:
    """The values of `part` (year, month, day) the hierarchy links to."""
    [links] = re.findall(r'<nav class="toplinks">(.*?)</nav>', html, re.S)
    return [int(n) for n in re.findall(rf"created_at__{part}=(\d+)", links)]


@pytest.mark.parametrize("per_date", [1, 10])
def test_the_hierarchy_offers_the_periods_with_rows_in_the_same_queries_at_any_size(
    admin_client, per_date, settings
):
    settings.TIME_ZONE = "UTC"
    readers(per_date)
    admin_client.get(SUBSCRIBERS)
    pages = [
        (SUBSCRIBERS, "year", [2025, 2026]),
        (f"{SUBSCRIBERS}?created_at__year=2026", "month", [1, 3]),
        (f"{SUBSCRIBERS}?created_at__year=2026&created_at__month=3", "day", [2, 17]),
    ]
    for url, part, offered in pages:
        with CaptureQueriesContext(connection) as captured:
            html = admin_client.get(url).content.decode()

        assert drill(html, part) == offered, url
        sql = " ".join(query["sql"] for query in captured.captured_queries).upper()
        assert "DISTINCT" not in sql and "TRUNC" not in sql
        assert len(captured) == 6, url  # session, user, count, rows, bounds, probes
    assert f"{4 * per_date} subscribers" in text_of(admin_client.get(SUBSCRIBERS).content.decode())


def test_not_empty_filters_ask_is_not_null_and_list_only_those_rows(admin_client):
    readers(1)
    bounced = make_subscriber(email="bounced@example.com")
    Subscriber.objects.filter(pk=bounced.pk).suppress(Suppression.BOUNCED, timezone.now())
    away = make_subscriber(email="away@example.com")
    Subscriber.objects.filter(pk=away.pk).update(paused_at=timezone.now())
    admin_client.get(SUBSCRIBERS)

    with CaptureQueriesContext(connection) as captured:
        suppressed = text_of(
            admin_client.get(SUBSCRIBERS, {"suppressed_at__isempty": "0"}).content.decode()
        )
    # Read now: the next request empties the connection's query log.
    rows_query = [q["sql"] for q in captured.captured_queries if "soft_bounces" in q["sql"]]
    assert rows_query and '"suppressed_at" IS NOT NULL' in rows_query[0]
    paused = text_of(admin_client.get(SUBSCRIBERS, {"paused_at__isempty": "0"}).content.decode())
    deliverable = text_of(
        admin_client.get(SUBSCRIBERS, {"suppressed_at__isempty": "1"}).content.decode()
    )

    assert "bounced@example.com" in suppressed and "away@example.com" not in suppressed
    assert "away@example.com" in paused and "bounced@example.com" not in paused
    assert "bounced@example.com" not in deliverable and "reader0@example.com" in deliverable


def test_a_malformed_not_empty_value_is_an_invalid_lookup_not_a_500(admin_client):
    response = admin_client.get(SUBSCRIBERS, {"paused_at__isempty": "maybe"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
