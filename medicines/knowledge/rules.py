"""The shape of rules.yaml: pair, duplicate and cumulative rules, advice notes, exemptions.

Checked by hand rather than by a flat model: a selector's keys and values, and the
placeholders a text may use, depend on the section the entry is in. Errors are KnowledgeError
naming the file, the entry and the field.
"""

from __future__ import annotations

import re

from medicines.knowledge.models import (
    Advice,
    CumulativeRule,
    DuplicateRule,
    Rule,
    Selector,
    Texts,
)
from medicines.knowledge.schema import _Checker
from medicines.knowledge.vocabulary import (
    CLASSES,
    MECHANISMS,
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    PROPERTIES,
    SELECTOR_KEYS,
    SEVERITIES,
    SLUG_RE,
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
        severity, mechanisms, refs, texts = _validate_common(
            c, raw, entry, references, placeholders
        )
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
            Rule(
                rid,
                side_a,
                side_b,
                severity,
                mechanisms,
                texts,
                refs,
                replaces,
                same_class,
                index,
                class_words,
                cite_labels,
            )  # fmt: skip
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
            CumulativeRule(
                rid,
                group,
                members,
                min_count,
                tuple(requires),
                severity,
                mechanisms,
                texts,
                refs,
                index,
            )  # fmt: skip
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
            Advice(
                rid, match, title, text, link, c.text(raw, "link_text", entry), tuple(refs), index
            )
        )
    return tuple(advice)
