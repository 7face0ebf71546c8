"""From what a person typed to medicines: lists, names, brands, synonyms, doses and typos.

One parser serves the checker form, the JSON API and the autocomplete. `Resolver.parse`
reads a whole typed list ("phenelzine and prozac", "zoloft tramadol", "Tylenol with Codeine,
naltrexone 4.5mg") into pieces, each resolved to one medicine or left unresolved:

1. The text is cut into tokens: words, doses ("50 mg", "5/325"), product numbers ("#3",
   "No. 4"), separators ("," ";" new line "/" "+" "&" "and" "with" "w/" "plus") and brackets.
2. Greedy longest match over known names (ingredients, synonyms, brands, products, names we
   recognise but do not check): at each word the longest known name wins, so "Tylenol with
   Codeine" and "oxycodone/acetaminophen" stay whole while "zoloft/tramadol" and
   "zoloft tramadol" are two medicines. A combination exists only if the knowledge base
   lists it: nothing here joins names into a product.
3. Dose and form words ("100mg", "tablets", "ER") belong to the name next to them; a dose can
   change what the medicine is (`dose_reads_as` in the knowledge base: "naltrexone 4.5mg" is
   low-dose naltrexone). A bracketed alias, "sertraline (Zoloft)", is the same medicine.
4. Words that start no known name are read as one unknown piece and get a close spelling
   (rapidfuzz, optimal string alignment distance: one typo in a short name, two in a long
   one) only when exactly one medicine is that close; an exact name always wins, because
   only words no exact name covers are ever matched by spelling. Unknown pieces get
   suggestions; a name we recognise but do not check (metformin) is reported as not covered.

`Resolver.resolve` reads one piece as one name (used for each piece, and by older callers).
Plain Python over a knowledge snapshot; no ORM, no request.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from medicines.knowledge import Snapshot, normalise_name

MAX_SUGGESTIONS = 5
# Spelling matches are tried on text up to this long (a name is at most 100 characters; the
# form refuses longer ones), and a run of unknown words is split into close spellings only
# up to this many words. Both keep a long paste from costing seconds.
MAX_FUZZY_CHARS = 100
MAX_FUZZY_WORDS = 6

# Words that describe the form or salt, never the medicine. Kept out of matching only when
# the name with them does not match a product ("Wellbutrin XL" is a product name).
FORM_WORDS = frozenset(
    """
    tablet tablets tab tabs caplet caplets capsule capsules cap caps pill pills softgel softgels
    gelcap gelcaps chewable chewables lozenge lozenges film films strip strips patch patches
    gummy gummies oil oils tincture
    spray sprays nasal oral injection injections inj shot shots solution liquid syrup
    suspension drops drop elixir powder cream gel ointment suppository suppositories
    er xr xl sr cr la ir dr ec odt cd xt es ds ms extended delayed immediate release
    controlled sustained long acting
    hcl hydrochloride sodium potassium sulfate sulphate tartrate bitartrate mesylate maleate
    citrate succinate besylate fumarate hydrobromide phosphate acetate
    generic brand dose doses daily once twice a day at night bedtime as needed prn mg mcg
    x times per every week weekly morning evening hour hours hrs bid tid qid qd qhs hs po
    """.split()  # noqa: SIM905 (a word list reads best as text)
)
# Words around a list ("I take zoloft and tramadol"): skipped unless part of a known name.
FILLER_WORDS = frozenset(
    {"i", "im", "take", "takes", "taking", "took", "also", "my", "both", "together", "the", "of"}
    | {"for", "to", "or", "then"}  # "zoloft or prozac": both are read, and checked together
    # "my mom takes xanax", "my doctor gave me tramadol": who takes or gave it.
    | {"me", "he", "she", "his", "her", "we", "am", "is", "on", "just", "now", "currently"}
    | {"mom", "mum", "dad", "wife", "husband", "son", "daughter", "partner", "doctor", "dr"}
    | {"gave", "given", "prescribed", "uses", "use", "using", "started", "starting"}
    | {"a", "an", "few", "some", "couple", "half", "quarter"}  # "a few drinks", "half a xanax"
)
UNIT = (
    r"(?:mg/5\s?ml|mg/ml|mcg/hr|mcg/h|milligrams?|micrograms?|grams?|units?"
    r"|mcg|µg|ug|mg|gm|ml|iu|meq|g|l|%)"
)
DOSE_RE = re.compile(
    rf"(?<![a-z])\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)*\s*{UNIT}?(?![a-z])", re.IGNORECASE
)
NUMBERED_RE = re.compile(r"(?:#|\bno\.?\s*)(\d+)\b", re.IGNORECASE)

# The parser's tokens. Order matters: a product number ("#3", "No. 4") before a dose, a dose
# ("4.5mg", "5/325", "10 mg") before a separator, so that "5/325" is one dose, not a list.
# A new line always ends a medicine, so a number or dose never runs across one ([^\S\n]).
TOKEN_RE = re.compile(
    rf"""
    (?P<num>(?:\#[^\S\n]*|\bno\b\.?[^\S\n]*)\d+(?![\d.]))
    |(?P<dose>(?<![^\W_])\d+(?:\.\d+)?(?:[^\S\n]*/[^\S\n]*\d+(?:\.\d+)?)*(?:[^\S\n]*{UNIT}(?![^\W\d_]))?)
    |(?P<with>\bw/)
    |(?P<sep>[/+&;,\n])
    |(?P<open>[(\[{{])
    |(?P<close>[)\]}}])
    |(?P<word>[^\W_]+(?:['’`´.][^\W_]+)*)
    |(?P<other>[^\s\w.'’`´-]|_)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Separators, as written -> as compared ("Capital and Codeine" matches "Capital & Codeine").
SEPARATORS = {
    "/": "/", "+": "&", "&": "&", "and": "&", "with": "with", "w/": "with", "plus": "plus",
    ",": ",", ";": ",", "\n": ",",
}  # fmt: skip
HARD_SEPARATORS = frozenset({","})  # a comma, semicolon or new line always ends a medicine
DOSE_MG_RE = re.compile(r"^(\d+(?:\.\d+)?)(mg|milligrams?|mcg|micrograms?|µg|ug)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word | dose | num | sep | open | close | other
    text: str  # as compared: normalised word, compact dose, digits, canonical separator
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Target:
    """Something a name can point to."""

    name: str  # display name: the product as written, or the ingredient's name
    kind: str  # generic | brand | combination | not_covered | group
    ingredients: tuple[str, ...] = ()
    note: str = ""
    also_contains: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # a group's: medicines of it to name instead
    street: bool = False  # the name is a street name ("fent", "bars", "blues")

    @property
    def key(self) -> tuple:
        return (self.kind, self.name)


@dataclass(frozen=True, slots=True)
class Resolved:
    query: str
    name: str
    kind: str  # generic | brand | combination
    ingredients: tuple[str, ...]
    match: str  # exact | dose | fuzzy
    note: str = ""
    also_contains: tuple[str, ...] = ()
    street: bool = False  # typed as a street name: bought on the street, not prescribed


@dataclass(frozen=True, slots=True)
class Unresolved:
    query: str
    suggestions: tuple[str, ...]
    reason: str = "unknown"  # unknown | not_covered | group (a group's name: "benzos")
    name: str = ""
    note: str = ""


@dataclass
class _Index:
    exact: dict[str, Target] = field(default_factory=dict)  # normalised name -> target
    compact: dict[str, Target] = field(default_factory=dict)  # without spaces
    labels: dict[str, str] = field(default_factory=dict)  # normalised name -> name as written
    tokens: dict[tuple[str, ...], Target] = field(default_factory=dict)  # name as tokens
    longest: int = 1  # tokens in the longest name
    # Names that also come with a number ("tylenol": Tylenol #3, #4): a number typed after
    # them that names no product ("Tylenol #2") must not be dropped.
    numbered: set[tuple[str, ...]] = field(default_factory=set)


@dataclass
class _Piece:
    """One medicine being read: tokens lo..hi (inclusive) of the typed text."""

    lo: int
    hi: int
    target: Target | None = None
    match: str = "exact"
    doses: list[str] = field(default_factory=list)
    numbered: bool = False  # a product number ("#2") that no known name took
    key: tuple[str, ...] = ()  # the known name matched exactly, as tokens


def clean(text: str) -> str:
    """Text as typed, minus control characters and odd spacing."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(text.split())


def prepare(text: str) -> str:
    """Text as typed, minus control characters; new lines kept (they separate medicines)."""
    text = unicodedata.normalize("NFKC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch if ch in "\n " or unicodedata.category(ch)[0] != "C" else " " for ch in text)


def tokenize(text: str) -> list[Token]:
    """Words, doses, product numbers, separators and brackets, with where each was typed."""
    tokens = []
    for found in TOKEN_RE.finditer(text):
        kind, raw = found.lastgroup, found.group()
        if kind == "word":
            value = normalise_name(raw)
            if value in SEPARATORS:
                kind = "sep"
                value = SEPARATORS[value]
        elif kind == "with":
            kind, value = "sep", "with"
        elif kind == "sep":
            value = SEPARATORS[raw]
        elif kind == "num":
            value = re.sub(r"\D", "", raw)
        elif kind == "dose":
            value = "".join(raw.casefold().split())
        else:
            value = raw
        if value:
            tokens.append(Token(kind, value, found.start(), found.end()))
    return tokens


def name_tokens(name: str) -> tuple[str, ...]:
    """A known name as the parser compares it ("Tylenol #3" -> ("tylenol", "3"))."""
    return tuple(
        t.text for t in tokenize(prepare(name)) if t.kind in ("word", "dose", "num", "sep")
    )


def strip_dose(key: str) -> str:
    return " ".join(DOSE_RE.sub(" ", key).split())


def strip_forms(key: str) -> str:
    return " ".join(word for word in key.split() if word not in FORM_WORDS)


class Resolver:
    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.index = _Index()
        self._build()
        self._keys = list(self.index.exact)
        self._covered_keys = [k for k in self._keys if self.index.exact[k].kind not in UNCHECKED]
        self._names = NameIndex(self._keys)  # spelling matches in the parser
        self._covered = NameIndex(self._covered_keys)  # autocomplete and suggestions
        # Lists and their comma-separated chunks, read once each (least recently used out).
        self._read = functools.lru_cache(maxsize=PARSE_MEMO)(self._read_list)
        self._parse_chunk = functools.lru_cache(maxsize=PARSE_MEMO)(
            functools.partial(self._parse, whole=False)
        )

    # ------------------------------------------------------------------ index
    def _add(self, name: str, target: Target) -> None:
        key = normalise_name(name)
        if not key:
            return
        self.index.exact.setdefault(key, target)
        self.index.compact.setdefault(key.replace(" ", ""), target)
        self.index.labels.setdefault(key, name)
        tokens = name_tokens(name)
        if tokens:
            if len(tokens) > 1 and tokens[-1].isdigit():
                self.index.numbered.add(tokens[:-1])
            self.index.tokens.setdefault(tokens, target)
            self.index.longest = max(self.index.longest, len(tokens))

    def _build(self) -> None:
        snap = self.snap
        for ingredient in snap.ingredients.values():
            target = Target(ingredient.name, "generic", (ingredient.slug,))
            self._add(ingredient.name, target)
            self._add(ingredient.slug.replace("-", " "), target)
            street = replace(target, street=True)
            for synonym in ingredient.synonyms:
                self._add(synonym, street if synonym in ingredient.street_names else target)
        for product in snap.products:
            note = ""
            if product.also_contains:
                others = ", ".join(product.also_contains)
                note = f"{product.name} also contains {others}, which we do not check."
            target = Target(
                product.name, product.kind, product.ingredients, note, product.also_contains
            )
            street = replace(target, street=True)
            for name in (product.name, *product.synonyms):
                self._add(name, street if name in product.street_names else target)
        for item in snap.not_covered:
            target = Target(item.name, "not_covered", (), item.note)
            for name in (item.name, *item.synonyms):
                self._add(name, target)
        for group in (*snap.classes.values(), *snap.families):
            target = Target(group.name, "group", examples=group.examples)
            for word in group.words:
                self._add(word, target)

    # ------------------------------------------------------------------ lookup
    def _lookup(self, key: str) -> Target | None:
        if not key:
            return None
        return self.index.exact.get(key) or self.index.compact.get(key.replace(" ", ""))

    def _fuzzy(self, key: str) -> Target | None:
        """The one target within a small spelling distance, or None if none or several."""
        compact = key.replace(" ", "")
        if len(compact) < 4:
            return None
        allowed = 1 if len(compact) <= 8 else 2 if len(compact) <= 12 else 3
        # One slip at the start still reads (a letter wrong, missing, added or swapped), as
        # in autocomplete; a start that differs in both letters is another word: "Lustral"
        # (sertraline in the UK) is two edits from Abstral (fentanyl) and must not read so.
        hits = [
            hit for hit in self._names.within_distance(key, allowed) if _same_start(key, hit[0])
        ]
        if not hits:
            return None
        best = min(distance for _, distance in hits)
        closest = [self.index.exact[k] for k, d in hits if d == best]
        # A group's word ("SSRI") only reads a slip nothing else is as close to: it must not
        # make "Spri" (Sprix) a guess between two.
        closest = [t for t in closest if t.kind != "group"] or closest
        targets = {target.key: target for target in closest}
        if len({target.ingredients for target in targets.values()}) != 1:
            return None  # as close to two different medicines: ask, don't guess
        # "tramadl" is as close to tramadol as to Tramal: the same medicine, named generically.
        return min(targets.values(), key=lambda target: target.kind != "generic")

    def _find(self, text: str) -> tuple[Target | None, str]:
        key = re.sub(r"\bno (\d)", r"\1", normalise_name(text))  # "Tylenol No. 3" = "Tylenol #3"
        # "Tylenol #2" names a product by its number: never drop that number and fall back
        # to plain Tylenol, which lacks the codeine.
        numbers = NUMBERED_RE.findall(text)

        def keeps_numbers(candidate: str) -> bool:
            return all(n in candidate.split() for n in numbers)

        for stage, candidate in (
            ("exact", key),
            ("dose", strip_dose(key)),
            ("dose", strip_forms(strip_dose(key))),
        ):
            target = self._lookup(candidate) if keeps_numbers(candidate) else None
            if target is not None:
                return target, stage
        for candidate in dict.fromkeys((strip_forms(strip_dose(key)), strip_dose(key), key)):
            target = self._fuzzy(candidate) if keeps_numbers(candidate) else None
            if target is not None:
                return target, "fuzzy"
        return None, ""

    def resolve(self, query: str) -> Resolved | Unresolved:
        """One piece of text read as one medicine (never split, never joined)."""
        pieces = self.parse(query)
        if len(pieces) == 1:
            return replace(pieces[0], query=query)
        return self._result(query, *self._find(clean(query)))

    def _result(
        self, query: str, target: Target | None, how: str, suggest: bool = True
    ) -> Resolved | Unresolved:
        if target is None:
            return Unresolved(query, tuple(self.suggest_names(query)) if suggest else ())
        if target.kind == "not_covered":
            return Unresolved(query, (), "not_covered", target.name, target.note)
        if target.kind == "group":
            return Unresolved(query, target.examples, "group", target.name)
        return Resolved(
            query, target.name, target.kind, target.ingredients, how, target.note,
            target.also_contains, target.street,
        )  # fmt: skip

    # ------------------------------------------------------------------ parsing a list
    def split(self, text: str) -> list[str]:
        """The pieces of a typed list, as typed: one per medicine (no suggestions looked up:
        the form only counts and measures them)."""
        return [item.query for item in self._read_list(text, suggest=False)]

    def parse(self, text: str) -> list[Resolved | Unresolved]:
        """A typed list read as medicines, in the order typed (see the module docstring)."""
        return self._read(text)

    def _read_list(self, text: str, suggest: bool = True) -> list[Resolved | Unresolved]:
        chunks = [chunk for chunk in _chunks(text) if chunk and not chunk.isspace()]
        if len(chunks) > 1 and all(_LETTER_RE.search(chunk) for chunk in chunks):
            # A comma, semicolon or new line outside brackets always ends a medicine, so each
            # chunk reads the same on its own (a property test holds this) and is memoised on
            # its own: a new list of known names costs a few look-ups, not a parse.
            result = [item for chunk in chunks for item in self._parse_chunk(chunk, suggest)]
            if result:
                return result
        return self._parse(text, suggest)

    def _parse(
        self, text: str, suggest: bool = True, whole: bool = True
    ) -> list[Resolved | Unresolved]:
        """`whole`: `text` is all that was typed, so if nothing in it reads as a medicine
        or a word, it is said back as one unknown name rather than dropped."""
        typed = prepare(text)
        tokens = tokenize(typed)
        pieces: list[_Piece] = []
        loose: list[int] = []  # dose, form, number and stray tokens: attached below
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind in ("sep", "open", "close"):
                i += 1
                continue
            found = self._longest_name(tokens, i)
            if found is None and token.text in FILLER_WORDS:
                i += 1
                continue
            if found is not None:
                end, target = found
                key = tuple(t.text for t in tokens[i:end])
                pieces.append(_Piece(i, end - 1, target, key=key))
                i = end
            elif token.kind in ("dose", "num", "other") or token.text in FORM_WORDS:
                loose.append(i)
                i += 1
            else:
                end = i + 1
                while end < len(tokens) and self._unknown_word(tokens, end):
                    end += 1
                pieces.extend(self._read_unknown(typed, tokens, i, end))
                i = end
        pieces = self._merge_aliases(tokens, pieces)
        orphans = self._attach(tokens, pieces, loose)
        pieces = sorted(pieces + orphans, key=lambda piece: piece.lo)
        if not pieces and whole and re.search(r"[^\s,;/+&]", typed):
            # Only punctuation or brackets ("---"): something was typed, and it is not a medicine.
            return [self._result(" ".join(typed.split()), None, "", suggest)]
        return [self._finish(typed, tokens, piece, suggest) for piece in pieces]

    def _longest_name(self, tokens: list[Token], i: int) -> tuple[int, Target] | None:
        """(end, target) of the longest known name starting at token i, exact or compact."""
        names, compact = self.index.tokens, self.index.compact
        for end in range(min(len(tokens), i + self.index.longest), i, -1):
            span = tokens[i:end]
            if any(t.kind in ("open", "close", "other") for t in span):
                continue
            target = names.get(tuple(t.text for t in span))
            if target is None and all(t.kind != "sep" for t in span):
                target = compact.get("".join(t.text for t in span).replace(" ", ""))
            if target is not None and (target.kind != "group" or _alone(tokens, i, end)):
                return end, target
        return None

    def _unknown_word(self, tokens: list[Token], i: int) -> bool:
        """Whether token i carries on a run of words that start no known name."""
        token = tokens[i]
        return (
            token.kind == "word" and token.text not in FORM_WORDS | FILLER_WORDS
            and self._longest_name(tokens, i) is None
        )  # fmt: skip

    def _read_unknown(self, typed: str, tokens: list[Token], lo: int, end: int) -> list[_Piece]:
        """Words no exact name covers: one close spelling for the run, else one per part."""
        text = typed[tokens[lo].start : tokens[end - 1].end]
        if len(text) > MAX_FUZZY_CHARS:
            return [_Piece(lo, end - 1)]
        target, how = self._find(clean(text))
        if target is not None:
            return [_Piece(lo, end - 1, target, how)]
        if (
            1 < end - lo <= MAX_FUZZY_WORDS
        ):  # "sertaline tramadal": split only if every part is a close spelling
            parts, i = [], lo
            while i < end:
                for stop in range(min(end, i + self.index.longest), i, -1):
                    part = typed[tokens[i].start : tokens[stop - 1].end]
                    target, how = self._find(clean(part))
                    if target is not None:
                        parts.append(_Piece(i, stop - 1, target, how))
                        i = stop
                        break
                else:
                    break
            if i == end:
                return parts
        return [_Piece(lo, end - 1)]

    def _merge_aliases(self, tokens: list[Token], pieces: list[_Piece]) -> list[_Piece]:
        """ "sertraline (Zoloft)", "Zoloft (sertraline) 50 mg": a bracketed name with no other
        ingredient is the same medicine, not a second one."""
        merged: list[_Piece] = []
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            opening = piece.hi + 1
            if (
                piece.target is not None and piece.target.kind not in UNCHECKED
                and opening < len(tokens) and tokens[opening].kind == "open"
            ):  # fmt: skip
                closing = next(
                    (k for k in range(opening + 1, len(tokens)) if tokens[k].kind == "close"), None
                )
                inside = [p for p in pieces[i + 1 :] if closing is not None and p.hi < closing]
                same = set(piece.target.ingredients)
                if inside and all(
                    p.target is not None and p.target.kind not in UNCHECKED
                    and set(p.target.ingredients) <= same
                    for p in inside
                ):  # fmt: skip
                    piece.hi = closing
                    merged.append(piece)
                    i += 1 + len(inside)
                    continue
            merged.append(piece)
            i += 1
        return merged

    def _attach(self, tokens: list[Token], pieces: list[_Piece], loose: list[int]) -> list[_Piece]:
        """Give each dose, form word or product number to the medicine it belongs to: the one
        just before it, else the one just after, never across a comma or a new line. What
        belongs to none ("50 mg" alone) becomes a piece of its own."""
        orphans: list[_Piece] = []

        def between(a: int, b: int) -> set[str]:
            return {t.kind if t.text not in HARD_SEPARATORS else "hard" for t in tokens[a + 1 : b]}

        for k in loose:
            if any(p.lo <= k <= p.hi for p in pieces):
                continue  # inside a merged alias
            before = max((p for p in pieces if p.hi < k), key=lambda p: p.hi, default=None)
            after = min((p for p in pieces if p.lo > k), key=lambda p: p.lo, default=None)
            gap_before = between(before.hi, k) if before else None
            gap_after = between(k, after.lo) if after else None
            if before is not None and not gap_before - {"other"}:
                owner = before
            elif after is not None and not gap_after - {"other"}:
                owner = after
            elif before is not None and "hard" not in gap_before:
                owner = before
            elif after is not None and "hard" not in gap_after:
                owner = after
            elif orphans and "hard" not in between(orphans[-1].hi, k):
                owner = orphans[-1]
            else:
                owner = _Piece(k, k)
                orphans.append(owner)
            owner.lo, owner.hi = min(owner.lo, k), max(owner.hi, k)
            if tokens[k].kind == "dose":
                owner.doses.append(tokens[k].text)
            if tokens[k].kind == "num" or (
                tokens[k].kind == "dose" and len(tokens[k].text) <= 2 and tokens[k].text.isdigit()
            ):
                owner.numbered = True  # "#2", "No. 2", or a bare "2" ("Tylenol 2")
            if owner.match == "exact" and owner.target is not None and tokens[k].kind != "other":
                owner.match = "dose"
        return orphans

    def _finish(
        self, typed: str, tokens: list[Token], piece: _Piece, suggest: bool = True
    ) -> Resolved | Unresolved:
        span = tokens[piece.lo : piece.hi + 1]
        opened = sum(t.kind == "open" for t in span) - sum(t.kind == "close" for t in span)
        if opened > 0 and piece.hi + 1 < len(tokens) and tokens[piece.hi + 1].kind == "close":
            piece.hi += 1  # "Zoloft (50 mg)": keep the bracket that closes it
        query = " ".join(typed[tokens[piece.lo].start : tokens[piece.hi].end].split())
        target, how = piece.target, piece.match
        if piece.numbered and piece.key in self.index.numbered:
            # "Tylenol #2", "Tylenol 2": a number that names no product we know. Never the
            # plain brand without its number (Tylenol #2 has codeine; Tylenol does not).
            target, how = None, ""
        elif piece.numbered and not piece.key:  # a close spelling: read with its number
            target, how = self._find(clean(query))
        # Otherwise a count ("Xanax 1mg #90", "Tylenol with Codeine #3") is read like a dose.
        if target is not None and target.kind not in UNCHECKED:
            target = self._dose_identity(target, piece.doses)
            if target is not piece.target and how == "exact":
                how = "dose"
        return self._result(query, target, how, suggest)

    def _dose_identity(self, target: Target, doses: list[str]) -> Target:
        """A dose that makes it another medicine ("naltrexone 4.5mg" is low-dose naltrexone)."""
        if len(target.ingredients) != 1 or not doses:
            return target
        ingredient = self.snap.ingredients.get(target.ingredients[0])
        if ingredient is None or not ingredient.dose_reads_as:
            return target
        for dose in doses:
            found = DOSE_MG_RE.match(dose)
            if not found:
                continue
            amount = float(found.group(1))
            if not found.group(2).casefold().startswith(("mg", "milli")):
                amount /= 1000  # micrograms
            for low, high, slug in ingredient.dose_reads_as:
                if low <= amount <= high:
                    other = self.snap.ingredients[slug]
                    return Target(other.name, "generic", (other.slug,))
            return target
        return target

    # ------------------------------------------------------------------ suggestions
    def suggest_names(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Up to `limit` names that look like `text`, best first (for unresolved names)."""
        key = strip_forms(strip_dose(normalise_name(text))) or normalise_name(text)
        if len(key) < 2 or len(key) > MAX_FUZZY_CHARS:
            return []
        names: list[str] = []
        for target in self._ranked(key, limit * 3, covered_only=True):
            if target.name not in names:
                names.append(target.name)
            if len(names) == limit:
                break
        return names

    def _ranked(self, key: str, limit: int, covered_only: bool, typos: bool = True) -> list[Target]:
        names = self._covered if covered_only else self._names
        # Enough names for `limit` medicines even when several names are one medicine.
        wanted = limit * 16
        prefix = names.starting_with(key, wanted)
        words = names.word_starting_with(key, wanted)
        # A typo anywhere, or a typo in what has been typed so far ("sertr" -> sertraline).
        fuzzy = names.typos(key, limit * 2) if typos and len(key) >= 4 else []
        ordered: list[Target] = []
        seen = set()
        for k in [*prefix, *words, *fuzzy]:
            target = self.index.exact[k]
            if target.key in seen:
                continue
            seen.add(target.key)
            ordered.append(target)
            if len(ordered) >= limit:
                break
        return ordered

    def autocomplete(self, text: str, limit: int = 10) -> list[tuple[str, Target]]:
        """(label, target) best first: exact, then prefix, then word prefix, then typos.

        The same names as the checker's parser. A name that matches exactly is never followed
        by look-alike spellings ("tramadol" does not offer Toradol). A whole list typed in the
        box ("zoloft and tram") is not completed: picking a suggestion replaces the box, which
        would drop the medicines before it; the checker's parser splits the list instead."""
        key = normalise_name(clean(text))
        if not key:
            return []
        results: list[tuple[str, Target]] = []
        seen = set()
        exact = self._lookup(key)
        exact = exact if exact is not None and exact.kind not in UNCHECKED else None
        candidates = [exact] if exact is not None else []
        candidates += self._ranked(key, limit * 2, covered_only=True, typos=exact is None)
        for target in candidates:
            if target.key in seen:
                continue
            seen.add(target.key)
            results.append((target.name, target))
            if len(results) == limit:
                break
        return results


def _alone(tokens: list[Token], i: int, end: int) -> bool:
    """Whether tokens[i:end] is all of its piece but for filler, form words and doses
    ("my sleeping pills", "benzos 2mg"): a group's word reads only so, never as the start
    of a longer name ("Theraflu Multi-Symptoo Severe Cold" is one product misspelt)."""
    before = reversed(tokens[:i])
    after = tokens[end:]
    for side in (before, after):
        for token in side:
            if token.kind == "sep":
                break
            if token.kind == "word" and token.text not in FORM_WORDS | FILLER_WORDS:
                return False
    return True


UNCHECKED = ("not_covered", "group")  # names we know but never check, nor offer
PARSE_MEMO = 5000  # typed lists, and chunks of lists, remembered per resolver
_CHUNK_RE = re.compile(r"[,;\n]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def _chunks(text: str) -> list[str]:
    """`text` cut at each comma, semicolon and new line outside brackets."""
    if not _CHUNK_RE.search(text):
        return [text]
    chunks, depth, start = [], 0, 0
    for at, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in ",;\n":
            chunks.append(text[start:at])
            start = at + 1
    chunks.append(text[start:])
    return chunks


def _same_start(typed: str, name: str) -> bool:
    """At most one slip in the first two letters: either letter in place, or swapped."""
    a, b = typed[:2], name[:2]
    return a[:1] == b[:1] or a[1:2] == b[1:2] or a[:1] == b[1:2] or a[1:2] == b[:1]


def _by_length(key: str) -> tuple[int, str]:
    return (len(key), key)


class NameIndex:
    """Known names (normalised keys) indexed so a keystroke never scans every name:

    - names starting with the text: a range of the sorted names (bisect);
    - names with a later word starting with it ("codeine" -> "tylenol with codeine"): a
      range of the sorted word starts;
    - names within a small spelling distance (the parser): only names of a length that can
      be that close, scored by rapidfuzz's native OSA distance;
    - typos while typing (autocomplete, suggestions): rapidfuzz's native ratio against the
      whole name, for names of a length that can score high enough, and against the start
      of the name as far as typed, for names whose first or second letter is one of the
      text's first two (one slip at the start still matches: a letter wrong, missing,
      added or swapped; a start differing in both is not offered).
    """

    def __init__(self, keys: list[str]):
        self.keys = keys
        self.position = {key: n for n, key in enumerate(keys)}
        self.sorted = sorted(keys)
        starts = []
        for key in keys:
            for i, char in enumerate(key):
                if char == " " and i + 1 < len(key):
                    starts.append((key[i + 1 :], key))
        starts.sort()
        self.word_starts = [start for start, _ in starts]
        self.word_keys = [key for _, key in starts]
        self.lengths: dict[int, list[str]] = {}
        self.first: dict[str, list[str]] = {}
        self.second: dict[str, list[str]] = {}
        for key in keys:
            self.lengths.setdefault(len(key), []).append(key)
            self.first.setdefault(key[:1], []).append(key)
            if len(key) > 1:
                self.second.setdefault(key[1], []).append(key)

    def _range(self, items: list[str], text: str) -> tuple[int, int]:
        return bisect.bisect_left(items, text), bisect.bisect_left(items, text + "\U0010ffff")

    def starting_with(self, text: str, limit: int) -> list[str]:
        """Names that start with `text`, shortest first (then alphabetical)."""
        lo, hi = self._range(self.sorted, text)
        return heapq.nsmallest(limit, self.sorted[lo:hi], key=_by_length)

    def word_starting_with(self, text: str, limit: int) -> list[str]:
        """Names that do not start with `text` but have a later word that does."""
        lo, hi = self._range(self.word_starts, text)
        found = {key for key in self.word_keys[lo:hi] if not key.startswith(text)}
        return heapq.nsmallest(limit, found, key=_by_length)

    def within_distance(self, text: str, allowed: int) -> list[tuple[str, int]]:
        """(name, OSA distance) of up to 8 names within `allowed` edits, closest first, then in
        the order they were indexed."""
        window = [
            key
            for length in range(len(text) - allowed, len(text) + allowed + 1)
            for key in self.lengths.get(length, ())
        ]
        hits = process.extract(
            text, window, scorer=OSA.distance, processor=None, score_cutoff=allowed, limit=None
        )
        found = sorted((distance, self.position[key], key) for key, distance, _ in hits)
        return [(key, distance) for distance, _, key in found[:8]]

    def typos(self, text: str, limit: int, cutoff: float = 80) -> list[str]:
        """Up to `limit` names that look like `text` or start like it, best first."""
        # The whole name, for names whose length can reach `cutoff` (fuzz.ratio is at most
        # 200 * shorter / both lengths): "qqqzoloft" still finds Zoloft.
        size = len(text)
        shortest, longest = size * cutoff / (200 - cutoff), size * (200 - cutoff) / cutoff
        whole = [
            key
            for length in range(math.ceil(shortest), math.floor(longest) + 1)
            for key in self.lengths.get(length, ())
        ]
        # The start of the name as far as typed (and a letter more), for names whose first or
        # second letter is one of the text's first two.
        letters = dict.fromkeys(text[:2])
        starts = [key for char in letters for key in self.first.get(char, ())]
        starts += [key for char in letters for key in self.second.get(char, ())]
        heads = [key[: size + 1] for key in starts]
        best: dict[str, float] = {}
        for names, choices in ((whole, whole), (starts, heads)):
            for _, score, n in process.extract(
                text, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
            ):
                key = names[n]
                if score > best.get(key, -1):
                    best[key] = score
        ranked = sorted(best, key=lambda key: (-best[key], self.position[key]))
        return ranked[:limit]


@functools.lru_cache(maxsize=4)
def resolver_for(snap: Snapshot) -> Resolver:
    """One resolver per data version, built on first use (and at server start)."""
    return Resolver(snap)
