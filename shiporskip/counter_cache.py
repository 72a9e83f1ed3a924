"""A database cache whose `incr` is atomic, for the rate-limit counters.

Django's DatabaseCache increments by reading the value and writing it back, so two
worker processes counting the same reader at once can both write 5 where 6 was due
(django-ratelimit's check refuses it for that reason). Here the read and the write
happen in one transaction that holds the row: `SELECT … FOR UPDATE` on PostgreSQL,
and on SQLite the IMMEDIATE transactions our settings use take the write lock at
BEGIN, so increments queue instead of racing.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class CountingDatabaseCache(DatabaseCache):
    """DatabaseCache (LOCATION names its table, made by `createcachetable`) with a
    race-free `incr`; raises ValueError for a missing key, as every Django cache does."""

    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                key_name = self.make_and_validate_key(key, version=version)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                        [key_name],
                    )
            return super().incr(key, delta, version)
