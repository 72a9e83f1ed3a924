"""The test suite: fast hashing, local-memory email, the same database rules."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Pages: one process per test run, so local memory is enough and cache.clear()
# between tests (tests/conftest.py) is instant. Rate-limit counters stay in their
# own store, as in every environment (tests of real servers use the dev settings).
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
