"""Fixed-window rate limits kept in Django's cache.

With the Redis cache (REDIS_URL) every app server shares one count; with the
local-memory default each process counts alone, so the effective limit is the
limit times the number of processes: still a bound, never a lockout.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from shiporskip.env import ImproperlyConfiguredEnv


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "30/60" means 30 events per 60 seconds."""
        try:
            count, seconds = (int(part) for part in text.split("/"))
        except ValueError:
            raise ImproperlyConfiguredEnv(f"{text!r} is not a rate like 30/60") from None
        if count < 1 or seconds < 1:
            raise ImproperlyConfiguredEnv(f"{text!r}: count and seconds must be positive")
        return cls(count, seconds)


def hit(scope: str, identity: str, rate: Rate) -> bool:
    """Count one event; True while the identity stays within the rate."""
    window = int(time.time() // rate.seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.seconds + 1)
        count = 1
    return count <= rate.count


def client_address(request) -> str:
    """The reader's IP address.

    Behind TRUSTED_PROXY_HOPS proxies (settings), each proxy appended the address
    it saw to X-Forwarded-For, so the reader's is that many entries from the
    right; anything further left is client-supplied and could be forged.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
