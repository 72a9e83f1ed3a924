"""A database cache whose `incr` is atomic and keeps the key's expiry, for the
rate-limit counters (settings.CACHES["ratelimit"] without Redis).

Django's DatabaseCache increments through BaseCache: it reads the value and writes
it back with `set`, so two worker processes counting the same reader at once can
both write 5 where 6 was due, and every increment pushes the expiry out to the
default timeout, so a counter outlives or undercuts its window. Here one
transaction holds the row (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the
IMMEDIATE transactions our settings use take the write lock at BEGIN, so
increments queue) and updates only its value.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class CountingDatabaseCache(DatabaseCache):
    """DatabaseCache (LOCATION names its table, made by `createcachetable`) with a
    race-free `incr` that leaves `expires` alone. Raises ValueError for a missing or
    expired key, as every Django cache does."""

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = tz_now().replace(microsecond=0, tzinfo=None)  # as DatabaseCache.has_key
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')} FROM {table} "  # noqa: S608 (quoted names)
                f"WHERE {quote_name('cache_key')} = %s AND {quote_name('expires')} > %s{lock}",
                [key, connection.ops.adapt_datetimefield_value(now)],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            # Our own table, written only by this cache: as trusted as DatabaseCache's.
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s "  # noqa: S608 (quoted names)
                f"WHERE {quote_name('cache_key')} = %s",
                [pickled, key],
            )
        return value
