"""Every finding text is plain (US grade 8 or below), honest and sourced.

Readability is measured with articles.readability.grade (Flesch–Kincaid, textstat 0.7.8) on
the texts as the engine renders them for EVERY pair of ingredients, every stopped pair,
every duplicate and cumulative rule. Medicine names are proper nouns a reader already knows
but the formula counts their syllables ("lisdexamfetamine": 5), so each ingredient name is
replaced by one stand-in brand name ("Xanax") before measuring: the grade is that of the
words we wrote, not of the drug names. A title is measured together with its summary (a
three-word heading alone has no meaningful grade), and titles are kept short.
"""

import re

import pytest

from articles.readability import grade
from medicines import engine

MAX_GRADE = 8.0
SAFE = re.compile(r"\bsafe(ly|ty)?\b", re.IGNORECASE)
STOP_ALONE = re.compile(r"\bstop (taking )?(your|the|this) (medicine|medication)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def all_findings(snap):
    table = engine.pair_table(snap)
    found = list(table.current.values()) + list(table.stopped.values())
    for rule in snap.duplicate_rules:
        slug = next(
            (
                s
                for s, i in snap.ingredients.items()
                if rule.selector and any(sel.matches(i) for sel in rule.selector)
            ),
            "sertraline",
        )
        found.append(engine._duplicate_finding(snap, slug, ["Brand one", "Brand two"]))
    for rule in snap.cumulative_rules:
        members = [
            s for s, i in snap.ingredients.items() if any(sel.matches(i) for sel in rule.members)
        ]
        medicines = [engine.Medicine(s, (s,)) for s in members[:4]]
        found.extend(f for f in engine.check(snap, medicines) if f.kind == "cumulative")
    return found


@pytest.fixture(scope="module")
def stand_in(snap):
    names = sorted(
        {i.name for i in snap.ingredients.values()} | {"DM", "LDN"}, key=len, reverse=True
    )
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
    return lambda text: pattern.sub("Xanax", text)


def test_every_rendered_text_reads_at_grade_8_or_below(all_findings, stand_in):
    too_hard = {}
    for finding in all_findings:
        for field, text in (
            ("title+summary", f"{finding.title}. {finding.summary}"),
            ("summary", finding.summary),
            ("what_to_do", " ".join(finding.what_to_do)),
        ):
            score = grade(stand_in(text), is_markdown=False)
            if score > MAX_GRADE:
                too_hard.setdefault((finding.rule_ids, field), (round(score, 1), text))
    assert not too_hard, "\n".join(f"{k}: {v}" for k, v in list(too_hard.items())[:10])


def test_every_rule_text_reads_at_grade_8_or_below(snap, stand_in):
    values = {
        "a": "Xanax",
        "A": "Xanax",
        "b": "Xanax",
        "B": "Xanax",
        "class": "pain relievers",
        "names": "Xanax, Xanax and Xanax",
    }
    rules = list(snap.rules) + list(snap.duplicate_rules) + list(snap.cumulative_rules)
    for rule in rules:
        texts = rule.texts
        for field, text in (
            ("summary", texts.summary),
            ("what_to_do", " ".join(texts.what_to_do)),
            ("title+summary", f"{texts.title}. {texts.summary}"),
        ):
            filled = engine._fill(text, values)
            assert grade(stand_in(filled), is_markdown=False) <= MAX_GRADE, (rule.id, field, filled)


def test_titles_are_short(snap):
    for rule in list(snap.rules) + list(snap.duplicate_rules) + list(snap.cumulative_rules):
        assert len(rule.texts.title.split()) <= 7, rule.id


def test_no_text_calls_a_mix_safe_or_says_to_stop_a_medicine_alone(all_findings):
    for finding in all_findings:
        text = " ".join(
            [
                finding.title,
                finding.summary,
                *finding.what_to_do,
                *finding.warning_signs,
                finding.emergency,
            ]
        )
        assert not SAFE.search(text), (finding.rule_ids, text)
        assert not STOP_ALONE.search(text), (finding.rule_ids, text)


def test_advice_about_stopping_always_involves_the_prescriber(all_findings):
    for finding in all_findings:
        for step in finding.what_to_do:
            # An instruction to stop something ("Stop ...", "... stop taking ...") must name
            # the prescriber; "after you stop it" and "do not stop ... on your own" are fine.
            if re.search(r"(^|[.!] )stop\b|\bstop taking\b", step, re.IGNORECASE):
                assert re.search(r"doctor|prescrib|pharmacist", step, re.IGNORECASE), (
                    finding.rule_ids,
                    step,
                )


def test_serious_findings_say_when_to_get_emergency_help(all_findings):
    for finding in all_findings:
        if (
            finding.severity in ("contraindicated", "major")
            and "cyp" not in " ".join(finding.mechanisms)
            and finding.mechanisms[0]
            in (
                "serotonin-toxicity",
                "cns-depression",
                "qt-prolongation",
                "hypertensive-crisis",
                "bleeding",
                "seizure-threshold",
            )
        ):
            assert "911" in finding.emergency, (finding.rule_ids, finding.title)


def test_every_finding_has_warning_signs_and_steps(all_findings):
    for finding in all_findings:
        assert finding.warning_signs, finding.rule_ids
        assert finding.what_to_do, finding.rule_ids


def test_every_rule_cites_a_real_https_source(snap):
    rules = list(snap.rules) + list(snap.duplicate_rules) + list(snap.cumulative_rules)
    for rule in rules:
        assert rule.references, rule.id
        for ref_id in rule.references:
            reference = snap.references[ref_id]
            assert reference.url.startswith("https://"), (rule.id, reference.url)
            assert re.match(
                r"https://(doi\.org/10\.|dailymed\.nlm\.nih\.gov/dailymed/drugInfo\.cfm\?setid="
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|"
                r"www\.fda\.gov/drugs/|pubmed\.ncbi\.nlm\.nih\.gov/|www\.niaaa\.nih\.gov/|www\.gov\.uk/drug-safety-update/)",
                reference.url,
            ), (rule.id, reference.url)


def test_every_reference_is_used_and_every_finding_has_one(snap, all_findings):
    used = {
        r
        for rule in list(snap.rules) + list(snap.duplicate_rules) + list(snap.cumulative_rules)
        for r in rule.references
    } | {r for i in snap.ingredients.values() for r in i.references}
    assert set(snap.references) <= used, set(snap.references) - used
    for finding in all_findings:
        assert finding.references and all(r.url.startswith("https://") for r in finding.references)


def test_fda_communications_are_dated_and_papers_have_authors(snap):
    for reference in snap.references.values():
        if "fda.gov" in reference.url:
            assert reference.year in (2016, 2019, 2022), reference.id
        if "doi.org" in reference.url or "pubmed" in reference.url:
            assert reference.authors and reference.year, reference.id


def test_mechanisms_are_from_the_shared_vocabulary(snap, all_findings):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "content" / "README.md").read_text()
    vocabulary = set(re.findall(r"`([a-z0-9-]+)`", readme.split("## Mechanism vocabulary")[1]))
    for finding in all_findings:
        assert set(finding.mechanisms) <= vocabulary, finding.mechanisms


EMERGENCY_ACTION = re.compile(r"\b911\b|1-800-222-1222|\b988\b|urgent care", re.IGNORECASE)


def test_every_serious_rule_has_an_emergency_line_that_names_an_action(snap):
    # Issue 10: every major or contraindicated rule says what to do in an emergency: call
    # 911, Poison Help 1-800-222-1222, 988, or go to urgent care.
    missing = [
        rule.id
        for rule in list(snap.rules) + list(snap.duplicate_rules) + list(snap.cumulative_rules)
        if (rule.severity or "moderate") in ("major", "contraindicated")
        and not EMERGENCY_ACTION.search(rule.texts.emergency)
    ]
    assert not missing, missing


def test_every_serious_finding_has_an_emergency_line_that_names_an_action(all_findings):
    for finding in all_findings:
        if finding.severity in ("major", "contraindicated"):
            assert EMERGENCY_ACTION.search(finding.emergency), (finding.rule_ids, finding.emergency)


def test_the_checker_texts_the_clinical_review_asked_for(snap):
    rules = {rule.id: rule for rule in snap.rules}
    seizure = rules["seizure-strong-strong"].texts.emergency
    assert "911" in seizure and "first seizure" in seizure and "5 minutes" not in seizure
    breathing = rules["cns-opioid-strong"].texts.emergency
    assert "an opioid may be involved" in breathing
    duplicate = rules["duplicate-therapy"].texts.summary
    assert "rarely taken together" not in duplicate
    assert "opioid" in duplicate and "aspirin" in duplicate
    for rule_id in ("ldn-blockade", "naltrexone-after-opioids"):
        assert "urgent care" in rules[rule_id].texts.emergency, rule_id
        assert "911" in rules[rule_id].texts.emergency, rule_id


def test_the_coverage_note_no_longer_says_foods_are_not_covered(snap):
    note = " ".join(str(v) for v in snap.coverage.values())
    assert "aged cheese with MAOIs" not in note
    assert "tyramine" in note


def test_advice_notes_read_at_grade_8_or_below_and_cite_sources(snap, stand_in):
    assert snap.advice, "no advice notes"
    for item in snap.advice:
        text = engine._fill(item.text, {"names": "Xanax and Xanax"})
        assert grade(stand_in(f"{item.title}. {text}"), is_markdown=False) <= MAX_GRADE, item.id
        assert not SAFE.search(text), item.id
        assert item.references and all(
            snap.references[r].url.startswith("https://") for r in item.references
        )
