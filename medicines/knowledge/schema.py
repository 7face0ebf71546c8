"""The shape of each entry in each data file, checked one entry at a time.

Errors are KnowledgeError naming the file, the entry and the field, so an editor can fix the
data without reading Python. Checks that need the whole knowledge base (a name used twice, a
slug defined in two files, reference topics) are in loading.py.
"""

from __future__ import annotations

import re

from medicines.knowledge.models import (
    Advice,
    CumulativeRule,
    DrugClass,
    DuplicateRule,
    Ingredient,
    NotCovered,
    Product,
    Reference,
    Rule,
    Selector,
    Texts,
)
from medicines.knowledge.vocabulary import (
    CLASSES,
    INGREDIENT_FIELDS,
    MECHANISMS,
    MULTI_VALUED,
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    PROPERTIES,
    SELECTOR_KEYS,
    SEVERITIES,
    SLUG_RE,
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
