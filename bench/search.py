"""Search on a cache miss, at seed size and at benchmark scale, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.search                 # SQLite, then PostgreSQL (throwaway)
    .venv/bin/python -m bench.search --engines sqlite
    BENCH_SEARCH_ROUNDS=20 .venv/bin/python -m bench.search --votes 0

For each engine: a seed database (migrated, the seed loaded) and a copy of it
filled to scale with bench/fill_benchmark_data.py (10,000 tools, 60,000 takes,
5,000 comparisons, 1,000,000 votes by default; the filler rebuilds the search
index), both ANALYZEd as README "Operations" tells operators to after a bulk load.
Then one server process per database (DEBUG off, the test client, one warm
connection, as an app server keeps) answers each query in turn: a request to the
seed process, then the same request to the scale process, ROUNDS times (a paired
measurement: a slow spell of the machine hits both sizes), the page cache cleared
before every request. The report is each size's median, their ratio (target
scale <= 2 x seed) and the SQL queries of one request. On PostgreSQL the scale
database is also measured with JIT on against JIT off (`PGOPTIONS`, see README
"Search"), paired the same way.

bench/cold_path.py measures the same queries (QUERIES) among every list page, with
a new connection per request.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "20"))
# Requests timed in a row per round and size (after one untimed): short enough
# that a slow spell of the machine hits both sizes of a round.
BLOCK = 3
# Query name -> what the reader types. At seed size the first two find 3 and 1
# tools and the last two nothing; at scale every benchmark tool holds each word.
QUERIES = {
    "one common word": "agent",
    "two words": "agent cache",
    "100 characters": ("streaming latency model vector sandbox pipeline eval prompt token " * 2)[
        :100
    ],
    "misspelt name": "bnech tool",
}


def serve() -> None:
    """A measuring process on the configured database: reads a query name per line
    on stdin, asks it BLOCK + 1 times in a row and answers {"ms": [the times of the
    last BLOCK requests], "queries": SQL queries of one} on stdout. The first request
    of a block is not timed: it pays for the process having slept while the other
    size's process ran. The queries are counted on a further request, outside the
    timing (counting makes Django log every query)."""
    import time

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for line in sys.stdin:
        q = QUERIES[line.strip()]
        times = []
        for _ in range(BLOCK + 1):
            cache.clear()
            started = time.perf_counter()
            response = client.get("/search/", {"q": q})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (q, response.status_code)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": q})
        print(json.dumps({"ms": times[1:], "queries": len(captured)}), flush=True)


def _same_cpu() -> None:
    # Every server runs on one CPU (the last): on a shared machine one core can
    # be slower than the other for minutes, and must not slow one size only.
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})


class Server:
    """A `serve()` process with its environment (its database, its PGOPTIONS)."""

    def __init__(self, env: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.search", "--serve"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=_same_cpu,
        )

    def ask(self, name: str) -> dict:
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def paired(envs: dict[str, dict]) -> dict:
    """{query name: {label: (median ms, queries)}}: each env's server asked each query
    in turn (a block of BLOCK timed requests), ROUNDS times after a warming round."""
    servers = {label: Server(env) for label, env in envs.items()}
    try:
        times = {name: {label: [] for label in envs} for name in QUERIES}
        queries = {name: {} for name in QUERIES}
        for round_ in range(ROUNDS + 1):
            for name in QUERIES:
                for label, server in servers.items():
                    answer = server.ask(name)
                    if round_ >= 1:  # the first round warms the connection and caches
                        times[name][label] += answer["ms"]
                    queries[name][label] = answer["queries"]
        return {
            name: {
                label: (statistics.median(times[name][label]), queries[name][label])
                for label in envs
            }
            for name in QUERIES
        }
    finally:
        for server in servers.values():
            server.close()


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _fill(env: dict, votes: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "bench.fill_benchmark_data", "--votes", str(votes)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _seed(env: dict) -> None:
    _manage(env, "migrate", "--noinput")
    _manage(env, "createcachetable")
    _manage(env, "loadseed")


def _postgres_execute(url: str, sql: str) -> None:
    import psycopg

    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def measure_sqlite(base_env: dict, workdir: Path, votes: int) -> dict:
    envs = {
        size: {**base_env, "SQLITE_PATH": str(workdir / f"{size}.sqlite3")}
        for size in ("seed", "scale")
    }
    for env in envs.values():
        env.pop("DATABASE_URL", None)
    _seed(envs["seed"])
    shutil.copyfile(workdir / "seed.sqlite3", workdir / "scale.sqlite3")
    _fill(envs["scale"], votes)
    for env in envs.values():
        _manage(env, "analyze_database")
    return {"sizes": paired(envs)}


def measure_postgresql(base_env: dict, workdir: Path, votes: int) -> dict:
    pgdir = workdir / "pg"
    pgdir.mkdir()
    os.chmod(workdir, 0o755)  # the postgres account reaches its cluster below it
    throwaway = str(ROOT / "bin" / "throwaway-postgres")
    started = subprocess.run(
        [throwaway, "start", str(pgdir)], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    server = started.strip().split("=", 1)[1].rsplit("/", 1)[0]
    try:
        envs = {
            size: {**base_env, "DATABASE_URL": f"{server}/{size}"} for size in ("seed", "scale")
        }
        _postgres_execute(server + "/postgres", 'CREATE DATABASE "seed"')
        _seed(envs["seed"])
        _postgres_execute(server + "/postgres", 'CREATE DATABASE "scale" TEMPLATE "seed"')
        _fill(envs["scale"], votes)
        for env in envs.values():
            _manage(env, "analyze_database")
        sizes = paired(envs)
        jit = paired(
            {
                setting: {**envs["scale"], "PGOPTIONS": f"-c jit={setting}"}
                for setting in ("on", "off")
            }
        )
        return {"sizes": sizes, "jit": jit}
    finally:
        subprocess.run([throwaway, "stop", str(pgdir)], check=False)


def report(results: dict[str, dict]) -> list[str]:
    lines = [
        f"Search on a cache miss (paired, median of {ROUNDS}, ms; SQL queries in brackets)",
        "",
        "| engine | query | seed | scale | scale ÷ seed | target ≤ 2 |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for engine, result in results.items():
        for name in QUERIES:
            (seed, seed_q), (scale, scale_q) = (result["sizes"][name][s] for s in ("seed", "scale"))
            ratio = scale / seed
            lines.append(
                f"| {engine} | {name} | {seed:.1f} ({seed_q}) | {scale:.1f} ({scale_q}) "
                f"| {ratio:.2f} | {'✓' if ratio <= 2 else '✗'} |"
            )
    for engine, result in results.items():
        if "jit" in result:
            lines += ["", f"{engine} at scale, JIT on vs off (paired, ms):", ""]
            lines += ["| query | jit on | jit off |", "| --- | ---: | ---: |"]
            for name in QUERIES:
                on, off = (result["jit"][name][s][0] for s in ("on", "off"))
                lines.append(f"| {name} | {on:.1f} | {off:.1f} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve()
        return 0
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shiporskip.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    measure = {"sqlite": measure_sqlite, "postgresql": measure_postgresql}
    results = {}
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory(prefix=f"shiporskip-bench-search-{engine}-") as workdir:
            results[engine] = measure[engine](base_env, Path(workdir), args.votes)
    print("\n".join(report(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
