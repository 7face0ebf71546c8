"""Sources fit their finding (issue 9, Build 4).

Every reference on a pair finding is about one of its two medicines, their classes or the
finding's mechanism (`about` in references.yaml). A rule may cite several example labels;
each pair keeps only those about its own medicines. Checked for EVERY pair finding the
engine can produce: all ingredient pairs taken now, and every stopped/current pair.
"""

from medicines import engine


def _topics(snap, finding):
    topics = set(finding.mechanisms)
    for slug in finding.ingredients:
        topics |= {slug} | set(snap.ingredients[slug].classes)
    return topics


def test_every_reference_says_what_it_is_about(snap):
    missing = sorted(ref.id for ref in snap.references.values() if not ref.about)
    assert not missing, f"references without `about`: {missing}"


def test_every_pair_finding_cites_only_sources_about_it(snap):
    table = engine.pair_table(snap)
    wrong = {}
    for findings in (table.current, table.stopped):
        for pair, finding in findings.items():
            topics = _topics(snap, finding)
            for ref in finding.references:
                if not ref.about & topics:
                    wrong.setdefault((finding.rule_ids, ref.id), pair)
    assert not wrong, (
        "\n".join(
            f"{rules} cites {ref} for {pair}" for (rules, ref), pair in sorted(wrong.items())[:40]
        )
        + f"\n({len(wrong)} in all)"
    )


def test_the_issue_examples_no_longer_cite_unrelated_labels(pair):
    def cited(x, y):
        return {ref.id for ref in pair(x, y).references}

    assert not {"label-zolpidem", "label-gabapentin"} & cited("alprazolam", "alcohol")
    assert "label-clopidogrel" not in cited("sertraline", "ibuprofen")
    assert "label-linezolid" not in cited("phenelzine", "dextromethorphan")
    # ... and each still cites a source about one of its own medicines or the mechanism
    assert "label-alprazolam" in cited("alprazolam", "alcohol")
    assert {"label-sertraline", "label-ibuprofen"} <= cited("sertraline", "ibuprofen")
    assert "label-phenelzine" in cited("phenelzine", "dextromethorphan")


def test_a_rule_keeps_the_examples_that_fit_each_pair(pair):
    # The same rule (cns-alcohol-sedative) cites the alprazolam, zolpidem and gabapentin
    # labels; each pair keeps its own.
    assert "label-zolpidem" in {r.id for r in pair("zolpidem", "alcohol").references}
    assert "label-alprazolam" not in {r.id for r in pair("zolpidem", "alcohol").references}


def test_duplicate_and_cumulative_findings_cite_sources_about_them(snap):
    wrong = []
    for slug in snap.ingredients:
        finding = engine._duplicate_finding(snap, slug, ["Brand one", "Brand two"])
        if finding is None:
            continue
        topics = _topics(snap, finding)
        wrong += [
            (finding.rule_ids, slug, ref.id) for ref in finding.references if not ref.about & topics
        ]
    for rule in snap.cumulative_rules:
        members = [
            s for s, i in snap.ingredients.items() if any(sel.matches(i) for sel in rule.members)
        ]
        for start in range(0, max(len(members) - 3, 1), 3):
            medicines = [engine.Medicine(s, (s,)) for s in members[start : start + 4]]
            for finding in engine.check(snap, medicines):
                if finding.kind == "cumulative":
                    topics = _topics(snap, finding)
                    wrong += [
                        (finding.rule_ids, finding.ingredients, ref.id)
                        for ref in finding.references
                        if not ref.about & topics
                    ]
    assert not wrong, wrong[:20]


def test_the_same_medicine_twice_cites_its_own_label(snap):
    finding = engine._duplicate_finding(snap, "alprazolam", ["Xanax", "alprazolam"])
    assert "label-sertraline" not in {r.id for r in finding.references}
    assert any("alprazolam" in r.about for r in finding.references)
