"""Who a reader is, for community votes: a random id in a long-lived signed cookie.

No account and no personal data: the id only ties a reader's votes together so a
second vote changes the first instead of adding to the tally.
"""

import secrets

from django.conf import settings

VISITOR_COOKIE = "sos_visitor"
_SALT = "shiporskip.visitor"
_TWO_YEARS = 2 * 365 * 24 * 3600


def visitor_key(request) -> str | None:
    """The reader's id from a cookie we signed, or None (absent or tampered)."""
    return request.get_signed_cookie(VISITOR_COOKIE, default=None, salt=_SALT)


def new_visitor_key() -> str:
    return secrets.token_urlsafe(18)


def remember_visitor(response, key: str) -> None:
    response.set_signed_cookie(
        VISITOR_COOKIE,
        key,
        salt=_SALT,
        max_age=_TWO_YEARS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
