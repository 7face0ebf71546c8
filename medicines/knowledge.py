"""The knowledge base: YAML files validated into an immutable in-memory snapshot.

Everything the engine and the resolver need is read from `medicines/data/` once per
process into frozen dataclasses. A schema error names the file, the entry and the field, so
an editor can fix the data without reading Python. The snapshot is rebuilt when the files
change (their content hash is the data version); if the new files are broken the previous
snapshot stays in use and the error is logged.

Plain Python only: no ORM, no request, no template.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"

# The C loader when libyaml is present (10x faster), the pure-Python one otherwise.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SEVERITIES = ("contraindicated", "major", "moderate", "minor")
SEVERITY_RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}  # higher = worse

MECHANISMS = (
    "serotonin-toxicity",
    "hypertensive-crisis",
    "cns-depression",
    "seizure-threshold",
    "qt-prolongation",
    "cyp2d6-inhibition",
    "cyp3a4-inhibition",
    "cyp3a4-induction",
    "opioid-blockade",
    "opioid-withdrawal",
    "bleeding",
    "lithium-levels",
    "liver-damage",
    "duplicate-therapy",
    "duplicate-ingredient",
    "lowered-tolerance",
    "pgp-inhibition",
    "pgp-induction",
    "enzyme-induction",
    "lithium-neurotoxicity",
    "alcohol-reaction",
    "reduced-effect",
    "anticonvulsant-levels",
    "stimulant-stacking",
    "dopamine-blockade",
)

CLASSES = (
    "antidepressant", "ssri", "snri", "tricyclic", "maoi", "atypical-antidepressant",
    "mood-stabilizer", "herbal", "opioid", "opioid-antagonist", "opioid-use-disorder-treatment",
    "cough-suppressant", "antidiarrheal", "benzodiazepine", "z-drug", "sleep-medicine",
    "barbiturate", "gabapentinoid", "muscle-relaxant", "antihistamine", "triptan", "antiemetic",
    "nsaid", "analgesic", "anticoagulant", "antiplatelet", "stimulant", "decongestant",
    "antipsychotic", "anxiolytic", "blood-pressure", "antibiotic", "antifungal", "anticonvulsant",
    "antiparkinson", "recreational", "alcohol", "cannabinoid", "anesthetic", "expectorant",
    "veterinary-sedative",
)  # fmt: skip

# Mechanism properties of an ingredient and the values each may take. `True` marks a flag.
PROPERTIES: dict[str, frozenset] = {
    "serotonergic": frozenset({"strong", "weak"}),
    "mao_inhibitor": frozenset({"nonselective", "reversible-a", "selective-b"}),
    "sympathomimetic": frozenset({True}),
    "cns_depressant": frozenset({"strong", "moderate"}),
    "opioid": frozenset({"agonist", "partial-agonist", "antagonist"}),
    "antagonist_use": frozenset({"full", "low-dose", "reversal"}),
    "seizure_risk": frozenset({"strong", "weak"}),
    "qt_risk": frozenset({"known", "possible"}),
    "cyp2d6_inhibitor": frozenset({"strong", "moderate"}),
    "cyp2d6_prodrug": frozenset({True}),
    "cyp2d6_substrate": frozenset({True}),
    "cyp3a4_inhibitor": frozenset({"strong", "moderate"}),
    "cyp3a4_inducer": frozenset({"strong", "moderate"}),
    "cyp3a4_substrate": frozenset({True}),
    # What the substrate's own label says with a strong / moderate CYP3A4 inhibitor, where it
    # says more than the default rules (lemborexant: avoid even with moderate inhibitors).
    "cyp3a4_with_strong": frozenset({"contraindicated", "major"}),
    "cyp3a4_with_moderate": frozenset({"major", "moderate"}),
    "pgp_substrate": frozenset({True}),
    "pgp_inhibitor": frozenset({True}),
    "pgp_inducer": frozenset({True}),
    "lowered_by_inducers": frozenset({True}),
    "lithium_neurotoxic": frozenset({True}),
    "disulfiram_like": frozenset({True}),
    "raises_anticonvulsants": frozenset({True}),
    "bleeding": frozenset({"serotonergic", "nsaid", "antiplatelet", "anticoagulant"}),
    "raises_lithium": frozenset({True}),
    "hepatotoxic": frozenset({True}),
    "dopamine_blocker": frozenset({True}),
    "dopaminergic": frozenset({True}),
    "five_ht3_blocker": frozenset({True}),
}
# Properties that may hold several values at once (aspirin: nsaid and antiplatelet).
MULTI_VALUED = frozenset({"bleeding", "opioid"})

INGREDIENT_FIELDS = frozenset(
    {"slug", "name", "synonyms", "classes", "summary", "label", "washout_days",
     "duplicate_severity", "references", "notes", "note", "comment", "dose_reads_as"}
) | frozenset(PROPERTIES)  # fmt: skip

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_]+)\}")
PLACEHOLDERS = frozenset({"a", "b", "A", "B", "class"})

# Selector keys besides the properties.
SELECTOR_KEYS = frozenset({"slug", "not_slug", "class", "not_class", "stopped"}) | frozenset(
    PROPERTIES
)


class KnowledgeError(ValueError):
    """A data file does not follow the schema. The message names file, entry and field."""

    def __init__(self, file: str, entry: str | None, field_name: str | None, problem: str):
        self.file, self.entry, self.field, self.problem = file, entry, field_name, problem
        where = file
        if entry:
            where += f", entry {entry}"
        if field_name:
            where += f", field '{field_name}'"
        super().__init__(f"{where}: {problem}")


# --------------------------------------------------------------------------- dataclasses


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


@dataclass(frozen=True, slots=True)
class Ingredient:
    slug: str
    name: str
    classes: frozenset[str]
    summary: str
    label: str
    synonyms: tuple[str, ...] = ()
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


@dataclass(frozen=True, slots=True)
class Snapshot:
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
    # Precomputed by the engine on first use (pair -> finding); see engine.pair_table.
    cache: dict = field(default_factory=dict, hash=False, compare=False, repr=False)

    def class_name(self, slug: str) -> str:
        drug_class = self.classes.get(slug)
        return drug_class.name if drug_class else slug

    def is_exempt(self, ingredient: Ingredient) -> bool:
        return any(selector.matches(ingredient) for selector in self.exempt)


# --------------------------------------------------------------------------- validation


class _Checker:
    """Helpers that raise KnowledgeError with file, entry and field filled in."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, entry, field_name, problem):
        raise KnowledgeError(self.file, entry, field_name, problem)

    def mapping(self, value, entry, field_name=None) -> dict:
        if not isinstance(value, dict):
            self.fail(entry, field_name, f"expected a mapping, got {type(value).__name__}")
        return value

    def text(self, data, key, entry, *, required=True, default="") -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(entry, key, "is required")
            return default
        if not isinstance(value, str):
            self.fail(entry, key, f"must be text, got {type(value).__name__}")
        return " ".join(value.split())

    def text_list(self, data, key, entry, *, required=False) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(entry, key, "is required")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(entry, key, "must be a list of non-empty texts")
        if required and not value:
            self.fail(entry, key, "must not be empty")
        return tuple(" ".join(v.split()) for v in value)

    def https_url(self, value, entry, field_name):
        if not isinstance(value, str) or not re.match(r"^https://[^\s/]+\.[^\s]+$", value):
            self.fail(entry, field_name, f"must be an https:// URL, got {value!r}")
        return value

    def unknown_keys(self, data, allowed, entry):
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            self.fail(entry, unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _read_yaml(path: Path, root: Path):
    relative = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    if root.resolve() == DATA_DIR:
        relative = f"medicines/data/{relative}"
    try:
        with path.open(encoding="utf-8") as handle:
            return relative, yaml.load(handle, Loader=_YamlLoader)
    except yaml.YAMLError as error:
        raise KnowledgeError(relative, None, None, f"not valid YAML: {error}") from None
    except UnicodeDecodeError as error:
        raise KnowledgeError(relative, None, None, f"not UTF-8: {error}") from None


def _entries(checker: _Checker, data, list_key: str | None = None) -> list:
    if data is None:
        return []
    if isinstance(data, dict) and list_key and list_key in data:
        data = data[list_key]
    if not isinstance(data, list):
        checker.fail(None, list_key, "expected a list of entries")
    return data


def _validate_ingredient(c: _Checker, raw, index: int) -> Ingredient:
    entry = f"#{index + 1}"
    raw = c.mapping(raw, entry)
    slug = raw.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        c.fail(entry, "slug", f"must be lowercase letters, digits and hyphens, got {slug!r}")
    entry = f"'{slug}'"
    c.unknown_keys(raw, INGREDIENT_FIELDS, entry)
    name = c.text(raw, "name", entry)
    summary = c.text(raw, "summary", entry)
    label = c.https_url(raw.get("label"), entry, "label")
    classes = raw.get("classes")
    if not isinstance(classes, list) or not classes:
        c.fail(entry, "classes", "is required: a non-empty list of class slugs")
    for drug_class in classes:
        if drug_class not in CLASSES:
            c.fail(entry, "classes", f"unknown class {drug_class!r}")
    synonyms = c.text_list(raw, "synonyms", entry)
    washout = raw.get("washout_days")
    if washout is not None and (isinstance(washout, bool) or not isinstance(washout, int) or washout < 1):
        c.fail(entry, "washout_days", f"must be a whole number of days above 0, got {washout!r}")
    duplicate = raw.get("duplicate_severity", "moderate")
    if duplicate not in SEVERITIES:
        c.fail(entry, "duplicate_severity", f"must be one of {', '.join(SEVERITIES)}")
    refs = raw.get("references") or []
    if isinstance(refs, str):
        refs = [refs]
    properties = {}
    for prop, allowed in PROPERTIES.items():
        if prop not in raw:
            continue
        value = raw[prop]
        if value is None or value is False:
            continue
        values = value if isinstance(value, list) and prop in MULTI_VALUED else [value]
        for item in values:
            if item not in allowed or (item is True and True not in allowed):
                shown = ", ".join(sorted(str(v).lower() for v in allowed))
                c.fail(entry, prop, f"must be one of {shown}, got {item!r}")
        properties[prop] = frozenset(values)
    if "antagonist_use" in properties and "antagonist" not in properties.get("opioid", ()):
        c.fail(entry, "antagonist_use", "only applies when opioid: antagonist")
    dose_reads_as = []
    for rule in raw.get("dose_reads_as") or []:
        low, high = (rule.get("min_mg"), rule.get("max_mg")) if isinstance(rule, dict) else (None, None)
        target = rule.get("ingredient") if isinstance(rule, dict) else None
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high))
        if (
            set(rule if isinstance(rule, dict) else ()) != {"min_mg", "max_mg", "ingredient"}
            or not numbers or not 0 < low <= high
            or not isinstance(target, str) or not SLUG_RE.match(target) or target == slug
        ):  # fmt: skip
            c.fail(entry, "dose_reads_as", "each item needs min_mg <= max_mg (mg, above 0) and "
                   f"another ingredient's slug, got {rule!r}")  # fmt: skip
        dose_reads_as.append((float(low), float(high), target))
    return Ingredient(
        slug=slug,
        name=name,
        classes=frozenset(classes),
        summary=summary,
        label=label,
        synonyms=synonyms,
        washout_days=washout,
        duplicate_severity=duplicate,
        references=tuple(refs),
        dose_reads_as=tuple(dose_reads_as),
        properties=properties,
    )


def _validate_selector(c: _Checker, raw, entry, field_name) -> tuple[Selector, ...]:
    """A selector is a mapping of conditions, or a list of them (any one matches)."""
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        c.fail(entry, field_name, "must not be empty")
    selectors = []
    for item in items:
        if not isinstance(item, dict) or not item:
            c.fail(entry, field_name, "must be a mapping of conditions (or a list of them)")
        conditions = []
        for key, value in item.items():
            if key not in SELECTOR_KEYS:
                c.fail(entry, f"{field_name}.{key}", "unknown condition")
            values = value if isinstance(value, list) else [value]
            if key == "stopped":
                if values not in ([True], [False]):
                    c.fail(entry, f"{field_name}.{key}", "must be true or false")
            elif key in ("class", "not_class"):
                for v in values:
                    if v not in CLASSES:
                        c.fail(entry, f"{field_name}.{key}", f"unknown class {v!r}")
            elif key in ("slug", "not_slug"):
                for v in values:
                    if not isinstance(v, str) or not SLUG_RE.match(v):
                        c.fail(entry, f"{field_name}.{key}", f"not a slug: {v!r}")
            else:
                if "none" in values and len(values) > 1:
                    c.fail(entry, f"{field_name}.{key}", "none stands alone")
                for v in values:
                    if v not in ("any", "none") and v not in PROPERTIES[key]:
                        c.fail(entry, f"{field_name}.{key}", f"unknown value {v!r}")
            conditions.append((key, frozenset(values)))
        selectors.append(Selector(tuple(conditions)))
    return tuple(selectors)


def _validate_texts(c: _Checker, raw, entry, allowed_placeholders) -> Texts:
    texts = Texts(
        title=c.text(raw, "title", entry),
        summary=c.text(raw, "summary", entry),
        what_to_do=c.text_list(raw, "what_to_do", entry, required=True),
        warning_signs=c.text_list(raw, "warning_signs", entry, required=True),
        emergency=c.text(raw, "emergency", entry, required=False),
    )
    for field_name in ("title", "summary", "what_to_do", "warning_signs", "emergency"):
        value = getattr(texts, field_name)
        for text in value if isinstance(value, tuple) else (value,):
            for placeholder in PLACEHOLDER_RE.findall(text):
                if placeholder not in allowed_placeholders:
                    c.fail(entry, field_name, f"unknown placeholder {{{placeholder}}}")
            if re.search(r"\bsafe(ly|ty)?\b", text, re.IGNORECASE):
                c.fail(entry, field_name, 'must not use the word "safe"')
    return texts


def _validate_common(c: _Checker, raw, entry, references, placeholders):
    severity = raw.get("severity")
    mechanisms = raw.get("mechanisms")
    if not isinstance(mechanisms, list) or not mechanisms:
        c.fail(entry, "mechanisms", "is required: a non-empty list")
    for mechanism in mechanisms:
        if mechanism not in MECHANISMS:
            c.fail(entry, "mechanisms", f"unknown mechanism {mechanism!r}")
    refs = raw.get("references")
    if not isinstance(refs, list) or not refs:
        c.fail(entry, "references", "is required: at least one reference id")
    for ref in refs:
        if ref not in references:
            c.fail(entry, "references", f"unknown reference id {ref!r} (see references.yaml)")
    texts = _validate_texts(c, raw, entry, placeholders)
    return severity, tuple(mechanisms), tuple(refs), texts


PAIR_RULE_FIELDS = {"id", "match", "severity", "mechanisms", "title", "summary", "what_to_do",
                    "warning_signs", "emergency", "references", "replaces", "note",
                    "class_words", "cite_labels"}  # fmt: skip
DUPLICATE_RULE_FIELDS = {"id", "match", "severity", "mechanisms", "title", "summary",
                         "what_to_do", "warning_signs", "emergency", "references", "note"}  # fmt: skip
CUMULATIVE_RULE_FIELDS = {"id", "group", "members", "min_count", "requires", "severity",
                          "mechanisms", "title", "summary", "what_to_do", "warning_signs",
                          "emergency", "references", "note"}  # fmt: skip


def _validate_rules(c: _Checker, data, references):
    data = c.mapping(data or {}, None)
    c.unknown_keys(
        data, {"rules", "duplicates", "cumulative", "exempt", "coverage", "advice"}, None
    )
    rules, duplicates, cumulative = [], [], []
    seen: set[str] = set()

    def rule_id(raw, index, section):
        entry = f"{section} #{index + 1}"
        raw = c.mapping(raw, entry)
        rid = raw.get("id")
        if not isinstance(rid, str) or not SLUG_RE.match(rid):
            c.fail(entry, "id", f"must be a slug, got {rid!r}")
        if rid in seen:
            c.fail(f"'{rid}'", "id", "is used twice")
        seen.add(rid)
        return raw, rid, f"'{rid}'"

    for index, raw in enumerate(data.get("rules") or []):
        raw, rid, entry = rule_id(raw, index, "rules")
        c.unknown_keys(raw, PAIR_RULE_FIELDS, entry)
        match = c.mapping(raw.get("match"), entry, "match")
        c.unknown_keys(match, {"a", "b", "same_class"}, entry)
        same_class: frozenset[str] = frozenset()
        if "same_class" in match:
            same_class = frozenset(match["same_class"] or [])
            for v in same_class:
                if v not in CLASSES:
                    c.fail(entry, "match.same_class", f"unknown class {v!r}")
            side_a = side_b = (Selector((("class", same_class),)),)
            placeholders = PLACEHOLDERS
        else:
            if "a" not in match or "b" not in match:
                c.fail(entry, "match", "needs both sides a and b (or same_class)")
            side_a = _validate_selector(c, match["a"], entry, "match.a")
            side_b = _validate_selector(c, match["b"], entry, "match.b")
            placeholders = PLACEHOLDERS - {"class"}
        severity, mechanisms, refs, texts = _validate_common(c, raw, entry, references, placeholders)
        if severity not in SEVERITIES:
            c.fail(entry, "severity", f"must be one of {', '.join(SEVERITIES)}")
        replaces = tuple(raw.get("replaces") or ())
        class_words = c.mapping(raw.get("class_words") or {}, entry, "class_words")
        for key, words in class_words.items():
            if key not in same_class or not isinstance(words, str):
                c.fail(entry, "class_words", f"{key!r}: must be a class of same_class with a text")
        cite_labels = raw.get("cite_labels", False)
        if not isinstance(cite_labels, bool):
            c.fail(entry, "cite_labels", "must be true or false")
        rules.append(
            Rule(rid, side_a, side_b, severity, mechanisms, texts, refs, replaces, same_class,
                 index, class_words, cite_labels)  # fmt: skip
        )

    for index, raw in enumerate(data.get("duplicates") or []):
        raw, rid, entry = rule_id(raw, index, "duplicates")
        c.unknown_keys(raw, DUPLICATE_RULE_FIELDS, entry)
        selector = _validate_selector(c, raw["match"], entry, "match") if raw.get("match") else ()
        severity, mechanisms, refs, texts = _validate_common(c, raw, entry, references, {"a", "A"})
        if severity is not None and severity not in SEVERITIES:
            c.fail(entry, "severity", f"must be one of {', '.join(SEVERITIES)} or left out")
        duplicates.append(DuplicateRule(rid, selector, mechanisms, texts, refs, severity, index))
    if duplicates and not any(not rule.selector for rule in duplicates):
        c.fail("duplicates", None, "needs one default rule without `match`")

    for index, raw in enumerate(data.get("cumulative") or []):
        raw, rid, entry = rule_id(raw, index, "cumulative")
        c.unknown_keys(raw, CUMULATIVE_RULE_FIELDS, entry)
        members = _validate_selector(c, raw.get("members"), entry, "members")
        min_count = raw.get("min_count", 3)
        if not isinstance(min_count, int) or min_count < 3:
            c.fail(entry, "min_count", "must be a whole number, 3 or more")
        requires = []
        for r_index, req in enumerate(raw.get("requires") or []):
            req = c.mapping(req, entry, f"requires[{r_index}]")
            at_least = req.get("at_least", 1)
            if not isinstance(at_least, int) or at_least < 1:
                c.fail(entry, f"requires[{r_index}].at_least", "must be a whole number above 0")
            selectors = _validate_selector(c, req.get("match"), entry, f"requires[{r_index}].match")
            requires.append((selectors, at_least))
        severity, mechanisms, refs, texts = _validate_common(
            c, raw, entry, references, {"names"} | set()
        )
        if severity not in SEVERITIES:
            c.fail(entry, "severity", f"must be one of {', '.join(SEVERITIES)}")
        group = raw.get("group") or rid
        cumulative.append(
            CumulativeRule(rid, group, members, min_count, tuple(requires), severity, mechanisms,
                           texts, refs, index)  # fmt: skip
        )

    for rule in rules:
        for replaced in rule.replaces:
            if replaced not in {r.id for r in rules}:
                c.fail(f"'{rule.id}'", "replaces", f"unknown rule id {replaced!r}")
    exempt = _validate_selector(c, data["exempt"], "exempt", "exempt") if data.get("exempt") else ()
    coverage = c.mapping(data.get("coverage") or {}, "coverage")
    advice = _validate_advice(c, data.get("advice") or [], references, seen)
    return tuple(rules), tuple(duplicates), tuple(cumulative), exempt, coverage, advice


ADVICE_FIELDS = {"id", "match", "title", "text", "link", "link_text", "references", "note"}


def _validate_advice(c: _Checker, data, references, seen: set[str]) -> tuple[Advice, ...]:
    if not isinstance(data, list):
        c.fail("advice", None, "expected a list of entries")
    advice = []
    for index, raw in enumerate(data):
        raw = c.mapping(raw, f"advice #{index + 1}")
        rid = raw.get("id")
        if not isinstance(rid, str) or not SLUG_RE.match(rid):
            c.fail(f"advice #{index + 1}", "id", f"must be a slug, got {rid!r}")
        entry = f"'{rid}'"
        if rid in seen:
            c.fail(entry, "id", "is used twice")
        seen.add(rid)
        c.unknown_keys(raw, ADVICE_FIELDS, entry)
        match = _validate_selector(c, raw.get("match"), entry, "match")
        title, text = c.text(raw, "title", entry), c.text(raw, "text", entry)
        for field_name, value in (("title", title), ("text", text)):
            for placeholder in PLACEHOLDER_RE.findall(value):
                if placeholder != "names":
                    c.fail(entry, field_name, f"unknown placeholder {{{placeholder}}}")
            if re.search(r"\bsafe(ly|ty)?\b", value, re.IGNORECASE):
                c.fail(entry, field_name, 'must not use the word "safe"')
        link = raw.get("link")
        if not isinstance(link, str) or not (link.startswith("/") or link.startswith("https://")):
            c.fail(entry, "link", "must be a site path (/articles/...) or an https:// URL")
        refs = raw.get("references")
        if not isinstance(refs, list) or not refs:
            c.fail(entry, "references", "is required: at least one reference id")
        for ref in refs:
            if ref not in references:
                c.fail(entry, "references", f"unknown reference id {ref!r} (see references.yaml)")
        advice.append(
            Advice(rid, match, title, text, link, c.text(raw, "link_text", entry), tuple(refs), index)
        )
    return tuple(advice)


def _validate_references(c: _Checker, data) -> dict[str, Reference]:
    references = {}
    for index, raw in enumerate(_entries(c, data, "references")):
        entry = f"#{index + 1}"
        raw = c.mapping(raw, entry)
        rid = raw.get("id")
        if not isinstance(rid, str) or not SLUG_RE.match(rid):
            c.fail(entry, "id", f"must be a slug, got {rid!r}")
        entry = f"'{rid}'"
        if rid in references:
            c.fail(entry, "id", "is used twice")
        c.unknown_keys(
            raw, {"id", "title", "publisher", "year", "url", "authors", "note", "about"}, entry
        )
        about = raw.get("about") or []
        if not isinstance(about, list) or not all(isinstance(t, str) for t in about):
            c.fail(entry, "about", "must be a list of ingredient slugs, classes or mechanisms")
        year = raw.get("year")
        if year is not None and (not isinstance(year, int) or not 1900 < year < 2100):
            c.fail(entry, "year", f"must be a year, got {year!r}")
        references[rid] = Reference(
            id=rid,
            title=c.text(raw, "title", entry),
            publisher=c.text(raw, "publisher", entry),
            year=year,
            url=c.https_url(raw.get("url"), entry, "url"),
            authors=c.text(raw, "authors", entry, required=False),
            about=frozenset(about),
        )
    return references


def _check_reference_topics(file: str, references, ingredients) -> None:
    """Every `about` topic names an ingredient, a class or a mechanism."""
    known = set(ingredients) | set(CLASSES) | set(MECHANISMS)
    for ref in references.values():
        for topic in sorted(ref.about - known):
            raise KnowledgeError(
                file, f"'{ref.id}'", "about",
                f"unknown topic {topic!r}: use an ingredient slug, a class or a mechanism",
            )


def _validate_products(c: _Checker, data, ingredients) -> tuple[Product, ...]:
    products = []
    for index, raw in enumerate(_entries(c, data, "products")):
        entry = f"#{index + 1}"
        raw = c.mapping(raw, entry)
        name = c.text(raw, "name", entry)
        entry = f"'{name}'"
        c.unknown_keys(
            raw, {"name", "kind", "ingredients", "also_contains", "note", "synonyms", "comment"},
            entry,
        )
        kind = raw.get("kind")
        slugs = raw.get("ingredients")
        if not isinstance(slugs, list) or not slugs:
            c.fail(entry, "ingredients", "is required: a list of ingredient slugs")
        for slug in slugs:
            if slug not in ingredients:
                c.fail(entry, "ingredients", f"unknown ingredient slug {slug!r}")
        if len(set(slugs)) != len(slugs):
            c.fail(entry, "ingredients", "lists an ingredient twice")
        if kind not in ("brand", "combination"):
            c.fail(entry, "kind", f"must be brand or combination, got {kind!r}")
        if kind == "brand" and len(slugs) != 1:
            c.fail(entry, "kind", "a brand has exactly one ingredient (use combination)")
        if kind == "combination" and len(slugs) < 2:
            c.fail(entry, "kind", "a combination has two or more ingredients (use brand)")
        products.append(
            Product(
                name=name,
                kind=kind,
                ingredients=tuple(slugs),
                also_contains=c.text_list(raw, "also_contains", entry),
                note=c.text(raw, "note", entry, required=False),
                synonyms=c.text_list(raw, "synonyms", entry),
            )
        )
    return tuple(products)


def _validate_not_covered(c: _Checker, data) -> tuple[NotCovered, ...]:
    items = []
    for index, raw in enumerate(_entries(c, data, "not_covered")):
        entry = f"#{index + 1}"
        raw = c.mapping(raw, entry)
        name = c.text(raw, "name", entry)
        entry = f"'{name}'"
        c.unknown_keys(raw, {"name", "note", "synonyms", "group", "comment"}, entry)
        items.append(NotCovered(name, c.text(raw, "note", entry), c.text_list(raw, "synonyms", entry)))
    return tuple(items)


def _validate_classes(c: _Checker, data) -> dict[str, DrugClass]:
    classes = {}
    for index, raw in enumerate(_entries(c, data, "classes")):
        entry = f"#{index + 1}"
        raw = c.mapping(raw, entry)
        slug = raw.get("slug")
        if slug not in CLASSES:
            c.fail(entry, "slug", f"unknown class {slug!r} (see the class vocabulary)")
        entry = f"'{slug}'"
        c.unknown_keys(raw, {"slug", "name", "description", "plural"}, entry)
        classes[slug] = DrugClass(
            slug, c.text(raw, "name", entry), c.text(raw, "description", entry, required=False)
        )
    return classes


# --------------------------------------------------------------------------- loading


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    files = sorted((data_dir / "ingredients").glob("*.yaml")) if (data_dir / "ingredients").is_dir() else []
    for name in ("products.yaml", "not_covered.yaml", "classes.yaml", "rules.yaml", "references.yaml"):
        if (data_dir / name).exists():
            files.append(data_dir / name)
    return files


def data_version(data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        digest.update(str(path.relative_to(data_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load(data_dir: Path = DATA_DIR) -> Snapshot:
    """Read and validate every data file. Raises KnowledgeError naming file, entry and field."""
    data_dir = Path(data_dir)
    version = data_version(data_dir)

    def read(name):
        path = data_dir / name
        if not path.exists():
            return name, None
        return _read_yaml(path, data_dir)

    ref_file, ref_data = read("references.yaml")
    references = _validate_references(_Checker(ref_file), ref_data)

    ingredients: dict[str, Ingredient] = {}
    where: dict[str, str] = {}
    ingredient_dir = data_dir / "ingredients"
    for path in sorted(ingredient_dir.glob("*.yaml")) if ingredient_dir.is_dir() else []:
        file, data = _read_yaml(path, data_dir)
        checker = _Checker(file)
        for index, raw in enumerate(_entries(checker, data, "ingredients")):
            ingredient = _validate_ingredient(checker, raw, index)
            if ingredient.slug in ingredients:
                checker.fail(f"'{ingredient.slug}'", "slug", f"already defined in {where[ingredient.slug]}")
            for ref in ingredient.references:
                if ref not in references:
                    checker.fail(f"'{ingredient.slug}'", "references", f"unknown reference id {ref!r}")
            ingredients[ingredient.slug] = ingredient
            where[ingredient.slug] = file

    for ingredient in ingredients.values():
        for _, _, target in ingredient.dose_reads_as:
            if target not in ingredients:
                _Checker(where[ingredient.slug]).fail(
                    f"'{ingredient.slug}'", "dose_reads_as", f"unknown ingredient {target!r}"
                )

    file, data = read("classes.yaml")
    classes = _validate_classes(_Checker(file), data)
    file, data = read("products.yaml")
    products = _validate_products(_Checker(file), data, ingredients)
    file, data = read("not_covered.yaml")
    not_covered = _validate_not_covered(_Checker(file), data)
    file, data = read("rules.yaml")
    rules, duplicates, cumulative, exempt, coverage, advice = _validate_rules(
        _Checker(file), data, references
    )

    _check_reference_topics(ref_file, references, ingredients)
    _check_names_unique(ingredients, products, not_covered)
    return Snapshot(
        version=version,
        ingredients=ingredients,
        classes=classes,
        products=products,
        not_covered=not_covered,
        references=references,
        rules=rules,
        duplicate_rules=duplicates,
        cumulative_rules=cumulative,
        exempt=exempt,
        coverage=coverage,
        advice=advice,
    )


def normalise_name(text: str) -> str:
    """The key two names are compared by: lowercase letters and digits, single spaces."""
    text = text.casefold().replace("’", "'")
    text = re.sub(r"[.'`´]", "", text)
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def _check_names_unique(ingredients, products, not_covered):
    """A name people type must point to one thing; a clash is a data error."""
    owner: dict[str, tuple[str, str]] = {}

    def claim(name, what, file):
        key = normalise_name(name)
        if key in owner and owner[key][0] != what:
            raise KnowledgeError(
                file, f"'{name}'", "name", f"the name is also used by {owner[key][0]} ({owner[key][1]})"
            )
        owner[key] = (what, file)

    for ingredient in ingredients.values():
        claim(ingredient.name, f"ingredient {ingredient.slug}", "ingredients")
        claim(ingredient.slug.replace("-", " "), f"ingredient {ingredient.slug}", "ingredients")
        for synonym in ingredient.synonyms:
            claim(synonym, f"ingredient {ingredient.slug}", "ingredients")
    for product in products:
        what = (
            f"ingredient {product.ingredients[0]}"
            if product.kind == "brand"
            else f"product {'+'.join(sorted(product.ingredients))}"
        )
        for name in (product.name, *product.synonyms):
            key = normalise_name(name)
            # A brand may share its name with a product listing the same ingredient.
            if key in owner and owner[key][0] != what:
                raise KnowledgeError(
                    "products.yaml", f"'{name}'", "name",
                    f"the name is also used by {owner[key][0]} ({owner[key][1]})",
                )
            owner[key] = (what, "products.yaml")
    for item in not_covered:
        for name in (item.name, *item.synonyms):
            key = normalise_name(name)
            if key in owner:
                raise KnowledgeError(
                    "not_covered.yaml", f"'{name}'", "name",
                    f"we do check this name: it is {owner[key][0]} ({owner[key][1]})",
                )


# --------------------------------------------------------------------------- the snapshot


_lock = threading.Lock()
_current: Snapshot | None = None
_fingerprint: tuple | None = None


def _files_fingerprint(data_dir: Path) -> tuple:
    stats = []
    for path in data_files(data_dir):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        stats.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


_default_dir: Path = DATA_DIR


def use_data_dir(data_dir: str | Path | None) -> None:
    """Read the knowledge from another folder by default (the site's KNOWLEDGE_DIR setting,
    set by the web layer at start-up; the benchmark's synthetic knowledge). None: the real one."""
    global _default_dir
    _default_dir = Path(data_dir).resolve() if data_dir else DATA_DIR


def default_data_dir() -> Path:
    return _default_dir


def snapshot(data_dir: Path | None = None) -> Snapshot:
    """The current snapshot, rebuilt when the data files change.

    Checking is a handful of stat() calls; the files are hashed and re-read only when their
    size or modification time changes. A broken edit keeps the last good snapshot in use.
    Without `data_dir`, the folder set by use_data_dir (the real data by default).
    """
    global _current, _fingerprint
    data_dir = _default_dir if data_dir is None else data_dir
    fingerprint = (str(data_dir), _files_fingerprint(data_dir))
    if _current is not None and fingerprint == _fingerprint:
        return _current
    with _lock:
        if _current is not None and fingerprint == _fingerprint:
            return _current
        if _current is not None and data_version(data_dir) == _current.version and fingerprint[0] == _fingerprint[0]:
            _fingerprint = fingerprint
            return _current
        try:
            fresh = load(data_dir)
        except KnowledgeError:
            if _current is None or fingerprint[0] != _fingerprint[0]:
                raise
            logger.exception("Knowledge base files are invalid; keeping version %s", _current.version)
            _fingerprint = fingerprint
            return _current
        _current, _fingerprint = fresh, fingerprint
        return fresh


def reset() -> None:
    """Forget the cached snapshot (tests)."""
    global _current, _fingerprint
    with _lock:
        _current = _fingerprint = None


def iter_names(snap: Snapshot) -> Iterable[tuple[str, str]]:
    """(name, kind) of every name the resolver knows, for listings."""
    for ingredient in snap.ingredients.values():
        yield ingredient.name, "generic"
    for product in snap.products:
        yield product.name, product.kind
