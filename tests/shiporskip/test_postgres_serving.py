"""The production stack on PostgreSQL with psycopg's connection pool: its own
throwaway cluster (Debian's postgresql package), so the test can stop the database
under the running server and watch /healthz fail."""

import glob
import shutil
import subprocess
import sys
import tempfile

import psycopg
import pytest

from tests.conftest import CI
from tests.html import text_of
from tests.shiporskip.processes import A_SECRET_KEY, ROOT, environment, free_port, start

COMPARISON = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smollm3/"
VIA_PROXY = {"X-Forwarded-Proto": "https", "Host": "shiporskip.example"}


def throwaway_postgres(action, directory, *args):
    return subprocess.run(
        ["bin/throwaway-postgres", action, directory, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture
def postgres():
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        if CI:
            pytest.fail("PostgreSQL is required under CI=true (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed")
    # Not under pytest's private tmp: the postgres account must reach the directory.
    directory = tempfile.mkdtemp(prefix="shiporskip-pg-test-")
    try:
        started = throwaway_postgres("start", directory, str(free_port()))
        url = started.stdout.strip().removeprefix("export DATABASE_URL=")
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE shiporskip")
        yield url, directory
    finally:
        throwaway_postgres("stop", directory)
        shutil.rmtree(directory, ignore_errors=True)


def test_it_serves_from_a_connection_pool_and_fails_health_when_postgres_stops(postgres, tmp_path):
    url, directory = postgres
    server = start(
        ["bin/entrypoint"],
        tmp_path / "server.log",
        DJANGO_SETTINGS_MODULE="shiporskip.settings.prod",
        SECRET_KEY=A_SECRET_KEY,
        ALLOWED_HOSTS="shiporskip.example",
        DATABASE_URL=url,
        DATABASE_POOL="true",
        DATABASE_POOL_TIMEOUT="2",
        STATIC_ROOT=str(tmp_path / "static"),
        LOAD_SEED="true",
        WEB_CONCURRENCY="1",
    )
    try:
        server.wait_until_healthy()
        response = server.get(COMPARISON, VIA_PROXY)
        assert response.status == 200
        assert "Claude 4 API: Tool Use Streaming & Prompt Caching vs SmolLM3" in text_of(
            response.text
        )

        throwaway_postgres("stop", directory)
        assert server.get("/healthz").status == 503
        # The request waited on psycopg's pool, which could not refill itself.
        assert "Health check failed: the database did not answer: couldn't get a connection" in (
            server.log
        )
        healthcheck = subprocess.run(
            [sys.executable, "bin/healthcheck"],
            cwd=ROOT,
            env=environment(PORT=str(server.port)),
            timeout=30,
        )
        assert healthcheck.returncode == 1
    finally:
        server.stop()
