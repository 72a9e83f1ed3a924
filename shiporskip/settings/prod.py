"""Production: refuses to start without its secret and host names, HTTPS only.

Behind a proxy that terminates TLS, the proxy says so with X-Forwarded-Proto
(SECURE_PROXY_SSL_HEADER); cookies are Secure and HttpOnly, HSTS is on, static
files are hashed and compressed for far-future caching. `manage.py check --deploy`
with these settings reports no issues (a test holds us to it).
"""

from urllib.parse import urlsplit

from shiporskip.env import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_header,
    env_int,
    env_list,
    env_origins,
    env_required,
    env_url,
)

from .base import *  # noqa: F403

DEBUG = False

SECRET_KEY = env_required("SECRET_KEY", "a long random string, e.g. from `openssl rand -hex 32`")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfiguredEnv(
        f"SECRET_KEY is {len(SECRET_KEY)} characters long; use at least 50 random ones, "
        "e.g. from `openssl rand -hex 32`"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [
    env_required("ALLOWED_HOSTS", "comma-separated host names, e.g. shiporskip.example")
]


def _site_url_default() -> str | None:
    # The first allowed host, when it is a plain name (not a .wildcard or *).
    host = ALLOWED_HOSTS[0]
    return None if host.startswith(".") or "*" in host else f"https://{host}"


SITE_URL = (
    env_url("SITE_URL", {"http", "https"}, _site_url_default())
    or env_required("SITE_URL", "the public address, e.g. https://shiporskip.example")
).rstrip("/")
_site = urlsplit(SITE_URL)
# Origins allowed to POST forms; the public address is enough unless other
# domains front the site.
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS", [f"{_site.scheme}://{_site.netloc}"])

# Set "none" when no proxy sits in front: otherwise a client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers and the container's HEALTHCHECK ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# Forms carry the token; no script ever needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
