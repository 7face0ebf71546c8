"""A memo argument for functools.lru_cache that is keyed by part of what it carries."""

from __future__ import annotations


class Keyed:
    """Hashes and compares by `key` alone and carries `value`: what a miss needs to build
    the entry (a finding to render, a request to render a page with). The memoised
    function takes the value (`take`), so an entry kept in the memo holds only its key."""

    __slots__ = ("key", "value")

    def __init__(self, key, value):
        self.key, self.value = key, value

    def take(self):
        value, self.value = self.value, None
        return value

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, Keyed) and other.key == self.key
