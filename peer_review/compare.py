"""Compare our severities with the thesaurus levels, and check the reviewed decisions.

The common scale has five steps, 0-4:

    4  contraindicated   contre-indication
    3  major             association déconseillée
    2  moderate          précaution d'emploi
    1  minor             à prendre en compte
    0  no finding        not listed

"Exact" and "within one step" are computed on it over every pair of mapped ingredients, so
"none here, not listed there" is an agreement (the blank is a claim on both sides), and
"none here, à prendre en compte there" is one step apart. Cohen's kappa is unweighted over
the five steps.

The rule `make peer-review` enforces:

- under-call: the thesaurus contraindicates or says to avoid (3-4) and we say nothing or
  "minor" (0-1): fails unless a decision with `decision: kept` covers the pair;
- over-call: we say "serious" or "do not take together" (3-4) and the thesaurus says
  "à prendre en compte" or nothing (0-1): fails unless a decision covers the pair (kept with
  its reason and US source, or changed);
- a decision that says `changed` to a level must match what the knowledge now says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

OUR_STEPS = {"contraindicated": 4, "major": 3, "moderate": 2, "minor": 1, "": 0, None: 0}
OUR_NAMES = {4: "contraindicated", 3: "major", 2: "moderate", 1: "minor", 0: "none"}
DECISIONS = ("kept", "changed")
KINDS = ("under-call", "over-call", "other")
ANSM_CODES = {"CI": 4, "AD": 3, "PE": 2, "APEC": 1, "none": 0}


def our_step(severity: str | None) -> int:
    return OUR_STEPS[severity]


@dataclass(frozen=True, slots=True)
class Pair:
    a: str  # our slug (a < b)
    b: str
    ours: int
    theirs: int
    nervous: bool = False
    context: str = ""  # ANSM condition text when its level depends on context
    mechanisms: tuple[str, ...] = ()  # ours
    rules: tuple[str, ...] = ()  # ours
    their_mechanism: str = ""

    @property
    def gap(self) -> int:
        return abs(self.ours - self.theirs)

    @property
    def under_call(self) -> bool:
        return self.theirs >= 3 and self.ours <= 1

    @property
    def over_call(self) -> bool:
        return self.ours >= 3 and self.theirs <= 1


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class Figures:
    pairs: int
    exact: float
    within_one: float
    kappa: float
    weighted_kappa: float
    under_calls: int
    over_calls: int
    confusion: dict[tuple[int, int], int]  # (ours, theirs) -> count


def cohen_kappa(labels: Sequence[tuple[int, int]], weighted: bool = False, k: int = 5) -> float:
    """Cohen's kappa of two raters on steps 0..k-1; `weighted`: linear weights."""
    n = len(labels)
    if not n:
        return 0.0
    rows = Counter(a for a, _ in labels)
    cols = Counter(b for _, b in labels)
    cells = Counter(labels)

    def weight(i, j):
        return abs(i - j) / (k - 1) if weighted else float(i != j)

    observed = sum(weight(i, j) * c for (i, j), c in cells.items()) / n
    expected = sum(weight(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k)) / (n * n)
    return 1.0 if expected == 0 else 1 - observed / expected


def figures(pairs: Sequence[Pair]) -> Figures:
    n = len(pairs)
    labels = [(p.ours, p.theirs) for p in pairs]
    return Figures(
        pairs=n,
        exact=sum(p.gap == 0 for p in pairs) / n if n else 0.0,
        within_one=sum(p.gap <= 1 for p in pairs) / n if n else 0.0,
        kappa=cohen_kappa(labels),
        weighted_kappa=cohen_kappa(labels, weighted=True),
        under_calls=sum(p.under_call for p in pairs),
        over_calls=sum(p.over_call for p in pairs),
        confusion=dict(Counter(labels)),
    )


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    kind: str  # under-call | over-call | other
    decision: str  # kept | changed
    reason: str
    sources: tuple[str, ...]  # reference ids (medicines/data/references.yaml) or URLs
    between: tuple[tuple[str, str], ...] = ()  # selector pairs: class slug, ingredient slug or "*"
    rules: tuple[str, ...] = ()  # our rule that gives the pair its severity (the worst one)
    to: str = ""  # for changed: the severity it was changed to
    ansm: tuple[int, ...] = ()  # optional: only pairs ANSM puts at these steps (codes: ANSM_CODES)

    def covers(self, pair: Pair, classes: Mapping[str, Iterable[str]]) -> bool:
        if self.kind == "under-call" and not pair.under_call:
            return False
        if self.kind == "over-call" and not pair.over_call:
            return False
        if self.kind == "other" and (pair.under_call or pair.over_call):
            return False  # only an under-call or over-call entry can excuse one
        if self.ansm and pair.theirs not in self.ansm:
            return False
        if self.rules and not (pair.rules and pair.rules[0] in self.rules):
            return False
        if not self.between:
            return True
        return any(
            (_selects(x, pair.a, classes) and _selects(y, pair.b, classes))
            or (_selects(x, pair.b, classes) and _selects(y, pair.a, classes))
            for x, y in self.between
        )


def _selects(selector: str, slug: str, classes: Mapping[str, Iterable[str]]) -> bool:
    return selector == "*" or selector == slug or selector in classes.get(slug, ())


class DecisionError(ValueError):
    pass


def parse_decisions(
    raw: Sequence[Mapping],
    known_references: Iterable[str] | None = None,
    problems: list[str] | None = None,
    known_rules: Iterable[str] | None = None,
) -> list[Decision]:
    """Validate the decisions file: every entry has a decision, a one-line reason and a source.

    An unknown reference id raises, or is added to `problems` when given (the knowledge base
    may be mid-edit: the run still reports everything else)."""
    refs = set(known_references) if known_references is not None else None
    rule_ids = set(known_rules) if known_rules is not None else None
    out, seen = [], set()
    for index, item in enumerate(raw or []):
        where = f"decisions[{index}] ({item.get('id', '?')})"
        missing = [k for k in ("id", "kind", "decision", "reason", "sources") if not item.get(k)]
        if not item.get("between") and not item.get("rules"):
            missing.append("between or rules")
        if missing:
            raise DecisionError(f"{where}: missing {', '.join(missing)}")
        if item["id"] in seen:
            raise DecisionError(f"{where}: duplicate id")
        seen.add(item["id"])
        if item["kind"] not in KINDS:
            raise DecisionError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if item["decision"] not in DECISIONS:
            raise DecisionError(f"{where}: decision must be kept or changed")
        if item["decision"] == "changed" and item.get("to") not in OUR_NAMES.values():
            raise DecisionError(
                f"{where}: a changed decision says what it changed to (to: major, ...)"
            )
        reason = " ".join(str(item["reason"]).split())
        unknown_codes = [c for c in item.get("ansm") or () if c not in ANSM_CODES]
        if unknown_codes:
            raise DecisionError(f"{where}: ansm takes {', '.join(ANSM_CODES)}")
        between = []
        for sides in item.get("between") or ():
            if not isinstance(sides, list | tuple) or len(sides) != 2:
                raise DecisionError(f"{where}: between holds [side, side] pairs")
            between.append((str(sides[0]), str(sides[1])))
        sources = tuple(item["sources"])
        if refs is not None:
            unknown = [s for s in sources if s not in refs and not s.startswith("https://")]
            if unknown:
                message = f"{where}: unknown reference ids {', '.join(unknown)} (medicines/data/references.yaml)"
                if problems is None:
                    raise DecisionError(message)
                problems.append(message)
        stale = [r for r in item.get("rules") or () if rule_ids is not None and r not in rule_ids]
        if stale:
            message = f"{where}: no rule {', '.join(stale)} in medicines/data/rules.yaml (renamed or removed?)"
            if problems is None:
                raise DecisionError(message)
            problems.append(message)
        out.append(
            Decision(
                id=item["id"],
                kind=item["kind"],
                decision=item["decision"],
                reason=reason,
                sources=sources,
                between=tuple(between),
                rules=tuple(item.get("rules") or ()),
                to=item.get("to", ""),
                ansm=tuple(ANSM_CODES[c] for c in item.get("ansm") or ()),
            )
        )
    return out


@dataclass
class Review:
    covered: dict[tuple[str, str], Decision] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    unreviewed_under: list[Pair] = field(default_factory=list)
    unreviewed_over: list[Pair] = field(default_factory=list)
    unused: list[Decision] = field(default_factory=list)


def review(
    pairs: Sequence[Pair], decisions: Sequence[Decision], classes: Mapping[str, Iterable[str]]
) -> Review:
    """Which decision covers each disagreement, and what fails the check."""
    result = Review()
    used = set()
    for pair in pairs:
        if not (pair.under_call or pair.over_call or pair.gap >= 2):
            continue
        decision = next((d for d in decisions if d.covers(pair, classes)), None)
        if decision is not None:
            result.covered[(pair.a, pair.b)] = decision
            used.add(decision.id)
        if pair.under_call and (decision is None or decision.decision != "kept"):
            result.unreviewed_under.append(pair)
            result.failures.append(
                f"under-call {pair.a} + {pair.b}: ANSM step {pair.theirs}, ours {OUR_NAMES[pair.ours]}"
                + (
                    f" (decision {decision.id} says changed, but the knowledge was not)"
                    if decision
                    else ""
                )
            )
        elif pair.over_call and decision is None:
            result.unreviewed_over.append(pair)
            result.failures.append(
                f"over-call {pair.a} + {pair.b}: ours {OUR_NAMES[pair.ours]}, ANSM step {pair.theirs}, no decision"
            )
        elif (
            decision is not None
            and decision.decision == "changed"
            and OUR_NAMES[pair.ours] != decision.to
        ):
            result.failures.append(
                f"{pair.a} + {pair.b}: decision {decision.id} says changed to {decision.to}, "
                f"the knowledge says {OUR_NAMES[pair.ours]}"
            )
    result.unused = [d for d in decisions if d.id not in used]
    return result
