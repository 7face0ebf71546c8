"""reverse(), remembering what it reversed.

A reversed address depends only on the view name, its arguments, the current app, the
URLconf and the script prefix, none of which change while a process runs, so each is kept
(least recently used out). reverse() costs 10-40 µs; a checker result needs dozens (guide
links, drug pages), the autocomplete one per suggestion. The {% url %} tag
(web/templatetags/cached_url.py) and the Python code that builds links share this cache.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

MAX_ENTRIES = 8192


@functools.lru_cache(maxsize=MAX_ENTRIES)
def cached_reverse(view_name, args, kwargs, current_app, urlconf, prefix) -> str:
    # `prefix` is only part of the key: reverse() reads the same script prefix itself.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app,
                   urlconf=urlconf)  # fmt: skip


def url_for(view_name: str, *args) -> str:
    """reverse(view_name, args=args), cached; raises NoReverseMatch as reverse() does."""
    return cached_reverse(view_name, args, (), None, get_urlconf(), get_script_prefix())
