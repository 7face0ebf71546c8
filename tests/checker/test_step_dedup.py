"""Each "what to do" step once per risk (issue 12): findings that share a risk often carry
steps that say nearly the same thing in different rules' words; the risk section shows each
once (interactions.wording.distinct_steps, used by interactions.services._risks)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from interactions import services, wording

ECG_LONG = "Ask your doctor if you need a heart tracing (ECG) while you take both."
ECG_SHORT = "Ask your doctor if you need a heart tracing (ECG)."


def test_exact_repeats_differing_in_case_punctuation_and_spaces_are_one_step():
    steps = (
        "Tell your doctor and pharmacist that you take both.",
        "tell your  doctor and pharmacist, that you take both",
        "Watch for the warning signs.",
    )
    assert wording.distinct_steps(steps) == (steps[0], steps[2])
    assert wording.distinct_steps(steps, near=False) == (steps[0], steps[2])


def test_a_near_duplicate_from_another_rule_is_shown_once_in_its_fuller_wording():
    assert wording.distinct_steps((ECG_LONG, "Do not stop on your own.", ECG_SHORT)) == (
        ECG_LONG,
        "Do not stop on your own.",
    )
    # The shorter wording first: the fuller one takes its place, in its position.
    assert wording.distinct_steps((ECG_SHORT, "Do not stop on your own.", ECG_LONG)) == (
        ECG_LONG,
        "Do not stop on your own.",
    )
    # Only near-duplicates merge: exact matching keeps both.
    assert wording.distinct_steps((ECG_LONG, ECG_SHORT), near=False) == (ECG_LONG, ECG_SHORT)


def test_steps_that_open_alike_become_one_step_that_keeps_every_other_sentence():
    steps = (
        "Do not stop a medicine on your own. Ask the doctor who prescribed it.",
        "Do not drink alcohol with them.",
        "do not stop a medicine on your own! Some must be lowered slowly.",
    )
    assert wording.distinct_steps(steps) == (
        "Do not stop a medicine on your own. Ask the doctor who prescribed it. "
        "Some must be lowered slowly.",
        "Do not drink alcohol with them.",
    )
    # A fuller opening takes the place of the shorter one; nothing said is lost.
    fuller = wording.distinct_steps(
        ("Call your doctor. Bring your list.", "Call your doctor today if you faint. Sit down.")
    )
    assert fuller == ("Call your doctor today if you faint. Bring your list. Sit down.",)
    # Only near-duplicate openings merge; exact matching (warning signs) keeps both.
    assert len(wording.distinct_steps(steps, near=False)) == 3


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Take it with food.", "Do not take it with food."),
        ("Ask your pharmacist before you take it.", "Never take it; ask your pharmacist."),
        ("Wait 2 weeks after the last dose.", "Wait 5 weeks after the last dose."),
        ("Ask your doctor if you should take both.", "Watch for the warning signs."),
    ],
)
def test_steps_that_differ_in_a_negation_a_number_or_sense_stay_apart(first, second):
    assert wording.distinct_steps((first, second)) == (first, second)


def test_a_repeated_step_changes_nothing_on_the_real_rules():
    """distinct_steps drops exact repeats before comparing (a risk's findings often come
    from one rule). Over the knowledge base's own steps, in random risks of a few rules
    each, repeated, the comparisons alone give the same answer."""
    import random

    from medicines import knowledge

    snap = knowledge.snapshot()
    lists = [rule.texts.what_to_do for rule in snap.rules]
    lists += [rule.texts.warning_signs for rule in snap.rules]
    rng = random.Random(14)
    for _ in range(400):
        picked = rng.sample(lists, rng.randint(2, 5))
        picked += rng.sample(picked, rng.randint(1, len(picked)))  # the same rule again
        rng.shuffle(picked)
        steps = tuple(step for texts in picked for step in texts)
        assert len(set(steps)) < len(steps)
        for near in (True, False):
            assert wording.distinct_steps(steps, near) == wording._distinct_steps(steps, near)


def test_the_three_medicine_result_shows_each_step_once(db):
    result = services.check(["citalopram", "ondansetron", "methadone"])
    (risk,) = result.risks
    every = [s for f in risk.findings for s in f.what_to_do_steps]
    assert ECG_SHORT in every and ECG_LONG in every  # two rules say it, in two wordings
    assert ECG_LONG in risk.steps and ECG_SHORT not in risk.steps
    normal = [wording.normal_words(s) for s in risk.steps]
    assert len(normal) == len(set(normal))
    for n, step in enumerate(risk.steps):
        for other in risk.steps[n + 1 :]:
            assert wording.distinct_steps((step, other)) == (step, other), (step, other)
    # The API keeps every finding's own steps as the rules give them.
    api_steps = {s for f in result.as_json()["findings"] for s in f["what_to_do_steps"]}
    assert {ECG_SHORT, ECG_LONG} <= api_steps


def test_the_page_lists_each_step_once(client, db):
    html = client.get(reverse("interactions:check") + "?drugs=citalopram,ondansetron,methadone")
    page = " ".join(unescape(re.sub(r"<[^>]+>", " ", html.content.decode())).split())
    assert page.count("heart tracing (ECG)") == 1
