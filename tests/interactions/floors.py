"""Helpers for the safety-floor tests: the ingredients carrying a property, and the check that
every pair across two such groups has a finding at least as serious as a floor."""

from medicines.knowledge import SEVERITY_RANK


def members(snap, test):
    """Slugs of the ingredients for which test(ingredient) holds (reversal agents left out)."""
    return sorted(s for s, i in snap.ingredients.items() if test(i) and not snap.is_exempt(i))


def assert_floor(pair, xs, ys, floor, mechanism=None, rules=None):
    """Every pair x, y has a finding at `floor` or worse, naming `mechanism` and one of `rules`
    when given."""
    assert xs and ys
    wrong = []
    for x in xs:
        for y in ys:
            if x == y:
                continue
            finding = pair(x, y)
            if finding is None or SEVERITY_RANK[finding.severity] < SEVERITY_RANK[floor]:
                wrong.append((x, y, finding and finding.severity))
            elif mechanism and mechanism not in finding.mechanisms:
                wrong.append((x, y, f"no {mechanism}", finding.mechanisms))
            elif rules and not set(rules) & set(finding.rule_ids):
                wrong.append((x, y, f"none of {rules}", finding.rule_ids))
    assert not wrong, wrong[:20]
