"""CSRF tokens for cached pages, in Django's own token format, made faster.

Every cached hit masks the reader's CSRF secret afresh (the mask is what keeps
a compressed page from leaking the secret, BREACH-style). Django builds the
mask with 32 calls to secrets.choice, the largest single cost of a hit; this
draws the same kind of mask from one secrets.token_bytes() call. The token is
mask + cipher exactly as django.middleware.csrf makes it, and
tests/pagecache/test_csrf_tokens.py holds the two together.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_BASE = len(CSRF_ALLOWED_CHARS)  # 62
_INDEX = {char: i for i, char in enumerate(CSRF_ALLOWED_CHARS)}
_UNBIASED_BELOW = 256 - 256 % _BASE  # 248: bytes at or above would favour some characters


def _random_mask() -> list[int]:
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [b % _BASE for b in secrets.token_bytes(CSRF_SECRET_LENGTH) if b < _UNBIASED_BELOW]
    return mask[:CSRF_SECRET_LENGTH]


def mask_secret(secret: str) -> str:
    mask = _random_mask()
    cipher = (
        CSRF_ALLOWED_CHARS[(_INDEX[s] + m) % _BASE] for s, m in zip(secret, mask, strict=True)
    )
    return "".join(CSRF_ALLOWED_CHARS[m] for m in mask) + "".join(cipher)


def page_csrf_token(request) -> str:
    """A masked token for the reader's secret; a new reader gets Django's own
    get_token(), which also makes the secret and marks the cookie for sending."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)
    return mask_secret(secret)
