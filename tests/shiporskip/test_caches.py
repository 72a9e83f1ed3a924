"""CACHES from the environment: Redis from CACHE_URL or REDIS_URL, so several app
servers share one cache and one rate-limit store; files shared by the worker
processes otherwise."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from shiporskip.env import ImproperlyConfiguredEnv, caches_from_env
from tests.conftest import CI
from tests.shiporskip.processes import A_SECRET_KEY, free_port, manage

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def no_cache_url(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("RATELIMIT_CACHE_URL", raising=False)


def test_rate_limits_never_share_the_pages_redis(no_cache_url, monkeypatch):
    # Redis evicts by LRU across all keys: a flood of page URLs would reset counters.
    monkeypatch.setenv("CACHE_URL", "redis://cache.internal:6379/1")
    caches = caches_from_env()
    assert caches["default"]["BACKEND"] == REDIS_CACHE
    assert caches["ratelimit"]["BACKEND"] == "shiporskip.counter_cache.CountingDatabaseCache"
    monkeypatch.setenv("RATELIMIT_CACHE_URL", "redis://counters.internal:6379/0")
    caches = caches_from_env()
    assert caches["ratelimit"]["BACKEND"] == REDIS_CACHE
    assert caches["ratelimit"]["LOCATION"] == "redis://counters.internal:6379/0"
    assert caches["ratelimit"]["KEY_PREFIX"] == "shiporskip-ratelimit"
    assert caches["default"]["LOCATION"] == "redis://cache.internal:6379/1"


def test_a_bad_rate_limit_url_is_refused_by_name(no_cache_url, monkeypatch):
    monkeypatch.setenv("RATELIMIT_CACHE_URL", "memcached://counters:11211")
    with pytest.raises(ImproperlyConfiguredEnv, match="RATELIMIT_CACHE_URL"):
        caches_from_env()


def test_it_shares_a_file_cache_between_workers_without_a_url(no_cache_url, monkeypatch):
    monkeypatch.delenv("PAGE_CACHE_DIR", raising=False)
    cache = caches_from_env()["default"]
    assert cache["BACKEND"] == "pagecache.file_cache.PageFileCache"
    assert cache["LOCATION"] == str(Path(settings.BASE_DIR) / ".cache" / "pages")
    monkeypatch.setenv("PAGE_CACHE_DIR", "/var/cache/shiporskip")
    assert caches_from_env()["default"]["LOCATION"] == "/var/cache/shiporskip"
    # Bounded, so that a flood of distinct URLs cannot fill the disk.
    assert cache["OPTIONS"]["MAX_ENTRIES"] == 20_000
    monkeypatch.setenv("PAGE_CACHE_MAX_ENTRIES", "500")
    assert caches_from_env()["default"]["OPTIONS"]["MAX_ENTRIES"] == 500


@pytest.mark.parametrize("name", ["CACHE_URL", "REDIS_URL"])
def test_it_selects_redis_from_either_variable(no_cache_url, monkeypatch, name):
    monkeypatch.setenv(name, "redis://cache.internal:6379/1")
    cache = caches_from_env()["default"]
    assert cache["BACKEND"] == REDIS_CACHE
    assert cache["LOCATION"] == "redis://cache.internal:6379/1"


def test_cache_url_wins_over_redis_url(no_cache_url, monkeypatch):
    monkeypatch.setenv("CACHE_URL", "rediss://user:pw@cache.example:6380/0")
    monkeypatch.setenv("REDIS_URL", "redis://other:6379/0")
    assert caches_from_env()["default"]["LOCATION"] == "rediss://user:pw@cache.example:6380/0"


def test_it_takes_a_primary_and_replicas(no_cache_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://primary:6379/0, redis://replica:6379/0")
    assert caches_from_env()["default"]["LOCATION"] == [
        "redis://primary:6379/0",
        "redis://replica:6379/0",
    ]


def test_it_takes_a_unix_socket(no_cache_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "unix:///run/redis/redis.sock?db=2")
    assert caches_from_env()["default"]["LOCATION"] == "unix:///run/redis/redis.sock?db=2"


@pytest.mark.parametrize(
    "url",
    [
        "memcached://cache:11211",
        "cache.internal:6379",
        "redis://",
        "redis://cache:port/0",
        "redis://cache:6379/0,http://replica",
    ],
)
def test_it_refuses_a_url_that_is_not_a_redis_server(no_cache_url, monkeypatch, url):
    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(ImproperlyConfiguredEnv, match="CACHE_URL"):
        caches_from_env()


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on loopback (Debian's redis-server package)."""
    server = shutil.which("redis-server")
    if server is None:
        if CI:
            pytest.fail("redis-server is required under CI=true (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def in_app_server(code, **variables):
    """Run `code` in a separate Django process under the production settings."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.core.cache import cache; {code}",
        DJANGO_SETTINGS_MODULE="shiporskip.settings.prod",
        SECRET_KEY=A_SECRET_KEY,
        ALLOWED_HOSTS="shiporskip.example",
        **variables,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_two_app_servers_count_into_one_limit_in_the_counters_redis(redis_url):
    count = (
        "from django.core.cache import caches; c = caches['ratelimit']; "
        "c.add('votes', 0, 60); print(c.incr('votes'))"
    )
    assert in_app_server(count, RATELIMIT_CACHE_URL=redis_url) == "1"
    assert in_app_server(count, RATELIMIT_CACHE_URL=redis_url) == "2"
    client = redis.Redis.from_url(redis_url)
    try:
        assert [key.decode() for key in client.keys("*votes*")] == ["shiporskip-ratelimit:1:votes"]
    finally:
        client.close()


def test_two_app_servers_share_one_redis_cache(redis_url):
    in_app_server("cache.set('verdict', 'ship', 60)", REDIS_URL=redis_url)
    assert in_app_server("print(cache.get('verdict'))", REDIS_URL=redis_url) == "ship"
    # Without a URL each process has its own memory: nothing is shared.
    assert in_app_server("print(cache.get('verdict'))") == "None"
