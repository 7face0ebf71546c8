"""The checker API's answer as JSON text, built from pieces that do not depend on the list.

A random list of 25 medicines has about 150 findings and 400 KB of JSON. Building a dict per
finding and encoding it again on every request was most of the API's cost, yet a finding's
JSON depends only on the finding itself (its rules, its ingredients, which of them were
stopped, its texts and sources), the knowledge version and the published guides it links
to. The same pairs come up in many different lists (sertraline with tramadol), so each
process encodes a finding once, keyed by exactly those things, and keeps the text in a
bounded memo (least recently used out). What depends on the list is filled in for each
answer, outside the memo:

- the names the person entered that hold the finding's ingredients (`medicines`);
- the order of the findings, and everything outside them (`resolved`, `unresolved`,
  `read_as`, `advice`, `message`).

The shape has one definition, FindingResult.as_json and CheckResult.as_json in
interactions.services; the text here is exactly json.dumps of services.check(...).as_json()
(the tests compare them byte for byte over many random lists), so the ninja schemas in
interactions/api.py still document it. Nothing leaves the process.
"""

from __future__ import annotations

import contextlib
import json
from json.encoder import encode_basestring_ascii as _quote

from interactions import services
from medicines import engine
from medicines.knowledge import Snapshot

# About 2.7 KB of text each: at most about 22 MB per process. The real knowledge base has
# about 7,000 pairs with a finding, so a warm process holds nearly all of them.
FINDING_MEMO_SIZE = 8192


class _Guides:
    """The published guides a finding links to, as a memo key: their content hash stands for
    them (services._guide_index); None when the database could not answer."""

    __slots__ = ("index", "key")

    def __init__(self, index: tuple | None):
        self.index = index
        self.key = None if index is None else index[0]

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Guides) and other.key == self.key


class _Texts:
    """One knowledge version's and guide index's pair texts, by finding identity. The engine
    hands out the same finding object for a pair while its memo keeps it
    (engine.pair_finding), and a finding is frozen, so the same object means the same JSON:
    a look-up is one dict get by id(), no hashing of texts and sources (a list of 25 looks up
    about 150). Each entry holds its finding, which so stays alive and its id is never
    reused for another. Bounded: the oldest entry goes first (the real knowledge has about
    7,000 pairs with a finding, so a warm process rarely lets one go)."""

    __slots__ = ("texts", "hits", "misses")

    def __init__(self):
        self.texts: dict[int, tuple[engine.Finding, str]] = {}
        self.hits = self.misses = 0

    def text(self, snap: Snapshot, guides: _Guides, finding: engine.Finding) -> str:
        hit = self.texts.get(id(finding))
        if hit is not None and hit[0] is finding:
            self.hits += 1
            return hit[1]
        self.misses += 1
        text = _encode(snap, guides, finding)
        if len(self.texts) >= FINDING_MEMO_SIZE:
            # (another thread may get there first)
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del self.texts[next(iter(self.texts))]
        self.texts[id(finding)] = (finding, text)
        return text


# The memo of each (knowledge version, guide index): the live one, and a few it replaced.
_MEMOS: dict[tuple[Snapshot, _Guides], _Texts] = {}


def _texts(snap: Snapshot, guides: _Guides) -> _Texts:
    memo = _MEMOS.get((snap, guides))
    if memo is None:
        while len(_MEMOS) >= 4:
            _MEMOS.pop(next(iter(_MEMOS)), None)
        memo = _MEMOS[snap, guides] = _Texts()
    return memo


def _encode(snap: Snapshot, guides: _Guides, finding: engine.Finding) -> str:
    """The finding's JSON object without its closing brace and without `medicines`, the one
    member that depends on the list (the names entered): finding_json adds both."""
    data = services._finding(snap, finding, guides.index, (), {}, 0).as_json()
    data.pop("medicines", None)
    return json.dumps(data)[:-1]


def _text(snap: Snapshot, guides: _Guides, finding: engine.Finding, texts=None) -> str:
    if finding.kind == "pair":
        return (texts or _texts(snap, guides)).text(snap, guides, finding)
    # A cumulative risk or a duplicate names the list's medicines: rarely seen twice.
    return _encode(snap, guides, finding)


def _close(entered: list[str]) -> str:
    """The end of a finding's object: `medicines` (the names entered, quoted) and the brace."""
    return ', "medicines": [' + ", ".join(entered) + "]}" if entered else "}"


def finding_json(snap: Snapshot, guides: _Guides, finding: engine.Finding, entered) -> str:
    """One finding's JSON text, as FindingResult.as_json gives it in a list where the names
    `entered` hold its ingredients."""
    return _text(snap, guides, finding) + _close([_quote(name) for name in entered])


def _findings(checked: services.Examined) -> list[str]:
    """The findings' JSON texts, as pieces to join (no copy of the memoised texts): each
    finding's text, then its closing part, with the names entered that hold its
    ingredients in the order they were entered (services._finding's entered_medicines)."""
    snap, guides, labels = checked.snap, _Guides(checked.guide_index), checked.labels
    texts = _texts(snap, guides)
    quoted = [_quote(label) for label, _ in labels]
    positions: dict[str, list[int]] = {}
    for n, (_, slugs) in enumerate(labels):
        for slug in dict.fromkeys(slugs):
            positions.setdefault(slug, []).append(n)
    pieces = []
    for finding in checked.found:
        pieces.append(_text(snap, guides, finding, texts))
        if finding.medicines:  # a duplicate names the medicines that share the ingredient
            entered = [_quote(name) for name in finding.medicines]
        else:
            held = {n for slug in finding.ingredients for n in positions.get(slug, ())}
            entered = [quoted[n] for n in sorted(held)]
        pieces.append(_close(entered))
        pieces.append(", ")
    return pieces[:-1]


def interactions_json(drugs: list[str], recently_stopped: list[str] | tuple = ()) -> bytes:
    """The answer of GET /api/v1/interactions for these names, as UTF-8 JSON."""
    checked = services.examine(drugs, recently_stopped)
    snap = checked.snap
    head = {
        "resolved": [r.as_json() for r in checked.resolved],
        "unresolved": [u.as_json() for u in checked.unresolved],
    }
    tail = {
        "highest_severity": checked.found[0].severity if checked.found else "none",
        "advice": [services.advice_json(note) for note in checked.advice],
        "coverage_note": services.coverage_note(snap),
        "data_version": snap.version,
        "read_as": checked.read_as,
    }
    if checked.message:
        tail["message"] = checked.message
    pieces = [json.dumps(head)[:-1], ', "findings": [', *_findings(checked)]
    pieces += ["], ", json.dumps(tail)[1:]]
    return "".join(pieces).encode()


def clear() -> None:
    """Forget every encoded finding (tests)."""
    _MEMOS.clear()


def memo_hits() -> int:
    """How many pair texts came from the memo (tests)."""
    return sum(memo.hits for memo in list(_MEMOS.values()))
