"""The production stack for real: bin/entrypoint migrates, collects static files,
loads the seed and starts gunicorn with the production settings on SQLite; `make
serve` runs the same on this machine. Requests go over loopback like a proxy's."""

import gzip
import json
import shutil
import subprocess
import sys

import brotli
import pytest

from tests.html import text_of
from tests.shiporskip.headers import assert_security_headers
from tests.shiporskip.processes import A_SECRET_KEY, ROOT, environment, start

COMPARISON = "/compare/claude-4-api-tool-use-streaming-prompt-caching-vs-smollm3/"
# What the TLS proxy in front adds to every request it forwards.
VIA_PROXY = {"X-Forwarded-Proto": "https", "Host": "shiporskip.example"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("serving")


@pytest.fixture(scope="module")
def server(data_dir):
    (data_dir / "db").mkdir()
    server = start(
        ["bin/entrypoint"],
        data_dir / "server.log",
        DJANGO_SETTINGS_MODULE="shiporskip.settings.prod",
        SECRET_KEY=A_SECRET_KEY,
        ALLOWED_HOSTS="shiporskip.example,127.0.0.1",
        SQLITE_PATH=str(data_dir / "db" / "db.sqlite3"),
        STATIC_ROOT=str(data_dir / "static"),
        LOAD_SEED="true",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


def test_it_serves_the_seeded_comparison_page_with_every_header(server):
    response = server.get(COMPARISON, {**VIA_PROXY, "X-Request-ID": "serving-compare-1"})
    assert response.status == 200
    text = text_of(response.text)
    assert "Claude 4 API: Tool Use Streaming & Prompt Caching vs SmolLM3" in text
    assert_security_headers(response.headers)
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Request-ID"] == "serving-compare-1"


def test_the_admin_login_and_a_404_carry_every_header(server):
    login = server.get("/admin/login/", VIA_PROXY)
    assert login.status == 200
    assert_security_headers(login.headers)
    cookie = login.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    missing = server.get("/compare/nothing-vs-nobody/", VIA_PROXY)
    assert missing.status == 404
    assert "We could not find that page" in missing.text
    assert_security_headers(missing.headers)


def test_plain_http_is_redirected_to_https_except_the_health_check(server):
    response = server.get(COMPARISON, {"Host": "shiporskip.example"})
    assert response.status == 301
    assert response.headers["Location"] == f"https://shiporskip.example{COMPARISON}"
    assert server.get("/healthz").status == 200


def test_hashed_static_files_are_compressed_and_cached_for_years(server, data_dir):
    manifest = json.loads((data_dir / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    css = (ROOT / "static" / "css" / "site.css").read_bytes()
    # The page links the hashed name, so readers get the far-future cached file.
    assert f"/static/{hashed}" in server.get("/", VIA_PROXY).text

    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = server.get(f"/static/{hashed}", {**VIA_PROXY, "Accept-Encoding": encoding})
        assert response.status == 200
        assert response.headers["Content-Encoding"] == encoding
        assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert decompress(response.body) == css


def test_each_request_is_one_access_line_with_its_request_id(server):
    server.get("/healthz", {"X-Request-ID": "serving-log-7"})
    lines = server.log_lines_with("request_id=serving-log-7")
    assert len(lines) == 1
    assert '"GET /healthz HTTP/1.1" 200' in lines[0]


def test_the_health_check_fails_while_the_database_is_gone(server, data_dir):
    healthcheck = [sys.executable, "bin/healthcheck"]
    env = environment(PORT=str(server.port))
    assert subprocess.run(healthcheck, cwd=ROOT, env=env, timeout=30).returncode == 0

    # Take the database's directory away: SQLite cannot even create a new file.
    shutil.move(data_dir / "db", data_dir / "db-elsewhere")
    try:
        response = server.get("/healthz")
        assert response.status == 503
        assert response.body == b"database unavailable\n"
        assert subprocess.run(healthcheck, cwd=ROOT, env=env, timeout=30).returncode == 1
        assert "Health check failed: the database did not answer" in server.log
    finally:
        shutil.move(data_dir / "db-elsewhere", data_dir / "db")
    assert server.get("/healthz").status == 200


def test_make_serve_runs_production_mode_with_development_values(tmp_path):
    server = start(
        ["make", "--no-print-directory", "serve"],
        tmp_path / "serve.log",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="1",
    )
    try:
        server.wait_until_healthy()
        response = server.get("/")
        # Plain HTTP on this machine: no redirect, the seed loaded, production headers.
        assert response.status == 200
        assert "Claude 4 API: Tool Use Streaming & Prompt Caching vs SmolLM3" in text_of(
            response.text
        )
        assert_security_headers(response.headers)
        assert (tmp_path / "static" / "staticfiles.json").exists()
        assert "Starting gunicorn" in server.log
        assert "DJANGO_SETTINGS_MODULE=shiporskip.settings.prod" in server.log
    finally:
        server.stop()
