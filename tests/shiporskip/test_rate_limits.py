"""Rate limits in their own store (the "ratelimit" cache): a flood of pages cannot
reset them, every worker process counts into one limit, IPv6 readers count by /64
and behind a proxy the forwarded address counts."""

import http.client
import re
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.test.client import RequestFactory

from bench.vote_storm import Reader
from newsletter.signup import sign_up
from shiporskip.ratelimit import client_address
from tests.server import gunicorn
from verdicts.models import CommunityVote

# Long windows: django-ratelimit's windows end at a per-key offset, so a test could
# straddle two windows of a short period.
AN_HOUR_AND_MORE = 10**6


def vote(client, slug="smolvm", verdict="ship"):
    return client.post(f"/tools/{slug}/vote/", {"verdict": verdict})


def test_the_default_store_is_a_shared_database_table_not_the_page_cache():
    assert django_settings.RATELIMIT_USE_CACHE == "ratelimit"
    store = django_settings.CACHES["ratelimit"]
    assert store["BACKEND"] == "shiporskip.counter_cache.CountingDatabaseCache"
    assert store != django_settings.CACHES["default"]
    from django_ratelimit.checks import check_caches

    # Shared and atomic: only the "not in our list" warning (silenced in settings).
    assert [error.id for error in check_caches(None)] == ["django_ratelimit.W001"]


@pytest.mark.django_db
def test_ipv6_readers_are_counted_by_their_64_network(seeded, settings):
    settings.VOTE_RATE_LIMIT = f"1/{AN_HOUR_AND_MORE}"
    assert vote(Client(REMOTE_ADDR="2001:db8:1:2::1")).status_code == 303
    same_network = Client(REMOTE_ADDR="2001:db8:1:2:ffff:eeee:dddd:9")
    assert vote(same_network).status_code == 429
    next_network = Client(REMOTE_ADDR="2001:db8:1:3::1")
    assert vote(next_network).status_code == 303
    assert CommunityVote.objects.count() == 2


@pytest.mark.django_db
def test_behind_one_proxy_the_address_it_saw_counts_and_forged_entries_do_not(seeded, settings):
    settings.VOTE_RATE_LIMIT = f"1/{AN_HOUR_AND_MORE}"
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = "127.0.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert vote(first).status_code == 303
    # The reader changes what it sends; the proxy still appends the address it saw.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7")
    assert vote(forged).status_code == 429
    other_reader = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert vote(other_reader).status_code == 303


@pytest.mark.parametrize(
    ("forwarded", "remote", "expected"),
    [
        ("203.0.113.7", "127.0.0.1", "203.0.113.7"),
        ("unknown", "127.0.0.1", "127.0.0.1"),  # not an address: the proxy's bucket
        ("203.0.113.7:5555", "127.0.0.1", "127.0.0.1"),
        ("", "", "0.0.0.0"),  # a Unix socket: one shared bucket, never an error
        ("2001:DB8::1", "127.0.0.1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_always_an_address(settings, forwarded, remote, expected):
    settings.TRUSTED_PROXY_HOPS = 1
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.django_db
def test_a_url_flood_does_not_reset_the_confirmation_email_limit(client, smtp_server, settings):
    settings.CONFIRMATION_EMAIL_RATE_LIMIT = f"1/{AN_HOUR_AND_MORE}"
    sign_up("victim@example.com")
    smtp_server.wait_for(1)
    for n in range(1, 1201):  # more than the page cache holds (LocMemCache: 300)
        assert client.get(f"/robots.txt?x={n}").status_code == 200
    sign_up("victim@example.com")
    sign_up("victim@example.com")
    assert len(smtp_server.to("victim@example.com")) == 1


def _post_vote(reader):
    # Readers' forms carry no token (shiporskip/lib/cross_origin.py).
    body = urlencode({"verdict": "ship"})
    status, _ = reader.request("POST", "/tools/smolvm/vote/", body)
    return status


def _get(base_url, path):
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_gunicorn_workers_share_one_limit_that_a_url_flood_does_not_reset(tmp_path):
    limit = 10
    access_log = ["--access-logfile", "-", "--access-logformat", "pid=%(p)s %(r)s %(s)s"]
    extra_env = {"VOTE_RATE_LIMIT": f"{limit}/{AN_HOUR_AND_MORE}"}
    with gunicorn(tmp_path, workers=2, extra_env=extra_env, extra_args=access_log) as (
        base_url,
        log_path,
        _env,
    ):
        # Eight readers at once, so both (sync) workers take votes.
        readers = [Reader(base_url) for _ in range(8)]
        statuses = []
        lock = threading.Lock()

        def cast(reader, times):
            for _ in range(times):
                status = _post_vote(reader)
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=cast, args=(reader, 4)) for reader in readers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        for n in range(1, 1201):
            path = (f"/robots.txt?x={n}", f"/badges/smolvm.svg?x={n}", f"/?x={n}")[n % 3]
            assert _get(base_url, path) == 200
        readers[0].connection = None  # the server has long closed the idle one
        after_flood = _post_vote(readers[0])
        log = log_path.read_text()

    assert sorted(statuses) == [303] * limit + [429] * (len(statuses) - limit)
    assert after_flood == 429
    voting_workers = set(re.findall(r"pid=<?(\d+)>? POST /tools/smolvm/vote/", log))
    assert len(voting_workers) == 2, log[-2000:]
    assert "Traceback" not in log


def test_the_library_refuses_a_rate_limit_store_that_is_not_shared(settings):
    from django_ratelimit.checks import check_caches

    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    assert [error.id for error in check_caches(None)] == [
        "django_ratelimit.E003",
        "django_ratelimit.W001",
    ]
