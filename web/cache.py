"""A Redis cache that never takes the site down with it.

The cache only makes pages faster; every page can be rendered without it. So when Redis is
unreachable, each call answers as a cache miss would (get -> default, add/set -> False,
incr -> ValueError as for a missing key) and logs the error instead of raising it. After a
failure the backend stops trying for a few seconds, so a dead Redis costs one failed
connection per process every few seconds rather than one per request.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("beforeyoumix.cache")

# INCRBY only if the key exists, in one round trip (Django's client sends EXISTS, then INCRBY).
_INCR_EXISTING = (
    "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end"
)
# INCRBY, and when that made the key, give it its expiry: one round trip, atomic (a key can
# never be left without an expiry, so a counter can never outlive its window).
_INCR_CREATING = (
    "local n = redis.call('incrby', KEYS[1], ARGV[1]) "
    "if n == tonumber(ARGV[1]) then redis.call('expire', KEYS[1], ARGV[2]) end return n"
)


class _Client(RedisCacheClient):
    """Django's client, reusing one redis.Redis per pool (they are thread-safe and costly
    to build) and incrementing in one round trip."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client

    def incr(self, key, delta):
        value = self.get_client(key, write=True).eval(_INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class FaultTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER_SECONDS", 5))
        # Fail fast: a cache that takes seconds to answer is worse than no cache.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = _Client
        self._down_until = 0.0

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        self._down_until = time.monotonic() + self.retry_after
        # The message names the operation and error only: keys may contain page paths.
        logger.error(
            "cache %s failed (%s: %s); serving without the cache for %.0f s",
            operation,
            type(error).__name__,
            error,
            self.retry_after,
        )

    def _call(self, operation, fallback, *args, **kwargs):
        """Django's `operation`, or `fallback()` while Redis is failing."""
        parent = getattr(super(), operation)
        return self._guarded(operation, fallback, lambda: parent(*args, **kwargs))

    def _guarded(self, operation, fallback, call):
        from redis.exceptions import RedisError

        if not self._available():
            return fallback()
        try:
            return call()
        except (RedisError, OSError) as error:
            self._failed(operation, error)
            return fallback()

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default=default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout=timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: False, key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version=version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key {key!r} not found (cache unavailable).")

        return self._call("incr", missing, key, delta=delta, version=version)

    def clear(self):
        return self._call("clear", lambda: False)


class _CounterClient(_Client):
    _script = None

    def incr_creating(self, key, delta, timeout):
        client = self.get_client(key, write=True)
        if self._script is None:  # EVALSHA: Redis keeps the script, so only its hash is sent
            self._script = client.register_script(_INCR_CREATING)
        return self._script(keys=[key], args=[delta, timeout], client=client)


class RateCounterCache(FaultTolerantRedisCache):
    """The rate limiter's counters (settings.RATELIMIT_USE_CACHE): one round trip to Redis
    per counted request instead of two.

    django-ratelimit counts with add(key, 1, window) and, when the key was there already,
    incr(key): two round trips on every request but a window's first, and each one a wait
    for Redis while the worker holds its request (on this 2-core machine the checker served
    about a fifth fewer lists with the limiter on than off). Here add() of a counter only
    notes the window and answers "already there"; incr() then creates the counter with
    that expiry or adds to it, atomically, in one Lua call (EVALSHA). A read (get_usage
    without increment) still reads the count, or 0 when there is none. For counters only:
    any other use of add() would be wrong here, so no other code is pointed at this alias.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _CounterClient
        self._window = threading.local()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._window.seconds = self.get_backend_timeout(timeout)
        return False

    def incr(self, key, delta=1, version=None):
        seconds = max(1, int(getattr(self._window, "seconds", None) or self.default_timeout))
        key = self.make_and_validate_key(key, version=version)

        def missing():
            raise ValueError(f"Key {key!r} not counted (cache unavailable).")

        return self._guarded(
            "incr", missing, lambda: self._cache.incr_creating(key, delta, seconds)
        )
