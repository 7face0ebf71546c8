"""The result's small remembered pieces (interactions/templatetags/checker.py) render exactly
what their templates do, and fold long lists without losing an item."""

import pytest
from django.template import Context, Template
from django.template.loader import get_template

from interactions import services, wording
from interactions.templatetags import checker


@pytest.fixture(autouse=True)
def _empty_cache():
    checker.cache_clear()
    yield
    checker.cache_clear()


def tag(source: str, **context) -> str:
    return Template("{% load checker %}" + source).render(Context(context))


@pytest.mark.parametrize("severity", ["contraindicated", "major", "moderate", "minor", "none"])
@pytest.mark.parametrize("short", [True, False])
def test_a_severity_badge_is_its_template(severity, short):
    expected = get_template("interactions/_severity.html").render(
        {"severity": severity, "short": short}
    )
    assert tag("{% severity_badge s short=short %}", s=severity, short=short) == expected
    assert tag("{% severity_badge s short=short %}", s=severity, short=short) == expected


def test_a_medicine_is_its_template_and_typed_names_stay_apart(db):
    result = services.check(["zolof", "Zoloft", "tramadol"])
    template = get_template("interactions/medicine.html", using="jinja2")
    for medicine in result.resolved:
        assert tag("{% medicine_html m %}", m=medicine) == template.render({"medicine": medicine})
    # "zolof" and "Zoloft" are the same medicine typed two ways: each shows what was typed.
    typed = [tag("{% medicine_html m %}", m=m) for m in result.resolved[:2]]
    assert "you typed ‘zolof’" in typed[0] and "you typed" not in typed[1]


def test_short_titles_cut_at_six_words():
    assert checker.short_title("The Hunter Serotonin Toxicity Criteria: simple and accurate") == (
        "The Hunter Serotonin Toxicity Criteria: simple …"
    )
    assert checker.short_title("Tramadol drug label") == "Tramadol drug label"


def test_fold_after_keeps_every_item_in_order():
    steps = [f"Step {n}." for n in range(1, 8)]
    shown, folded = checker.fold_after(steps)
    assert len(shown) == wording.STEPS_SHOWN and shown + folded == steps
    assert checker.fold_after(steps, 1) == (steps[:1], steps[1:])
    assert checker.fold_after(steps[:2]) == (steps[:2], [])
