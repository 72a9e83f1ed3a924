"""Fixed-window rate limits on readers' actions, counted by django-ratelimit.

The counters live in their own cache alias, "ratelimit" (settings.CACHES): Redis
when CACHE_URL/REDIS_URL names one, the database otherwise. Either way every worker
process and app server shares one count, and no flood of cached pages can evict
a counter (pages live in the "default" alias).
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from shiporskip.env import ImproperlyConfiguredEnv


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "30/60" means 30 events per 60 seconds; raises ImproperlyConfiguredEnv."""
        try:
            count, seconds = (int(part) for part in text.split("/"))
        except ValueError:
            raise ImproperlyConfiguredEnv(f"{text!r} is not a rate like 30/60") from None
        if count < 1 or seconds < 1:
            raise ImproperlyConfiguredEnv(f"{text!r}: count and seconds must be positive")
        return cls(count, seconds)


def hit(scope: str, identity: str, rate: Rate) -> bool:
    """Count one event of `identity` (e.g. an email address) in `scope`; True while
    the identity stays within the rate. django-ratelimit stores only a hash of it."""
    limited = is_ratelimited(
        None,  # the key below never looks at a request
        group=scope,
        key=lambda group, request: identity,
        rate=(rate.count, rate.seconds),
        increment=True,
    )
    return not limited


def hit_address(scope: str, request: HttpRequest, rate: Rate) -> bool:
    """Count one event from the reader's address (client_address; IPv6 readers by
    their /64 network, settings.RATELIMIT_IPV6_MASK); True while within the rate."""
    limited = is_ratelimited(
        request, group=scope, key="ip", rate=(rate.count, rate.seconds), increment=True
    )
    return not limited


def _valid_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The reader's IP address (settings.RATELIMIT_IP_META_KEY names this function).

    Behind TRUSTED_PROXY_HOPS proxies (settings), each proxy appended the address
    it saw to X-Forwarded-For, so the reader's is that many entries from the
    right; anything further left is client-supplied and could be forged. Without
    a usable address (e.g. gunicorn on a Unix socket) every such reader shares
    the bucket of 0.0.0.0: still a bound, never an error.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            address = _valid_address(forwarded[-hops])
            if address:
                return address
    return _valid_address(request.META.get("REMOTE_ADDR", "") or "") or "0.0.0.0"  # noqa: S104
