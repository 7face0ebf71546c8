"""Sources fit their finding (issue 9, Build 4).

Every reference on a pair finding is about one of its two medicines, their classes or the
finding's mechanism (`about` in references.yaml). A rule may cite several example labels;
each pair keeps only those about its own medicines. Checked for EVERY pair finding the
engine can produce: all ingredient pairs taken now, and every stopped/current pair.
"""

from interactions import engine


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
    assert not wrong, "\n".join(f"{rules} cites {ref} for {pair}" for (rules, ref), pair in
                                sorted(wrong.items())[:40]) + f"\n({len(wrong)} in all)"


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
