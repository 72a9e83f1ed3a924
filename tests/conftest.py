"""Fixtures shared by the whole suite."""

import os
import shutil

import hypothesis
import pytest
from django.core.management import call_command

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# The fuzzers (tests/robustness) try new random inputs on every local run; CI
# replays a fixed seed, so a failure there is reproducible and never a fluke.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
if CI:
    hypothesis.settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Rate-limit counters live in a database table (the "ratelimit" cache). A `db`
    test's rows roll back with its transaction; flushing after a transactional test
    empties model tables only, so those tests start from an emptied counter table."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    from django.core.cache import caches

    request.getfixturevalue("transactional_db")
    caches["ratelimit"].clear()


@pytest.fixture
def back_to_latest():
    """After a migration test (tests/migrations_helpers.py): every migration applied
    again, as the rest of the suite expects."""
    yield
    from tests.migrations_helpers import migrate_to_latest

    migrate_to_latest()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd); Django's mail goes to it."""
    from tests.smtp import RecordingSMTPServer

    with RecordingSMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        yield server


@pytest.fixture
def editor_client(client, db):
    """The test client signed in as a member of the Editors group (not a superuser)."""
    from tests.factories import make_editor

    client.force_login(make_editor())
    return client


@pytest.fixture
def seeded(db):
    """The five seed comparisons, loaded from fixtures/seed.json."""
    call_command("loaddata", "fixtures/seed.json", verbosity=0)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright's own browser downloads cannot work here.
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if CI:
            pytest.fail(f"Chromium is required under CI=true but {CHROMIUM} is missing")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']} CI={CI}"
