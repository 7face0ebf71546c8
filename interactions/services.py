"""The checker as a service: names in, a typed result (CheckResult) out.

Used by the JSON API (interactions/api.py, through CheckResult.as_json, the contract's
shape) and the HTML checker (interactions/views.py, which hands the dataclasses to the
templates), so both always give the same answer. Resolution and the engine are plain Python over the
knowledge snapshot; the only database read here is the list of published guides to link
findings to (articles.linking, cached).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from dataclasses import dataclass

from django import db

from interactions import wording
from medicines import engine, knowledge
from medicines.resolver import Resolved, Unresolved, resolver_for

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)  # per knowledge version: a Snapshot hashes as its version
def coverage_note(snap: knowledge.Snapshot) -> str:
    coverage = snap.coverage
    parts = [
        coverage.get("summary", ""),
        coverage.get("not_covered", ""),
        coverage.get("caution", ""),
    ]
    return " ".join(" ".join(str(p).split()) for p in parts if p)


def _guides(mechanisms, ingredients, index, limit: int = 3) -> list[dict]:
    """Links to the published guides about these mechanisms and medicines, best first."""
    if index is None:
        return []
    key = _GuideIndexKey(*index)
    # Only what some guide is about can change the links: the memo key leaves out the rest
    # (and the order), so a cumulative risk of many medicines still finds its links there.
    about_mechanisms, about_drugs = _guide_topics(key)
    links = _guide_links(
        key,
        tuple(sorted(about_mechanisms.intersection(mechanisms))),
        tuple(sorted(about_drugs.intersection(ingredients))),
        limit,
    )
    return [dict(link) for link in links]


@functools.lru_cache(maxsize=4)
def _guide_topics(index: _GuideIndexKey) -> tuple[frozenset, frozenset]:
    """Every mechanism and every medicine some published guide is about."""
    return (
        frozenset(m for g in index.guides for m in g["mechanisms"]),
        frozenset(d for g in index.guides for d in g["drugs"]),
    )


class _GuideIndexKey:
    """The published guides as a memo key: their content hash stands for them."""

    __slots__ = ("key", "guides")

    def __init__(self, key, guides):
        self.key, self.guides = key, guides

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _GuideIndexKey) and other.key == self.key


# Guide links per (guide index, mechanisms, ingredients). Building a link costs a reverse()
# per guide, which for a long list is most of a check's time; the answer only changes when
# a guide is published or edited, which changes the index key.
@functools.lru_cache(maxsize=20_000)
def _guide_links(
    index: _GuideIndexKey, mechanisms: tuple, ingredients: tuple, limit: int
) -> list[dict]:
    from articles.linking import guides_for

    return guides_for(list(mechanisms), list(ingredients), limit=limit, index=index.guides)


def _guide_index():
    """(key, published guides), once per check; None if the database cannot answer."""
    try:
        from articles.linking import published_guide_index

        guides = published_guide_index()
    # No guides yet, or no database (db.Error: any database failure, a connection it closed
    # included, which is an InterfaceError, not a DatabaseError): findings still work.
    except (ImportError, db.Error):
        logger.warning("Guide index unavailable; findings are returned without guide links")
        return None
    latest, last_read = _latest_index
    if latest is not None and last_read is guides:  # the copy read last time: same key
        return latest
    key = hash(
        tuple(
            (g["slug"], g["title"], str(g["published"]), tuple(g["mechanisms"]), tuple(g["drugs"]))
            for g in guides
        )
    )
    if latest is None or latest[0] != key:
        latest = (key, guides)
    _latest_index[:] = [latest, guides]
    return latest


# The guide index last read. While the guides stay the same, every check gets this one copy,
# so the memos keyed by it (here and in interactions.json_answers) keep one copy of the
# guides, not the one each request unpickled from the cache (tens of MB per process).
# Its second item is the copy read last (published_guide_index() hands out a new one every
# few seconds): while that stays the same, the key is not computed again.
_latest_index: list = [None, None]


# --------------------------------------------------------------------------- typed results
# What a check answers, as plain dataclasses. The templates read them directly; the JSON
# API renders them through as_json(), whose shape its ninja schemas (interactions/api.py)
# document and the contract tests hold. Nothing here is clinical content: texts come from
# the knowledge base (medicines) and the fixed sentences from interactions.wording.


@dataclass(frozen=True, slots=True)
class Ingredient:
    slug: str
    name: str

    def as_json(self) -> dict:
        return {"slug": self.slug, "name": self.name}


@dataclass(frozen=True, slots=True)
class ResolvedName:
    """A name that was read as a medicine we check."""

    query: str
    name: str
    kind: str  # generic | brand | combination
    ingredients: tuple[Ingredient, ...]
    recently_stopped: bool
    match: str | None
    note: str = ""
    also_contains: tuple[str, ...] = ()
    street: bool = False  # typed as a street name ("fent", "bars"): not from a pharmacy

    @property
    def query_differs(self) -> bool:
        return self.query.strip().casefold() != self.name.casefold()

    @property
    def detail(self) -> str:
        names = " + ".join(i.name for i in self.ingredients)
        return "" if names.casefold() == self.query.strip().casefold() else names

    def as_json(self) -> dict:
        data = {
            "query": self.query,
            "name": self.name,
            "kind": self.kind,
            "ingredients": [i.as_json() for i in self.ingredients],
            "recently_stopped": self.recently_stopped,
            "match": self.match,
        }
        if self.note:
            data["note"] = self.note
        if self.also_contains:
            data["also_contains"] = list(self.also_contains)
        return data


@dataclass(frozen=True, slots=True)
class UnresolvedName:
    """A name we could not check: unknown, or known but not covered."""

    query: str
    suggestions: tuple[str, ...]
    reason: str  # unknown | not_covered | group
    recently_stopped: bool
    name: str = ""
    note: str = ""
    # A group's: the worst severity that each of its suggestions has with the rest of the
    # list, when they all agree and it calls for care ("heroin, benzos": major); else "".
    examples_severity: str = ""

    def as_json(self) -> dict:
        data = {
            "query": self.query,
            "suggestions": list(self.suggestions),
            "reason": self.reason,
            "recently_stopped": self.recently_stopped,
        }
        if self.reason in ("not_covered", "group"):
            data["name"] = self.name
            data["note"] = self.note
        if self.examples_severity:
            data["examples_severity"] = self.examples_severity
        return data


@dataclass(frozen=True, slots=True)
class FindingMedicine:
    """One medicine of a finding, with the brand or product names it was entered as."""

    slug: str
    name: str
    entered: tuple = ()
    stopped: bool = False


@dataclass(frozen=True)
class FindingResult:
    kind: str  # pair | duplicate-ingredient | cumulative
    ingredients: tuple[str, ...]
    medicines: tuple[FindingMedicine, ...]
    severity: str
    title: str
    summary: str
    mechanisms: tuple[str, ...]
    what_to_do_steps: tuple[str, ...]
    warning_signs: tuple[str, ...]
    emergency: str
    references: tuple  # medicines.knowledge.Reference
    articles: tuple[dict, ...]
    recently_stopped: tuple[str, ...]
    rules: tuple[str, ...]
    entered_medicines: tuple[str, ...] = ()  # the API's "medicines": the names entered
    anchor: str = ""
    why_open: bool = False  # the page shows the explanation open: its risk has one finding

    @property
    def severity_label(self) -> str:
        return wording.SEVERITY_LABELS[self.severity]

    @property
    def is_cumulative(self) -> bool:
        return self.kind == "cumulative"

    @property
    def ingredient_names(self) -> list[str]:
        return [m.name for m in self.medicines]

    def as_json(self) -> dict:
        data = {
            "ingredients": list(self.ingredients),
            "ingredient_names": self.ingredient_names,
            "kind": self.kind,
            "severity": self.severity,
            "severity_label": self.severity_label,
            "title": self.title,
            "summary": self.summary,
            "mechanisms": list(self.mechanisms),
            "what_to_do": " ".join(self.what_to_do_steps),
            "what_to_do_steps": list(self.what_to_do_steps),
            "warning_signs": list(self.warning_signs),
            "emergency": self.emergency,
            "references": [ref.as_json() for ref in self.references],
            "articles": [dict(a) for a in self.articles],
            "recently_stopped": list(self.recently_stopped),
            "rules": list(self.rules),
        }
        if self.entered_medicines:
            data["medicines"] = list(self.entered_medicines)
        return data


@dataclass(frozen=True, slots=True)
class Risk:
    """One risk of the result: findings that share a mechanism, shown as one section with
    one list of steps, one list of warning signs and the guides that explain it."""

    anchor: str
    name: str  # "Serotonin syndrome and heart rhythm"
    severity: str
    medicines: tuple[str, ...]  # ingredient names, in the order they were entered
    findings: tuple[FindingResult, ...]
    steps: tuple[str, ...]
    warning_signs: tuple[str, ...]
    guides: tuple[dict, ...]

    @property
    def severity_label(self) -> str:
        return wording.SEVERITY_LABELS[self.severity]


@dataclass(frozen=True, slots=True)
class RiskLine:
    """A line of the summary: "Heart rhythm: citalopram, ondansetron, methadone"."""

    name: str
    severity: str
    medicines: tuple[str, ...]
    anchor: str


@dataclass(frozen=True)
class CheckResult:
    resolved: tuple[ResolvedName, ...]
    unresolved: tuple[UnresolvedName, ...]
    findings: tuple[FindingResult, ...]  # worst first
    highest_severity: str
    advice: tuple  # engine.AdviceNote
    coverage_note: str
    data_version: str
    read_as: str
    message: str = ""
    risks: tuple[Risk, ...] = ()
    summary: tuple[RiskLine, ...] = ()
    emergencies: tuple[str, ...] = ()  # each distinct "get emergency help if" sentence once
    guides: tuple[dict, ...] = ()  # guides about the medicines checked, finding or not
    # A street drug was checked: the first step is harm reduction. "fentanyl" when an opioid
    # or a supply that may hold fentanyl is in the list, "other" for the rest, "" for none.
    street_drugs: str = ""

    # ---- for the page

    # The page reads these several times each (result.html), so each is worked out once
    # per result (a frozen dataclass: the fields they come from never change).

    @functools.cached_property
    def checked(self) -> tuple[ResolvedName, ...]:
        return tuple(_distinct(m for m in self.resolved if not m.recently_stopped))

    @functools.cached_property
    def stopped(self) -> tuple[ResolvedName, ...]:
        return tuple(_distinct(m for m in self.resolved if m.recently_stopped))

    @property
    def checked_count(self) -> int:
        return len(self.checked) + len(self.stopped)

    @functools.cached_property
    def unknown(self) -> tuple[UnresolvedName, ...]:
        return tuple(u for u in self.unresolved if u.reason != "not_covered")

    @functools.cached_property
    def groups(self) -> tuple[UnresolvedName, ...]:
        """Names of a group of medicines ("benzos"): not checked, its medicines offered."""
        return tuple(u for u in self.unresolved if u.reason == "group")

    @property
    def headline_severity(self) -> str:
        """The severity the headline is coloured by: the worst found, or with nothing found,
        the worst that a group's medicines all share with the list ("heroin, benzos")."""
        if self.findings:
            return self.highest_severity
        shared = [g.examples_severity for g in self.groups if g.examples_severity]
        return max(shared, key=knowledge.SEVERITY_RANK.__getitem__, default="none")

    @functools.cached_property
    def uncovered(self) -> tuple[UnresolvedName, ...]:
        return tuple(u for u in self.unresolved if u.reason == "not_covered")

    @property
    def single(self) -> bool:
        return len(self.checked) == 1 and not self.stopped and not self.findings

    @property
    def severity_label(self) -> str:
        return wording.SEVERITY_LABELS[self.highest_severity]

    @property
    def next_step(self) -> str:
        if self.street_drugs and self.show_ladder:
            return wording.NEXT_STEP_STREET[self.street_drugs]
        return wording.NEXT_STEP.get(self.highest_severity, "")

    @property
    def show_ladder(self) -> bool:
        return self.highest_severity in wording.LADDER_SEVERITIES

    @functools.cached_property
    def sources(self) -> tuple:
        """Every source behind the result once, for the printed sheet's short citations."""
        refs = [r for f in self.findings for r in f.references]
        refs += [r for note in self.advice for r in note.references]
        return tuple({ref.id: ref for ref in refs}.values())

    @property
    def questions(self) -> list[str]:
        """Questions to ask the pharmacist (interactions.wording), those that apply."""
        together, signs, other, stopped, extras, doctor = wording.QUESTIONS
        asked = [together]
        if self.findings:
            asked += [signs, other]
        if self.stopped:
            asked.append(stopped)
        return asked + [extras, doctor]

    @property
    def can_share(self) -> bool:
        """Print and Copy link only when something was checked."""
        return bool(self.resolved)

    # ---- for the API

    def as_json(self) -> dict:
        data = {
            "resolved": [r.as_json() for r in self.resolved],
            "unresolved": [u.as_json() for u in self.unresolved],
            "findings": [f.as_json() for f in self.findings],
            "highest_severity": self.highest_severity,
            "advice": [advice_json(note) for note in self.advice],
            "coverage_note": self.coverage_note,
            "data_version": self.data_version,
            "read_as": self.read_as,
        }
        if self.message:
            data["message"] = self.message
        return data


def _distinct(medicines) -> list[ResolvedName]:
    """Typed twice ("Zoloft, zolof"): one medicine."""
    seen, out = set(), []
    for medicine in medicines:
        if medicine.name not in seen:
            seen.add(medicine.name)
            out.append(medicine)
    return out


def _ingredient(snap, slug: str) -> Ingredient:
    ingredient = snap.ingredients.get(slug)
    return Ingredient(slug, ingredient.name if ingredient else slug)


def _ingredient_json(snap, slug: str) -> dict:
    return _ingredient(snap, slug).as_json()


def _resolved(snap, item: Resolved, stopped: bool) -> ResolvedName:
    return ResolvedName(
        query=item.query,
        name=item.name,
        kind=item.kind,
        ingredients=tuple(_ingredient(snap, s) for s in item.ingredients),
        recently_stopped=stopped,
        match=item.match,
        note=item.note or "",
        also_contains=tuple(item.also_contains or ()),
        street=item.street,
    )


def _unresolved(item: Unresolved, stopped: bool) -> UnresolvedName:
    if item.reason == "unknown":
        return UnresolvedName(item.query, tuple(item.suggestions), item.reason, stopped)
    if item.reason == "group":
        note = wording.GROUP_ITEM.format(name=item.name)
    else:  # not_covered
        note = f"We recognise {item.name} but do not check it yet. {item.note}".strip()
    return UnresolvedName(
        item.query, tuple(item.suggestions), item.reason, stopped, item.name, note
    )


def _finding(
    snap, finding: engine.Finding, guide_index, medicines, entered_in, index
) -> FindingResult:
    """`medicines`: (name entered, frozenset of its ingredients) of each medicine listed."""
    if finding.medicines:
        entered = tuple(finding.medicines)
    else:
        entered = tuple(
            label for label, slugs in medicines if not slugs.isdisjoint(finding.ingredients)
        )
    return FindingResult(
        kind=finding.kind,
        ingredients=tuple(finding.ingredients),
        medicines=tuple(
            FindingMedicine(
                slug,
                snap.ingredients[slug].name,
                tuple(entered_in.get(slug, ())),
                slug in finding.stopped,
            )
            for slug in finding.ingredients
        ),
        severity=finding.severity,
        title=finding.title,
        summary=finding.summary,
        mechanisms=tuple(finding.mechanisms),
        what_to_do_steps=tuple(finding.what_to_do),
        warning_signs=tuple(finding.warning_signs),
        emergency=finding.emergency,
        references=tuple(finding.references),
        articles=tuple(_guides(finding.mechanisms, finding.ingredients, guide_index)),
        recently_stopped=tuple(finding.stopped),
        rules=tuple(finding.rule_ids),
        entered_medicines=entered,
        anchor=f"finding-{index}",
    )


def _street_drugs(classes: list[frozenset[str]], bought: list[frozenset[str]] = ()) -> str:
    """Which harm-reduction first step the list needs (CheckResult.street_drugs), from the
    classes of every ingredient checked, and of those typed by a street name ("fent",
    "bars", "blues": bought on the street, whatever the pill says). Alcohol and cannabis are
    `recreational` but bought legally in many places: their own findings say what to do,
    and naloxone or fentanyl test strips would not fit "Klonopin, vodka"."""
    street = [c for c in classes if "recreational" in c and not c & wording.LEGAL_RECREATIONAL]
    street += bought
    if not street:
        return ""
    if any(c & wording.FENTANYL_RISK for c in street) or any("opioid" in c for c in classes):
        return "fentanyl"
    return "other"


def advice_json(note: engine.AdviceNote) -> dict:
    """A note shown whenever a matching medicine is listed (MAOIs and food, LDN)."""
    return {
        "id": note.id,
        "ingredients": list(note.ingredients),
        "title": note.title,
        "text": note.text,
        "url": note.link,
        "link_text": note.link_text,
        "references": [ref.as_json() for ref in note.references],
    }


@functools.lru_cache(maxsize=1024)  # a few hundred sets of mechanisms in all the rules
def _risk_mechanisms(mechanisms: tuple[str, ...]) -> tuple[str, ...]:
    """Of a finding's mechanisms, those a patient would feel; "how" mechanisms only when
    there is nothing else."""
    felt = tuple(m for m in mechanisms if m not in wording.HOW_NOT_WHAT)
    return felt or tuple(mechanisms[:1])


def _in_order(slugs, order: dict[str, int]) -> list[str]:
    return sorted(dict.fromkeys(slugs), key=lambda s: (order.get(s, len(order)), s))


def _risks(
    snap, findings: list[FindingResult], order: dict[str, int]
) -> tuple[list[Risk], list[RiskLine]]:
    """Group findings that share a risk (connected through a shared mechanism) into one
    section each, worst first; and one summary line per distinct mechanism."""
    parent = list(range(len(findings)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, finding in enumerate(findings):
        for mechanism in _risk_mechanisms(finding.mechanisms):
            if mechanism in first_with:
                parent[root(i)] = root(first_with[mechanism])
            else:
                first_with[mechanism] = i
    groups: dict[int, list[FindingResult]] = {}
    for i, finding in enumerate(findings):
        groups.setdefault(root(i), []).append(finding)

    risks = []
    for n, members in enumerate(groups.values(), start=1):  # findings are worst first already
        if len(members) == 1:
            members = [dataclasses.replace(members[0], why_open=True)]
        mechanisms = list(dict.fromkeys(m for f in members for m in _risk_mechanisms(f.mechanisms)))
        names = list(dict.fromkeys(wording.risk_name(m) for m in mechanisms))
        title = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1].lower()
        slugs = _in_order((s for f in members for s in f.ingredients), order)
        guides = list({a["url"]: a for f in members for a in f.articles}.values())[:4]
        risks.append(
            Risk(
                anchor=f"risk-{n}",
                name=title,
                severity=members[0].severity,
                medicines=tuple(snap.ingredients[s].name for s in slugs),
                findings=tuple(members),
                # Each step once, near-duplicates from different rules too; each sign once.
                steps=wording.distinct_steps(tuple(s for f in members for s in f.what_to_do_steps)),
                warning_signs=wording.distinct_steps(
                    tuple(s for f in members for s in f.warning_signs), near=False
                ),
                guides=tuple(guides),
            )
        )

    lines: dict[str, dict] = {}
    for risk in risks:
        for finding in risk.findings:
            for mechanism in _risk_mechanisms(finding.mechanisms):
                name = wording.risk_name(mechanism)
                line = lines.setdefault(
                    name, {"severity": finding.severity, "slugs": [], "anchor": risk.anchor}
                )
                line["slugs"].extend(finding.ingredients)
    summary = [
        RiskLine(
            name,
            line["severity"],
            tuple(snap.ingredients[s].name for s in _in_order(line["slugs"], order)),
            line["anchor"],
        )
        for name, line in lines.items()
    ]
    summary.sort(key=lambda line: -knowledge.SEVERITY_RANK[line.severity])  # stable: worst first
    return risks, summary


def _read_label(snap, item: Resolved | Unresolved) -> str:
    """One medicine as we read it: "fluoxetine (Prozac)", "Percocet (oxycodone +
    acetaminophen)", "metformin (not checked)", "‘xyzzy’ (not found)"."""
    if isinstance(item, Unresolved):
        if item.reason == "not_covered":
            return f"{item.name} (not checked)"
        if item.reason == "group":
            return f"‘{item.query}’ (a group of medicines: which one?)"
        return f"‘{item.query}’ (not found)"
    names = " + ".join(_ingredient(snap, s).name for s in item.ingredients)
    if item.kind == "generic" or item.name.casefold() == names.casefold():
        return names
    if item.kind == "combination":
        return f"{item.name} ({names})"
    return f"{names} ({item.name})"


def read_as(snap, current: list, stopped: list) -> str:
    """How the typed text was read, in plain words, so a patient can spot a mistake:
    "We read this as 2 medicines: phenelzine and fluoxetine (Prozac)." """
    sentences = []
    for items, lead in ((current, "We read this as"), (stopped, "Stopped in the last 5 weeks:")):
        labels = list(dict.fromkeys(_read_label(snap, item) for item in items))
        if not labels:
            continue
        if lead.startswith("We"):
            count = f"{len(labels)} medicine{'s' if len(labels) != 1 else ''}"
            sentences.append(f"{lead} {count}: {engine.join_names(labels)}.")
        else:
            sentences.append(f"{lead} {engine.join_names(labels)}.")
    return " ".join(sentences)


@dataclass(frozen=True, slots=True)
class Examined:
    """A list read and checked, before it is arranged: for the page (check) or as the
    API's JSON text (interactions.json_answers)."""

    snap: knowledge.Snapshot
    resolved: tuple[ResolvedName, ...]
    unresolved: tuple[UnresolvedName, ...]
    current: tuple[engine.Medicine, ...]  # distinct medicines, as the engine took them
    stopped: tuple[engine.Medicine, ...]
    found: tuple[engine.Finding, ...]  # worst first
    guide_index: tuple | None  # (key, published guides): _guide_index()
    read_as: str
    message: str

    @property
    def labels(self) -> list[tuple[str, tuple[str, ...]]]:
        """(name entered, its ingredients) of each medicine, current then stopped."""
        return [(m.label, m.ingredients) for m in self.current + self.stopped]

    @property
    def advice(self) -> tuple:
        slugs = [s for m in self.current + self.stopped for s in m.ingredients]
        return tuple(engine.advice(self.snap, slugs))


def examine(
    drugs: list[str], recently_stopped: list[str] | tuple = (), rate_groups: bool = True
) -> Examined:
    """Resolve the names and run the engine (see Examined). A group's name ("benzos") comes
    with its examples' shared rating (_with_examples_severity, which examines the list
    again with each example in its place, unrated)."""
    snap = knowledge.snapshot()
    resolver = resolver_for(snap)

    resolved: list[ResolvedName] = []
    unresolved: list[UnresolvedName] = []
    current: list[engine.Medicine] = []
    stopped: list[engine.Medicine] = []
    seen: set[tuple] = set()
    read: dict[bool, list] = {False: [], True: []}  # how the text was read, for read_as
    for names, is_stopped, bucket in ((drugs, False, current), (recently_stopped, True, stopped)):
        # The checker's one parser: "phenelzine and prozac" is two medicines, "Tylenol with
        # Codeine" one. The form has split already; a list given here directly is split too.
        items = [item for query in names for item in resolver.parse(query)]
        read[is_stopped] = items
        for item in items:
            if isinstance(item, Unresolved):
                unresolved.append(_unresolved(item, is_stopped))
                continue
            resolved.append(_resolved(snap, item, is_stopped))
            key = (is_stopped, item.name, item.ingredients)
            if key in seen:  # the same thing typed twice is one medicine, not a double dose
                continue
            seen.add(key)
            bucket.append(engine.Medicine(item.name, item.ingredients))

    found = engine.check(snap, current, stopped)
    listed = any(m.ingredients for m in current + stopped)
    checked = len({s for m in current for s in m.ingredients})
    message = ""
    if not found and checked >= 2:
        message = wording.NO_FINDINGS_NOTE
    elif not found and checked < 2 and not stopped:
        reasons = {u.reason for u in unresolved}
        message = (
            wording.GROUP_NOTE if "group" in reasons
            else wording.NOT_COVERED_NOTE if "not_covered" in reasons
            else wording.SINGLE_NOTE
        )  # fmt: skip
    if rate_groups:
        unresolved = [
            _with_examples_severity(u, drugs, recently_stopped) if u.reason == "group" else u
            for u in unresolved
        ]
    return Examined(
        snap=snap,
        resolved=tuple(resolved),
        unresolved=tuple(unresolved),
        current=tuple(current),
        stopped=tuple(stopped),
        found=tuple(found),
        guide_index=_guide_index() if found or listed else None,
        read_as=read_as(snap, read[False], read[True]),
        message=message,
    )


def _with_examples_severity(item: UnresolvedName, drugs, stopped) -> UnresolvedName:
    """A group's name ("benzos") with the worst severity each of its examples would have
    in its place, when they all agree on one that calls for care: whichever of them the
    person takes, the list needs that care. Said only then; never "no interaction"."""
    worst = set()
    typed_in = stopped if item.recently_stopped else drugs
    for example in item.suggestions:
        swapped = [example if name == item.query else name for name in typed_in]
        lists = (drugs, swapped) if item.recently_stopped else (swapped, stopped)
        found = examine(*lists, rate_groups=False).found
        worst.add(found[0].severity if found else "none")
    (severity,) = worst if len(worst) == 1 else ("",)
    if severity not in wording.LADDER_SEVERITIES:
        return item
    return dataclasses.replace(item, examples_severity=severity)


def check(drugs: list[str], recently_stopped: list[str] | tuple = ()) -> CheckResult:
    """Resolve the names, run the engine, and arrange the answer (see CheckResult)."""
    checked = examine(drugs, recently_stopped)
    snap, resolved, guide_index = checked.snap, checked.resolved, checked.guide_index
    current, stopped = list(checked.current), list(checked.stopped)

    # Which brand or product names each ingredient was entered as ("sertraline (in Zoloft)").
    entered_in: dict[str, list[str]] = {}
    for medicine in resolved:
        if medicine.kind == "generic":
            continue
        for ingredient in medicine.ingredients:
            names_in = entered_in.setdefault(ingredient.slug, [])
            if medicine.name not in names_in:
                names_in.append(medicine.name)
    order = {}
    for medicine in current + stopped:
        for slug in medicine.ingredients:
            order.setdefault(slug, len(order))

    all_slugs = list(order)
    labels = [(label, frozenset(slugs)) for label, slugs in checked.labels]
    findings = [
        _finding(snap, f, guide_index, labels, entered_in, n)
        for n, f in enumerate(checked.found, start=1)
    ]
    risks, summary = _risks(snap, findings, order)

    return CheckResult(
        resolved=resolved,
        unresolved=checked.unresolved,
        findings=tuple(findings),
        highest_severity=findings[0].severity if findings else "none",
        advice=checked.advice,
        coverage_note=coverage_note(snap),
        data_version=snap.version,
        read_as=checked.read_as,
        message=checked.message,
        risks=tuple(risks),
        summary=tuple(summary),
        street_drugs=_street_drugs(
            [snap.ingredients[slug].classes for m in current + stopped for slug in m.ingredients],
            [snap.ingredients[i.slug].classes for m in resolved if m.street for i in m.ingredients],
        ),
        emergencies=_sentences(f.emergency for f in findings),
        guides=tuple(  # the guides not already linked from a risk
            g
            for g in _medicine_guides(all_slugs, guide_index)
            if g["url"] not in {a["url"] for risk in risks for a in risk.guides}
        ),
    )


def _sentences(texts) -> tuple[str, ...]:
    """Each distinct sentence once: a pair's emergency text joins its rules' sentences."""
    return tuple(dict.fromkeys(s for text in texts if text for s in _split_sentences(text)))


@functools.lru_cache(maxsize=4096)  # the rules' emergency texts, each split once
def _split_sentences(text: str) -> tuple[str, ...]:
    return tuple(_SENTENCE_END.split(text.strip()))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _medicine_guides(slugs: list[str], index, limit: int = 4) -> list[dict]:
    """Guides about the medicines checked, so every result leads somewhere."""
    return _guides((), slugs, index, limit) if slugs else []


def lookup(query: str, limit: int = 10) -> dict:
    """Autocomplete: {"results": [{"name", "kind", "ingredients", "url"}]}, best first."""
    from django.urls import NoReverseMatch

    from web.reversing import url_for

    snap = knowledge.snapshot()
    results = []
    for label, target in resolver_for(snap).autocomplete(query, limit=limit):
        first = target.ingredients[0]
        try:
            url = url_for("interactions:drug_detail", first)
        except NoReverseMatch:
            url = f"/drugs/{first}/"
        results.append(
            {
                "name": label,
                "kind": target.kind,
                "ingredients": [_ingredient_json(snap, s) for s in target.ingredients],
                "url": url,
            }
        )
    return {"results": results}
