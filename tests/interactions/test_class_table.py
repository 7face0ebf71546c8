"""The class-by-class table (docs/kb_classes.md) and the reviewed silence between core classes."""

import itertools
import shutil
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command

from medicines import class_table, engine
from medicines.knowledge import SEVERITIES

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def pairs(snap):
    return class_table.class_pairs(snap)


def write_silence(tmp_path, text):
    path = tmp_path / "silence.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the table


def test_every_pair_of_classes_with_ingredients_is_listed_once(snap, pairs):
    by_class = class_table.members(snap)
    used = {c for i in snap.ingredients.values() for c in i.classes}
    assert set(by_class) == used
    keys = [(p.a, p.b) for p in pairs]
    assert len(keys) == len(set(keys))
    expected = {
        (a, b)
        for a, b in itertools.combinations_with_replacement(list(by_class), 2)
        if any(x != y for x in by_class[a] for y in by_class[b])
    }
    assert set(keys) == expected


def test_counts_and_none_cells_agree_with_the_engine(snap, pairs):
    by_class = class_table.members(snap)
    for p in pairs:
        cells = {frozenset((x, y)) for x in by_class[p.a] for y in by_class[p.b] if x != y}
        assert p.total == len(cells), (p.a, p.b)
        assert sum(n for _, n in p.counts) == p.total
        blank = {c for c in cells if engine.pair_finding(snap, *sorted(c)) is None}
        assert {frozenset(c) for c in p.none} == blank, (p.a, p.b)
        assert len(p.none) == p.count("none")
        for x, y in p.none:
            assert x in by_class[p.a] and y in by_class[p.b]
        worst = {engine.pair_finding(snap, *sorted(c)).severity for c in cells - blank}
        for severity in SEVERITIES:
            assert (p.count(severity) > 0) == (severity in worst), (p.a, p.b, severity)


def test_range_and_deciding_rules(snap, pairs):
    by_key = {(p.a, p.b): p for p in pairs}
    maoi_ssri = by_key[("ssri", "maoi")]
    assert maoi_ssri.range.endswith("contraindicated")
    assert "serotonin-maoi-strong" in dict(maoi_ssri.deciding)
    # The deciding rule of a pair is the first (worst) rule of its finding.
    for p in pairs:
        assert sum(n for _, n in p.deciding) == p.total - p.count("none")
        assert set(dict(p.deciding)) <= set(dict(p.rules))
        if p.count("none") == p.total:
            assert p.range == "none"
        elif p.count("none"):
            assert p.range.startswith("none–")


def test_grouped_cells_list_exactly_the_cells(snap, pairs):
    by_class = class_table.members(snap)
    for p in pairs:
        groups = class_table.group_cells(p.none)
        listed = [(x, y) for xs, ys, _ in groups for x in xs for y in ys]
        assert sorted(listed) == sorted(p.none), (p.a, p.b)
        for xs, ys, _ in groups:
            assert set(xs) <= set(by_class[p.a]) and set(ys) <= set(by_class[p.b])


def test_whole_classes_are_written_once(snap):
    by_class = class_table.members(snap)
    text = class_table._names([*by_class["ssri"], "bupropion"], by_class)
    assert text == "all `ssri`, bupropion"
    assert class_table._names(by_class["ssri"][:2], by_class) == ", ".join(by_class["ssri"][:2])


def test_core_none_cells_are_the_blank_pairs_between_core_ingredients(snap):
    cells = class_table.core_none_cells(snap)
    core = {i.slug for i in snap.ingredients.values() if i.classes & set(class_table.CORE_CLASSES)}
    assert "sertraline" in core and "acetaminophen" not in core
    for x, y in cells:
        assert x in core and y in core
        assert engine.pair_finding(snap, x, y) is None
    expected = {
        frozenset((x, y))
        for x, y in itertools.combinations(sorted(core), 2)
        if engine.pair_finding(snap, x, y) is None
    }
    assert {frozenset(c) for c in cells} == expected
    # Naloxone is exempt: it never has a finding, so each core ingredient is a none cell with it.
    assert {frozenset(("naloxone", "sertraline")), frozenset(("naloxone", "oxycodone"))} <= expected


# --------------------------------------------------------------------------- silence file


def test_silence_entries_match_either_way_round_and_open_comes_first(snap, tmp_path):
    path = write_silence(
        tmp_path,
        """
        reasons:
          - id: reversal
            a: {slug: [naloxone, nalmefene]}
            reason: Emergency reversal.
            sources: [CLINICAL.md, label-naltrexone]
          - id: antagonist-ssri
            a: {class: [ssri]}
            b: {class: [opioid-antagonist], not_slug: [naloxone]}
            reason: No known interaction.
            sources: [label-naltrexone]
        open:
          - id: naloxone-sertraline-check
            a: {slug: sertraline}
            b: {slug: naloxone}
            note: A made-up open cell for this test.
    """,
    )
    entries = class_table.load_silence(snap, path)
    result = class_table.review(snap, entries)
    cell = next(c for c in result.cells if set(c) == {"sertraline", "naloxone"})
    assert result.entry[cell].id == "naloxone-sertraline-check"  # open wins over a reason
    cell = next(c for c in result.cells if set(c) == {"fluoxetine", "naloxone"})
    assert result.entry[cell].id == "reversal"
    cell = next(c for c in result.cells if set(c) == {"fluoxetine", "naltrexone"})
    assert result.entry[cell].id == "antagonist-ssri"
    assert all(
        result.entry[c] is None
        for c in result.cells
        if "nalmefene" not in c
        and "naloxone" not in c
        and not (
            {"naltrexone", "low-dose-naltrexone"} & set(c)
            and {
                "citalopram",
                "escitalopram",
                "fluoxetine",
                "fluvoxamine",
                "paroxetine",
                "sertraline",
            }
            & set(c)
        )
    )
    assert result.unused == ()


def test_label_sources_link_the_ingredient_label(snap, tmp_path):
    path = write_silence(
        tmp_path,
        """
        reasons:
          - id: reversal
            a: {slug: [naloxone, nalmefene]}
            reason: Emergency reversal.
            sources: ["label:naltrexone"]
    """,
    )
    entries = class_table.load_silence(snap, path)
    text = class_table.render_silence(snap, entries)
    assert f"[naltrexone label]({snap.ingredients['naltrexone'].label})" in text


def test_a_stale_entry_is_reported(snap, tmp_path):
    path = write_silence(
        tmp_path,
        """
        reasons:
          - id: phenelzine-sertraline
            a: {slug: phenelzine}
            b: {slug: sertraline}
            reason: Contraindicated, so this matches no none cell.
            sources: [label-phenelzine]
    """,
    )
    result = class_table.review(snap, class_table.load_silence(snap, path))
    assert [e.id for e in result.unused] == ["phenelzine-sertraline"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            "- {id: x, a: {slug: [sertralin]}, reason: r, sources: [CLINICAL.md]}",
            "unknown 'sertralin'",
        ),
        ("- {id: x, a: {class: [ssris]}, reason: r, sources: [CLINICAL.md]}", "unknown 'ssris'"),
        (
            "- {id: x, a: {slug: [sertraline]}, reason: r, sources: [a-made-up-paper]}",
            "unknown source",
        ),
        (
            "- {id: x, a: {slug: [sertraline]}, reason: r, sources: ['label:zoloft']}",
            "unknown source",
        ),
        ("- {id: x, a: {slug: [sertraline]}, reason: r}", "`sources` is required"),
        ("- {id: x, a: {slug: [sertraline]}, sources: [CLINICAL.md]}", "`reason` is required"),
        (
            "- {id: x, a: {slugs: [sertraline]}, reason: r, sources: [CLINICAL.md]}",
            "must be a mapping",
        ),
        ("- {id: x, a: {}, reason: r, sources: [CLINICAL.md], severity: minor}", "unknown field"),
    ],
)
def test_silence_file_schema_errors_name_the_entry(snap, tmp_path, entry, problem):
    path = write_silence(tmp_path, "reasons:\n  " + entry + "\n")
    with pytest.raises(class_table.SilenceError, match=problem):
        class_table.load_silence(snap, path)


def test_review_block_replaces_only_its_own_block(snap):
    text = f"# Review\n\nBefore.\n\n{class_table.REVIEW_START}\nold\n{class_table.REVIEW_END}\n\nAfter.\n"
    block = class_table.review_block(snap, [])
    new = class_table.replace_review_block(text, block)
    assert new.startswith("# Review\n\nBefore.\n\n") and new.endswith("\n\nAfter.\n")
    assert class_table.current_review_block(new) == block
    assert "old" not in new
    with pytest.raises(class_table.SilenceError):
        class_table.replace_review_block("# no markers\n", block)


# --------------------------------------------------------------------------- committed files


def test_committed_class_table_matches_the_knowledge_base(tmp_path):
    """A data change must come with a regenerated and reviewed class table."""
    review = tmp_path / "KB_REVIEW.md"
    shutil.copy(DOCS / "KB_REVIEW.md", review)
    md, csv = tmp_path / "kb_classes.md", tmp_path / "kb_classes.csv"
    with open(tmp_path / "out.txt", "w") as out:
        call_command("kb_classes", md=str(md), csv=str(csv), review=str(review), stdout=out)
    message = (
        "{} is out of date: run `python manage.py kb_classes`, review the changed class pairs "
        "(every none cell claims 'no known interaction'; between core classes it needs a reason "
        "in docs/kb_silence.yaml) and note them in docs/KB_REVIEW.md"
    )
    assert (DOCS / "kb_classes.md").read_text() == md.read_text(), message.format(
        "docs/kb_classes.md"
    )
    assert (DOCS / "kb_classes.csv").read_text() == csv.read_text(), message.format(
        "docs/kb_classes.csv"
    )
    committed = class_table.current_review_block((DOCS / "KB_REVIEW.md").read_text())
    assert committed, "docs/KB_REVIEW.md lost its generated 'Silence between core classes' block"
    assert committed == class_table.current_review_block(review.read_text()), message.format(
        "The silence block of docs/KB_REVIEW.md"
    )


def test_every_none_cell_between_core_classes_has_a_reviewed_reason(snap):
    """Silence is a claim (CLINICAL.md): between core classes, each none cell is reviewed."""
    entries = class_table.load_silence(snap)
    result = class_table.review(snap, entries)
    missing = [
        f"{', '.join(xs)} + {', '.join(ys)}"
        for xs, ys, _ in class_table.group_cells(result.unexplained)
    ]
    assert not missing, (
        "No reviewed reason in docs/kb_silence.yaml for these none cells between core classes "
        "(add a reason, or an `open` entry if the silence looks wrong, then run "
        "`python manage.py kb_classes`):\n  " + "\n  ".join(missing)
    )
    stale = [entry.id for entry in result.unused]
    assert not stale, f"docs/kb_silence.yaml entries that match no none cell any more: {stale}"
