"""PageFileCache: Django's file cache semantics, values stored without zlib."""

import time

import pytest

from pagecache.file_cache import PageFileCache


@pytest.fixture
def files(tmp_path):
    return PageFileCache(str(tmp_path), {})


def test_it_keeps_values_and_forgets_them_on_time(files):
    page = (b"<p>" + b"x" * 5000, (("Content-Type", "text/html; charset=utf-8"),))
    files.set("page", page, timeout=1)
    assert files.get("page") == page
    assert files.get("missing", "default") == "default"
    time.sleep(1.1)
    assert files.get("page") is None


def test_it_stores_the_bytes_uncompressed(files, tmp_path):
    files.set("page", (b"<p>" + b"x" * 5000, ()))
    (stored,) = tmp_path.glob("*.page")
    assert b"x" * 5000 in stored.read_bytes()


def test_touch_renews_an_entry_and_keeps_its_value(files):
    files.set("page", b"short-lived", timeout=1)
    assert files.touch("page", timeout=60)
    time.sleep(1.1)
    assert files.get("page") == b"short-lived"
    assert not files.touch("missing")


def test_delete_and_clear_remove_entries(files):
    files.set("a", 1)
    files.set("b", 2)
    assert files.delete("a")
    assert files.get("a") is None and files.get("b") == 2
    files.clear()
    assert files.get("b") is None


def test_a_flood_of_distinct_pages_stays_within_max_entries(tmp_path):
    # As ?q=<anything> would: every new URL is a new entry.
    cache = PageFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 100}})
    for n in range(500):
        cache.set(f"page2:/search/?q={n}", (b"x" * 100, []), 60)
    stored = list(tmp_path.glob("*.page"))
    assert 0 < len(stored) <= 100
    assert cache.get("page2:/search/?q=499") is not None  # the newest survives
