"""Shared-cache helpers: the page-cache generation and batched counters.

Rendered public pages are cached under a *generation* number. Saving or deleting any guide,
topic, tag or knowledge-base row bumps it (signals below), so the next request renders
fresh pages on every app server; old entries simply age out. Each process remembers the
generation for a second, so a cache hit costs one round trip to the cache, not two.
"""

import functools
import hashlib
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "pages:generation"
GENERATION_MEMO_SECONDS = 1.0
# Apps whose rows appear on cached pages.
CONTENT_APPS = {"articles", "interactions"}

_memo: tuple[int, float] | None = None


def generation() -> int:
    global _memo
    now = time.monotonic()
    if _memo is not None and now - _memo[1] < GENERATION_MEMO_SECONDS:
        return _memo[0]
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Start from the clock so a flushed cache never reuses an older generation.
        value = int(time.time() * 1000)
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    _memo = (value, now)
    return value


@functools.cache
def release() -> str:
    """What this process serves: RELEASE from the environment, else a hash of the knowledge
    files and the static manifest. During a rolling deploy, old and new servers share the
    cache without serving each other's pages."""
    if os.environ.get("RELEASE"):
        return os.environ["RELEASE"][:40]
    digest = hashlib.blake2b(digest_size=8)
    try:
        from interactions import knowledge

        digest.update(knowledge.data_version().encode())
    except Exception:  # no knowledge base yet: pages do not depend on it
        pass
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def bump_generation() -> int:
    """Make every cached page stale, on every app server."""
    global _memo
    try:
        value = cache.incr(GENERATION_KEY)
    except ValueError:
        value = int(time.time() * 1000)
        cache.set(GENERATION_KEY, value, None)
    _memo = (value, time.monotonic())
    return value


def forget_generation() -> None:
    """Drop this process's memo and pending counts (tests that clear the cache)."""
    global _memo
    _memo = None
    with _counts_lock:
        _counts.clear()


def on_cached_hit(response, func, *args):
    """Run `func(*args)` again each time a cached copy of `response` is served.

    A page cache skips the view, so anything the view does per request besides rendering
    (counting a read) must be repeated on a hit. `func` is stored by its dotted path.
    """
    response.on_cached_hit = (f"{func.__module__}.{func.__qualname__}", args)
    return response


_counts: dict[str, int] = {}
_counts_lock = threading.Lock()


def batched_increment(key: str, flush, every: int | None = None) -> None:
    """Count in this process and call `flush(every)` once every `every` counts.

    A popular page then costs no database write and no cache round trip per view. Counts
    not yet flushed when a worker exits are lost (at most every - 1 per key and process),
    which is fine for "most read".
    """
    every = settings.COUNTER_BATCH if every is None else every
    if every <= 1:
        flush(1)
        return
    with _counts_lock:
        count = _counts.get(key, 0) + 1
        _counts[key] = 0 if count >= every else count
    if count >= every:
        flush(every)


def _content_changed(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        bump_generation()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_content_changed, dispatch_uid="pages-generation-save")
    post_delete.connect(_content_changed, dispatch_uid="pages-generation-delete")
    m2m_changed.connect(_content_changed, dispatch_uid="pages-generation-m2m")
