"""Settings shared by every environment. Values that differ per deployment come
from the environment through the typed helpers in shiporskip.env."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from shiporskip.env import (
    caches_from_env,
    env_bool,
    env_database_url,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# Absolute base of links that leave the site (emails, feeds, canonical URLs).
SITE_URL = (env_str("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
SITE_NAME = "Ship or Skip"

# How many reverse proxies in front of the app append to X-Forwarded-For; 0 when
# gunicorn faces readers directly. Used to find a reader's address for rate limits.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Only for its system check: the rate-limit cache must be shared and atomic.
    "django_ratelimit",
    "verdicts",
    "comparisons",
    "newsletter",
    "pagecache",
]

MIDDLEWARE = [
    # First, so every log line of the request, static files included, has its id.
    "shiporskip.request_log.RequestIdMiddleware",
    # The security headers wrap everything below, static files and /healthz included.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shiporskip.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON, compressed for clients that ask (static files come compressed
    # from WhiteNoise). BREACH: Django masks CSRF tokens per response and pads
    # compressed output with random bytes.
    "django.middleware.gzip.GZipMiddleware",
    # Answers 304 when the ETag our page middleware sets is the browser's.
    "django.middleware.http.ConditionalGetMiddleware",
    # Cached public pages are served from here, before sessions, CSRF and views.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "shiporskip.urls"
WSGI_APPLICATION = "shiporskip.wsgi.application"

TEMPLATES = [
    {
        # Every public page and email is Jinja2.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "shiporskip.jinja2.environment"},
    },
    {
        # Django templates only for the admin (and our few admin overrides).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates" / "django"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL in production.
SQLITE_PATH = env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_POOL = env_bool("DATABASE_POOL", False)
DATABASES = {
    "default": dj_database_url.parse(
        env_database_url("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers queue on the busy timeout instead of failing with
    # "database is locked" when a read lock cannot be upgraded.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    # Persistent: opening a connection runs the PRAGMAs above, which would cost a
    # cached page more than everything else it does.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
else:
    # PostgreSQL: by default each app-server thread keeps its connection for
    # DATABASE_CONN_MAX_AGE seconds, checked before reuse; simple, and it works behind
    # PgBouncer. DATABASE_POOL=true uses Django's psycopg pool instead: a worker's
    # threads share up to DATABASE_POOL_MAX_SIZE connections, which suits many threads
    # against a server with few connection slots.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    if DATABASE_POOL:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool, not Django, keeps them
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4, minimum=1),
            # Seconds a request waits for a connection before failing.
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
        }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Our own 403 page for a missing or stale CSRF token (also answers JSON).
CSRF_FAILURE_VIEW = "shiporskip.views.csrf_failure"

# Public pages are cached whole (see pagecache); editors' saves and votes retire
# them at once, so this only bounds how long an unvisited page occupies the cache.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

# Readers' actions: "N/S" means N events per S seconds.
VOTE_RATE_LIMIT = env_str("VOTE_RATE_LIMIT", "30/60")  # votes per IP address
SUBSCRIBE_RATE_LIMIT = env_str("SUBSCRIBE_RATE_LIMIT", "10/3600")  # sign-ups per IP address
CONFIRMATION_EMAIL_RATE_LIMIT = env_str("CONFIRMATION_EMAIL_RATE_LIMIT", "3/3600")  # per address
# How long a newsletter confirmation link stays valid.
NEWSLETTER_CONFIRM_MAX_AGE = env_int("NEWSLETTER_CONFIRM_MAX_AGE", 3 * 24 * 3600)
# How many times send_weekly_digest tries an address the mail server refused.
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 5)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST", "") or ""
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ship or Skip <verdicts@shiporskip.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# One line per record on stdout, each with the id of the request that wrote it;
# gunicorn writes the access line of each request with the same id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "shiporskip.request_log.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "shiporskip.request_log.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s",
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    # Replaces Django's own console and mail handlers, so no error is written twice.
    "loggers": {"django": {"handlers": ["stdout"], "level": "INFO", "propagate": False}},
}

# Security headers on every response, in every environment, so the tests see them.
# Our scripts and styles are files in static/: nothing inline, nothing evaluated.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
# Nothing here needs a device or a payment; no page may ask for one.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Deliberately no Cross-Origin-Resource-Policy: badges (/badges/<slug>.svg) must load
# as <img> on other sites.

# Redis (CACHE_URL or REDIS_URL) shared by every app server, or local memory for
# pages and the database for rate-limit counters (see caches_from_env).
CACHES = caches_from_env()

# django-ratelimit: its counters in their own alias, never evicted by pages.
RATELIMIT_USE_CACHE = "ratelimit"
# The reader's address, found behind TRUSTED_PROXY_HOPS proxies.
RATELIMIT_IP_META_KEY = "shiporskip.ratelimit.client_address"
# One IPv6 reader usually holds a whole /64: count the network, not the address.
RATELIMIT_IPV6_MASK = 64
# A counter store that fails refuses the action rather than waving floods through.
RATELIMIT_FAIL_OPEN = False
SILENCED_SYSTEM_CHECKS = [
    # "not officially supported": its list names only memcached and django-redis;
    # Django's own RedisCache increments atomically, and so does our
    # CountingDatabaseCache (shiporskip.counter_cache).
    "django_ratelimit.W001",
]
