"""The knowledge as the engine and the resolver read it: frozen dataclasses, and the Snapshot
that holds one validated version of every file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    title: str
    publisher: str
    year: int | None
    url: str
    authors: str = ""
    # What the source is about: ingredient slugs, classes or mechanisms. A pair finding keeps
    # only the sources about one of its medicines, their classes or the rule's mechanisms.
    about: frozenset[str] = frozenset()

    def fits(self, topics: frozenset[str] | set[str]) -> bool:
        return not self.about or bool(self.about & topics)

    def as_json(self) -> dict:
        data = {"title": self.title, "url": self.url, "publisher": self.publisher}
        if self.year:
            data["year"] = self.year
        if self.authors:
            data["authors"] = self.authors
        return data


@dataclass(frozen=True, slots=True)
class DrugClass:
    slug: str
    name: str
    description: str = ""
    # What people type for the whole group ("benzos", "an SSRI"), and medicines of the group
    # to offer instead: a group cannot be checked (its members mix differently).
    words: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Family:
    """Products sold under one name ("NyQuil", "Theraflu") that hold different medicines:
    typed alone, the name is a group, like a class's words (see classes.yaml)."""

    name: str
    words: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ingredient:
    slug: str
    name: str
    classes: frozenset[str]
    summary: str
    label: str
    synonyms: tuple[str, ...] = ()
    street_names: tuple[str, ...] = ()  # those synonyms that are street names (see README)
    washout_days: int | None = None
    duplicate_severity: str = "moderate"
    references: tuple[str, ...] = ()
    # A typed dose that makes it another medicine: ((min_mg, max_mg, ingredient slug), ...).
    # "naltrexone 4.5 mg" is low-dose naltrexone; the resolver reads it (resolver.py).
    dose_reads_as: tuple[tuple[float, float, str], ...] = ()
    # mechanism properties: property name -> frozenset of values (True for a flag)
    properties: Mapping[str, frozenset] = field(default_factory=dict, hash=False, compare=False)

    def has(self, prop: str) -> bool:
        return prop in self.properties

    def value(self, prop: str):
        """The single value of a property (the worst-sounding one if several), or None."""
        values = self.properties.get(prop)
        if not values:
            return None
        return sorted(values, key=str)[0]


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    kind: str  # brand | combination
    ingredients: tuple[str, ...]
    also_contains: tuple[str, ...] = ()
    note: str = ""
    synonyms: tuple[str, ...] = ()
    street_names: tuple[str, ...] = ()  # those synonyms that are street names (see README)


@dataclass(frozen=True, slots=True)
class NotCovered:
    name: str
    note: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Selector:
    """One side of a rule: every condition must hold. Values are sets (any one matches)."""

    conditions: tuple[tuple[str, frozenset], ...]

    def matches(self, ingredient: Ingredient, stopped: bool = False) -> bool:
        for key, wanted in self.conditions:
            if key == "stopped":
                if stopped not in wanted:
                    return False
            elif key == "slug":
                if ingredient.slug not in wanted:
                    return False
            elif key == "not_slug":
                if ingredient.slug in wanted:
                    return False
            elif key == "class":
                if not (ingredient.classes & wanted):
                    return False
            elif key == "not_class":
                if ingredient.classes & wanted:
                    return False
            else:
                have = ingredient.properties.get(key)
                if "none" in wanted:  # the property is absent
                    if have:
                        return False
                    continue
                if not have:
                    return False
                if "any" not in wanted and not (have & wanted):
                    return False
        return True

    @property
    def wants_stopped(self) -> bool:
        return any(key == "stopped" and True in values for key, values in self.conditions)


@dataclass(frozen=True, slots=True)
class Texts:
    title: str
    summary: str
    what_to_do: tuple[str, ...]
    warning_signs: tuple[str, ...]
    emergency: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A pair rule: ingredient x matches side a, a different ingredient y matches side b."""

    id: str
    side_a: tuple[Selector, ...]  # any of these
    side_b: tuple[Selector, ...]
    severity: str
    mechanisms: tuple[str, ...]
    texts: Texts
    references: tuple[str, ...]
    replaces: tuple[str, ...] = ()
    same_class: frozenset[str] = frozenset()  # duplicate-therapy rules: both share one of these
    order: int = 0
    class_words: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    # Also cite the drug label of each of the pair's two ingredients (their `label`, when it
    # is a DailyMed label): for rules whose warning every such label carries (CNS
    # depressants, seizure threshold, same-class duplicates...).
    cite_labels: bool = False

    def side_matches(self, side: tuple[Selector, ...], ingredient: Ingredient, stopped: bool):
        if stopped and not ingredient.washout_days and not any(s.wants_stopped for s in side):
            # A stopped medicine only counts while it is still in the body (its washout),
            # unless the rule is about having stopped it (lowered tolerance).
            return False
        return any(selector.matches(ingredient, stopped) for selector in side)


@dataclass(frozen=True, slots=True)
class DuplicateRule:
    """The same ingredient from two entries (Percocet with Tylenol)."""

    id: str
    selector: tuple[Selector, ...]  # empty = every ingredient (the default rule)
    mechanisms: tuple[str, ...]
    texts: Texts
    references: tuple[str, ...]
    severity: str | None = None  # None: the ingredient's duplicate_severity
    order: int = 0


@dataclass(frozen=True, slots=True)
class CumulativeRule:
    """Three or more medicines adding to one risk."""

    id: str
    group: str  # of the rules in a group, only the worst that fires is reported
    members: tuple[Selector, ...]  # an ingredient contributes if it matches any
    min_count: int
    requires: tuple[tuple[tuple[Selector, ...], int], ...]  # (selectors, at least n members)
    severity: str
    mechanisms: tuple[str, ...]
    texts: Texts
    references: tuple[str, ...]
    order: int = 0


@dataclass(frozen=True, slots=True)
class Advice:
    """A short note shown whenever a matching medicine is on the list, whatever it is taken
    with (high-tyramine foods with an MAOI). Not a finding: it has no severity."""

    id: str
    match: tuple[Selector, ...]
    title: str
    text: str  # {names}: the matching medicines
    link: str  # a site path (/articles/...) or an https:// URL
    link_text: str
    references: tuple[str, ...]
    order: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """One validated version of the knowledge. Equal to, and hashed like, any snapshot of the
    same data version, so a per-snapshot result can be memoised with functools.lru_cache."""

    version: str
    ingredients: Mapping[str, Ingredient]
    classes: Mapping[str, DrugClass]
    products: tuple[Product, ...]
    not_covered: tuple[NotCovered, ...]
    references: Mapping[str, Reference]
    rules: tuple[Rule, ...]
    duplicate_rules: tuple[DuplicateRule, ...]
    cumulative_rules: tuple[CumulativeRule, ...]
    exempt: tuple[Selector, ...]
    coverage: Mapping[str, Any]
    advice: tuple[Advice, ...] = ()
    families: tuple[Family, ...] = ()

    def class_name(self, slug: str) -> str:
        drug_class = self.classes.get(slug)
        return drug_class.name if drug_class else slug

    def is_exempt(self, ingredient: Ingredient) -> bool:
        return any(selector.matches(ingredient) for selector in self.exempt)

    def __eq__(self, other) -> bool:
        return isinstance(other, Snapshot) and other.version == self.version

    def __hash__(self) -> int:
        return hash(self.version)
