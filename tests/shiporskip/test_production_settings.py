"""Production settings: they refuse to start without their variables, with one clear
line instead of a traceback, and pass Django's deployment checklist."""

import json
import sys

import pytest

from tests.shiporskip.processes import A_SECRET_KEY, manage, run

PROD = {"DJANGO_SETTINGS_MODULE": "shiporskip.settings.prod"}
REQUIRED = {**PROD, "SECRET_KEY": A_SECRET_KEY, "ALLOWED_HOSTS": "shiporskip.example"}


def assert_refused(result, message):
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"Configuration error: {message}"
    assert "Traceback" not in result.stderr + result.stdout


def test_it_refuses_to_start_without_a_secret_key():
    result = manage("check", **PROD, ALLOWED_HOSTS="shiporskip.example")
    assert_refused(
        result,
        "SECRET_KEY must be set in the environment: "
        "a long random string, e.g. from `openssl rand -hex 32`",
    )


def test_it_refuses_to_start_without_allowed_hosts():
    result = manage("check", **PROD, SECRET_KEY=A_SECRET_KEY)
    assert_refused(
        result,
        "ALLOWED_HOSTS must be set in the environment: "
        "comma-separated host names, e.g. shiporskip.example",
    )


def test_it_refuses_a_short_secret_key():
    result = manage("check", **{**REQUIRED, "SECRET_KEY": "changeme"})
    assert_refused(
        result,
        "SECRET_KEY is 8 characters long; use at least 50 random ones, "
        "e.g. from `openssl rand -hex 32`",
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DATABASE_URL",
            "mysql://db/shiporskip",
            "must start with one of postgres://, postgresql://",
        ),
        ("REDIS_URL", "http://cache:6379", "must start with one of redis://, rediss://, unix://"),
        ("CACHE_URL", "redis://:6379/0", "names no host"),
        ("SITE_URL", "shiporskip.example", "must start with one of http://, https://"),
        ("CSRF_TRUSTED_ORIGINS", "https://shiporskip.example/admin", "takes no path"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto", "must look like"),
        ("SECURE_HSTS_SECONDS", "a year", "is not a whole number"),
        ("DATABASE_POOL", "maybe", "is not a boolean"),
        ("ANYMAIL_ESP", "pigeon", "is not one of: mailgun, postmark, sendgrid"),
        ("DIGEST_MAX_ITEMS", "0", "is below the minimum of 1"),
    ],
)
def test_it_refuses_a_malformed_value_with_one_line(name, value, message):
    result = manage("check", **REQUIRED, **{name: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"Configuration error: {name}")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_it_refuses_an_email_service_without_its_api_key():
    result = manage("check", **REQUIRED, ANYMAIL_ESP="postmark")
    assert_refused(
        result,
        "ANYMAIL_POSTMARK_SERVER_TOKEN must be set in the environment: "
        "the API key of ANYMAIL_ESP=postmark",
    )


def test_an_email_service_replaces_smtp_when_named():
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, sorted(s.ANYMAIL), s.DIGEST_MAX_ITEMS)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        **REQUIRED,
        ANYMAIL_ESP="mailgun",
        ANYMAIL_MAILGUN_API_KEY="key-0123",
        ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY="whsec-0123",
        EMAIL_HOST="smtp.example",
        DIGEST_MAX_ITEMS="12",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "anymail.backends.mailgun.EmailBackend "
        "['MAILGUN_API_KEY', 'MAILGUN_WEBHOOK_SIGNING_KEY'] 12"
    )


def test_gunicorn_refuses_to_start_without_the_secret_key():
    result = run([f"{sys.prefix}/bin/gunicorn", "--config", "gunicorn.conf.py"], **PROD)
    assert_refused(
        result,
        "SECRET_KEY must be set in the environment: "
        "a long random string, e.g. from `openssl rand -hex 32`",
    )


def test_the_entrypoint_refuses_bad_server_settings_before_migrating():
    result = run(["bin/entrypoint"], **REQUIRED, WEB_CONCURRENCY="zero")
    assert_refused(result, "WEB_CONCURRENCY='zero' is not a whole number")
    assert "migrations" not in result.stdout


def test_check_deploy_reports_no_issues():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **REQUIRED)
    assert result.returncode == 0, result.stderr
    # The one silenced check is django-ratelimit's "backend not officially supported"
    # warning, which names only memcached and django-redis (see settings/base.py).
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    from django.conf import settings

    assert settings.SILENCED_SYSTEM_CHECKS == ["django_ratelimit.W001"]


def production_settings(**variables):
    """The values Django ends up with under the production settings."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'SITE_URL': s.SITE_URL, 'CSRF_TRUSTED_ORIGINS': s.CSRF_TRUSTED_ORIGINS, "
        "'SECURE_PROXY_SSL_HEADER': s.SECURE_PROXY_SSL_HEADER, "
        "'cookies': [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY], "
        "'HSTS': [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD], "
        "'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, 'DEBUG': s.DEBUG, "
        "'staticfiles': s.STORAGES['staticfiles']['BACKEND'], "
        "'database': {k: s.DATABASES['default'][k] "
        "for k in ('ENGINE', 'CONN_MAX_AGE', 'OPTIONS')}}))"
    )
    result = manage("shell", "--no-imports", "-c", code, **REQUIRED, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_runs_behind_a_tls_proxy_with_secure_cookies_and_hsts():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SITE_URL"] == "https://shiporskip.example"
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://shiporskip.example"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["cookies"] == [True, True, True, True]
    assert values["HSTS"] == [31536000, True, True]
    assert values["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_operators_can_name_the_site_and_the_proxy_header():
    values = production_settings(
        SITE_URL="https://verdicts.example/",
        CSRF_TRUSTED_ORIGINS="https://verdicts.example,https://www.verdicts.example",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme: https",
    )
    assert values["SITE_URL"] == "https://verdicts.example"
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://verdicts.example",
        "https://www.verdicts.example",
    ]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert production_settings(SECURE_PROXY_SSL_HEADER="none")["SECURE_PROXY_SSL_HEADER"] is None


def test_it_keeps_sqlite_in_wal_mode_with_immediate_transactions(tmp_path):
    database = production_settings(SQLITE_PATH=str(tmp_path / "db.sqlite3"))["database"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL;" in database["OPTIONS"]["init_command"]


def test_database_url_selects_postgresql_with_persistent_connections_by_default():
    database = production_settings(DATABASE_URL="postgres://app:secret@db:5432/shiporskip")[
        "database"
    ]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 60
    assert "pool" not in database["OPTIONS"]


def test_database_pool_selects_psycopg_connection_pooling():
    database = production_settings(
        DATABASE_URL="postgres://app:secret@db:5432/shiporskip",
        DATABASE_POOL="true",
        DATABASE_POOL_MAX_SIZE="8",
    )["database"]
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
