"""Settings shared by every environment. Values that differ per deployment come
from the environment through the typed helpers in shiporskip.env."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from shiporskip.env import (
    caches_from_env,
    env_bool,
    env_choice,
    env_database_url,
    env_int,
    env_list,
    env_required,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])


def _development_server_url() -> str:
    """Where `make run` serves (HOST, PORT), so development links follow the server.
    A server bound to every interface is reached on this machine as localhost."""
    host = env_str("HOST", "127.0.0.1")
    if host in ("0.0.0.0", "::"):  # noqa: S104 - a bind address, never a link
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"  # an IPv6 literal in a URL
    return f"http://{host}:{env_int('PORT', 8000, minimum=1)}"


# Absolute base of links that leave the site (emails, feeds, canonical URLs).
SITE_URL = (env_str("SITE_URL") or _development_server_url()).rstrip("/")
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
    "axes",
    # Only for its system check: the rate-limit cache must be shared and atomic.
    "django_ratelimit",
    # Take history: the Historical* tables and the admin's history view.
    "simple_history",
    # Email services (ANYMAIL_ESP) and their tracking webhooks: newsletter/feedback.py.
    "anymail",
    "verdicts",
    "comparisons",
    "newsletter",
    "pagecache",
    "pages",
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
    # Compresses what the views did not (public pages come from the page cache
    # already gzipped, and are left alone). BREACH: no public page carries a
    # secret, forms staff use have Django's masked tokens, and the output is
    # padded with random bytes.
    "django.middleware.gzip.GZipMiddleware",
    # 304 from the ETag and Last-Modified that cached pages carry.
    "django.middleware.http.ConditionalGetMiddleware",
    # `private, no-store` on everything that is not a declared public page.
    "pagecache.cache_control.PrivateByDefaultMiddleware",
    # Page-cache hits for anonymous readers, answered before sessions, CSRF,
    # authentication, messages, axes and URL dispatch (none of which a hit needs).
    "pagecache.middleware.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: turns a locked-out admin sign-in into its page.
    "axes.middleware.AxesMiddleware",
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

# Axes first: it refuses a locked-out sign-in before any password is checked (and
# needs the request: authenticate(request, ...)). It logs nobody in itself.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin sign-in throttling (verdicts/signin_throttle.py): this many failures lock the
# account, wherever they come from, and the address, whichever accounts it tried.
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# The reader's address as the rate limits find it (TRUSTED_PROXY_HOPS).
AXES_CLIENT_IP_CALLABLE = "shiporskip.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "verdicts.signin_throttle.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Our own 403 page for a missing or stale CSRF token (also answers JSON).
CSRF_FAILURE_VIEW = "shiporskip.views.csrf_failure"

# Public pages are cached by their views (pagecache.decorators.cached_page);
# editors' saves and votes retire them at once, so this only bounds how long an
# unvisited page occupies the cache.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=1)
# What public pages tell HTTP caches (pagecache.cache_control): browsers keep a
# page for PAGE_BROWSER_MAX_AGE seconds, shared caches (nginx, a CDN) for
# PAGE_SHARED_MAX_AGE, and may serve it PAGE_STALE_SECONDS longer while they fetch
# a fresh one.
PAGE_BROWSER_MAX_AGE = env_int("PAGE_BROWSER_MAX_AGE", 0, minimum=0)
PAGE_SHARED_MAX_AGE = env_int("PAGE_SHARED_MAX_AGE", 60, minimum=0)
PAGE_STALE_SECONDS = env_int("PAGE_STALE_SECONDS", 30, minimum=0)

# Honest numbers (verdicts/verdict.py): a panel verdict from fewer takes than
# VERDICT_MIN_TAKES is labelled preliminary; readers' votes show as a percentage
# only from COMMUNITY_MIN_VOTES votes (below it, the counts alone).
VERDICT_MIN_TAKES = env_int("VERDICT_MIN_TAKES", 3, minimum=1)
COMMUNITY_MIN_VOTES = env_int("COMMUNITY_MIN_VOTES", 10, minimum=1)

# Readers' actions: "N/S" means N events per S seconds.
VOTE_RATE_LIMIT = env_str("VOTE_RATE_LIMIT", "30/60")  # votes per IP address
SUBSCRIBE_RATE_LIMIT = env_str("SUBSCRIBE_RATE_LIMIT", "10/3600")  # sign-ups per IP address
CONFIRMATION_EMAIL_RATE_LIMIT = env_str("CONFIRMATION_EMAIL_RATE_LIMIT", "3/3600")  # per address
# How long a newsletter confirmation link stays valid.
NEWSLETTER_CONFIRM_MAX_AGE = env_int("NEWSLETTER_CONFIRM_MAX_AGE", 3 * 24 * 3600)
# Seconds a "manage your subscription" link stays valid after the email it came in.
NEWSLETTER_MANAGE_MAX_AGE = env_int("NEWSLETTER_MANAGE_MAX_AGE", 90 * 24 * 3600)
# Most tools and categories one subscriber may follow (the manage page says so beyond).
NEWSLETTER_MAX_FOLLOWS = env_int("NEWSLETTER_MAX_FOLLOWS", 200, minimum=1)
# Seconds an issue's verified-vote link (newsletter/verified.py) stays valid after
# the issue was composed.
NEWSLETTER_VOTE_MAX_AGE = env_int("NEWSLETTER_VOTE_MAX_AGE", 30 * 24 * 3600, minimum=1)
# How many times send_weekly_digest tries an address the mail server refused.
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 5)
# How many new comparisons, and how many updated verdicts, an issue's email shows;
# the rest are counted ("and N more") and listed on the archive page.
DIGEST_MAX_ITEMS = env_int("DIGEST_MAX_ITEMS", 20, minimum=1)
# ...and fewer when the HTML and text bodies together would pass this many bytes:
# mail clients clip messages over about 100 KB (Gmail at 102 KB).
DIGEST_MAX_BYTES = env_int("DIGEST_MAX_BYTES", 90_000, minimum=10_000)

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
# An email service instead (README "Email delivery"): ANYMAIL_ESP names it, its
# API key comes from ANYMAIL_<ESP>_…, and ANYMAIL_WEBHOOK_SECRET ("user:password")
# is the basic auth its tracking webhooks (/newsletter/esp/<esp>/tracking/) must
# carry; Mailgun's are also signed with ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY.
ANYMAIL_ESP = env_choice("ANYMAIL_ESP", {"postmark", "mailgun", "sendgrid"}, "")
ANYMAIL_BACKENDS = {
    "postmark": "anymail.backends.postmark.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
}
_ANYMAIL_KEYS = {
    "WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET"),
    "POSTMARK_SERVER_TOKEN": env_str("ANYMAIL_POSTMARK_SERVER_TOKEN"),
    "MAILGUN_API_KEY": env_str("ANYMAIL_MAILGUN_API_KEY"),
    "MAILGUN_SENDER_DOMAIN": env_str("ANYMAIL_MAILGUN_SENDER_DOMAIN"),
    "MAILGUN_API_URL": env_str("ANYMAIL_MAILGUN_API_URL"),  # the EU region's, when used
    "MAILGUN_WEBHOOK_SIGNING_KEY": env_str("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY"),
    "SENDGRID_API_KEY": env_str("ANYMAIL_SENDGRID_API_KEY"),
}
ANYMAIL = {key: value for key, value in _ANYMAIL_KEYS.items() if value is not None}
_ANYMAIL_API_KEYS = {
    "postmark": "ANYMAIL_POSTMARK_SERVER_TOKEN",
    "mailgun": "ANYMAIL_MAILGUN_API_KEY",
    "sendgrid": "ANYMAIL_SENDGRID_API_KEY",
}
if ANYMAIL_ESP:  # refuse to start rather than fail every message of the first send
    env_required(_ANYMAIL_API_KEYS[ANYMAIL_ESP], f"the API key of ANYMAIL_ESP={ANYMAIL_ESP}")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    ANYMAIL_BACKENDS.get(ANYMAIL_ESP)
    or (
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
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
    "loggers": {
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        # Axes' start-up banner would land in every management command's output;
        # its warnings about failed and locked-out sign-ins still come through.
        "axes.apps": {"level": "WARNING"},
    },
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

# Pages: Redis (CACHE_URL or REDIS_URL) shared by every app server, otherwise files
# under PAGE_CACHE_DIR shared by this machine's worker processes. Rate-limit
# counters: their own Redis (RATELIMIT_CACHE_URL), otherwise the database; never
# the pages' store (see caches_from_env).
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
