"""Search on a cache miss, at seed size and at benchmark scale, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.search                 # SQLite, then PostgreSQL (throwaway)
    .venv/bin/python -m bench.search --engines sqlite
    BENCH_SEARCH_ROUNDS=20 .venv/bin/python -m bench.search --votes 0

For each engine, in a fresh database: migrate and load the seed, time each query
(DEBUG off, the test client, the page cache cleared before every request,
median of ROUNDS), fill to scale with bench/fill_benchmark_data.py (10,000
tools, 60,000 takes, 5,000 comparisons, 1,000,000 votes by default; the filler
rebuilds the search index), run `analyze_database` as operators do after a bulk
load, and time them again. On PostgreSQL the scale
queries are also timed with JIT off (`PGOPTIONS=-c jit=off`, see README
"Search"). Prints a Markdown table; the target is scale <= 2 x seed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "20"))
QUERIES = {
    "one common word": "agent",
    "two words": "agent cache",
    "100 characters": ("streaming latency model vector sandbox pipeline eval prompt token " * 2)[
        :100
    ],
    "misspelt name": "bnech tool",
}


def _measure_in_this_process(label: str) -> dict:
    """{query name: (median ms, SQL queries)} against the configured database."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for name, q in QUERIES.items():
        timings = []
        for _ in range(ROUNDS + 2):
            cache.clear()
            started = time.perf_counter()
            response = client.get("/search/", {"q": q})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (q, response.status_code)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get("/search/", {"q": q})
        # The first two rounds warm the connection and Python's caches.
        results[name] = (statistics.median(timings[2:]), len(queries))
        print(f"  {label} {name}: {results[name][0]:.1f} ms", file=sys.stderr, flush=True)
    return results


def child(args) -> None:
    """Runs inside the database's environment: seed, measure, fill, measure."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("loadseed", verbosity=0)
    report = {"seed": _measure_in_this_process("seed")}
    from bench.fill_benchmark_data import main as fill

    started = time.monotonic()
    fill(["--votes", str(args.votes)])
    report["fill_seconds"] = time.monotonic() - started
    # What README "Operations" tells operators to run after a bulk load.
    call_command("analyze_database", verbosity=0)
    report["scale"] = _measure_in_this_process("scale")
    print(json.dumps(report))


def _run_child(env: dict, args) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.search", "--child", "--votes", str(args.votes)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _measure_scale_only(env: dict) -> dict:
    code = (
        "from bench.search import _measure_in_this_process as m; import json; "
        "print(json.dumps(m('scale, ' + __import__('os').environ['PGOPTIONS'])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _create_database(url: str) -> None:
    """The throwaway cluster has only `postgres`: create the URL's database."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="shiporskip-bench-search-") as workdir:
        for engine in args.engines.split(","):
            env = dict(base_env)
            if engine == "sqlite":
                env.pop("DATABASE_URL", None)
                env["SQLITE_PATH"] = str(Path(workdir) / "search.sqlite3")
                report = _run_child(env, args)
                rows += [(engine, report, None)]
                continue
            pgdir = Path(workdir) / "pg"
            pgdir.mkdir()
            os.chmod(workdir, 0o755)  # the postgres account reaches its cluster below it
            started = subprocess.run(
                [str(ROOT / "bin" / "throwaway-postgres"), "start", str(pgdir)],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
            env["DATABASE_URL"] = started.strip().split("=", 1)[1]
            try:
                _create_database(env["DATABASE_URL"])
                report = _run_child(env, args)
                jit_off = _measure_scale_only({**env, "PGOPTIONS": "-c jit=off"})
                jit_on = _measure_scale_only({**env, "PGOPTIONS": "-c jit=on"})
                rows += [(engine, report, (jit_on, jit_off))]
            finally:
                subprocess.run([str(ROOT / "bin" / "throwaway-postgres"), "stop", str(pgdir)])
    print(f"Search on a cache miss (median of {ROUNDS}, ms; SQL queries in brackets)\n")
    print("| engine | query | seed | scale | scale ÷ seed | target ≤ 2 |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for engine, report, _ in rows:
        for name in QUERIES:
            (seed, seed_q), (scale, scale_q) = report["seed"][name], report["scale"][name]
            ratio = scale / seed
            print(
                f"| {engine} | {name} | {seed:.1f} ({seed_q}) | {scale:.1f} ({scale_q}) "
                f"| {ratio:.2f} | {'✓' if ratio <= 2 else '✗'} |"
            )
    for engine, report, jit in rows:
        print(f"\n{engine}: fill_benchmark_data took {report['fill_seconds']:.0f} s")
        if jit:
            jit_on, jit_off = jit
            print("\nPostgreSQL at scale, JIT on vs off (fresh connections, ms):\n")
            print("| query | jit on | jit off |")
            print("| --- | ---: | ---: |")
            for name in QUERIES:
                print(f"| {name} | {jit_on[name][0]:.1f} | {jit_off[name][0]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
