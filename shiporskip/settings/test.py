"""The test suite: fast hashing, local-memory email, the same database rules."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# One process per test run: local memory is enough for pages, and cache.clear()
# between tests (tests/conftest.py) is instant. The "ratelimit" alias keeps its
# database counters from base, as tests/conftest.py's _fresh_rate_limits expects.
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
