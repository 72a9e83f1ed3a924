"""PageFileCache: Django's file cache without its zlib step, for stored pages.

Without Redis, pages live in files shared by every worker process
(shiporskip.env.caches_from_env). Django's FileBasedCache deflates every value
it writes and inflates it on every read; for a stored page that is most of a
hit's cache cost (inflating the comparison page's 36 kB took longer than
opening, reading and unpickling its file), and it buys nothing: the gzip
variant is compressed already, and a page's identity variant is a few dozen
kilobytes on local disk. Files keep Django's layout (expiry, then the pickled
value), minus the compression.
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class PageFileCache(FileBasedCache):
    """FileBasedCache storing values uncompressed. Same arguments and semantics."""

    cache_suffix = ".page"  # never mistaken for a compressed .djcache file

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            with open(fname, "rb") as f:
                if not self._is_expired(f):
                    return pickle.loads(f.read())  # noqa: S301 - our own files
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    value = pickle.loads(f.read())  # noqa: S301 - our own files
                    f.seek(0)
                    self._write_content(f, timeout, value)
                    f.truncate()
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False
