"""The development page cache is shared by gunicorn's worker processes (Django's
file cache), and a save made by another process is visible on every worker."""

import urllib.request

from tests.server import gunicorn, manage


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode(), response.headers


def test_workers_share_the_file_cache_and_see_a_save_at_once(tmp_path):
    with gunicorn(tmp_path, workers=2) as (base_url, log_path, env):
        stored = tmp_path / "page-cache"
        first = _get(f"{base_url}/tools/")
        entries = len(list(stored.glob("*.page")))
        pages = [first] + [_get(f"{base_url}/tools/") for _ in range(7)]
        for html, headers in pages:
            assert "smolvm" in html
            assert headers["Cache-Control"].startswith("public, ")
            assert int(headers["Content-Length"]) == len(html.encode())
            assert headers.get("Set-Cookie") is None
        # Stored once, then served to both workers from the shared files.
        assert entries >= 1
        assert len(list(stored.glob("*.page"))) == entries
        assert len({html for html, _ in pages}) == 1
        manage(
            env,
            "shell",
            "-c",
            "from verdicts.models import Tool; t = Tool.objects.get(slug='smolvm');"
            " t.tagline = 'Renamed by another process'; t.save()",
        )
        for _ in range(8):
            assert "Renamed by another process" in _get(f"{base_url}/tools/")[0]
        assert "Traceback" not in log_path.read_text()
