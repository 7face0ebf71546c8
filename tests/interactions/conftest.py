"""Fixtures for the knowledge base, engine, resolver and API tests."""

import json
import textwrap
from pathlib import Path

import pytest
from django.test import Client

from medicines import engine, knowledge
from medicines.resolver import resolver_for


@pytest.fixture(scope="session")
def snap():
    """The real knowledge base, as the site loads it."""
    return knowledge.load()


@pytest.fixture(scope="session")
def resolver(snap):
    return resolver_for(snap)


@pytest.fixture(scope="session")
def findings(snap):
    """findings(["sertraline"], ["tramadol"], stopped=[["fluoxetine"]]): one list per medicine."""

    def run(*medicines, stopped=()):
        current = [engine.Medicine("+".join(m), tuple(m)) for m in medicines]
        gone = [engine.Medicine("+".join(m), tuple(m)) for m in stopped]
        return engine.check(snap, current, gone)

    return run


@pytest.fixture(scope="session")
def pair(snap):
    """pair("sertraline", "tramadol"): the finding for two ingredients taken now, or None."""

    def get(x, y):
        return engine.pair_finding(snap, x, y)

    return get


MINI_REFERENCES = """
references:
  - id: label-a
    title: A label
    publisher: DailyMed
    url: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=a
"""

MINI_INGREDIENTS = """
- slug: alpha
  name: alpha
  classes: [ssri, antidepressant]
  summary: An antidepressant.
  label: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=alpha
  serotonergic: strong
  washout_days: 14
- slug: beta
  name: beta
  synonyms: [betamol]
  classes: [opioid]
  summary: An opioid.
  label: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=beta
  opioid: agonist
  serotonergic: strong
  cns_depressant: strong
- slug: gamma
  name: gamma
  classes: [benzodiazepine]
  summary: A sedative.
  label: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=gamma
  cns_depressant: strong
- slug: delta
  name: delta
  classes: [analgesic]
  summary: A pain reliever.
  label: https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=delta
"""

MINI_PRODUCTS = """
- {name: Alphazol, kind: brand, ingredients: [alpha]}
- {name: Betadelt, kind: combination, ingredients: [beta, delta]}
"""

MINI_NOT_COVERED = """
- name: omegamin
  note: A vitamin.
"""

MINI_RULES = """
rules:
  - id: sero
    match:
      a: {serotonergic: strong}
      b: {serotonergic: strong}
    severity: major
    mechanisms: [serotonin-toxicity]
    title: Serotonin syndrome
    summary: "{A} and {b} both raise serotonin."
    what_to_do: [Ask your pharmacist.]
    warning_signs: [Sweating]
    references: [label-a]
  - id: sleepy
    match:
      a: {cns_depressant: strong}
      b: {cns_depressant: strong}
    severity: major
    mechanisms: [cns-depression]
    title: Slowed breathing
    summary: "{A} and {b} both slow breathing."
    what_to_do: [Ask your doctor.]
    warning_signs: [Very sleepy]
    references: [label-a]
duplicates:
  - id: dup
    mechanisms: [duplicate-ingredient]
    title: Same medicine twice
    summary: "Both contain {a}."
    what_to_do: [Ask your pharmacist.]
    warning_signs: [Side effects]
    references: [label-a]
cumulative:
  - id: load
    members: {cns_depressant: any}
    min_count: 3
    severity: major
    mechanisms: [cns-depression]
    title: Several sedatives
    summary: "Several slow breathing: {names}."
    what_to_do: [Ask your doctor.]
    warning_signs: [Very sleepy]
    references: [label-a]
"""


@pytest.fixture
def mini_data(tmp_path):
    """A tiny, valid knowledge base in a temporary directory; edit its files per test."""

    write_data(tmp_path, "references.yaml", MINI_REFERENCES)
    write_data(tmp_path, "ingredients/mini.yaml", MINI_INGREDIENTS)
    write_data(tmp_path, "products.yaml", MINI_PRODUCTS)
    write_data(tmp_path, "not_covered.yaml", MINI_NOT_COVERED)
    write_data(tmp_path, "rules.yaml", MINI_RULES)
    write_data(tmp_path, "classes.yaml", "- {slug: ssri, name: SSRI antidepressants}\n")
    return tmp_path


def write_data(directory: Path, relative: str, text: str) -> Path:
    path = directory / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def api(db):
    """api("Xanax, oxycodone"): the JSON answer of GET /api/v1/interactions for a typed list
    (more query parameters as keywords), checked to be a 200."""

    def get(drugs, **params):
        response = Client().get("/api/v1/interactions", {"drugs": drugs, **params})
        assert response.status_code == 200, response.content[:300]
        return json.loads(response.content)

    return get


@pytest.fixture
def checker_page(db):
    """checker_page("ghb, alcohol"): the HTML of /check/ for a typed list, checked to be a 200."""

    def get(drugs):
        response = Client().get("/check/", {"drugs": drugs})
        assert response.status_code == 200, response.content[:300]
        return response.content.decode()

    return get
