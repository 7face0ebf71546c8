"""Every patient-facing sentence of the checker's result, defined once.

The service (interactions/services.py), the JSON API and the templates all read these, so
the page, the API's `severity_label` and the printed sheet can never drift apart. Words
follow ../shared/CLINICAL.md ("Severity scale", "Many people already take both", emergency
help). Clinical texts of each finding live in the knowledge base (medicines/data), not here.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz import fuzz

# CLINICAL.md, "Severity scale": the words, never colour alone.
SEVERITY_LABELS = {
    "contraindicated": "Do not take together",
    "major": "Serious — talk to your prescriber before taking these together",
    "moderate": "Use with caution",
    "minor": "Low risk",
    "none": "No interaction listed",
}
SEVERITY_SHORT = {**SEVERITY_LABELS, "major": "Serious"}

NO_FINDINGS_NOTE = (
    "No interaction between these medicines is listed in our database. That does not mean "
    "none exists — ask your pharmacist."
)
SINGLE_NOTE = "Enter at least two medicines to check how they mix."
# Fewer than two checked because a name is recognised but not covered yet ("Abilify, Zoloft"):
# the person did enter two, and nothing may read as "they mix well".
NOT_COVERED_NOTE = (
    "We recognise the other medicines but do not check them yet, so we could not look for "
    "an interaction. This is not a sign that they mix well: ask your pharmacist."
)
# Fewer than two checked because a name is a group of medicines ("heroin and benzos").
GROUP_NOTE = (
    "One name you typed is a group of medicines, not one medicine. Medicines in a group do "
    "not all mix the same way: type the name of the one you take, as on its box or label, "
    "so that we can check it."
)
# One group name ("benzos"), in the result and the API's note.
GROUP_ITEM = (
    "Not one medicine but a group: {name}. They do not all mix the same way. Type the name "
    "of the one you take, as on its box or label, so that we can check it."
)

# The one thing to do now, by the worst severity found (CLINICAL.md: a result never reads
# as "stop now"; prescribed medicines are not stopped on your own).
NEXT_STEP = {
    "contraindicated": (
        "Do not start these together. If you already take them, do not stop on your own: "
        "call your prescriber or pharmacist today."
    ),
    "major": (
        "Talk to your prescriber or pharmacist before you take these together. If you "
        "already take them, do not stop on your own: call them today."
    ),
    "moderate": (
        "Ask your pharmacist or prescriber about these before you start. If you already "
        "take them, do not stop on your own: call them today."
    ),
    "minor": "Tell your pharmacist you take these together at your next visit.",
}

# The same, when the list holds a street drug (CLINICAL.md, "Street drugs": meet people where
# they are, never lecture). Said for any risk worth a ladder; naloxone and test strips only
# when the list holds an opioid or a street supply that may hold fentanyl (services
# ._street_drugs): they do not fit psilocybin with lithium, or GHB with a drink.
NEXT_STEP_STREET = {
    "fentanyl": (
        "Never use alone, keep naloxone (Narcan) with you, and test your drugs with fentanyl "
        "test strips. Do not stop a prescribed medicine on your own: tell your prescriber or "
        "pharmacist what you use. They can help without judging you."
    ),
    "other": (
        "Never use alone: make sure someone with you knows what you took and can call for "
        "help. Do not stop a prescribed medicine on your own: tell your prescriber or "
        "pharmacist what you use. They can help without judging you."
    ),
}
# Classes of the `recreational` ingredients that are street drugs no more than a drink is
# (alcohol, cannabis), and of the street drugs whose supply may hold fentanyl: opioids,
# stimulants, pills pressed to look like benzodiazepines, and xylazine, found mixed with it.
LEGAL_RECREATIONAL = frozenset({"alcohol", "cannabinoid"})
FENTANYL_RISK = frozenset({"opioid", "stimulant", "benzodiazepine", "veterinary-sedative"})

# CLINICAL.md, "Many people already take both": the ladder on every serious or moderate
# result. (label, text) pairs; the severe step carries the call link in the template.
ACTION_LADDER = (
    (
        "If you already take them",
        "Do not stop on your own. Call your prescriber or pharmacist today.",
    ),
    ("Before you start a new one", "Ask your prescriber or pharmacist first."),
    ("Mild signs", "Call your prescriber, your pharmacist or a nurse line today."),
    ("Severe signs", "Call 911 (or your local emergency number) now."),
)
LADDER_SEVERITIES = ("contraindicated", "major", "moderate")

# CLINICAL.md, "Emergency help" (US by default, with the local number).
EMERGENCY_NUMBERS = (
    ("Emergency", "911", "911"),
    ("Poison Help", "1-800-222-1222", "18002221222"),
    ("Suicide & Crisis Lifeline (call or text)", "988", "988"),
)
NALOXONE = "Suspected opioid overdose: give naloxone (Narcan) if you have it, call 911 and stay with the person."

DO_NOT_STOP = (
    "Do not stop a prescribed medicine on your own. Some, like antidepressants, opioids and "
    "benzodiazepines, must not be stopped suddenly. Ask your prescriber first."
)

# A mechanism in plain words, for the summary ("Heart rhythm: citalopram, methadone").
RISK_NAMES = {
    "serotonin-toxicity": "Serotonin syndrome",
    "hypertensive-crisis": "Dangerously high blood pressure",
    "cns-depression": "Slowed breathing",
    "seizure-threshold": "Seizures",
    "qt-prolongation": "Heart rhythm",
    "cyp2d6-inhibition": "One medicine changes another's level",
    "cyp3a4-inhibition": "Higher medicine levels",
    "cyp3a4-induction": "Lower medicine levels",
    "opioid-blockade": "Opioids blocked",
    "opioid-withdrawal": "Opioid withdrawal",
    "bleeding": "Bleeding",
    "lithium-levels": "Lithium levels",
    "liver-damage": "Liver damage",
    "duplicate-therapy": "Two medicines that do the same job",
    "duplicate-ingredient": "Too much of one ingredient",
    "lowered-tolerance": "Overdose after a break",
    "pgp-inhibition": "Higher medicine levels",
    "pgp-induction": "Lower medicine levels",
    "enzyme-induction": "Lower medicine levels",
    "lithium-neurotoxicity": "Lithium and the brain",
    "alcohol-reaction": "Reaction with alcohol",
    "reduced-effect": "A medicine may work less",
    "anticonvulsant-levels": "Seizure medicine levels",
    "stimulant-stacking": "Strain on the heart",
    "dopamine-blockade": "Stiff muscles and movement problems",
}
# Mechanisms that explain how a risk comes about rather than being one a patient feels;
# they only name a risk when a finding has nothing else.
HOW_NOT_WHAT = frozenset(
    {"cyp2d6-inhibition", "cyp3a4-inhibition", "cyp3a4-induction", "pgp-inhibition",
     "pgp-induction", "enzyme-induction"}
)  # fmt: skip

QUESTIONS = (
    "Can I take these medicines together at my doses?",
    "Which warning signs should I watch for, and what should I do if I notice them?",
    "Is there another medicine or dose that carries less risk for me?",
    "How long after my last dose does the medicine I stopped still count?",
    "Do alcohol, supplements or anything I buy without a prescription change this?",
    "Should my doctor know that I take these together?",
)


def risk_name(mechanism: str) -> str:
    return RISK_NAMES.get(mechanism, mechanism.replace("-", " ").capitalize())


# A risk's "what to do" list shows this many steps; the rest fold behind "N more steps"
# (a native <details>, printed in full), so a three-medicine result reads in a few screens.
STEPS_SHOWN = 4

# ---------------------------------------------------------------- one step, said once
# Findings that share a risk often carry steps that say nearly the same thing in different
# rules' words ("Ask your doctor if you need a heart tracing (ECG)." and "... (ECG) while you
# take both."). A risk section shows each once. Two sentences are the same when they match
# after normalising case, punctuation and spacing, or when their words nearly match
# (token_set_ratio at least NEAR_DUPLICATE), unless the words they do not share include a
# negation or a number: "Take it with food" and "Do not take it with food" stay apart. Of two
# near-duplicates the first is kept, unless the later one says all of it and more (its words
# a superset): then the fuller wording takes the first one's place. Steps that open with the
# same sentence become one step with the other sentences of both ("Do not stop a medicine on
# your own. Ask the doctor who prescribed it." and "Do not stop a medicine on your own. Some
# must be lowered slowly." say the first sentence once and keep both second sentences).
NEAR_DUPLICATE = 90
_NEGATIONS = frozenset(
    {"not", "no", "never", "dont", "doesnt", "cannot", "cant", "wont", "nor", "none",
     "avoid", "without", "stop", "unless", "except"}
)  # fmt: skip
_APOSTROPHE = re.compile(r"['\u2019]")
_NON_WORD = re.compile(r"[^\w\s]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def normal_words(text: str) -> str:
    """A sentence compared for sameness: lower case, no punctuation, single spaces."""
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHE.sub("", text.casefold())).split())


# Rule texts are a fixed set, so each sentence's normal form and each comparison is
# remembered: a check compares many steps, and the same ones come up in many checks.
@functools.lru_cache(maxsize=16_384)
def _said(text: str) -> tuple[str, frozenset]:
    norm = normal_words(text)
    return norm, frozenset(norm.split())


@functools.lru_cache(maxsize=65_536)
def _same(text: str, other: str) -> bool:
    """Whether two sentences (or steps) say the same thing (see above)."""
    (norm, words), (other_norm, other_words) = _said(text), _said(other)
    if norm == other_norm:
        return True
    differ = words ^ other_words
    if differ & _NEGATIONS or any(word.isdigit() for word in differ):
        return False
    return fuzz.token_set_ratio(norm, other_norm, score_cutoff=NEAR_DUPLICATE) >= NEAR_DUPLICATE


def _says_more(text: str, other: str) -> bool:
    return _said(text)[1] > _said(other)[1]


@functools.lru_cache(maxsize=16_384)
def _sentences(step: str) -> tuple[str, ...]:
    return tuple(s for s in _SENTENCE_END.split(step.strip()) if _said(s)[0])


def _add_sentence(sentences: list[str], new: str) -> None:
    for n, said in enumerate(sentences):
        if _same(new, said):
            if _says_more(new, said):
                sentences[n] = new
            return
    sentences.append(new)


def distinct_steps(steps: tuple[str, ...], near: bool = True) -> tuple[str, ...]:
    """Each distinct step once, in first-seen order (see above). near=False merges exact
    (normalised) repeats only, as for warning signs."""
    # A risk's findings often come from the same rule, so the same texts come again and
    # again (16 steps, 8 different, over random lists): a repeat says nothing new, so it is
    # dropped before the comparisons (fewer of them, and fewer lists to remember).
    return _distinct_steps(tuple(dict.fromkeys(steps)), near)


@functools.lru_cache(maxsize=4096)
def _distinct_steps(steps: tuple[str, ...], near: bool) -> tuple[str, ...]:
    if not near:
        exact = {}
        for step in steps:
            exact.setdefault(_said(step)[0], step)
        return tuple(step for norm, step in exact.items() if norm)
    kept: list[list[str]] = []  # each step kept, as its sentences
    joined: list[str] = []  # and as one text
    for step in steps:
        new = _sentences(step)
        if not new:
            continue
        for n, sentences in enumerate(kept):
            if _same(step, joined[n]):
                if _says_more(step, joined[n]):
                    kept[n] = list(new)
                    joined[n] = " ".join(new)
                break
            if _same(new[0], sentences[0]):  # the same opening: one step, every sentence
                merged = list(sentences)
                if _says_more(new[0], merged[0]):
                    merged[0] = new[0]
                for sentence in new[1:]:
                    _add_sentence(merged, sentence)
                kept[n] = merged
                joined[n] = " ".join(merged)
                break
        else:
            kept.append(list(new))
            joined.append(" ".join(new))
    return tuple(joined)
