"""The interaction engine: plain Python over a knowledge snapshot.

Input: the medicines a person takes (each a list of ingredient slugs: a combination product
is one medicine with several ingredients) and those stopped recently. Output: findings,
worst first. Three kinds:

- pair: two different ingredients from two different medicines. Every rule that matches
  the pair contributes; the pair yields ONE finding (worst severity, all mechanisms, the
  titles joined, texts and sources de-duplicated). A pair's finding is computed when a check
  asks for it, from the rules both ingredients can trigger (an index built once per
  snapshot, linear in rules x ingredients), and kept in a bounded memo keyed on the
  knowledge version and the pair. Nothing computes every pair unless a tool asks for the
  whole table (pair_table: kb_matrix, the class table, peer review).
- duplicate-ingredient: the same ingredient in two medicines (Percocet and Tylenol).
- cumulative: three or more medicines adding to one risk, naming every contributor.

Ingredients inside one combination product are not paired with each other: the product was
made and labelled as that combination.

A stopped medicine counts only while it is still in the body (its `washout_days`), pairs
only with current medicines, and the finding says so. Rules that are about having stopped
something (`stopped: true` on one side: lowered tolerance after naltrexone) apply whatever
the washout.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from medicines.knowledge import (
    SEVERITY_RANK,
    CumulativeRule,
    DuplicateRule,
    Ingredient,
    Reference,
    Rule,
    Snapshot,
)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # pair | duplicate-ingredient | cumulative
    ingredients: tuple[str, ...]  # slugs
    severity: str
    title: str
    summary: str
    mechanisms: tuple[str, ...]
    what_to_do: tuple[str, ...]  # short steps; the API joins them into one text
    warning_signs: tuple[str, ...]
    emergency: str
    references: tuple[Reference, ...]
    rule_ids: tuple[str, ...]
    stopped: tuple[str, ...] = ()  # slugs of contributors that were stopped recently
    medicines: tuple[str, ...] = ()  # for duplicates: the medicines that share the ingredient

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


@dataclass(frozen=True, slots=True)
class Medicine:
    """One thing a person entered, resolved to its ingredients."""

    label: str
    ingredients: tuple[str, ...]


# --------------------------------------------------------------------------- text helpers


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def join_titles(titles: Sequence[str]) -> str:
    """'Serotonin syndrome' + 'Seizure risk' -> 'Serotonin syndrome and seizure risk'."""
    unique = list(dict.fromkeys(titles))
    parts = [unique[0]] + [
        # keep acronyms and names ('QT', 'LDN') as written
        title if title[1:2].isupper() else title[:1].lower() + title[1:]
        for title in unique[1:]
    ]
    return join_names(parts)


_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


def _fill(text: str, values: dict[str, str]) -> str:
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def washout_words(days: int) -> str:
    if days % 7 == 0 or days >= 21:
        weeks = round(days / 7)
        return "about 1 week" if weeks == 1 else f"about {weeks} weeks"
    return "about 1 day" if days == 1 else f"about {days} days"


def stopped_note(ingredient: Ingredient) -> str:
    span = washout_words(ingredient.washout_days or 0)
    return (
        f"You stopped {ingredient.name} recently. It stays in the body for {span}, "
        f"so this still applies if you stopped it less than {span.removeprefix('about ')} ago."
    )


# --------------------------------------------------------------------------- pair findings


@dataclass(frozen=True, slots=True)
class _Match:
    rule: Rule
    a: str  # slug filling {a}
    b: str  # slug filling {b}
    drug_class: str = ""  # for same-class rules


def _merge(snap: Snapshot, matches: list[_Match], stopped: tuple[str, ...] = ()) -> Finding:
    # Pair-specific overrides replace the general rule they refine.
    replaced = {rid for match in matches for rid in match.rule.replaces}
    matches = [m for m in matches if m.rule.id not in replaced]
    # One orientation per rule is enough (a symmetric rule matches both ways round).
    unique: dict[str, _Match] = {}
    for match in matches:
        unique.setdefault(match.rule.id, match)
    matches = sorted(unique.values(), key=lambda m: (-SEVERITY_RANK[m.rule.severity], m.rule.order))

    ingredients = snap.ingredients
    titles, summaries, steps, signs, emergencies, mechanisms, refs = [], [], [], [], [], [], []
    for match in matches:
        a, b = ingredients[match.a], ingredients[match.b]
        values = {
            "a": a.name, "A": capitalise(a.name), "b": b.name, "B": capitalise(b.name),
            "class": match.rule.class_words.get(match.drug_class)
            or snap.class_name(match.drug_class),
        }  # fmt: skip
        texts = match.rule.texts
        titles.append(_fill(texts.title, values))
        summaries.append(_fill(texts.summary, values))
        steps.extend(_fill(step, values) for step in texts.what_to_do)
        signs.extend(_fill(sign, values) for sign in texts.warning_signs)
        if texts.emergency:
            emergencies.append(_fill(texts.emergency, values))
        mechanisms.extend(match.rule.mechanisms)
        refs.extend(_fitting_references(snap, match))

    slugs = tuple(sorted({m.a for m in matches} | {m.b for m in matches}))
    summary = " ".join(dict.fromkeys(summaries))
    about_stopping = all(
        any(selector.wants_stopped for selector in m.rule.side_a + m.rule.side_b) for m in matches
    )
    if stopped and not about_stopping:
        notes = [stopped_note(ingredients[s]) for s in stopped if ingredients[s].washout_days]
        summary = " ".join(notes + [summary])
    return Finding(
        kind="pair",
        ingredients=slugs,
        severity=matches[0].rule.severity,
        title=join_titles(titles),
        summary=summary,
        mechanisms=tuple(dict.fromkeys(mechanisms)),
        what_to_do=tuple(dict.fromkeys(steps)),
        warning_signs=tuple(dict.fromkeys(signs)),
        emergency=" ".join(dict.fromkeys(emergencies)),
        references=_unique_by_url(refs),
        rule_ids=tuple(m.rule.id for m in matches),
        stopped=stopped,
    )


def _unique_by_url(refs: list[Reference]) -> tuple[Reference, ...]:
    seen: dict[str, Reference] = {}
    for ref in refs:
        seen.setdefault(ref.url, ref)
    return tuple(seen.values())


DAILYMED = "https://dailymed.nlm.nih.gov/"


_PUBLISHERS = {
    "nida.nih.gov": "National Institute on Drug Abuse (NIDA)",
    "www.fda.gov": "U.S. Food and Drug Administration",
    "www.niaaa.nih.gov": "National Institute on Alcohol Abuse and Alcoholism (NIAAA)",
    "www.nccih.nih.gov": "National Center for Complementary and Integrative Health (NCCIH)",
    "pubmed.ncbi.nlm.nih.gov": "PubMed, U.S. National Library of Medicine",
    "ecddrepository.org": "World Health Organization, Expert Committee on Drug Dependence",
}
# Hosts whose pages are a medicine's own label outside the US (a medicine not sold there).
_LABEL_PUBLISHERS = {
    "www.medicines.org.uk": "electronic medicines compendium (emc), UK",
}


def own_label(ingredient: Ingredient) -> Reference | None:
    """The ingredient's own label (or, for a street drug or supplement, the reviewed public
    health page in its `label` field) as a source about that ingredient."""
    host = ingredient.label.split("/")[2]
    if ingredient.label.startswith(DAILYMED):
        title, publisher = (
            f"{capitalise(ingredient.name)} drug label",
            ("DailyMed, U.S. National Library of Medicine"),
        )
    elif host in _LABEL_PUBLISHERS:
        title = f"{capitalise(ingredient.name)} product information (summary of product characteristics)"
        publisher = _LABEL_PUBLISHERS[host]
    else:
        publisher = _PUBLISHERS.get(host)
        if publisher is None:
            return None
        title = f"{capitalise(ingredient.name)}: facts and risks"
    return Reference(
        id=f"label:{ingredient.slug}",
        title=title,
        publisher=publisher,
        year=None,
        url=ingredient.label,
        about=frozenset({ingredient.slug}),
    )


def _fitting_references(snap: Snapshot, match: _Match) -> list[Reference]:
    """The rule's sources that are about this pair: one of its two ingredients, their
    classes, or the rule's mechanism (see `about` in references.yaml). A rule may cite
    several example labels; each pair keeps only those about its own medicines. With
    `cite_labels`, the two ingredients' own labels are added. If nothing fits, all the
    rule's sources are kept (tests/interactions/test_sources_fit.py fails on such a rule)."""
    a, b = snap.ingredients[match.a], snap.ingredients[match.b]
    topics = {a.slug, b.slug} | a.classes | b.classes | set(match.rule.mechanisms)
    cited = [snap.references[r] for r in match.rule.references]
    fitting = [ref for ref in cited if ref.fits(topics)]
    if match.rule.cite_labels:
        fitting += [label for label in (own_label(a), own_label(b)) if label is not None]
    return fitting or cited


def _references_about(snap: Snapshot, rule, slugs) -> tuple[Reference, ...]:
    """A duplicate or cumulative rule's sources that are about its medicines, their classes
    or the mechanism; if none is, the medicines' own labels."""
    topics = set(rule.mechanisms)
    for slug in slugs:
        topics |= {slug} | snap.ingredients[slug].classes
    cited = [snap.references[r] for r in rule.references]
    fitting = [ref for ref in cited if ref.fits(topics)]
    if not fitting:
        fitting = [label for label in (own_label(snap.ingredients[s]) for s in slugs) if label]
    return _unique_by_url(fitting or cited)


# Which rules each ingredient can trigger, and on which side. Flags per (ingredient, rule):
A_NOW, B_NOW, A_STOPPED, B_STOPPED = 1, 2, 4, 8


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """What a check needs to find a pair's rules without looking at every pair: built once
    per snapshot, linear in rules x ingredients (engine.rule_index)."""

    order: dict[str, int]  # slug -> position among the snapshot's ingredients
    sides: dict[str, dict[int, int]]  # slug -> {rule position: A_NOW | B_NOW | ...}
    same_class: dict[int, dict[str, int]]  # same-class rule position -> {class: rank}
    side_members: dict[int, tuple[tuple[str, ...], ...]]  # rule -> slugs per flag bit
    members: dict[str, frozenset[str]]  # cumulative rule id -> contributing slugs
    stopped_members: dict[str, frozenset[str]]
    requires: dict[tuple[str, int], frozenset[str]]  # (rule id, requirement index) -> slugs
    by_class: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> slugs


@functools.lru_cache(maxsize=4)
def rule_index(snap: Snapshot) -> RuleIndex:
    """The snapshot's rule index, built on first use (and at server start, before forking).
    Snapshots of one data version are equal, so they share it."""
    return _build_rule_index(snap)


def _build_rule_index(snap: Snapshot) -> RuleIndex:
    ingredients = [i for i in snap.ingredients.values() if not snap.is_exempt(i)]
    order = {i.slug: n for n, i in enumerate(ingredients)}
    sides: dict[str, dict[int, int]] = {i.slug: {} for i in ingredients}
    same_class: dict[int, dict[str, int]] = {}
    side_members: dict[int, tuple[tuple[str, ...], ...]] = {}
    by_class: dict[str, list[str]] = {}
    for ingredient in ingredients:
        for drug_class in ingredient.classes:
            by_class.setdefault(drug_class, []).append(ingredient.slug)

    for position, rule in enumerate(snap.rules):
        if rule.same_class:
            # Classes in the order the old pair table met them (first ingredient first), so
            # a pair sharing two of them is worded for the same one.
            ranks: dict[str, int] = {}
            for ingredient in ingredients:
                for drug_class in sorted(ingredient.classes & rule.same_class):
                    ranks.setdefault(drug_class, len(ranks))
            same_class[position] = ranks
            continue  # switching between two of a kind is normal: no stopped pairs
        found = []
        for flag, side, stopped in (
            (A_NOW, rule.side_a, False), (B_NOW, rule.side_b, False),
            (A_STOPPED, rule.side_a, True), (B_STOPPED, rule.side_b, True),
        ):  # fmt: skip
            slugs = tuple(i.slug for i in ingredients if rule.side_matches(side, i, stopped))
            for slug in slugs:
                sides[slug][position] = sides[slug].get(position, 0) | flag
            found.append(slugs)
        side_members[position] = tuple(found)

    members, stopped_members, requires = {}, {}, {}
    for rule in snap.cumulative_rules:
        members[rule.id] = frozenset(
            i.slug for i in ingredients if any(s.matches(i, False) for s in rule.members)
        )
        stopped_members[rule.id] = frozenset(
            i.slug
            for i in ingredients
            if i.washout_days and any(s.matches(i, True) for s in rule.members)
        )
        for index, (selectors, _) in enumerate(rule.requires):
            requires[(rule.id, index)] = frozenset(
                i.slug for i in ingredients if any(s.matches(i) for s in selectors)
            )
    return RuleIndex(
        order=order,
        sides=sides,
        same_class=same_class,
        side_members=side_members,
        members=members,
        stopped_members=stopped_members,
        requires=requires,
        by_class={c: tuple(slugs) for c, slugs in by_class.items()},
    )


def _pair_matches(snap: Snapshot, index: RuleIndex, x: str, y: str) -> list[_Match]:
    """Every rule match for x and y both taken now, in rule order (as the full table had
    them): only the rules both can trigger are looked at."""
    if x == y or x not in index.order or y not in index.order:
        return []
    ingredients = snap.ingredients
    sx, sy = index.sides[x], index.sides[y]
    first, second = (x, y) if index.order[x] < index.order[y] else (y, x)
    lo, hi = min(x, y), max(x, y)
    matches: list[tuple[int, _Match]] = []
    for position in sx.keys() & sy.keys():
        fx, fy = sx[position], sy[position]
        rule = snap.rules[position]
        # Side a is the earlier ingredient when both fit either side (the table's order).
        if first == x:
            fa, fb = fx, fy
        else:
            fa, fb = fy, fx
        if fa & A_NOW and fb & B_NOW:
            matches.append((position, _Match(rule, first, second)))
        elif fb & A_NOW and fa & B_NOW:
            matches.append((position, _Match(rule, second, first)))
    for position, ranks in index.same_class.items():
        rule = snap.rules[position]
        shared = ingredients[x].classes & ingredients[y].classes & rule.same_class
        if shared:
            drug_class = min(shared, key=ranks.__getitem__)
            matches.append((position, _Match(rule, lo, hi, drug_class)))
    matches.sort(key=lambda item: item[0])
    return [match for _, match in matches]


def _stopped_matches(snap: Snapshot, index: RuleIndex, s: str, c: str) -> list[_Match]:
    """Every rule match for s stopped recently and c taken now, in rule order."""
    if s == c or s not in index.order or c not in index.order:
        return []
    ss, sc = index.sides[s], index.sides[c]
    matches = []
    for position in sorted(ss.keys() & sc.keys()):
        rule, fs, fc = snap.rules[position], ss[position], sc[position]
        if fs & A_STOPPED and fc & B_NOW:
            matches.append(_Match(rule, s, c))
        if fs & B_STOPPED and fc & A_NOW:
            matches.append(_Match(rule, c, s))
    return matches


# Findings of recent pairs, per process. A check of 5 medicines asks for 10 pairs, of 25
# for 300; the memo keeps the common ones (sertraline with tramadol) without growing with
# the knowledge: at most this many pairs, about half of them findings of a few KB (tens of
# MB per worker at most; the real knowledge base has about 11,000 pairs in all).
PAIR_MEMO_SIZE = 16384


@functools.lru_cache(maxsize=2)  # the live knowledge, and the one it replaced
def _pair_memo(snap: Snapshot):
    """This knowledge version's memo of pair findings: (x, y, stopped) -> Finding or None.
    Snapshots of one version are equal, so they share it; its keys are plain strings, so a
    look-up (300 for a list of 25) costs no Python-level hashing."""
    index = rule_index(snap)

    @functools.lru_cache(maxsize=PAIR_MEMO_SIZE)
    def finding(x: str, y: str, stopped: bool) -> Finding | None:
        if stopped:
            matches = _stopped_matches(snap, index, x, y)
            return _merge(snap, matches, (x,)) if matches else None
        matches = _pair_matches(snap, index, x, y)
        return _merge(snap, matches) if matches else None

    return finding


def pair_finding(snap: Snapshot, x: str, y: str) -> Finding | None:
    """The finding for two ingredients both taken now, or None (no known interaction)."""
    return _pair_memo(snap)(min(x, y), max(x, y), False)


def stopped_finding(snap: Snapshot, stopped: str, current: str) -> Finding | None:
    """The finding for `stopped` (stopped recently) with `current` (taken now), or None."""
    return _pair_memo(snap)(stopped, current, True)


def partners(snap: Snapshot, slug: str) -> list[tuple[str, Finding]]:
    """(other slug, finding) for every ingredient that interacts with `slug` when both are
    taken now (for its drug page): only the ingredients that share a rule with it."""
    index = rule_index(snap)
    if slug not in index.order:
        return []
    found = []
    for other in sorted(_candidates(snap, index, slug), key=index.order.__getitem__):
        matches = _pair_matches(snap, index, slug, other)
        if matches:
            found.append((other, _merge(snap, matches)))
    return found


def _candidates(snap: Snapshot, index: RuleIndex, slug: str, stopped: bool = False) -> set[str]:
    """The ingredients on the other side of a rule `slug` can trigger (taken now, or
    stopped recently): the only possible partners of a pair finding."""
    found: set[str] = set()
    mine, theirs = (A_STOPPED, B_STOPPED) if stopped else (A_NOW, B_NOW)
    for position, flags in index.sides[slug].items():
        a_now, b_now = index.side_members[position][0], index.side_members[position][1]
        if flags & mine:
            found.update(b_now)
        if flags & theirs:
            found.update(a_now)
    if not stopped:
        classes = snap.ingredients[slug].classes
        for position in index.same_class:
            for drug_class in classes & snap.rules[position].same_class:
                found.update(index.by_class.get(drug_class, ()))
    found.discard(slug)
    return found


@dataclass(frozen=True, slots=True)
class PairTable:
    current: dict[tuple[str, str], Finding]  # (x, y) with x < y, both taken now
    stopped: dict[tuple[str, str], Finding]  # (stopped, current)


def pair_table(snap: Snapshot) -> PairTable:
    """Every pair finding of the snapshot, for tools that need them all (kb_matrix, the
    class table, peer review, tests). Quadratic: never called by a check or a page."""
    return _pair_table(snap)


@functools.lru_cache(maxsize=2)
def _pair_table(snap: Snapshot) -> PairTable:
    return _build_pair_table(snap)


def _build_pair_table(snap: Snapshot) -> PairTable:
    index = rule_index(snap)
    current: dict[tuple[str, str], Finding] = {}
    stopped: dict[tuple[str, str], Finding] = {}
    for x in index.order:
        for y in _candidates(snap, index, x):
            if x < y:
                matches = _pair_matches(snap, index, x, y)
                if matches:
                    current[(x, y)] = _merge(snap, matches)
        for c in _candidates(snap, index, x, stopped=True):
            matches = _stopped_matches(snap, index, x, c)
            if matches:
                stopped[(x, c)] = _merge(snap, matches, (x,))
    return PairTable(current=current, stopped=stopped)


# --------------------------------------------------------------------------- the check


def _duplicate_finding(snap: Snapshot, slug: str, medicines: list[str]) -> Finding | None:
    ingredient = snap.ingredients[slug]
    if snap.is_exempt(ingredient):
        return None
    rule: DuplicateRule | None = None
    for candidate in snap.duplicate_rules:
        if candidate.selector and any(s.matches(ingredient) for s in candidate.selector):
            rule = candidate
            break
    if rule is None:
        rule = next((r for r in snap.duplicate_rules if not r.selector), None)
    if rule is None:
        return None
    values = {"a": ingredient.name, "A": capitalise(ingredient.name)}
    texts = rule.texts
    lead = (
        f"{join_names(medicines)} all contain {ingredient.name}."
        if len(medicines) > 2
        else (f"{join_names(medicines)} both contain {ingredient.name}.")
    )
    return Finding(
        kind="duplicate-ingredient",
        ingredients=(slug,),
        severity=rule.severity or ingredient.duplicate_severity,
        title=_fill(texts.title, values),
        summary=f"{lead} {_fill(texts.summary, values)}",
        mechanisms=rule.mechanisms,
        what_to_do=tuple(_fill(step, values) for step in texts.what_to_do),
        warning_signs=texts.warning_signs,
        emergency=_fill(texts.emergency, values),
        references=_references_about(snap, rule, [slug]),
        rule_ids=(rule.id,),
        medicines=tuple(medicines),
    )


def _cumulative_findings(
    snap: Snapshot,
    table: RuleIndex,
    owners: dict[str, set[int]],
    stopped_slugs: list[str],
    pair_findings: list[Finding],
) -> list[Finding]:
    best: dict[str, tuple[CumulativeRule, list[str], list[str]]] = {}
    for rule in snap.cumulative_rules:
        now = [slug for slug in owners if slug in table.members[rule.id]]
        gone = [s for s in stopped_slugs if s in table.stopped_members[rule.id] and s not in owners]
        contributors = now + gone
        if len(contributors) < rule.min_count or not now:
            continue
        # Ingredients of one product alone do not make a cumulative risk.
        entries = {index for slug in now for index in owners[slug]}
        if len(entries) + len(gone) < 2:
            continue
        if any(
            sum(1 for slug in contributors if slug in table.requires[(rule.id, index)]) < at_least
            for index, (_, at_least) in enumerate(rule.requires)
        ):
            continue
        previous = best.get(rule.group)
        if previous is None or SEVERITY_RANK[rule.severity] > SEVERITY_RANK[previous[0].severity]:
            best[rule.group] = (rule, now, gone)

    findings = []
    for rule, now, gone in sorted(best.values(), key=lambda item: item[0].order):
        contributors = set(now) | set(gone)
        severity = rule.severity
        # At least as serious as the worst pair among the contributors for the same risk
        # (a list of 25 has about 150 pairs: the cheap test first, and no sets made).
        mechanisms = frozenset(rule.mechanisms)
        for finding in pair_findings:
            if (
                SEVERITY_RANK[finding.severity] > SEVERITY_RANK[severity]
                and contributors.issuperset(finding.ingredients)
                and not mechanisms.isdisjoint(finding.mechanisms)
            ):
                severity = finding.severity
        ordered = sorted(contributors, key=lambda s: snap.ingredients[s].name)
        names = join_names([snap.ingredients[s].name for s in ordered])
        values = {"names": names}
        texts = rule.texts
        summary = _fill(texts.summary, values)
        notes = [stopped_note(snap.ingredients[s]) for s in sorted(gone)]
        if notes:
            summary = " ".join(notes + [summary])
        findings.append(
            Finding(
                kind="cumulative",
                ingredients=tuple(ordered),
                severity=severity,
                title=_fill(texts.title, values),
                summary=summary,
                mechanisms=rule.mechanisms,
                what_to_do=tuple(_fill(step, values) for step in texts.what_to_do),
                warning_signs=texts.warning_signs,
                emergency=_fill(texts.emergency, values),
                references=_references_about(snap, rule, ordered),
                rule_ids=(rule.id,),
                stopped=tuple(sorted(gone)),
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class AdviceNote:
    id: str
    ingredients: tuple[str, ...]  # the listed ingredients it is about
    title: str
    text: str
    link: str
    link_text: str
    references: tuple[Reference, ...]


def advice(snap: Snapshot, slugs: Sequence[str]) -> list[AdviceNote]:
    """Notes shown whenever a matching medicine is listed (taken now or stopped recently),
    whatever it is taken with: high-tyramine foods with an MAOI."""
    notes = []
    for item in snap.advice:
        matching = [
            s for s in dict.fromkeys(slugs)
            if s in snap.ingredients and any(sel.matches(snap.ingredients[s]) for sel in item.match)
        ]  # fmt: skip
        if not matching:
            continue
        names = join_names([snap.ingredients[s].name for s in matching])
        values = {"names": names}
        notes.append(
            AdviceNote(
                id=item.id,
                ingredients=tuple(matching),
                title=_fill(item.title, values),
                text=capitalise(_fill(item.text, values)),
                link=item.link,
                link_text=item.link_text,
                references=tuple(snap.references[r] for r in item.references),
            )
        )
    return notes


_KIND_ORDER = {"pair": 0, "duplicate-ingredient": 1, "cumulative": 2}


def check(
    snap: Snapshot,
    current: Sequence[Medicine],
    stopped: Sequence[Medicine] = (),
) -> list[Finding]:
    """All findings for these medicines, worst first."""
    by_rule = rule_index(snap)
    known = snap.ingredients

    owners: dict[str, set[int]] = {}  # ingredient slug -> indexes of the medicines holding it
    labels: dict[str, list[str]] = {}
    for index, medicine in enumerate(current):
        for slug in medicine.ingredients:
            if slug in known:
                owners.setdefault(slug, set()).add(index)
                if medicine.label not in labels.setdefault(slug, []):
                    labels[slug].append(medicine.label)

    findings: list[Finding] = []
    slugs = sorted(owners)
    memo = _pair_memo(snap)
    for i, x in enumerate(slugs):
        alone = owners[x] if len(owners[x]) == 1 else None
        for y in slugs[i + 1 :]:
            # Skip pairs that only ever occur inside one product.
            if alone is not None and owners[y] == alone:
                continue
            finding = memo(x, y, False)  # pair_finding: x < y already
            if finding is not None:
                findings.append(finding)

    for slug in slugs:
        if len(owners[slug]) > 1:
            duplicate = _duplicate_finding(snap, slug, labels[slug])
            if duplicate is not None:
                findings.append(duplicate)

    stopped_slugs: list[str] = []
    for medicine in stopped:
        for slug in medicine.ingredients:
            if slug in known and slug not in owners and slug not in stopped_slugs:
                stopped_slugs.append(slug)
    for s in stopped_slugs:
        for c in slugs:
            finding = stopped_finding(snap, s, c)
            if finding is not None:
                findings.append(finding)

    pair_findings = list(findings)
    findings.extend(_cumulative_findings(snap, by_rule, owners, stopped_slugs, pair_findings))
    findings.sort(key=lambda f: (-f.rank, _KIND_ORDER[f.kind], f.ingredients))
    return findings
