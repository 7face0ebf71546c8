"""Per-client rate limits, declared on the views they protect.

    @limit("check")                  an HTML view (django-ratelimit's decorator); over the
                                     limit, the friendly 429 page (web.views.permission_denied)
    throttle=Throttle("api")         a django-ninja operation; over the limit, JSON 429

Both count in the same place, with the same key: django-ratelimit's atomic counter in the
"default" cache (never the "pages" cache, so evicting pages never resets a limit), per IPv4
address or IPv6 /64. Ninja's own SimpleRateThrottle is not used for counting: it keeps a
list of timestamps that it reads and writes back without a lock, so concurrent workers
lose counts. Rates come from settings.RATELIMITS at request time; RATELIMIT_ENABLED=0
turns every limit off (benchmarks).
"""

import functools
import ipaddress
import threading

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit
from ninja.throttling import BaseThrottle


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[bool, tuple]:
    """settings.TRUSTED_PROXIES parsed: whether the unix socket is trusted, and the ranges."""
    ranges = tuple(ipaddress.ip_network(p, strict=False) for p in proxies if p != "unix")
    return "unix" in proxies, ranges


def is_trusted_proxy(address: str) -> bool:
    """Whether a peer is one of settings.TRUSTED_PROXIES ("" is the local unix socket)."""
    unix, ranges = _networks(tuple(settings.TRUSTED_PROXIES))
    if not address:
        return unix
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in ranges)


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or, when that peer is a trusted proxy, the
    nearest address in X-Forwarded-For that is not one of ours.

    X-Forwarded-For is read from the right (each proxy appends the peer it saw) and
    stops at the first address outside settings.TRUSTED_PROXIES: anything left of it is
    what the client claimed, so rotating it changes nothing. From a peer that is not a
    trusted proxy the header is never read (a client reaching gunicorn directly).
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    if not is_trusted_proxy(remote):
        return remote or "0.0.0.0"
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    address = remote
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: nothing left of it can be believed
        address = hop
        if not is_trusted_proxy(hop):
            break
    return address or "0.0.0.0"


def client_key(group, request) -> str:
    """Per client: an IPv4 address, or an IPv6 /64 (one household or phone)."""
    request.ratelimit_group = group  # for the 429 page's Retry-After
    return network_of(client_ip(request))


def network_of(address: str) -> str:
    """An IPv4 address as is; an IPv6 address as its /64 network address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def client_key_for_axes(request) -> str:
    """django-axes' client address (AXES_CLIENT_IP_CALLABLE): the rate limiter's key, so
    failed logins from one IPv6 /64 count together."""
    return network_of(client_ip(request))


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
