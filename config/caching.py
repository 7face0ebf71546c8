"""Shared-cache helpers: the page-cache generation and batched counters.

Rendered public pages are cached under a *generation* number. Saving or deleting any guide,
topic, tag or knowledge-base row bumps it (signals below), so the next request renders
fresh pages on every app server; old entries simply age out. Each process remembers the
generation for a second, so a cache hit costs one round trip to the cache, not two.
"""

import functools
import hashlib
import os
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
    """Drop this process's memo (tests that clear the cache)."""
    global _memo
    _memo = None


def on_cached_hit(response, func, *args):
    """Run `func(*args)` again each time a cached copy of `response` is served.

    A page cache skips the view, so anything the view does per request besides rendering
    (counting a read) must be repeated on a hit. `func` is stored by its dotted path.
    """
    response.on_cached_hit = (f"{func.__module__}.{func.__qualname__}", args)
    return response


def batched_increment(key: str, flush, every: int | None = None) -> None:
    """Count in the shared cache and call `flush(n)` once every `n` counts.

    A popular page then costs no database write per view. Counts still in the cache when
    it is flushed or evicted are lost, which is fine for "most read". Without a working
    cache every count is flushed at once, so none is lost.
    """
    every = settings.COUNTER_BATCH if every is None else every
    if every <= 1:
        flush(1)
        return
    for _ in range(2):
        try:
            count = cache.incr(key)
            break
        except ValueError:
            if cache.add(key, 1, 24 * 60 * 60):
                count = 1
                break
    else:
        flush(1)
        return
    if count % every == 0:
        flush(every)


def _content_changed(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        bump_generation()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_content_changed, dispatch_uid="pages-generation-save")
    post_delete.connect(_content_changed, dispatch_uid="pages-generation-delete")
    m2m_changed.connect(_content_changed, dispatch_uid="pages-generation-m2m")
