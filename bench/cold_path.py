"""`make bench-cold`: every list page on a cache miss, at seed size and at scale.

Two databases side by side: one with the seed fixtures, one with the seed plus
bench/fill_benchmark_data.py (10,000 tools, 60,000 takes, 5,000 comparisons,
1,000,000 votes by default; BENCH_COLD_TOOLS, BENCH_COLD_VOTES shrink a trial run;
BENCH_COLD_ONLY=admin keeps the pages whose name starts with it).
Both are ANALYZEd. Then, DEBUG off, Django's test client asks each page of
PAGES ROUNDS times from each database in turn (a paired measurement, so a slow
spell of the machine hits both), the page cache cleared and Python's garbage
collected before every request.
The report is the median time per page at each size, their ratio (target ≤ 2)
and the SQL queries each page ran at each size (they must not grow).

SQLite by default (files in a temporary directory). With
BENCH_COLD_POSTGRES=1 it starts a throwaway PostgreSQL cluster
(bin/throwaway-postgres) with one database per size. Writes bench/COLD_PATH.md.

While working on one page: BENCH_COLD_DIR=<dir> keeps the SQLite files there
(filled once, then only migrated, recounted and ANALYZEd again on later runs),
and BENCH_COLD_PAGES="home|/compare/" measures only those pages (a partial run
prints its table but leaves COLD_PATH.md alone).
"""

import contextlib
import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# Run as a script (`make bench-cold`), the path holds bench/, not the repository.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.search import QUERIES as SEARCH_QUERIES  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_COLD_ROUNDS", "20"))
TOOLS = os.environ.get("BENCH_COLD_TOOLS", "10000")
VOTES = os.environ.get("BENCH_COLD_VOTES", "1000000")
COMPARISONS = os.environ.get("BENCH_COLD_COMPARISONS", "5000")
# Newsletter rows of the seed database: 60 readers, 2 issues, nothing else added.
SEED_NEWSLETTER = [
    "--tools", "0", "--votes", "300", "--comparisons", "0", "--categories", "0",
    "--subscribers", "60", "--issues", "2",
]  # fmt: skip
TARGET = 2.0
RESULTS = ROOT / "bench" / "COLD_PATH.md"

# Page name -> path; "next:<path>" follows that page's rel="next" link (a later
# keyset page), found once per database.
PAGES = {
    "home": "/",
    "/tools/": "/tools/",
    "/tools/?verdict=ship": "/tools/?verdict=ship",
    "/tools/?sort=name": "/tools/?sort=name",
    "/tools/ next page": "next:/tools/",
    "/tools/?sort=newest next page": "next:/tools/?sort=newest",
    "category": "/categories/developer-tools/",
    "category next page": "next:/categories/developer-tools/",
    # Pages of one tool or comparison: flat since issue 15's first measurement,
    # measured here so every public page and JSON endpoint has a figure.
    "tool page": "/tools/smolvm/",
    "tool JSON": "/tools/smolvm.json",
    "badge": "/badges/smolvm.svg",
    "comparison": "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm/",
    "comparison JSON": "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smolvm.json",
    "feed": "/feeds/comparisons/",
    "methodology": "/methodology/",
    "newsletter archive": "/newsletter/",
    # Search: bench/search.py's queries (it measures them on one warm connection,
    # with the JIT check).
    **{f"search, {name}": "/search/?" + urlencode({"q": q}) for name, q in SEARCH_QUERIES.items()},
    "/reviewers/": "/reviewers/",
    "/reviewers/builder/": "/reviewers/builder/",
    "/compare/": "/compare/",
    "/compare/ next page": "next:/compare/",
    "sitemap.xml (index)": "/sitemap.xml",
    "sitemap pages": "/sitemaps/pages-1.xml",
    "sitemap categories": "/sitemaps/categories-1.xml",
    "sitemap reviewers": "/sitemaps/reviewers-1.xml",
    "sitemap tools": "/sitemaps/tools-1.xml",
    "sitemap comparisons": "/sitemaps/comparisons-1.xml",
    "llms.txt (summary)": "/llms.txt",
    "llms/tools.txt": "/llms/tools.txt",
    "llms/comparisons.txt": "/llms/comparisons.txt",
    "admin community votes": "/admin/verdicts/communityvote/",
    "admin community votes, one tool": "/admin/verdicts/communityvote/?tool=smolvm",
    "admin tools": "/admin/verdicts/tool/",
    "admin tools, verdict ship": "/admin/verdicts/tool/?verdict=ship",
    "admin community votes, skips": "/admin/verdicts/communityvote/?call__exact=skip",
    "admin tools, one category": "/admin/verdicts/tool/?category__id__exact=1",
    "admin tools, free entry": "/admin/verdicts/tool/?entry_tier__exact=free",
    "admin tools, drafts": "/admin/verdicts/tool/?is_published__exact=0",
    "admin takes": "/admin/verdicts/take/",
    "admin takes, one reviewer": "/admin/verdicts/take/?persona__id__exact=2",
    "admin takes, skips": "/admin/verdicts/take/?call__exact=skip",
    "admin categories": "/admin/verdicts/category/",
    "admin reviewers": "/admin/verdicts/persona/",
    "admin comparisons": "/admin/comparisons/comparison/",
    "admin comparisons, drafts": "/admin/comparisons/comparison/?is_published__exact=0",
    "admin subscribers": "/admin/newsletter/subscriber/",
    "admin subscribers, pending": "/admin/newsletter/subscriber/?status__exact=pending",
    "admin subscribers, suppressed": "/admin/newsletter/subscriber/?suppressed_at__isempty=0",
    "admin subscribers, paused": "/admin/newsletter/subscriber/?paused_at__isempty=0",
    "admin subscribers, bounced": "/admin/newsletter/subscriber/?suppression_reason__exact=bounced",
    "admin subscribers, followed only": (
        "/admin/newsletter/subscriber/?digest_scope__exact=followed"
    ),
    "admin follows": "/admin/newsletter/follow/",
    "admin follows, unconfirmed": "/admin/newsletter/follow/?confirmed_at__isempty=1",
    "admin follows, of categories": "/admin/newsletter/follow/?tool__isempty=1",
    "admin follows, one category": "/admin/newsletter/follow/?category__id__exact=1",
    "admin verified votes": "/admin/newsletter/verifiedvote/",
    "admin verified votes, skips": "/admin/newsletter/verifiedvote/?call__exact=skip",
    "admin verified votes, one tool": "/admin/newsletter/verifiedvote/?tool=smolvm",
    "admin deliveries": "/admin/newsletter/delivery/",
    "admin deliveries, failed": "/admin/newsletter/delivery/?status__exact=failed",
    # Issue 2: the newest at seed size (60 readers), one of ten at scale; the
    # (issue, id) and (issue, status, id) indexes read any issue alike.
    "admin deliveries, one issue": "/admin/newsletter/delivery/?issue__id__exact=2",
    "admin deliveries, one issue's failed": (
        "/admin/newsletter/delivery/?issue__id__exact=2&status__exact=failed"
    ),
    "admin issues": "/admin/newsletter/issue/",
    "admin issues, by sent": "/admin/newsletter/issue/?o=-3",
    # Not pages: the weekly issue as send_weekly_digest composes it once per issue.
    # A quiet week (nothing changed in its last second): what it costs whatever the
    # catalogue. A busy week: the same news at both sizes (BUSY_WEEK, rolled back
    # after each round), so only the catalogue differs. Then everything since 2000,
    # rendered too (seed: every seed comparison; scale: the first items of the
    # 5,000 comparisons and 10,000 tools the filler changed this week, "and N more").
    "weekly digest, a quiet week (compose)": "call:digest-quiet",
    "weekly digest, a busy week (compose + render)": "call:digest-busy",
    "weekly digest, everything (compose + render)": "call:digest",
}
# BENCH_COLD_ONLY=admin measures only the pages whose name starts with it.
PAGES = {
    name: path
    for name, path in PAGES.items()
    if name.startswith(os.environ.get("BENCH_COLD_ONLY", ""))
}
# Whole-section files: their size is the data's by nature (one line per tool).
PROPORTIONAL = {"sitemap tools", "sitemap comparisons", "llms/tools.txt", "llms/comparisons.txt"}
# The busy week's news: this many comparisons made new and this many other tools
# with every take revised (the seed has 5 comparisons of 6 tools, all with tool 1).
BUSY_WEEK = {"comparisons": 2, "tools": 3}
# An issue records every change of its period (the archive lists them all).
PER_CHANGE = {"weekly digest, everything (compose + render)"}


def log(line=""):
    print(line, flush=True)


def _run(args, env):
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def prepare(env_for, kept: Path | None = None) -> None:
    """Migrate both databases, load the seed, fill the scale one, ANALYZE both.
    With `kept` (BENCH_COLD_DIR) filled before: migrate, recount stored figures
    and ANALYZE only."""
    python = sys.executable
    if kept is not None and (kept / "filled").exists():
        for size in ("seed", "scale"):
            _run([python, "manage.py", "migrate", "--noinput"], env_for(size))
            _run([python, "manage.py", "recount_panel_tallies"], env_for(size))
            _run([python, "manage.py", "analyze_database"], env_for(size))
        return
    for size in ("seed", "scale"):
        env = env_for(size)
        _run([python, "manage.py", "migrate", "--noinput"], env)
        _run([python, "manage.py", "createcachetable"], env)
        _run([python, "manage.py", "loadseed"], env)
    # The seed database gets a seed-size newsletter and 300 community votes on
    # its six tools (no seed fixture has either), so the admin's newsletter and
    # vote lists show full pages at both sizes.
    _run([python, "-m", "bench.fill_benchmark_data", *SEED_NEWSLETTER], env_for("seed"))
    log("Filling the scale database (a few minutes)…")
    fill = [python, "-m", "bench.fill_benchmark_data", "--tools", TOOLS, "--votes", VOTES]
    _run([*fill, "--comparisons", COMPARISONS], env_for("scale"))
    for size in ("seed", "scale"):
        _run([python, "manage.py", "analyze_database"], env_for(size))
    if kept is not None:
        (kept / "filled").touch()


def measure(databases: dict[str, dict], pages: dict[str, str]) -> tuple[dict, dict]:
    """In this process: ({page: {size: (median ms, queries)}} for `pages` (name ->
    path), {size: bytes of the weekly email} when "call:digest" is among them)."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.cache import caches
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # the test client's hooks; DEBUG stays off

    def use(size):
        connections["default"].close()
        connections["default"].settings_dict.update(databases[size])

    clients, paths = {}, {}
    for size in databases:
        use(size)
        user, _ = User.objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        clients[size] = Client()
        clients[size].force_login(user)
        paths[size] = {}
        for name, path in pages.items():
            if path.startswith("next:"):
                html = clients[size].get(path[5:], HTTP_COOKIE="").content.decode()
                found = re.search(r'<a rel="next" href="([^"]+)">', html)
                path = found[1].replace("&amp;", "&") if found else path[5:]
            paths[size][name] = path
    times = {name: {size: [] for size in databases} for name in pages}
    queries = {name: {} for name in pages}
    email_bytes = {}
    for _ in range(ROUNDS):
        for name in pages:
            for size in databases:
                use(size)
                admin = name.startswith("admin")
                client = clients[size] if admin else Client()
                caches["default"].clear()
                connection.ensure_connection()
                # A full collection now, not inside the timing: each round allocates
                # alike, so Python's oldest-generation collection landed in the same
                # request every round (70 ms of the "quiet week" at seed size).
                busy = paths[size][name] == "call:digest-busy"
                with _busy_week() if busy else contextlib.nullcontext() as since:
                    gc.collect()
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        if paths[size][name] == "call:digest":
                            email_bytes[size] = _compose_digest()
                        elif paths[size][name] == "call:digest-quiet":
                            _compose_quiet_week()
                        elif busy:
                            _compose_busy_week(since)
                        else:
                            response = client.get(paths[size][name])
                            assert response.status_code == 200, (name, size, response.status_code)
                        elapsed = time.perf_counter() - started
                times[name][size].append(elapsed * 1000)
                queries[name][size] = len(captured)
    results = {
        name: {
            size: (statistics.median(times[name][size]), queries[name][size]) for size in databases
        }
        for name in pages
    }
    return results, email_bytes


def _compose_quiet_week() -> None:
    """The weekly issue's composition for a period in which nothing changed."""
    from datetime import timedelta

    from django.utils import timezone

    from newsletter import digest

    now = timezone.now()
    assert digest.compose(now - timedelta(seconds=1), now).is_empty


@contextlib.contextmanager
def _busy_week():
    """In a transaction rolled back on exit: BUSY_WEEK["comparisons"] published
    comparisons (the first by pk) saved now, and every take of the first
    BUSY_WEEK["tools"] other published tools revised now. Yields the start of a
    period holding just that news."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from comparisons.models import Comparison
    from verdicts.models import Take, Tool

    now = timezone.now()
    with transaction.atomic():
        comparisons = list(
            Comparison.objects.published()
            .exclude(newsletter_issues__isnull=False)
            .order_by("pk")[: BUSY_WEEK["comparisons"]]
        )
        Comparison.objects.filter(pk__in=[c.pk for c in comparisons]).update(updated_at=now)
        compared = {tool_id for c in comparisons for tool_id in c.tool_ids}
        tools = (
            Tool.objects.published()
            .exclude(pk__in=compared)
            .filter(takes__isnull=False)
            .distinct()
            .order_by("pk")
            .values_list("pk", flat=True)[: BUSY_WEEK["tools"]]
        )
        Take.objects.filter(tool__in=list(tools)).update(updated_at=now)
        yield now - timedelta(seconds=1)
        transaction.set_rollback(True)


def _compose_busy_week(since) -> None:
    """The weekly email for the busy week (_busy_week()), composed and rendered."""
    from django.utils import timezone

    from newsletter import digest

    news = digest.compose(since, timezone.now())
    counts = (news.comparison_count, news.changed_count)
    assert counts == (BUSY_WEEK["comparisons"], BUSY_WEEK["tools"]), counts
    digest.render(news)


def _compose_digest() -> int:
    """The weekly email for everything since 2000, composed and rendered: its size
    in bytes (HTML and text bodies)."""
    from datetime import datetime

    from django.utils import timezone

    from newsletter import digest

    since = datetime(2000, 1, 1, tzinfo=UTC)
    _, html_body, text_body = digest.render(digest.compose(since, timezone.now()))
    return len(html_body.encode()) + len(text_body.encode())


def report(results: dict, engine: str, load: tuple[float, float], email_bytes: dict) -> list[str]:
    lines = [
        f"### {engine}",
        "",
        f"Median of {ROUNDS} paired requests per page, page cache cleared and garbage "
        "collected before each, "
        f"DEBUG off, Django's test client; scale: {int(TOOLS):,} tools, {int(VOTES):,} votes, "
        f"{int(COMPARISONS):,} comparisons. Load average (1 min) {load[0]:.1f} at the start, "
        f"{load[1]:.1f} at the end (2 cores, shared).",
        "",
        "| page | seed ms | scale ms | scale/seed | queries seed → scale |",
        "|---|---|---|---|---|",
    ]
    for name, sizes in results.items():
        (seed_ms, seed_q), (scale_ms, scale_q) = sizes["seed"], sizes["scale"]
        ratio = scale_ms / seed_ms
        mark = "" if ratio <= TARGET else " ✗"
        if name in PROPORTIONAL:
            mark += " (one line per row: grows with the data)"
        if name in PER_CHANGE:
            mark += " (grows with the period's changes: every benchmark tool changed this week)"
        lines.append(
            f"| {name} | {seed_ms:.1f} | {scale_ms:.1f} | {ratio:.2f}{mark} "
            f"| {seed_q} → {scale_q} |"
        )
    if email_bytes:
        lines += [
            "",
            f"The weekly email weighs {email_bytes['seed'] / 1000:.1f} KB at seed size and "
            f"{email_bytes['scale'] / 1000:.1f} KB at scale (HTML and text bodies; target "
            "under 100 KB).",
        ]
    return lines


def main() -> int:
    engine = "PostgreSQL" if os.environ.get("BENCH_COLD_POSTGRES") else "SQLite"
    chosen = [name for name in os.environ.get("BENCH_COLD_PAGES", "").split("|") if name]
    unknown = [name for name in chosen if name not in PAGES]
    if unknown:
        log(f"cold_path: no such page: {', '.join(unknown)} (known: {', '.join(PAGES)})")
        return 2
    pages = {name: PAGES[name] for name in chosen} if chosen else PAGES
    kept = Path(os.environ["BENCH_COLD_DIR"]) if os.environ.get("BENCH_COLD_DIR") else None
    if kept is not None and engine == "PostgreSQL":
        log("cold_path: BENCH_COLD_DIR keeps SQLite files only.")
        return 2
    if kept is not None:
        kept.mkdir(parents=True, exist_ok=True)
    work = kept or Path(tempfile.mkdtemp(prefix="bench-cold-"))
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.dev",
        "DEBUG": "false",
        "PAGE_CACHE_DIR": str(work / "pages"),
        "LOG_LEVEL": "WARNING",
    }
    base_env.pop("CACHE_URL", None)
    base_env.pop("REDIS_URL", None)
    postgres = None
    try:
        if engine == "PostgreSQL":
            # mkdtemp's 0700 keeps out the postgres account throwaway-postgres runs as (root).
            work.chmod(0o755)
            postgres = work / "pg"
            started = subprocess.run(
                [str(ROOT / "bin" / "throwaway-postgres"), "start", str(postgres)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            url = re.search(r"DATABASE_URL=['\"]?([^'\"\s]+)", started)[1]
            head, _, _ = url.rpartition("/")
            for size in ("seed", "scale"):
                subprocess.run(
                    # The cluster's own database: the URL's does not exist yet.
                    ["psql", f"{head}/postgres", "-c", f"CREATE DATABASE bench_{size}"],
                    check=True,
                    capture_output=True,
                )
            urls = {size: f"{head}/bench_{size}" for size in ("seed", "scale")}

            def env_for(size):
                return {**base_env, "DATABASE_URL": urls[size]}
        else:

            def env_for(size):
                return {
                    **base_env,
                    "DATABASE_URL": "",
                    "SQLITE_PATH": str(work / f"{size}.sqlite3"),
                }

        prepare(env_for, kept)
        os.environ.update(env_for("seed"))
        from django.conf import settings

        databases = {}
        for size in ("seed", "scale"):
            env = env_for(size)
            if engine == "PostgreSQL":
                databases[size] = {"NAME": f"bench_{size}"}
            else:
                databases[size] = {"NAME": env["SQLITE_PATH"]}
        settings.DEBUG  # noqa: B018 - load the settings before measure() switches databases
        load_before = os.getloadavg()[0]
        results, email_bytes = measure(databases, pages)
        load = (load_before, os.getloadavg()[0])
    finally:
        if postgres is not None:
            subprocess.run([str(ROOT / "bin" / "throwaway-postgres"), "stop", str(postgres)])
        if kept is None:
            shutil.rmtree(work, ignore_errors=True)
    lines = report(results, engine, load, email_bytes)
    log("\n".join(lines))
    if chosen:
        return 0
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = ["# Cold path: list pages on a cache miss, seed → scale", "", f"Run {stamp}.", ""]
    previous = RESULTS.read_text() if RESULTS.exists() else ""
    others = [block for block in previous.split("\n### ")[1:] if not block.startswith(engine)]
    body = "\n".join(lines) + "".join(f"\n\n### {block.rstrip()}" for block in others)
    RESULTS.write_text("\n".join(header) + "\n" + body + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
