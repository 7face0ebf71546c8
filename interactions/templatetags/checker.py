"""The checker's result: rendered with Jinja2 (result_html), each finding once per
knowledge version, whatever list it came up in.

Most of a finding's HTML depends only on the finding: its rules, its ingredients, which of
them were stopped, and the knowledge version (texts, sources). The same pairs come up for
many people in many different lists (sertraline with tramadol, say), so each process keeps
that HTML, keyed by exactly those things, never by the finding's position on the page nor
by the names that were typed. The parts that do depend on the list are left as slots in the
cached HTML (kept cut at its slots, so a page fills them in one join, not one pass over the
HTML per slot) and filled in for each page:

- the finding's anchor (`finding-3`, its position on the page);
- the brand or product names each medicine was entered as ("sertraline (in Zoloft)"), or
  nothing when it was typed by its generic name;
- whether its explanation starts open (a risk with one finding) or folded (several).

What else a finding shows and a list can change is part of the key: the guides linked
change when a guide is published. Without a knowledge version (a finding shown outside a
check) the key is the whole finding. Nothing leaves the process; the cache is bounded
(least recently used out).

Only pairs are kept. A cumulative risk or a duplicate names its own set of medicines ("Percocet
and Tylenol both contain...", "butalbital, carisoprodol and hydrocodone"): over random lists
of real names, 3 % of them came up again while a memo of 1,024 remembered them, so they are
rendered for their page, with their own anchor and names, and not kept.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
from typing import NamedTuple

from django import template
from django.template.loader import get_template
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markupsafe import escape

from web.memo import Keyed, cut, slot

register = template.Library()

RESULT_TEMPLATE = "interactions/result.html"  # Jinja2 (templates/jinja2/)
FINDING_TEMPLATE = "interactions/finding.html"  # Jinja2
SEVERITY_TEMPLATE = "interactions/_severity.html"
MEDICINE_TEMPLATE = "interactions/medicine.html"  # Jinja2
# About 2-3 KB of HTML each, so at most about 25 MB per worker. Over random lists of real
# names (bench/queries.py) 2,048 entries hit about 31 % of findings, 8,192 about 58 %
# (which took a cold check from about 5.5 to 4.7 ms of CPU), and 73 % once typed brand
# names no longer made their own entries (16,384: 77 %, not worth 25 MB more per worker).
MAX_ENTRIES = 8192
ANCHOR_SLOT = slot("anchor")
OPEN_SLOT = slot("open")
_OPEN = " open"  # what the open slot holds for an explanation that starts open


# finding.html's words around the names a medicine was entered as ("sertraline (in
# Zoloft)"): removed whole, slot and all, when it was typed by its generic name.
ENTERED_NONE = " (in {slot})"
_ENTERED_OPEN, _ENTERED_CLOSE = ENTERED_NONE.split("{slot}")


def entered_slot(n: int) -> str:
    return slot(f"entered-{n}")


def _get(item, name, default=None):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _copy(item, **changes):
    """A copy of a dict or dataclass with some fields changed (the view passes dicts; typed
    results may be dataclasses)."""
    if isinstance(item, dict):
        return dict(item, **changes)
    return dataclasses.replace(item, **changes)


def finding_key(finding, version: str | None) -> tuple:
    """What a finding's cached HTML depends on. Position and typed names are not in it, nor
    whether a medicine was typed as a brand: its "(in ...)" is a slot, filled or removed."""
    medicines = _get(finding, "medicines") or []
    if version is None:
        shared = _copy(finding, anchor=None, medicines=[_copy(m, entered=None) for m in medicines])
        if not isinstance(shared, dict):
            shared = dataclasses.asdict(shared)
        return ("content", json.dumps(shared, sort_keys=True, default=str))
    articles = tuple((_get(a, "url"), _get(a, "title")) for a in _get(finding, "articles") or [])
    identity = (
        _get(finding, "kind"),
        tuple(_get(finding, "rules") or ()),
        tuple(_get(finding, "ingredients") or ()),
        tuple(_get(finding, "recently_stopped") or ()),
    )
    # A pair's summary follows from its identity, but the text is cheap to compare and
    # keeps the key honest (finding_html keys pairs only; other kinds name their medicines).
    return (version, identity, _get(finding, "summary"), articles)


def _fragment(item: Keyed) -> tuple:
    """A finding's HTML with its slots, keyed by finding_key (the finding rides along), cut
    at the slots: (HTML, slot, HTML, ..., HTML), each slot as (name, medicine number, whether
    it holds the words around it). An entered-names slot takes the words " (in " and ")"
    around it, so that filling it with nothing removes them too."""
    pieces: list = cut(_render_finding(_Slotted(item.take())))
    for n in range(1, len(pieces), 2):
        name, _, number = pieces[n].partition("-")
        before, after = pieces[n - 1], pieces[n + 1]
        words = before.endswith(_ENTERED_OPEN) and after.startswith(_ENTERED_CLOSE)
        if name == "entered" and words:
            pieces[n - 1] = before.removesuffix(_ENTERED_OPEN)
            pieces[n + 1] = after.removeprefix(_ENTERED_CLOSE)
        pieces[n] = (name, int(number or 0), name == "entered" and words)
    return tuple(pieces)


_pair_fragment = functools.lru_cache(maxsize=MAX_ENTRIES)(_fragment)


def _render_finding(finding) -> str:
    """finding.html's macro for one finding: a call into the compiled template's module,
    not a template render, so no new Jinja2 context per finding (a miss costs about
    40 % less)."""
    return str(_jinja(FINDING_TEMPLATE).template.module.finding(finding))


def _jinja(name: str):
    return get_template(name, using="jinja2")  # Jinja2 keeps its compiled templates


def compile_templates() -> None:
    """Compile the checker page's templates now (gunicorn's master, before it forks: the
    workers then share them, and a restarted worker does not compile them again)."""
    get_template("interactions/check.html")
    for name in (RESULT_TEMPLATE, FINDING_TEMPLATE, MEDICINE_TEMPLATE):
        _jinja(name)


class _View:
    """A finding (or one of its medicines) as a template reads it: the attributes a subclass
    sets, the rest from the item itself. A view, not a copy."""

    __slots__ = ("_item",)

    def __init__(self, item):
        self._item = item

    def __getattr__(self, name):
        return _attribute(self._item, name)


class _Slotted(_View):
    """A finding as rendered into the cache: the list-specific parts read as slots (its
    anchor, whether its explanation starts open, each medicine's entered names), the rest
    as the finding has it. A miss copies nothing."""

    __slots__ = ("medicines", "why_open")
    anchor = ANCHOR_SLOT

    def __init__(self, finding):
        super().__init__(finding)
        # Every medicine gets "(in <slot>)"; finding_html fills it, or removes it when the
        # medicine was typed by its generic name (ENTERED_NONE).
        self.medicines = [
            _SlottedMedicine(medicine, n)
            for n, medicine in enumerate(_get(finding, "medicines") or [])
        ]
        open_ = _get(finding, "why_open", None)
        self.why_open = mark_safe(OPEN_SLOT) if open_ is not None else None


class _SlottedMedicine(_View):
    __slots__ = ("entered",)

    def __init__(self, medicine, n: int):
        super().__init__(medicine)
        self.entered = [mark_safe(entered_slot(n))]


class _AsListed(_View):
    """A finding as this list shows it, for a finding rendered for one page (not kept): its
    explanation open or folded, the rest as the finding has it."""

    __slots__ = ("why_open",)

    def __init__(self, finding):
        super().__init__(finding)
        self.why_open = mark_safe(_OPEN) if _get(finding, "why_open") else ""


def _attribute(item, name):
    """An attribute of a dataclass, or a key of a dict (AttributeError when it has neither,
    so that a template reads it as undefined, as it would the dict itself)."""
    if isinstance(item, dict):
        try:
            return item[name]
        except KeyError:
            raise AttributeError(name) from None
    return getattr(item, name)


def finding_html(finding, version: str | None):
    """A finding's HTML (finding.html): for a pair, the cached fragment with this list's
    slots filled; any other finding rendered as it is (see above). `version` is the
    result's knowledge version (None: keyed by the whole finding)."""
    if _get(finding, "kind") != "pair":
        return SafeString(_render_finding(_AsListed(finding)))
    pieces = _pair_fragment(Keyed(finding_key(finding, version), finding))  # slotted on a miss
    anchor = str(escape(_get(finding, "anchor") or ""))
    medicines = _get(finding, "medicines") or ()
    html = list(pieces)
    for n in range(1, len(html), 2):
        name, number, words = html[n]
        if name == "anchor":
            html[n] = anchor
        elif name == "open":
            html[n] = _OPEN if _get(finding, "why_open") else ""
        else:  # entered: the names this medicine was typed as, if not by its generic name
            names = ", ".join(str(escape(e)) for e in _get(medicines[number], "entered") or ())
            html[n] = _ENTERED_OPEN + names + _ENTERED_CLOSE if words and names else names
    return SafeString("".join(html))


@register.simple_tag(takes_context=True)
def result_html(context):
    """The result of a check (result.html, Jinja2) inside the Django page around it."""
    return mark_safe(render_result(context))


def render_result(context) -> str:
    """result.html (Jinja2) for a check: `context` is what interactions.views._result_context
    gives (a dict, or a Django template Context), with SITE_NAME."""
    values = {
        name: context.get(name) for name in ("result", "unknown", "words", "share_url", "site_url")
    }
    values["site_name"] = context.get("SITE_NAME", "")
    values["today"] = _printed_date(timezone.localdate())
    return _jinja(RESULT_TEMPLATE).render(values)


class PrintedDate(NamedTuple):
    iso: str  # 2026-12-01
    long: str  # December 1, 2026
    short: str  # Dec 1, 2026


@functools.lru_cache(maxsize=2)
def _printed_date(today: datetime.date) -> PrintedDate:
    """The date printed on a result, formatted once a day rather than on every check
    (Django's date formatting costs about as much as a finding's HTML)."""
    return PrintedDate(
        today.isoformat(), dateformat.format(today, "F j, Y"), dateformat.format(today, "M j, Y")
    )


@functools.lru_cache(maxsize=32)
def _severity_badge(severity: str, short: bool) -> str:
    return get_template(SEVERITY_TEMPLATE).render({"severity": severity, "short": short})


@register.simple_tag
def severity_badge(severity, short=False):
    """interactions/_severity.html for a severity, rendered once per process rather than
    included anew on every page (a handful of severities, the same HTML every time)."""
    return mark_safe(_severity_badge(str(severity), bool(short)))


@functools.lru_cache(maxsize=MAX_ENTRIES)
def _medicine(medicine) -> str:
    return _jinja(MEDICINE_TEMPLATE).render({"medicine": medicine})


@register.simple_tag
def medicine_html(medicine):
    """interactions/medicine.html (Jinja2) for one entered medicine (a services.ResolvedName, frozen:
    its own key), remembered like a finding: the same medicines come up in many lists."""
    try:
        return mark_safe(_medicine(medicine))
    except TypeError:  # not hashable (a dict): render it as it is
        return mark_safe(_jinja(MEDICINE_TEMPLATE).render({"medicine": medicine}))


class MedicineRows(NamedTuple):
    """The medicines a result lists, as the three places that list them show them."""

    listed: SafeString  # "What we checked": <li>s, the stopped ones apart
    stopped: SafeString
    printed: SafeString  # the printed sheet's table: <tr>s, checked then stopped
    carded: SafeString  # the wallet card: <li>s, the medicines checked


def medicine_rows(result) -> MedicineRows:
    """result.checked and result.stopped as result.html lists them, each medicine's rows
    made once and remembered like its medicine_html (the same medicines come up in many
    lists), rather than three template loops on every check."""
    checked = [_rows(medicine, False) for medicine in result.checked]
    stopped = [_rows(medicine, True) for medicine in result.stopped]
    return MedicineRows(
        SafeString("".join(row[0] for row in checked)),
        SafeString("".join(row[0] for row in stopped)),
        SafeString("".join(row[1] for row in checked + stopped)),
        SafeString("".join(row[2] for row in checked)),
    )


def _rows(medicine, stopped: bool) -> tuple[str, str, str]:
    try:
        return _medicine_rows(medicine, stopped)
    except TypeError:  # not hashable (a dict): made for this page only
        return _medicine_rows.__wrapped__(medicine, stopped)


@functools.lru_cache(maxsize=MAX_ENTRIES)
def _medicine_rows(medicine, stopped: bool) -> tuple[str, str, str]:
    """(its "What we checked" item, its row in the printed table, its wallet-card item)."""
    name, detail = escape(_get(medicine, "name")), escape(_get(medicine, "detail") or "")
    listed = (
        f'<li data-query="{escape(_get(medicine, "query"))}" data-detail="{detail}">'
        f"{medicine_html(medicine)}"
        f"{' <span class="tag-stopped">stopped</span>' if stopped else ''}</li>"
    )
    generic = _get(medicine, "kind") == "generic"
    contains = (
        ""
        if generic
        else " + ".join(str(escape(_get(i, "name"))) for i in _get(medicine, "ingredients"))
    )
    printed = (
        f"<tr><td>{name}{' (stopped)' if stopped else ''}</td><td>{contains}</td>"
        "<td></td><td></td></tr>"
    )
    carded = f"<li>{name}{f' ({detail})' if detail and not generic else ''} ____</li>"
    return listed, printed, carded


def sources_items(references) -> SafeString:
    """The printed sheet's short citations: <li>title, year</li> for each source."""
    return SafeString("".join(_source_item(ref.title, ref.year) for ref in references))


@functools.lru_cache(maxsize=MAX_ENTRIES)
def _source_item(title: str, year) -> str:
    return f"<li>{escape(short_title(title))}{f', {escape(year)}' if year else ''}</li>"


def guide_items(articles) -> SafeString:
    """<li><a href="url">title</a></li> for each guide linked."""
    return SafeString("".join(_guide_item(a["url"], a["title"]) for a in articles))


@functools.lru_cache(maxsize=1024)
def _guide_item(url: str, title: str) -> str:
    return f'<li><a href="{escape(url)}">{escape(title)}</a></li>'


def findings_html(findings, version: str | None) -> SafeString:
    """finding_html for each of a risk's findings, in one piece."""
    return SafeString("".join(finding_html(finding, version) for finding in findings))


@functools.cache
def ladder_items() -> SafeString:
    """The action ladder's steps (interactions.wording.ACTION_LADDER, fixed): made once."""
    from interactions import wording

    items = [
        f"<li><strong>{escape(label)}:</strong> {escape(step)}</li>"
        for label, step in wording.ACTION_LADDER
    ]
    items[-1] = (
        items[-1].removesuffix("</li>") + ' <a class="call-button" href="tel:911">Call 911</a></li>'
    )
    return SafeString("".join(items))


@register.filter
@functools.lru_cache(maxsize=MAX_ENTRIES)
def short_title(title) -> str:
    """A source's title cut to its first six words, for the printed sheet's short citations
    (Django's truncatewords, remembered: the same sources come up in many results)."""
    return Truncator(title).words(6, truncate=" …")


@register.filter
def severity_words(severity, short=False) -> str:
    """The severity in CLINICAL.md's words (interactions.wording, the one place)."""
    from interactions import wording

    return (wording.SEVERITY_SHORT if short else wording.SEVERITY_LABELS).get(severity, "")


def list_items(texts) -> SafeString:
    """<li>text</li> for each text, escaped: a risk's steps and warning signs, the emergency
    signs, the questions. Remembered, as the same lists come up in many results."""
    return _list_items(tuple(texts))


@functools.lru_cache(maxsize=4096)
def _list_items(texts: tuple[str, ...]) -> SafeString:
    return SafeString("".join(f"<li>{escape(text)}</li>" for text in texts))


@register.filter
def fold_after(items, shown=None) -> tuple[list, list]:
    """(the first items, the rest): a risk's long list of steps shows its first
    wording.STEPS_SHOWN and folds the rest behind a native <details> (printed in full)."""
    from interactions import wording

    items = list(items or ())
    shown = wording.STEPS_SHOWN if shown is None else int(shown)
    return items[:shown], items[shown:]


def cache_clear() -> None:
    _pair_fragment.cache_clear()
    _list_items.cache_clear()
    _severity_badge.cache_clear()
    _medicine.cache_clear()
    _medicine_rows.cache_clear()
    _source_item.cache_clear()
    _guide_item.cache_clear()


def cache_info():
    """The finding memo's figures (functools' CacheInfo)."""
    return _pair_fragment.cache_info()
