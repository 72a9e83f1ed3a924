"""Development links follow the server: `PORT=8101 make run` links to port 8101.

Confirmation and unsubscribe links, canonical URLs, the JSON and badge links, the
feed and JSON-LD are all made absolute from SITE_URL, which in development comes
from the HOST and PORT the server binds unless SITE_URL is set.
"""

import json
import re

import pytest

from tests.shiporskip.processes import manage, start

SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8101"}, "http://127.0.0.1:8101"),
        ({"HOST": "0.0.0.0", "PORT": "8102"}, "http://localhost:8102"),
        ({"HOST": "::1", "PORT": "8103"}, "http://[::1]:8103"),
        ({"PORT": "8104", "SITE_URL": "https://verdicts.example/"}, "https://verdicts.example"),
    ],
)
def test_it_derives_site_url_from_host_and_port(overrides, expected):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SITE_URL,
        DJANGO_SETTINGS_MODULE="shiporskip.settings.dev",
        **overrides,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_bad_port_stops_with_one_line():
    result = manage("check", DJANGO_SETTINGS_MODULE="shiporskip.settings.dev", PORT="eighty")
    assert result.returncode == 2
    assert "Configuration error: PORT='eighty' is not a whole number" in result.stderr


def test_make_run_on_another_port_links_to_that_port(tmp_path):
    server = start(
        ["make", "--no-print-directory", "run"],
        tmp_path / "run.log",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    try:
        server.wait_until_healthy()
        base = f"http://127.0.0.1:{server.port}"
        page = server.get("/tools/smolvm/").text
        assert f'<link rel="canonical" href="{base}/tools/smolvm/">' in page
        assert f'href="{base}/tools/smolvm.json"' in page
        assert f"{base}/badges/smolvm.svg" in page
        ld = json.loads(re.search(r'ld\+json">(.*?)</script>', page).group(1))
        assert ld["url"] == f"{base}/tools/smolvm/"
        feed = server.get("/feeds/comparisons/").text
        assert f'<link href="{base}/feeds/comparisons/" rel="self"/>' in feed
        assert f'href="{base}/compare/claude-4-api' in feed
        assert "127.0.0.1:8000" not in page
    finally:
        server.stop()
