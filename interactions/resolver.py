"""From what a person typed to ingredients: names, brands, synonyms, doses and typos.

"Zoloft 100mg tablets", "sertaline", "oxycodone/acetaminophen 5/325", "Wellbutrin XL 150"
and "St. John's Wort" all resolve. Steps, first hit wins:

1. the whole name, normalised (case, spaces, punctuation; "Tylenol #3" keeps its number);
2. without dose text (numbers and units: "50 mg", "5/325", "150");
3. without form words too ("tablets", "ER", "extended release", "hydrochloride");
4. a close spelling of 2 or 3 (rapidfuzz, optimal string alignment distance: one typo in a
   short name, two in a long one), only when exactly one medicine is that close;
5. several names joined by "/", "+", "and" or "with", each resolved on its own.

A name we recognise but do not check (metformin) is reported as not covered, honestly. A
name that matches nothing gets up to five suggestions. Plain Python over a knowledge
snapshot; no ORM, no request.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from interactions.knowledge import Snapshot, normalise_name

MAX_SUGGESTIONS = 5

# Words that describe the form or salt, never the medicine. Kept out of matching only when
# the name with them does not match a product ("Wellbutrin XL" is a product name).
FORM_WORDS = frozenset(
    """
    tablet tablets tab tabs caplet caplets capsule capsules cap caps pill pills softgel softgels
    gelcap gelcaps chewable chewables lozenge lozenges film films strip strips patch patches
    spray sprays nasal oral injection injections inj shot shots solution liquid syrup
    suspension drops drop elixir powder cream gel ointment suppository suppositories
    er xr xl sr cr la ir dr ec odt cd xt es ds ms extended delayed immediate release
    controlled sustained long acting
    hcl hydrochloride sodium potassium sulfate sulphate tartrate bitartrate mesylate maleate
    citrate succinate besylate fumarate hydrobromide phosphate acetate
    generic brand dose doses daily once twice a day at night bedtime as needed prn mg mcg
    """.split()
)
UNIT = r"(?:mg|mcg|µg|ug|g|gm|gram|grams|ml|l|iu|units?|%|meq|mg/ml|mg/5ml|mcg/hr|mcg/h)"
DOSE_RE = re.compile(
    rf"(?<![a-z])\d+(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)*\s*{UNIT}?(?![a-z])", re.IGNORECASE
)
NUMBERED_RE = re.compile(r"(?:#|\bno\.?\s*)(\d+)\b", re.IGNORECASE)
SPLIT_RE = re.compile(
    r"\s*(?:/|\+|&|;|\band\b|\bwith\b|\bplus\b|\bw/|(?<=[a-z])-(?=[a-z]))\s*", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Target:
    """Something a name can point to."""

    name: str  # display name: the product as written, or the ingredient's name
    kind: str  # generic | brand | combination | not_covered
    ingredients: tuple[str, ...] = ()
    note: str = ""
    also_contains: tuple[str, ...] = ()

    @property
    def key(self) -> tuple:
        return (self.kind, self.name)


@dataclass(frozen=True, slots=True)
class Resolved:
    query: str
    name: str
    kind: str  # generic | brand | combination
    ingredients: tuple[str, ...]
    match: str  # exact | dose | fuzzy | parts
    note: str = ""
    also_contains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unresolved:
    query: str
    suggestions: tuple[str, ...]
    reason: str = "unknown"  # unknown | not_covered
    name: str = ""
    note: str = ""


@dataclass
class _Index:
    exact: dict[str, Target] = field(default_factory=dict)  # normalised name -> target
    compact: dict[str, Target] = field(default_factory=dict)  # without spaces
    labels: dict[str, str] = field(default_factory=dict)  # normalised name -> name as written


def clean(text: str) -> str:
    """Text as typed, minus control characters and odd spacing."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(text.split())


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
        self._covered_keys = [k for k in self._keys if self.index.exact[k].kind != "not_covered"]

    # ------------------------------------------------------------------ index
    def _add(self, name: str, target: Target) -> None:
        key = normalise_name(name)
        if not key:
            return
        self.index.exact.setdefault(key, target)
        self.index.compact.setdefault(key.replace(" ", ""), target)
        self.index.labels.setdefault(key, name)

    def _build(self) -> None:
        snap = self.snap
        for ingredient in snap.ingredients.values():
            target = Target(ingredient.name, "generic", (ingredient.slug,))
            self._add(ingredient.name, target)
            self._add(ingredient.slug.replace("-", " "), target)
            for synonym in ingredient.synonyms:
                self._add(synonym, target)
        for product in snap.products:
            note = ""
            if product.also_contains:
                others = ", ".join(product.also_contains)
                note = f"{product.name} also contains {others}, which we do not check."
            target = Target(
                product.name, product.kind, product.ingredients, note, product.also_contains
            )
            for name in (product.name, *product.synonyms):
                self._add(name, target)
        for item in snap.not_covered:
            target = Target(item.name, "not_covered", (), item.note)
            for name in (item.name, *item.synonyms):
                self._add(name, target)

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
        allowed = 1 if len(compact) <= 6 else 2 if len(compact) <= 12 else 3
        hits = process.extract(
            key, self._keys, scorer=OSA.distance, score_cutoff=allowed, limit=8
        )
        if not hits:
            return None
        best = min(distance for _, distance, _ in hits)
        targets = {self.index.exact[k].key: self.index.exact[k] for k, d, _ in hits if d == best}
        if len(targets) != 1:
            return None
        return next(iter(targets.values()))

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
        text = clean(query)
        target, how = self._find(text)
        if target is None and SPLIT_RE.search(text):
            parts = [part for part in SPLIT_RE.split(text) if strip_dose(normalise_name(part))]
            found = [self._find(part)[0] for part in parts]
            if len(found) >= 2 and all(t is not None and t.kind != "not_covered" for t in found):
                slugs = tuple(dict.fromkeys(s for t in found for s in t.ingredients))
                names = [t.name for t in found]
                notes = " ".join(t.note for t in found if t.note)
                return Resolved(
                    query, " / ".join(names), "combination" if len(slugs) > 1 else found[0].kind,
                    slugs, "parts", notes,
                    tuple(x for t in found for x in t.also_contains),
                )  # fmt: skip
        if target is None:
            return Unresolved(query, tuple(self.suggest_names(text)))
        if target.kind == "not_covered":
            return Unresolved(query, (), "not_covered", target.name, target.note)
        return Resolved(
            query, target.name, target.kind, target.ingredients, how, target.note,
            target.also_contains,
        )  # fmt: skip

    # ------------------------------------------------------------------ suggestions
    def suggest_names(self, text: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Up to `limit` names that look like `text`, best first (for unresolved names)."""
        key = strip_forms(strip_dose(normalise_name(text))) or normalise_name(text)
        if len(key) < 2:
            return []
        names: list[str] = []
        for target in self._ranked(key, limit * 3, covered_only=True):
            if target.name not in names:
                names.append(target.name)
            if len(names) == limit:
                break
        return names

    def _ranked(self, key: str, limit: int, covered_only: bool) -> list[Target]:
        keys = self._covered_keys if covered_only else self._keys
        prefix = sorted((k for k in keys if k.startswith(key)), key=lambda k: (len(k), k))
        words = sorted(
            (k for k in keys if not k.startswith(key) and f" {key}" in f" {k}"),
            key=lambda k: (len(k), k),
        )
        fuzzy = []
        if len(key) >= 4:
            # A typo anywhere, or a typo in what has been typed so far ("sertr" -> sertraline).
            fuzzy = [
                k
                for k, _, _ in process.extract(
                    key, keys, scorer=_typo_score, score_cutoff=80, limit=limit * 2
                )
            ]
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
        """(label, target) best first: exact, then prefix, then word prefix, then typos."""
        key = normalise_name(clean(text))
        if not key:
            return []
        results: list[tuple[str, Target]] = []
        seen = set()
        exact = self._lookup(key)
        candidates = [exact] if exact is not None and exact.kind != "not_covered" else []
        candidates += self._ranked(key, limit * 2, covered_only=True)
        for target in candidates:
            if target.key in seen:
                continue
            seen.add(target.key)
            results.append((target.name, target))
            if len(results) == limit:
                break
        return results


def _typo_score(query: str, candidate: str, *, score_cutoff: float | None = None, **_) -> float:
    score = max(fuzz.ratio(query, candidate), fuzz.ratio(query, candidate[: len(query) + 1]))
    return score if score_cutoff is None or score >= score_cutoff else 0


def resolver_for(snap: Snapshot) -> Resolver:
    """One resolver per snapshot, built on first use."""
    resolver = snap.cache.get("resolver")
    if resolver is None:
        resolver = Resolver(snap)
        snap.cache["resolver"] = resolver
    return resolver
