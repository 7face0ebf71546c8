"""The class-by-class table: what the knowledge base says between every two drug classes.

For every pair of drug classes (the class vocabulary of `classes.yaml`; an ingredient can
have several classes) the table gives the severity range over the ingredient pairs in those
classes, the rules that decide it, and its "none" cells (ingredient pairs with no finding)
listed explicitly. Silence is a claim (CLINICAL.md): every "none" cell between two CORE
classes must carry a reviewed reason from `docs/kb_silence.yaml`, or be listed there as
`open` (it looks wrong and waits for a knowledge fix; it is shown as such, not as a claim).

`python manage.py kb_classes` writes `docs/kb_classes.md`, `docs/kb_classes.csv` and the
generated block of the "Silence between core classes" section of `docs/KB_REVIEW.md`.
The silence file is reviewed documentation: the site never loads it.

Plain Python over a knowledge snapshot: no ORM, no request.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from medicines import engine
from medicines.knowledge import SEVERITIES, SEVERITY_RANK, Ingredient, Snapshot

ROOT = Path(__file__).resolve().parent.parent
SILENCE_PATH = ROOT / "docs" / "kb_silence.yaml"

# The classes whose silence must be reviewed pair by pair (issue 9, "Make silence a
# reviewed claim"): antidepressants of every kind (with mood stabilizers: lithium and
# carbamazepine are used beside antidepressants and lithium adds to the serotonin load),
# opioids and the treatments for opioid use disorder, benzodiazepines and sleep medicines,
# gabapentinoids, muscle relaxants, stimulants, alcohol and street drugs, naltrexone and
# naloxone.
CORE_CLASSES = (
    "antidepressant", "ssri", "snri", "tricyclic", "maoi", "atypical-antidepressant",
    "mood-stabilizer", "opioid", "opioid-use-disorder-treatment", "opioid-antagonist",
    "benzodiazepine", "z-drug", "sleep-medicine", "barbiturate", "gabapentinoid",
    "muscle-relaxant", "stimulant", "alcohol", "recreational", "cannabinoid",
)  # fmt: skip

NONE = "none"
_LEVELS = (NONE, *reversed(SEVERITIES))  # none < minor < moderate < major < contraindicated

Pair = tuple[str, str]


class SilenceError(ValueError):
    """The silence file does not follow its schema; the message names the entry and field."""


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class ClassPair:
    a: str
    b: str
    total: int  # ingredient pairs (x in a, y in b, x != y)
    counts: tuple[tuple[str, int], ...]  # (severity or "none", how many pairs), worst first
    rules: tuple[tuple[str, int], ...]  # (rule id, pairs whose finding it is part of)
    deciding: tuple[tuple[str, int], ...]  # (rule id, pairs whose severity it sets), worst first
    none: tuple[Pair, ...]  # ingredient pairs without a finding, x in a and y in b

    @property
    def core(self) -> bool:
        return self.a in CORE_CLASSES and self.b in CORE_CLASSES

    def count(self, level: str) -> int:
        return dict(self.counts).get(level, 0)

    @property
    def range(self) -> str:
        present = [level for level in _LEVELS if self.count(level)]
        if not present:
            return ""
        low, high = present[0], present[-1]
        return low if low == high else f"{low}–{high}"


def class_order(snap: Snapshot) -> list[str]:
    """The classes that have ingredients, in classes.yaml order."""
    used = {c for ingredient in snap.ingredients.values() for c in ingredient.classes}
    ordered = [c for c in snap.classes if c in used]
    return ordered + sorted(used - set(ordered))


def members(snap: Snapshot) -> dict[str, list[str]]:
    """Class slug -> ingredient slugs, in knowledge-base order."""
    result: dict[str, list[str]] = {c: [] for c in class_order(snap)}
    for ingredient in snap.ingredients.values():
        for drug_class in result:
            if drug_class in ingredient.classes:
                result[drug_class].append(ingredient.slug)
    return result


def class_pairs(snap: Snapshot) -> list[ClassPair]:
    """One entry per unordered pair of classes (a class with itself included)."""
    table = engine.pair_table(snap)
    by_class = members(snap)
    order = list(by_class)
    result = []
    for i, a in enumerate(order):
        for b in order[i:]:
            seen: set[frozenset] = set()
            levels: Counter = Counter()
            rules: Counter = Counter()
            deciding: Counter = Counter()
            none: list[Pair] = []
            for x in by_class[a]:
                for y in by_class[b]:
                    key = frozenset((x, y))
                    if x == y or key in seen:
                        continue
                    seen.add(key)
                    finding = table.current.get((min(x, y), max(x, y)))
                    if finding is None:
                        levels[NONE] += 1
                        none.append((x, y))
                        continue
                    levels[finding.severity] += 1
                    rules.update(finding.rule_ids)
                    deciding[finding.rule_ids[0]] += 1
            if not seen:
                continue
            counts = tuple((level, levels[level]) for level in reversed(_LEVELS) if levels[level])
            result.append(
                ClassPair(
                    a,
                    b,
                    len(seen),
                    counts,
                    _ranked(snap, rules),
                    _ranked(snap, deciding),
                    tuple(none),
                )
            )
    return result


def _ranked(snap: Snapshot, counts: Counter) -> tuple[tuple[str, int], ...]:
    """(rule id, count), worst severity first, then most pairs."""
    return tuple(
        sorted(counts.items(), key=lambda item: (-_rule_rank(snap, item[0]), -item[1], item[0]))
    )


def _rule_rank(snap: Snapshot, rule_id: str) -> int:
    rule = next((r for r in snap.rules if r.id == rule_id), None)
    return SEVERITY_RANK[rule.severity] if rule else 0


def is_core(ingredient: Ingredient) -> bool:
    return bool(ingredient.classes & set(CORE_CLASSES))


def core_none_cells(snap: Snapshot) -> list[Pair]:
    """Every ingredient pair between two core classes without a finding (x before y in KB order)."""
    table = engine.pair_table(snap)
    core = [i.slug for i in snap.ingredients.values() if is_core(i)]
    return [
        (x, y)
        for x, y in itertools.combinations(core, 2)
        if (min(x, y), max(x, y)) not in table.current
    ]


# --------------------------------------------------------------------------- silence reasons


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a silence entry: every condition must hold; no condition = any ingredient."""

    slug: frozenset[str] = frozenset()
    not_slug: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    not_classes: frozenset[str] = frozenset()

    def matches(self, ingredient: Ingredient) -> bool:
        if self.slug and ingredient.slug not in self.slug:
            return False
        if ingredient.slug in self.not_slug:
            return False
        if self.classes and not ingredient.classes & self.classes:
            return False
        return not ingredient.classes & self.not_classes


@dataclass(frozen=True, slots=True)
class Silence:
    id: str
    a: Side
    b: Side
    text: str  # the reason (or, for an open entry, why it looks wrong)
    sources: tuple[str, ...]
    open: bool = False

    def matches(self, x: Ingredient, y: Ingredient) -> bool:
        return (self.a.matches(x) and self.b.matches(y)) or (
            self.a.matches(y) and self.b.matches(x)
        )


_SIDE_KEYS = {
    "slug": "slug",
    "not_slug": "not_slug",
    "class": "classes",
    "not_class": "not_classes",
}
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def load_silence(snap: Snapshot, path: Path = SILENCE_PATH) -> list[Silence]:
    """Read and check the reviewed silence file against the snapshot."""
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict) or set(data) - {"reasons", "open"}:
        raise SilenceError(f"{path}: expected a mapping with `reasons` and `open` lists")
    entries, ids = [], set()
    for kind in ("reasons", "open"):
        for index, raw in enumerate(data.get(kind) or []):
            where = f"{path}, {kind} #{index + 1}"
            if not isinstance(raw, dict):
                raise SilenceError(f"{where}: expected a mapping")
            rid = raw.get("id")
            if not isinstance(rid, str) or not _ID_RE.match(rid) or rid in ids:
                raise SilenceError(f"{where}: `id` must be a new slug, got {rid!r}")
            ids.add(rid)
            where = f"{path}, {kind} '{rid}'"
            text_key = "reason" if kind == "reasons" else "note"
            allowed = {"id", "a", "b", text_key, "sources"}
            if set(raw) - allowed:
                raise SilenceError(f"{where}: unknown field {sorted(set(raw) - allowed)[0]!r}")
            text = raw.get(text_key)
            if not isinstance(text, str) or not text.strip():
                raise SilenceError(f"{where}: `{text_key}` is required")
            sources = raw.get("sources") or []
            if kind == "reasons" and not sources:
                raise SilenceError(f"{where}: `sources` is required (reference ids or CLINICAL.md)")
            for source in sources:
                if not _known_source(snap, source):
                    raise SilenceError(
                        f"{where}: unknown source {source!r} (a references.yaml id, "
                        "label:<ingredient slug> or CLINICAL.md: <section>)"
                    )
            entries.append(
                Silence(
                    rid,
                    _side(snap, raw.get("a"), where, "a"),
                    _side(snap, raw.get("b"), where, "b"),
                    " ".join(text.split()),
                    tuple(sources),
                    open=kind == "open",
                )
            )
    return entries


def _known_source(snap: Snapshot, source) -> bool:
    source = str(source)
    if source.startswith("label:"):
        return source.removeprefix("label:") in snap.ingredients
    return source in snap.references or source.startswith("CLINICAL.md")


def _side(snap: Snapshot, raw, where: str, name: str) -> Side:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or set(raw) - set(_SIDE_KEYS):
        raise SilenceError(f"{where}: `{name}` must be a mapping of {', '.join(_SIDE_KEYS)}")
    values = {}
    for key, attr in _SIDE_KEYS.items():
        items = raw.get(key) or []
        items = [items] if isinstance(items, str) else items
        known = snap.ingredients if "slug" in key else snap.classes
        for item in items:
            if item not in known:
                raise SilenceError(f"{where}: `{name}.{key}` names unknown {item!r}")
        values[attr] = frozenset(items)
    return Side(**values)


@dataclass(frozen=True, slots=True)
class Review:
    """Every core none cell with the entry that explains it (open entries first)."""

    cells: tuple[Pair, ...]
    entry: dict[Pair, Silence | None]
    unused: tuple[Silence, ...]  # entries that match no core none cell (stale)

    @property
    def unexplained(self) -> list[Pair]:
        return [cell for cell in self.cells if self.entry[cell] is None]

    def covered_by(self, silence: Silence) -> list[Pair]:
        return [cell for cell in self.cells if self.entry[cell] is silence]


def review(snap: Snapshot, silence: list[Silence]) -> Review:
    cells = core_none_cells(snap)
    ordered = [s for s in silence if s.open] + [s for s in silence if not s.open]
    entry: dict[Pair, Silence | None] = {}
    used: set[str] = set()
    for x, y in cells:
        ix, iy = snap.ingredients[x], snap.ingredients[y]
        match = next((s for s in ordered if s.matches(ix, iy)), None)
        entry[(x, y)] = match
        if match:
            used.add(match.id)
    return Review(tuple(cells), entry, tuple(s for s in silence if s.id not in used))


# --------------------------------------------------------------------------- rendering


def group_cells(cells: Iterable[Pair], tag=None) -> list[tuple[list[str], list[str], str]]:
    """Compact a list of pairs: [(left slugs, right slugs, tag)] whose products are the list.

    Pairs are grouped by their left ingredient, then lefts with the same rights (and tag)
    are merged; the other orientation is used when it gives fewer lines.
    """
    cells = list(cells)
    tag = tag or (lambda cell: "")

    def grouped(flip: bool):
        rows: dict[tuple[str, str], list[str]] = {}
        for cell in cells:
            x, y = (cell[1], cell[0]) if flip else cell
            rows.setdefault((x, tag(cell)), []).append(y)
        merged: dict[tuple[tuple[str, ...], str], list[str]] = {}
        for (x, label), ys in rows.items():
            merged.setdefault((tuple(ys), label), []).append(x)
        groups = [(xs, list(ys), label) for (ys, label), xs in merged.items()]
        return [(ys, xs, label) for xs, ys, label in groups] if flip else groups

    straight, flipped = grouped(False), grouped(True)
    return flipped if len(flipped) < len(straight) else straight


def _names(slugs: list[str], by_class: dict[str, list[str]] | None = None) -> str:
    """The slugs, with every whole class of 3 or more written once as "all `class`"."""
    tokens: list[str] = list(slugs)
    if by_class:
        left = set(slugs)
        for drug_class, inside in sorted(by_class.items(), key=lambda item: -len(item[1])):
            if len(inside) < 3 or not set(inside) <= left:
                continue
            left -= set(inside)
            tokens = [
                f"all `{drug_class}`" if t == inside[0] else t
                for t in tokens
                if t not in inside[1:]
            ]
    return ", ".join(tokens)


def render_markdown(snap: Snapshot, silence: list[Silence]) -> str:
    pairs = class_pairs(snap)
    result = review(snap, silence)
    by_class = members(snap)
    cls = snap.class_name
    out = io.StringIO()
    w = out.write
    total_none = sum(p.count(NONE) for p in pairs)
    core_pairs = [p for p in pairs if p.core]
    w("# Drug classes, pair by pair\n\n")
    w("Generated by `python manage.py kb_classes` from `medicines/data/` and\n")
    w("`docs/kb_silence.yaml`. Do not edit by hand: a test fails until this file matches the\n")
    w("knowledge (`tests/interactions/test_class_table.py`). Ingredient by ingredient, see\n")
    w("`docs/kb_matrix.csv`; how the knowledge was reviewed, see `docs/KB_REVIEW.md`.\n\n")
    w("For every pair of drug classes: how many ingredient pairs it holds (an ingredient can\n")
    w("be in several classes, so a pair can count under several class pairs), how many have\n")
    w("each severity, the range, and the rules behind the findings. Every **none** cell says\n")
    w('"no interaction is listed in our database", so it is a claim like any warning: the\n')
    w("none cells are listed below the table, and every none cell between two core classes\n")
    w("carries a reviewed reason (or is marked open: it looks wrong and waits for a fix).\n\n")
    w(
        f"- {len(snap.ingredients)} ingredients in {len(by_class)} classes; "
        f"{len(pairs)} class pairs, {sum(1 for p in pairs if p.count(NONE))} with none cells "
        f"({total_none} none cells counted per class pair).\n"
    )
    w(
        f"- Core classes ({len(CORE_CLASSES)}): {', '.join(f'`{c}`' for c in CORE_CLASSES)}; "
        f"{len(core_pairs)} core class pairs.\n"
    )
    n_open = sum(1 for c in result.cells if result.entry[c] and result.entry[c].open)
    n_reason = sum(1 for c in result.cells if result.entry[c] and not result.entry[c].open)
    w(
        f"- {len(result.cells)} ingredient pairs between core classes have no finding: "
        f"{n_reason} with a reviewed reason, {n_open} open, {len(result.unexplained)} without a reason.\n\n"
    )
    w("The rules column lists the rules that decide the severity of the pairs (a pair's worst\n")
    w("rule), worst first, each with the number of pairs it decides; `docs/kb_classes.csv`\n")
    w("also lists every rule that adds to a finding. A same-class row (a class with itself)\n")
    w('pairs different ingredients of that class. In the lists, "all `ssri`" stands for\n')
    w("every ingredient of that class.\n\n")

    w("## Classes\n\n| Class | Name | Core | Ingredients |\n| --- | --- | --- | --- |\n")
    for drug_class, slugs in by_class.items():
        core = "yes" if drug_class in CORE_CLASSES else ""
        w(f"| `{drug_class}` | {cls(drug_class)} | {core} | {_names(slugs)} |\n")

    w("\n## Class pairs\n\n")
    w("| Class A | Class B | Pairs | CI | Major | Mod | Minor | None | Range | Rules |\n")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n")
    for p in pairs:
        counts = " | ".join(str(p.count(level) or "") for level in (*SEVERITIES, NONE))
        rules = ", ".join(f"{rid} {n}" for rid, n in p.deciding)
        a = f"`{p.a}`" + (" ★" if p.a in CORE_CLASSES else "")
        b = f"`{p.b}`" + (" ★" if p.b in CORE_CLASSES else "")
        w(f"| {a} | {b} | {p.total} | {counts} | {p.range} | {rules} |\n")
    w("\n★ core class.\n")

    w("\n## None cells\n\n")
    w("Ingredient pairs with no finding, by class pair: `x, y × z` means x with z and y\n")
    w("with z. Between two core classes each group ends with the id of its reason in\n")
    w("`docs/kb_silence.yaml` (**OPEN** marks a cell that looks wrong and waits for a fix;\n")
    w("**NO REASON** a cell nobody has reviewed yet).\n\n")
    for p in pairs:
        if not p.none:
            continue
        head = f"- **`{p.a}` × `{p.b}`** ({p.count(NONE)} of {p.total})"
        if len(p.none) == p.total and not p.core:
            w(f"{head}: all\n")
            continue
        tag = (lambda cell: _tag(result, cell)) if p.core else (lambda cell: "")
        w(f"{head}:\n")
        for xs, ys, label in group_cells(p.none, tag):
            suffix = f" — {label}" if label else ""
            w(f"  - {_names(xs, by_class)} × {_names(ys, by_class)}{suffix}\n")

    w("\n## Silence between core classes\n\n")
    w(render_silence(snap, silence, result, heading_level=3))
    return out.getvalue()


def _tag(result: Review, cell: Pair) -> str:
    key = cell if cell in result.entry else (cell[1], cell[0])
    entry = result.entry.get(key)
    if entry is None:
        return "**NO REASON**"
    return f"**OPEN** `{entry.id}`" if entry.open else f"`{entry.id}`"


def render_silence(
    snap: Snapshot, silence: list[Silence], result: Review | None = None, heading_level: int = 3
) -> str:
    """The reasons, the open cells and any unexplained cells, as Markdown."""
    result = result or review(snap, silence)
    by_class = members(snap)
    h = "#" * heading_level
    out = io.StringIO()
    w = out.write
    n_open = sum(1 for c in result.cells if result.entry[c] and result.entry[c].open)
    w(
        f"{len(result.cells)} ingredient pairs between core classes have no finding. "
        f"{len(result.cells) - n_open - len(result.unexplained)} carry a reviewed reason, "
        f"{n_open} are open, {len(result.unexplained)} have no reason.\n\n"
    )
    if result.unexplained:
        w(f"{h} Without a reason\n\n")
        for xs, ys, _ in group_cells(result.unexplained):
            w(f"- {_names(xs, by_class)} × {_names(ys, by_class)}\n")
        w("\n")
    opens = [s for s in silence if s.open]
    if opens:
        w(f"{h} Open: looks wrong, waits for a knowledge fix\n\n")
        for entry in opens:
            _render_entry(w, snap, entry, result)
    w(f"\n{h} Reasons\n\n")
    for entry in silence:
        if not entry.open:
            _render_entry(w, snap, entry, result)
    return out.getvalue()


def _render_entry(w, snap: Snapshot, entry: Silence, result: Review) -> None:
    cells = result.covered_by(entry)
    w(f"- **`{entry.id}`** ({len(cells)} {'pair' if len(cells) == 1 else 'pairs'}). {entry.text}")
    if entry.sources:
        w(" Sources: " + "; ".join(_source(snap, s) for s in entry.sources) + ".")
    w("\n")
    by_class = members(snap)
    for xs, ys, _ in group_cells(cells):
        w(f"  - {_names(xs, by_class)} × {_names(ys, by_class)}\n")


def _source(snap: Snapshot, source: str) -> str:
    if source.startswith("label:"):
        ingredient = snap.ingredients[source.removeprefix("label:")]
        return f"[{ingredient.name} label]({ingredient.label})"
    reference = snap.references.get(source)
    if reference is None:
        return source
    return f"[{reference.title}]({reference.url})"


def render_csv(snap: Snapshot) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "class_a",
            "class_b",
            "core",
            "pairs",
            *SEVERITIES,
            NONE,
            "range",
            "deciding_rules",
            "rules",
        ]
    )
    for p in class_pairs(snap):
        writer.writerow(
            [
                p.a,
                p.b,
                "yes" if p.core else "",
                p.total,
                *(p.count(level) for level in (*SEVERITIES, NONE)),
                p.range,
                " ".join(f"{rid}:{n}" for rid, n in p.deciding),
                " ".join(f"{rid}:{n}" for rid, n in p.rules),
            ]
        )
    return out.getvalue()


# --------------------------------------------------------------------------- KB_REVIEW.md block

REVIEW_START = "<!-- kb_classes: generated from docs/kb_silence.yaml, start -->"
REVIEW_END = "<!-- kb_classes: generated, end -->"


def review_block(snap: Snapshot, silence: list[Silence]) -> str:
    return f"{REVIEW_START}\n\n{render_silence(snap, silence, heading_level=3)}\n{REVIEW_END}"


def replace_review_block(text: str, block: str) -> str:
    """The KB_REVIEW.md text with its generated block replaced (the rest is left as written)."""
    start, end = text.find(REVIEW_START), text.find(REVIEW_END)
    if start < 0 or end < start:
        raise SilenceError(
            f"docs/KB_REVIEW.md has no block between {REVIEW_START!r} and {REVIEW_END!r}"
        )
    return text[:start] + block + text[end + len(REVIEW_END) :]


def current_review_block(text: str) -> str:
    start, end = text.find(REVIEW_START), text.find(REVIEW_END)
    return text[start : end + len(REVIEW_END)] if 0 <= start < end else ""
