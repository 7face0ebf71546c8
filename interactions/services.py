"""The checker as a service: names in, the contract's JSON shape out.

Used by the JSON API (interactions/api.py) and the HTML checker (interactions/views.py), so
both always give the same answer. Resolution and the engine are plain Python over the
knowledge snapshot; the only database read here is the list of published guides to link
findings to (articles.linking, cached).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError

from medicines import engine, knowledge
from medicines.resolver import Resolved, Unresolved, resolver_for

logger = logging.getLogger(__name__)

SEVERITY_LABELS = {
    "contraindicated": "Do not take together",
    "major": "Serious — avoid unless your doctor says otherwise",
    "moderate": "Use with caution",
    "minor": "Low risk",
}
NO_FINDINGS_NOTE = (
    "No interaction between these medicines is listed in our database. That does not mean "
    "none exists — ask your pharmacist."
)
SINGLE_NOTE = "Enter at least two medicines to check how they mix."


def coverage_note(snap: knowledge.Snapshot) -> str:
    coverage = snap.coverage
    parts = [coverage.get("summary", ""), coverage.get("not_covered", ""), coverage.get("caution", "")]
    return " ".join(" ".join(str(p).split()) for p in parts if p)


# Guide links per (guide index, mechanisms, ingredients). Building a link costs a reverse()
# per guide, which for a long list is most of a check's time; the answer only changes when
# a guide is published or edited, which changes the index key.
_links: dict[tuple, list[dict]] = {}
_LINKS_MAX = 20_000


def _guides(mechanisms, ingredients, index) -> list[dict]:
    if index is None:
        return []
    from articles.linking import guides_for

    key = (index[0], tuple(mechanisms), tuple(ingredients))
    links = _links.get(key)
    if links is None:
        if len(_links) >= _LINKS_MAX:
            _links.clear()
        links = guides_for(list(mechanisms), list(ingredients), limit=3, index=index[1])
        _links[key] = links
    return [dict(link) for link in links]


def _guide_index():
    """(key, published guides), once per check; None if the database cannot answer."""
    try:
        from articles.linking import published_guide_index

        guides = published_guide_index()
    except (ImportError, DatabaseError):  # no guides yet, or no database: findings still work
        logger.warning("Guide index unavailable; findings are returned without guide links")
        return None
    key = hash(
        tuple(
            (g["slug"], g["title"], str(g["published"]), tuple(g["mechanisms"]), tuple(g["drugs"]))
            for g in guides
        )
    )
    return key, guides


def _ingredient_json(snap, slug: str) -> dict:
    ingredient = snap.ingredients.get(slug)
    return {"slug": slug, "name": ingredient.name if ingredient else slug}


def _resolved_json(snap, item: Resolved, stopped: bool) -> dict:
    data = {
        "query": item.query,
        "name": item.name,
        "kind": item.kind,
        "ingredients": [_ingredient_json(snap, s) for s in item.ingredients],
        "recently_stopped": stopped,
        "match": item.match,
    }
    if item.note:
        data["note"] = item.note
    if item.also_contains:
        data["also_contains"] = list(item.also_contains)
    return data


def _unresolved_json(item: Unresolved, stopped: bool) -> dict:
    data = {
        "query": item.query,
        "suggestions": list(item.suggestions),
        "reason": item.reason,
        "recently_stopped": stopped,
    }
    if item.reason == "not_covered":
        data["name"] = item.name
        data["note"] = f"We recognise {item.name} but do not check it yet. {item.note}".strip()
    return data


def finding_json(snap, finding: engine.Finding, guide_index=None, medicines=None) -> dict:
    data = {
        "ingredients": list(finding.ingredients),
        "ingredient_names": [snap.ingredients[s].name for s in finding.ingredients],
        "kind": finding.kind,
        "severity": finding.severity,
        "severity_label": SEVERITY_LABELS[finding.severity],
        "title": finding.title,
        "summary": finding.summary,
        "mechanisms": list(finding.mechanisms),
        "what_to_do": " ".join(finding.what_to_do),
        "what_to_do_steps": list(finding.what_to_do),
        "warning_signs": list(finding.warning_signs),
        "emergency": finding.emergency,
        "references": [ref.as_json() for ref in finding.references],
        "articles": _guides(finding.mechanisms, finding.ingredients, guide_index),
        "recently_stopped": list(finding.stopped),
        "rules": list(finding.rule_ids),
    }
    if finding.medicines:
        data["medicines"] = list(finding.medicines)
    elif medicines:
        data["medicines"] = [
            label for label, slugs in medicines if set(slugs) & set(finding.ingredients)
        ]
    return data


def advice_json(note: engine.AdviceNote) -> dict:
    """A note shown whenever a matching medicine is listed (MAOIs and food)."""
    return {
        "id": note.id,
        "ingredients": list(note.ingredients),
        "title": note.title,
        "text": note.text,
        "url": note.link,
        "link_text": note.link_text,
        "references": [ref.as_json() for ref in note.references],
    }


def _read_label(snap, item: Resolved | Unresolved) -> str:
    """One medicine as we read it: "fluoxetine (Prozac)", "Percocet (oxycodone +
    acetaminophen)", "metformin (not checked)", "‘xyzzy’ (not found)"."""
    if isinstance(item, Unresolved):
        if item.reason == "not_covered":
            return f"{item.name} (not checked)"
        return f"‘{item.query}’ (not found)"
    names = " + ".join(_ingredient_json(snap, s)["name"] for s in item.ingredients)
    if item.kind == "generic" or item.name.casefold() == names.casefold():
        return names
    if item.kind == "combination":
        return f"{item.name} ({names})"
    return f"{names} ({item.name})"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def read_as(snap, current: list, stopped: list) -> str:
    """How the typed text was read, in plain words, so a patient can spot a mistake:
    "We read this as 2 medicines: phenelzine and fluoxetine (Prozac)." """
    sentences = []
    for items, lead in ((current, "We read this as"), (stopped, "Stopped in the last 5 weeks:")):
        labels = list(dict.fromkeys(_read_label(snap, item) for item in items))
        if not labels:
            continue
        if lead.startswith("We"):
            count = f"{len(labels)} medicine{'s' if len(labels) != 1 else ''}"
            sentences.append(f"{lead} {count}: {_and(labels)}.")
        else:
            sentences.append(f"{lead} {_and(labels)}.")
    return " ".join(sentences)


def check(drugs: list[str], recently_stopped: list[str] | tuple = ()) -> dict:
    """Resolve the names, run the engine, and build the contract's JSON shape."""
    snap = knowledge.snapshot()
    resolver = resolver_for(snap)

    resolved, unresolved = [], []
    current: list[engine.Medicine] = []
    stopped: list[engine.Medicine] = []
    seen: set[tuple] = set()
    read: dict[bool, list] = {False: [], True: []}  # how the text was read, for read_as
    for names, is_stopped, bucket in ((drugs, False, current), (recently_stopped, True, stopped)):
        # The checker's one parser: "phenelzine and prozac" is two medicines, "Tylenol with
        # Codeine" one. The form has split already; a list given here directly is split too.
        items = [item for query in names for item in resolver.parse(query)]
        read[is_stopped] = items
        for item in items:
            if isinstance(item, Unresolved):
                unresolved.append(_unresolved_json(item, is_stopped))
                continue
            resolved.append(_resolved_json(snap, item, is_stopped))
            key = (is_stopped, item.name, item.ingredients)
            if key in seen:  # the same thing typed twice is one medicine, not a double dose
                continue
            seen.add(key)
            bucket.append(engine.Medicine(item.name, item.ingredients))

    findings = engine.check(snap, current, stopped)
    guide_index = _guide_index() if findings else None
    labels = [(m.label, m.ingredients) for m in current + stopped]
    findings_json = [finding_json(snap, f, guide_index, labels) for f in findings]

    result = {
        "resolved": resolved,
        "unresolved": unresolved,
        "findings": findings_json,
        "highest_severity": findings[0].severity if findings else "none",
        "advice": [
            advice_json(note)
            for note in engine.advice(snap, [s for m in current + stopped for s in m.ingredients])
        ],
        "coverage_note": coverage_note(snap),
        "data_version": snap.version,
        "read_as": read_as(snap, read[False], read[True]),
    }
    checked = len({s for m in current for s in m.ingredients})
    if not findings and checked >= 2:
        result["message"] = NO_FINDINGS_NOTE
    elif not findings and checked < 2 and not stopped:
        result["message"] = SINGLE_NOTE
    return result


def lookup(query: str, limit: int = 10) -> dict:
    """Autocomplete: {"results": [{"name", "kind", "ingredients", "url"}]}, best first."""
    from django.urls import NoReverseMatch, reverse

    snap = knowledge.snapshot()
    results = []
    for label, target in resolver_for(snap).autocomplete(query, limit=limit):
        first = target.ingredients[0]
        try:
            url = reverse("interactions:drug_detail", args=[first])
        except NoReverseMatch:
            url = f"/drugs/{first}/"
        results.append(
            {
                "name": label,
                "kind": target.kind,
                "ingredients": [_ingredient_json(snap, s) for s in target.ingredients],
                "url": url,
            }
        )
    return {"results": results}


def interactions_for(slug: str) -> list[dict]:
    """Every pair finding of one ingredient with the others (for drug pages), worst first."""
    snap = knowledge.snapshot()
    table = engine.pair_table(snap)
    found = []
    for (x, y), finding in table.current.items():
        if slug in (x, y):
            other = y if x == slug else x
            found.append({"slug": other, "name": snap.ingredients[other].name, "finding": finding})
    found.sort(key=lambda item: (-item["finding"].rank, item["name"]))
    return found
