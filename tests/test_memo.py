"""web.memo.Keyed: a memo key that carries what a miss needs, and lets go of it."""

import functools

from web.memo import Keyed


def test_keyed_by_its_key_alone_and_the_memo_keeps_no_value():
    built = []

    @functools.lru_cache(maxsize=4)
    def page(item: Keyed) -> str:
        value = item.take()
        built.append(value)
        return f"page for {value}"

    first, second = Keyed(("site", "/check/"), "request 1"), Keyed(("site", "/check/"), "request 2")
    assert page(first) == page(second) == "page for request 1"
    assert built == ["request 1"]
    assert first.value is None  # the key kept in the memo holds no request
    assert Keyed("a", 1) != Keyed("b", 1) and hash(Keyed("a", 1)) == hash(Keyed("a", 2))
