"""Typed readers for configuration from the environment.

Each helper refuses a malformed value loudly instead of guessing, so a typo in a
deployment fails at start-up rather than behaving differently in production.
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


class ImproperlyConfiguredEnv(Exception):
    pass


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfiguredEnv(f"{name} must be set in the environment: {hint}")
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfiguredEnv(f"{name}={number} is below the minimum of {minimum}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name, "").strip()
    if value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: set[str], default: str) -> str:
    """One of `choices`, lower-cased; empty means the default."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfiguredEnv(f"{name}={value!r} is not one of: {allowed}")
    return value


def env_url(name: str, schemes: set[str], default: str | None = None) -> str | None:
    """A URL whose scheme is one of `schemes` and that names a host."""
    value = env_str(name, default)
    if value is None:
        return None
    _check_url(name, value, schemes)
    return value


def _check_url(name: str, value: str, schemes: set[str]) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name}={value!r} is not a valid URL") from None
    if parts.scheme not in schemes:
        allowed = ", ".join(f"{scheme}://" for scheme in sorted(schemes))
        raise ImproperlyConfiguredEnv(f"{name}={value!r} must start with one of {allowed}")
    if not (parts.hostname or (parts.scheme == "unix" and parts.path)):
        raise ImproperlyConfiguredEnv(f"{name}={value!r} names no host")


def env_origins(name: str, default: list[str]) -> list[str]:
    """Comma-separated origins (scheme://host[:port]) for CSRF_TRUSTED_ORIGINS."""
    origins = env_list(name, default)
    for origin in origins:
        _check_url(name, origin, {"http", "https"})
        if urlsplit(origin).path not in ("", "/"):
            raise ImproperlyConfiguredEnv(f"{name}: {origin!r} is an origin, it takes no path")
    return [origin.rstrip("/") for origin in origins]


def env_header(name: str, default: str) -> tuple[str, str] | None:
    """A request header and the value that marks HTTPS, written `Header-Name: value`,
    as Django's META key and value; `none` turns it off."""
    value = (env_str(name, default) or "").strip()
    if value.lower() == "none":
        return None
    header, colon, expected = (part.strip() for part in value.partition(":"))
    if not colon or not header or not expected or " " in header:
        raise ImproperlyConfiguredEnv(
            f"{name}={value!r} must look like 'X-Forwarded-Proto: https' (or be none)"
        )
    return "HTTP_" + header.upper().replace("-", "_"), expected


def env_database_url(name: str, default: str) -> str:
    """PostgreSQL (postgres://user:pass@host:port/name) or SQLite (sqlite:///path)."""
    value = env_str(name, default) or default
    if value.startswith("sqlite:///"):
        return value
    _check_url(name, value, {"postgres", "postgresql"})
    return value


_REDIS_SCHEMES = {"redis", "rediss", "unix"}
_PROJECT_DIR = Path(__file__).resolve().parent.parent


# Rate-limit counters (shiporskip.ratelimit) without Redis: a table of the database,
# made by `manage.py createcachetable`, shared by every worker process. Large enough
# that culling (which would reset counters) never happens in practice.
RATELIMIT_TABLE = "ratelimit_counters"
_DATABASE_COUNTERS = {
    "BACKEND": "shiporskip.counter_cache.CountingDatabaseCache",
    "LOCATION": RATELIMIT_TABLE,
    "OPTIONS": {"MAX_ENTRIES": 1_000_000},
}


def _redis_cache(name: str, value: str, key_prefix: str) -> dict:
    # Django's RedisCache takes a comma-separated list: the first server takes
    # writes, the others are read replicas.
    locations = [location.strip() for location in value.split(",")]
    for location in locations:
        _check_url(name, location, _REDIS_SCHEMES)
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": locations if len(locations) > 1 else locations[0],
        # A Redis that stops answering must not hold requests for long.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        "KEY_PREFIX": key_prefix,
    }


def caches_from_env() -> dict:
    """CACHES: "default" for pages, "ratelimit" for rate-limit counters.

    Pages: Redis when CACHE_URL (or REDIS_URL) names one, so that every app
    server shares them; otherwise files under PAGE_CACHE_DIR, shared by every
    worker process on this machine (never one process's memory, which another
    worker's save could not retire).

    Counters: Redis only when RATELIMIT_CACHE_URL names one (its own server, run
    with `maxmemory-policy noeviction`); otherwise the database table, shared by
    every worker and app server. Never the pages' Redis: its LRU eviction does
    not know pages from counters, so a flood of distinct URLs would reset limits.

    Raises ImproperlyConfiguredEnv for a URL that is not a Redis server's.
    """
    caches = {
        "default": {
            "BACKEND": "pagecache.file_cache.PageFileCache",
            "LOCATION": env_str("PAGE_CACHE_DIR", str(_PROJECT_DIR / ".cache" / "pages")),
            # Django's default of 300 files would hold a fraction of the site's pages;
            # past the limit a third of the files are culled (query floods included).
            "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 20_000, minimum=100)},
        },
        "ratelimit": _DATABASE_COUNTERS,
    }
    for name in ("CACHE_URL", "REDIS_URL"):
        value = env_str(name)
        if value is not None:
            caches["default"] = _redis_cache(name, value, "shiporskip")
            break
    value = env_str("RATELIMIT_CACHE_URL")
    if value is not None:
        caches["ratelimit"] = _redis_cache("RATELIMIT_CACHE_URL", value, "shiporskip-ratelimit")
    return caches


@contextmanager
def exit_on_bad_config():
    """Turn a configuration error into one line on stderr and exit status 2, for
    manage.py, the WSGI module and gunicorn.conf.py: operators read a sentence,
    not a traceback."""
    try:
        yield
    except ImproperlyConfiguredEnv as error:
        sys.stderr.write(f"Configuration error: {error}\n")
        sys.stderr.flush()
        raise SystemExit(2) from None
