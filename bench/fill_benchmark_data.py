"""Fill the database to benchmark scale: tools, takes, comparisons, votes and the
newsletter (subscribers, their follows and verified votes, issues, a delivery per
subscriber and issue).

A script of the benchmark (bench/run.py runs it), not a command of the site:
`python -m bench.fill_benchmark_data [--tools N] [--votes N] …` with the
server's DJANGO_SETTINGS_MODULE and database settings in the environment.

Bulk inserts through executemany, batched, so a million votes take a minute or
two on SQLite instead of an hour of ORM saves. Rows are marked with a slug
prefix ("bench-") so they can be told apart from editors' data.
"""

import argparse
import os
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import django
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shiporskip.settings.dev")
if not apps.ready:
    # Not again when imported by a running site (bench/search.py, the tests): a
    # second setup would reconfigure logging onto whatever stdout is at that moment.
    django.setup()

from django.db import connection, transaction
from django.utils import timezone

from comparisons.models import Comparison, tools_key
from newsletter import delivery_counts
from newsletter.models import Delivery, Follow, Issue, Subscriber, Suppression, VerifiedVote
from pagecache.models import bump_version
from shiporskip.lib.markdown import render_markdown
from verdicts import search_index
from verdicts.list_counts import recount_list_counts
from verdicts.models import Call, Category, CommunityVote, Persona, Take, Tool
from verdicts.slugs import slug_from_name
from verdicts.tallies import recount_panels

BATCH = 5000
WORDS = (
    "agent cache stream latency model vector sandbox pipeline eval prompt token context "
    "retrieval deploy edge open weights license pricing runtime workflow"
).split()


def _sentence(rng, n=14):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _db_value(value):
    # A datetime in Django's own stored form: on SQLite naive UTC text. The sqlite3
    # module's default adds "+00:00", text that no query Django writes compares
    # equal to (a keyset cursor's "same date, next name" then matched nothing and
    # a list's next page scanned every tool).
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _insert(table, columns, rows):
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = [tuple(map(_db_value, row)) for row in rows[start : start + BATCH]]
            cursor.executemany(sql, batch)


def _add_to_tallies(kind: str, tallies: dict[int, list[int]]) -> None:
    """Add {tool id: [ship, skip]} to the tools' stored `kind` ("community" or
    "verified") tallies, as the raw inserts of those votes bypass the receivers."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Tool._meta.db_table} SET {kind}_ship_votes = {kind}_ship_votes + %s,"
            f" {kind}_skip_votes = {kind}_skip_votes + %s WHERE id = %s",
            [(ship, skip, tool_id) for tool_id, (ship, skip) in tallies.items()],
        )


class FillError(Exception):
    """The database is not ready for (or already has) benchmark data."""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Add benchmark-scale data: 10,000 tools, 60,000 takes, 1,000,000 votes."
    )
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--comparisons", type=int, default=5_000)
    parser.add_argument("--categories", type=int, default=20)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--subscribers", type=int, default=20_000, help="Confirmed subscribers (default 20,000)."
    )
    parser.add_argument(
        "--issues",
        type=int,
        default=10,
        help="Weekly issues, each with a delivery per subscriber (default 10).",
    )
    args = parser.parse_args(argv)
    try:
        Filler().fill(
            args.tools,
            args.votes,
            args.comparisons,
            args.categories,
            args.seed,
            newsletter=(args.subscribers, args.issues),
        )
    except FillError as error:
        print(f"fill_benchmark_data: {error}", file=sys.stderr)
        return 1
    return 0


class Filler:
    """Bulk inserts of each kind of row, in one transaction."""

    def fill(self, tools, votes, comparisons, categories, seed, newsletter=(0, 0)):
        """newsletter: (subscribers, issues)."""
        personas = list(Persona.objects.order_by("position"))
        if not personas:
            raise FillError("No personas: load the seed fixtures first (manage.py loadseed).")
        if Tool.objects.filter(slug__startswith="bench-").exists():
            raise FillError("Benchmark data is already here.")
        rng = random.Random(seed)
        started = time.monotonic()
        now = timezone.now()
        with transaction.atomic():
            category_ids = self._categories(categories)
            tool_ids = self._tools(rng, tools, category_ids, now)
            takes = self._takes(rng, tool_ids, personas, now)
            # Raw inserts send no post_save: store the panels as the drift command would.
            recount_panels(Tool.objects.filter(slug__startswith="bench-"), fix=True)
            recount_list_counts(fix=True)
            pairs = self._comparisons(rng, tool_ids, comparisons, now)
            # On every published tool, the seed's too: the admin's vote list for
            # one seed tool shows a page of votes at any size, and a fill without
            # tools of its own (a seed-size newsletter) still adds votes.
            voted = list(Tool.objects.published().order_by("pk").values_list("pk", flat=True))
            tallies = self._votes(rng, voted, votes, now) if votes else {}
            subscribers, deliveries = self._newsletter(rng, *newsletter, now)
            # Raw inserts bypass the search index's save hooks: rebuild it whole.
            search_index.rebuild()
            bump_version()
        print(
            f"Added {len(tool_ids)} tools, {takes} takes, {pairs} comparisons and "
            f"{sum(a + b for a, b in tallies.values())} votes, "
            f"{subscribers} subscribers and {deliveries} deliveries of {newsletter[1]} issues "
            f"in {time.monotonic() - started:.1f}s."
        )

    def _categories(self, count):
        for n in range(count):
            Category.objects.get_or_create(name=f"Bench category {n}")
        return list(Category.objects.values_list("pk", flat=True))

    def _tools(self, rng, count, category_ids, now):
        rows = []
        for n in range(count):
            name = f"Bench tool {n:05d}"
            description = _sentence(rng, 40)
            rows.append((
                name, slug_from_name(name), "B", rng.choice(category_ids),
                _sentence(rng, 8), description, render_markdown(description),
                rng.choice(Tool.EntryTier.values), "Usage-based", "", True, now, 0, 0, now, now,
                0, 0, "none", now, 0, 0,
            ))  # fmt: skip
        columns = [
            "name", "slug", "logo_initial", "category_id", "tagline", "description",
            "description_html", "entry_tier", "pricing", "website", "is_published",
            "published_at", "community_ship_votes", "community_skip_votes", "created_at",
            "updated_at", "panel_ship", "panel_skip", "panel_verdict_key", "content_updated_at",
            "verified_ship_votes", "verified_skip_votes",
        ]  # fmt: skip
        _insert(Tool._meta.db_table, columns, rows)
        return list(
            Tool.objects.filter(slug__startswith="bench-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _takes(self, rng, tool_ids, personas, now):
        rows = []
        for tool_id in tool_ids:
            for persona in personas:
                body = _sentence(rng, 60)
                score = rng.choice([None, *range(20, 100)])
                call = Call.SHIP if (score or 60) >= 55 else Call.SKIP
                html = f"<p>{body}</p>"
                rows.append((tool_id, persona.pk, score, call, body, html, "", now, now))
        columns = [
            "tool_id",
            "persona_id",
            "score",
            "call",
            "body",
            "body_html",
            "reviewed_version",
            "created_at",
            "updated_at",
        ]
        _insert(Take._meta.db_table, columns, rows)
        return len(rows)

    def _comparisons(self, rng, tool_ids, count, now):
        seen, rows = set(), []
        while len(rows) < min(count, len(tool_ids) // 2):
            a, b = rng.sample(tool_ids, 2)
            if (min(a, b), max(a, b)) in seen:
                continue
            seen.add((min(a, b), max(a, b)))
            # bulk inserts bypass the pre_save receiver that keeps tools_key.
            rows.append((a, b, tools_key((a, b)), "", "", "", "", "", "", True, now, now, now))
        columns = [
            "tool_a_id", "tool_b_id", "tools_key", "intro", "intro_html", "bottom_line",
            "bottom_line_html", "ship_a_if", "ship_b_if", "is_published",
            "published_at", "created_at", "updated_at",
        ]  # fmt: skip
        _insert(Comparison._meta.db_table, columns, rows)
        return len(rows)

    def _votes(self, rng, tool_ids, count, now):
        tallies = {tool_id: [0, 0] for tool_id in tool_ids}
        rows = []
        for n in range(count):
            tool_id = tool_ids[n % len(tool_ids)]
            ship = rng.random() < 0.6
            tallies[tool_id][0 if ship else 1] += 1
            rows.append((tool_id, Call.SHIP if ship else Call.SKIP, f"bench-{n:08d}", now, now))
            if len(rows) == BATCH * 10:
                _insert(CommunityVote._meta.db_table, self._vote_columns, rows)
                rows = []
        _insert(CommunityVote._meta.db_table, self._vote_columns, rows)
        _add_to_tallies("community", tallies)
        return tallies

    _vote_columns = ["tool_id", "call", "visitor_key", "created_at", "updated_at"]

    def _newsletter(self, rng, subscribers, issues, now):
        """Confirmed subscribers who joined over a year, and `issues` weekly issues
        each with a delivery per subscriber: older issues all done (mostly sent, a
        few failed or skipped), the newest still going (some pending, a few
        interrupted). Each issue's stored delivery counts are written with it, as
        publish() and the runs keep them. Returns (subscribers, deliveries)."""
        rows, year = [], timedelta(days=365)
        for n in range(subscribers):
            joined = now - year + year * n / max(subscribers, 1)
            # One in 200 suppressed by a bounce, one in 100 paused, one in 50 reading
            # only what they follow: the admin's "Suppressed at", "Suppression
            # reason", "Paused at" and "Digest scope" filters pick a few rows out of many.
            suppressed = joined if n % 200 == 7 else None
            paused = joined if n % 100 == 3 else None
            scope = (
                Subscriber.DigestScope.FOLLOWED
                if n % 50 == 11
                else Subscriber.DigestScope.EVERYTHING
            )
            rows.append((
                f"bench-reader-{n:07d}@example.com", Subscriber.Status.CONFIRMED, joined, joined,
                None, joined, None, suppressed, Suppression.BOUNCED if suppressed else "", 0,
                scope, paused,
            ))  # fmt: skip
        columns = [
            "email", "status", "created_at", "confirmation_sent_at", "confirmation_due_at",
            "confirmed_at", "unsubscribed_at", "suppressed_at", "suppression_reason",
            "soft_bounces", "digest_scope", "paused_at",
        ]  # fmt: skip
        _insert(Subscriber._meta.db_table, columns, rows)
        reader_ids = list(
            Subscriber.objects.filter(email__startswith="bench-reader-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self._follows_and_verified_votes(rng, reader_ids, now)
        delivered = 0
        S = Delivery.Status
        for n in range(issues):
            week_end = now - timedelta(weeks=issues - 1 - n)
            newest = n == issues - 1
            statuses = [self._delivery_status(rng, newest) for _ in reader_ids]
            counts = Counter(statuses)
            issue = Issue.objects.create(
                iso_year=week_end.isocalendar().year,
                iso_week=week_end.isocalendar().week,
                subject=f"Bench weekly issue {n}",
                period_since=week_end - timedelta(weeks=1),
                period_until=week_end,
                html_body=f"<p>{_sentence(rng, 40)}</p>",
                text_body=_sentence(rng, 40),
                sent_at=None if newest else week_end,
                **{delivery_counts.COUNT_FIELDS[status]: k for status, k in counts.items()},
            )
            rows = [
                (
                    issue.pk, reader_id, status, int(status in (S.SENT, S.FAILED, S.SENDING)),
                    "550 5.1.1 Mailbox unavailable" if status == S.FAILED else "",
                    week_end if status != S.PENDING else None,
                    week_end if status == S.SENT else None,
                    f"<bench-{n}-{reader_id}@example.com>" if status != S.PENDING else "",
                    Subscriber.DigestScope.EVERYTHING, "[]",
                )
                for reader_id, status in zip(reader_ids, statuses, strict=True)
            ]  # fmt: skip
            columns = [
                "issue_id", "subscriber_id", "status", "attempts", "last_error",
                "last_attempt_at", "sent_at", "message_id", "digest_scope", "followed_tool_ids",
            ]  # fmt: skip
            _insert(Delivery._meta.db_table, columns, rows)
            delivered += len(rows)
        return len(reader_ids), delivered

    def _follows_and_verified_votes(self, rng, reader_ids, now):
        """Of the published tools and the categories (the seed's too, so a seed-size
        newsletter gets them): one reader in 4 follows a tool, one in 12 a category,
        one follow in 40 still unconfirmed; one reader in 3 votes as a verified
        reader on three tools, the tools' stored verified tallies counted to match."""
        tool_ids = list(Tool.objects.published().order_by("pk").values_list("pk", flat=True))
        category_ids = list(Category.objects.order_by("pk").values_list("pk", flat=True))
        follows, votes, tallies = [], [], defaultdict(lambda: [0, 0])
        for n, reader_id in enumerate(reader_ids):
            confirmed = None if n % 40 == 0 else now
            if n % 4 == 0 and tool_ids:
                follows.append((reader_id, rng.choice(tool_ids), None, now, confirmed))
            if n % 12 == 5 and category_ids:
                follows.append((reader_id, None, rng.choice(category_ids), now, confirmed))
            if n % 3 == 1:
                for tool_id in rng.sample(tool_ids, min(3, len(tool_ids))):
                    call = rng.choice(Call.values)
                    votes.append((reader_id, tool_id, call, now, now))
                    tallies[tool_id][0 if call == Call.SHIP else 1] += 1
        columns = ["subscriber_id", "tool_id", "category_id", "created_at", "confirmed_at"]
        _insert(Follow._meta.db_table, columns, follows)
        columns = ["subscriber_id", "tool_id", "call", "created_at", "updated_at"]
        _insert(VerifiedVote._meta.db_table, columns, votes)
        _add_to_tallies("verified", tallies)

    @staticmethod
    def _delivery_status(rng, newest):
        """Done issues: 98.5% sent, 1% failed, 0.5% skipped; the newest, still being
        sent: 60% sent, 1% failed, 0.1% interrupted, the rest pending."""
        roll = rng.random()
        if roll < 0.01:
            return Delivery.Status.FAILED
        if not newest:
            return Delivery.Status.SKIPPED if roll < 0.015 else Delivery.Status.SENT
        if roll < 0.011:
            return Delivery.Status.SENDING
        return Delivery.Status.SENT if roll < 0.61 else Delivery.Status.PENDING


if __name__ == "__main__":
    sys.exit(main())
