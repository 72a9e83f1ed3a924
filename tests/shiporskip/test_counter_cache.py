"""The rate-limit counters' database cache: increments keep the window's expiry
and count exactly, one row per key."""

import pytest
from django.core.cache import caches
from django.db import connection

from shiporskip.env import RATELIMIT_TABLE


def _expires(key):
    store = caches["ratelimit"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expires FROM {RATELIMIT_TABLE} WHERE cache_key = %s",
            [store.make_key(key)],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_it_increments_without_moving_the_expiry():
    store = caches["ratelimit"]
    assert store.add("reader", 1, timeout=3600)
    expires = _expires("reader")
    assert [store.incr("reader") for _ in range(5)] == [2, 3, 4, 5, 6]
    assert store.get("reader") == 6
    assert _expires("reader") == expires  # BaseCache.incr would reset it to 300 s


@pytest.mark.django_db
def test_a_missing_or_expired_counter_is_a_value_error():
    store = caches["ratelimit"]
    with pytest.raises(ValueError, match="not found"):
        store.incr("nobody")
    store.add("gone", 1, timeout=-1)
    with pytest.raises(ValueError, match="not found"):
        store.incr("gone")
