"""What memos need: an argument for functools.lru_cache that is keyed by part of what it
carries (Keyed), and slots, the list-specific places in HTML rendered once and filled in
for each request (slot, cut)."""

from __future__ import annotations

import re

# A slot is its name between two private-use characters, which no text of ours contains and
# HTML escaping keeps as they are.
_SLOT = re.compile("\ue000([^\ue001]*)\ue001")


def slot(name: str) -> str:
    """The placeholder for `name`, to render into HTML that is kept."""
    return f"\ue000{name}\ue001"


def cut(html: str) -> list[str]:
    """HTML cut at its slots: [HTML, slot name, HTML, ..., HTML], so that a request fills
    the odd places and joins the list once, rather than searching the HTML per slot."""
    return _SLOT.split(html)


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
