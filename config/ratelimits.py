"""Per-client rate limits, declared on the views they protect.

    @limit("check")                  an HTML view (django-ratelimit's decorator); over the
                                     limit, the friendly 429 page (config.views.permission_denied)
    throttle=Throttle("api")         a django-ninja operation; over the limit, JSON 429

Both count in the same place, with the same key: django-ratelimit's atomic counter in the
"default" cache (never the "pages" cache, so evicting pages never resets a limit), per IPv4
address or IPv6 /64. Ninja's own SimpleRateThrottle is not used for counting: it keeps a
list of timestamps that it reads and writes back without a lock, so concurrent workers
lose counts. Rates come from settings.RATELIMITS at request time; RATELIMIT_ENABLED=0
turns every limit off (benchmarks).
"""

import ipaddress
import threading

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit
from ninja.throttling import BaseThrottle


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or the trusted proxies' X-Forwarded-For entry.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For is the
    one the outermost trusted proxy saw; anything left of it is what the client claimed.
    """
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            candidate = hops[-count] if len(hops) >= count else hops[0]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def client_key(group, request) -> str:
    """Per client: an IPv4 address, or an IPv6 /64 (one household or phone)."""
    request.ratelimit_group = group  # for the 429 page's Retry-After
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def rate(group, request) -> str | None:
    """The group's rate now; None (no limit) when limits are off."""
    return settings.RATELIMITS[group] if settings.RATELIMIT_ENABLED else None


def limit(group: str):
    """Count each request to the view; over the limit, raise Ratelimited (a 429 page)."""
    return ratelimit(group=group, key=client_key, rate=rate, block=True)


def retry_after(request) -> int:
    """Seconds until the client's current window ends."""
    group = getattr(request, "ratelimit_group", None)
    usage = group and get_usage(request, group=group, key=client_key, rate=rate)
    return max(1, usage["time_left"]) if usage else 60


class Throttle(BaseThrottle):
    """A django-ninja throttle counted by django-ratelimit (see the module docstring)."""

    def __init__(self, group: str):
        self.group = group
        self._last = threading.local()  # one throttle object serves every thread

    def allow_request(self, request) -> bool:
        usage = get_usage(request, group=self.group, key=client_key, rate=rate, increment=True)
        limited = bool(usage and usage["should_limit"])
        self._last.wait = max(1, usage["time_left"]) if limited else None
        if limited:
            request.limited = True  # logged as rate_limited
        return not limited

    def wait(self) -> float | None:
        return getattr(self._last, "wait", None)
