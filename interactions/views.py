"""The checker a patient uses and the drug pages.

Views stay thin: CheckForm parses the query string, services.check answers it with typed
results (services.CheckResult) that the templates render as they are; the view only adds
addresses (the share link, "did you mean" links). An
htmx request gets just the #results partial; the full page works with JavaScript off.

Medicine names are health data: nothing here logs them, and the forms are GET forms so no
CSRF cookie is ever set.
"""

import functools
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django_htmx.middleware import HtmxDetails

from articles.linking import guides_about_drug
from interactions import services, wording
from interactions.forms import CODES, MESSAGES, CheckForm
from interactions.templatetags import checker
from medicines import engine, knowledge
from web.context_processors import SITE_NAME
from web.http import private, public_page, read_only, site_url
from web.memo import Keyed, cut, slot
from web.ratelimits import limit
from web.reversing import url_for

FIELDS = ("drugs", "recently_stopped")


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _wants_partial(request: HtmxHttpRequest) -> bool:
    # A history restore asks for the whole page (hx-history="false" keeps health data out
    # of localStorage, so going back re-fetches the page).
    return bool(request.htmx) and not request.htmx.history_restore_request


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def check_url(drugs, recently_stopped=()) -> str:
    """/check/?drugs=a,b: commas left readable so the address can be read aloud and shared."""
    query = {"drugs": ",".join(drugs)}
    if recently_stopped:
        query["recently_stopped"] = ",".join(recently_stopped)
    return url_for("interactions:check") + "?" + urlencode(query, safe=",")


@private
@limit("check")
@read_only
def check(request: HtmxHttpRequest) -> HttpResponse:
    submitted = any(name in request.GET for name in FIELDS)
    form = CheckForm(request.GET if submitted else None)
    context = {
        "submitted": submitted,
        "drugs_value": _shown_value(request, "drugs"),
        "stopped_value": _shown_value(request, "recently_stopped"),
    }
    if submitted and form.is_valid():
        drugs = form.cleaned_data["drugs"]
        stopped = form.cleaned_data["recently_stopped"]
        result = services.check(drugs, stopped)
        context.update(_result_context(request, result, drugs, stopped))
    partial = _wants_partial(request)
    if submitted and not form.is_valid():
        errors = _errors(form)
        if not partial:  # the full page shows them next to the fields; the partial has no fields
            errors.pop("errors")
        context.update(errors)
    template = "interactions/check.html#results" if partial else "interactions/check.html"
    if "result" in context:
        response = HttpResponse(_around_result(request, context, template))
    else:
        response = render(request, template, context)
    if partial and "share_path" in context:
        # Push the tidy address (commas, no empty fields) rather than the raw form encoding.
        response["HX-Push-Url"] = context["share_path"]
    return _vary(response)


# The page around a result (or, for htmx, the #results section around it) is the same for
# every list but for the two fields' values and the result itself: rendered once per process
# (and address), with slots that each check fills in. It holds nothing about the visitor (no
# login, no CSP nonce: base.html uses neither); a page that ever does must be keyed on it
# (tests/checker/test_page_around.py compares the two).
_SLOTS = {name: slot(name) for name in ("drugs_value", "stopped_value", "result_slot")}


def _around_result(request: HttpRequest, context: dict, template: str) -> bytes:
    """`template` (the checker page or its #results partial) with this list's result, its
    HTML made straight from result.html (Jinja2), inside the rest (rendered once,
    _page_around), as the response's UTF-8 bytes."""
    # Keyed by the site's address, the path and the template, the page's only inputs
    # besides settings and the static files (fixed while a process runs); the request
    # renders it on a miss.
    pieces = _page_around(Keyed((site_url(request), request.path, template), request))
    values = {
        "drugs_value": conditional_escape(context["drugs_value"]),
        "stopped_value": conditional_escape(context["stopped_value"]),
        "result_slot": checker.render_result({**context, "SITE_NAME": SITE_NAME}),
    }
    page = list(pieces)
    page[1::2] = [values[name].encode() for name in pieces[1::2]]
    return b"".join(page)


@functools.lru_cache(maxsize=8)
def _page_around(item: Keyed) -> tuple[bytes | str, ...]:
    """The template with a result, its list-specific parts left as slots: cut at them,
    (HTML, slot name, HTML, ..., HTML), the HTML already in UTF-8, so a check encodes only
    its own parts and fills them in one join."""
    template = item.key[2]
    page = render_to_string(
        template,
        {"submitted": True, "result": True, **{n: mark_safe(v) for n, v in _SLOTS.items()}},
        item.take(),
    )
    return tuple(p if n % 2 else p.encode() for n, p in enumerate(cut(page)))


def _shown_value(request: HttpRequest, name: str) -> str:
    """What the person typed, kept in the field; control characters are invisible, so dropped."""
    value = request.GET.get(name, "")
    if not value.isprintable():  # most lists are: no pass over them character by character
        value = "".join(ch for ch in value if ch.isprintable())
    return value[:3000]


def _errors(form) -> dict:
    """The friendly message for each field; anything unexpected reads as bad_request."""
    messages = {}
    for name in (*FIELDS, "__all__"):
        texts = [
            error.messages[0] if error.code in CODES else MESSAGES["bad_request"]
            for error in form.errors.as_data().get(name, [])
        ]
        messages[name] = " ".join(dict.fromkeys(texts))
    drugs_error = " ".join(filter(None, [messages["drugs"], messages["__all__"]]))
    return {
        "drugs_error": drugs_error,
        "stopped_error": messages["recently_stopped"],
        "errors": [m for m in (drugs_error, messages["recently_stopped"]) if m],
    }


def _result_context(request: HttpRequest, result: services.CheckResult, drugs, stopped) -> dict:
    """The typed result plus what only the web knows: addresses. No clinical content."""
    share_path = check_url(drugs, stopped)
    return {
        "result": result,
        "words": wording,
        "unknown": [  # each unknown name with its "did you mean" links
            (item, [_suggestion(name, item.query, drugs, stopped) for name in item.suggestions[:5]])
            for item in result.unknown
        ],
        "share_path": share_path,
        "site_url": site_url(
            request
        ),  # printed on the sheet: SITE_URL, or the request's in development
        "share_url": site_url(request) + share_path,
    }


def _suggestion(name: str, query: str, drugs: list[str], stopped: list[str]) -> dict:
    """A "did you mean" link: the same check with the unknown name replaced."""

    def swap(names):
        return [name if n == query else n for n in names]

    return {"name": name, "url": check_url(swap(drugs), swap(stopped))}


# --------------------------------------------------------------------------- drug pages


@read_only
@public_page(query=["by"])
def drug_list(request: HttpRequest) -> HttpResponse:
    by_class = request.GET.get("by") == "class"
    pages = _drug_index(knowledge.snapshot())
    return render(request, "interactions/drug_list.html", {"by_class": by_class, **pages})


@read_only
@public_page(query=["severity"])
def drug_detail(request: HttpRequest, slug: str) -> HttpResponse:
    drug = _drug_page(knowledge.snapshot(), slug)
    if drug is None:
        raise Http404("No such medicine")
    # ?severity=major shows one group (links, so it works without JavaScript).
    severity = request.GET.get("severity")
    severity = severity if severity in SEVERITY_ORDER else ""
    shown = [g for g in drug["interactions"] if not severity or g["severity"] == severity]
    # The guide about this medicine first: its name in the title, then the guides that
    # list it earliest among the medicines they discuss.
    names = [drug["name"], *drug["synonyms"], *drug["brands"]]
    groups = [name for c in drug["classes"] for name in (c["name"], c["slug"].replace("-", " "))]
    context = {
        "drug": drug,
        "severity": severity,
        "shown": shown,
        "interaction_count": sum(g["count"] for g in drug["interactions"]),
        "guides": guides_about_drug(slug, names=names, groups=groups),
        "drugs_value": drug["name"],
    }
    return render(request, "interactions/drug_detail.html", context)


# The drug pages read the same immutable snapshot the checker uses, so a page can never
# disagree with a check. What follows only sorts and groups it, once per knowledge version
# (a Snapshot is equal to, and hashed like, any snapshot of its version).

SEVERITY_ORDER = knowledge.SEVERITIES
DRUG_PAGES_MEMO = 4096  # built drug pages kept per process (the real knowledge has ~150)


def _brands_of(snap) -> dict[str, dict[str, list]]:
    by_slug: dict[str, dict[str, list]] = {}
    for product in snap.products:
        for slug in product.ingredients:
            entry = by_slug.setdefault(slug, {"brands": [], "combinations": []})
            if product.kind == "brand":
                entry["brands"].append(product.name)
            else:
                entry["combinations"].append(product)
    return by_slug


@functools.lru_cache(maxsize=2)
def _drug_index(snap) -> dict:
    brands = _brands_of(snap)
    drugs = sorted(
        (
            {
                "slug": i.slug,
                "name": i.name,
                "url": url_for("interactions:drug_detail", i.slug),
                "brands": sorted(brands.get(i.slug, {}).get("brands", []), key=str.casefold),
                "classes": sorted(i.classes),
            }
            for i in snap.ingredients.values()
        ),
        key=lambda d: d["name"].casefold(),
    )
    # Brand names too, each pointing at its ingredients (Zoloft, under Z: sertraline).
    # In the A–Z only: the by-group view lists ingredients.
    brand_entries = [
        {
            "name": product.name,
            "url": url_for("interactions:drug_detail", product.ingredients[0]),
            "brand_of": [
                {
                    "name": snap.ingredients[s].name,
                    "url": url_for("interactions:drug_detail", s),
                }
                for s in product.ingredients
            ],
        }
        for product in snap.products
        # brands and branded combinations (Percocet), not "oxycodone/acetaminophen"
        if product.kind == "brand" or "/" not in product.name
    ]
    letters: dict[str, list] = {}
    for drug in sorted([*drugs, *brand_entries], key=lambda d: d["name"].casefold()):
        first = drug["name"][:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(drug)
    classes = []
    for slug in sorted(
        {c for d in drugs for c in d["classes"]}, key=lambda c: snap.class_name(c).casefold()
    ):
        drug_class = snap.classes.get(slug)
        classes.append(
            {
                "slug": slug,
                "name": snap.class_name(slug),
                "description": drug_class.description if drug_class else "",
                "drugs": [d for d in drugs if slug in d["classes"]],
            }
        )
    return {"letters": list(letters.items()), "classes": classes, "drug_count": len(drugs)}


def _drug_page(snap, slug: str) -> dict | None:
    if slug not in snap.ingredients:
        return None  # not memoised: any text can be asked for
    return _built_drug_page(snap, slug)


@functools.lru_cache(maxsize=DRUG_PAGES_MEMO)
def _built_drug_page(snap, slug: str) -> dict:
    ingredient = snap.ingredients[slug]
    brands = _brands_of(snap)
    products = brands.get(slug, {"brands": [], "combinations": []})
    names = snap.ingredients
    groups: dict[str, dict[str, list]] = {}
    # Only this medicine's pairs (never the whole table: it grows with the square).
    pairs = engine.partners(snap, slug)
    for partner, finding in sorted(pairs, key=lambda p: names[p[0]].name.casefold()):
        groups.setdefault(finding.severity, {}).setdefault(finding.title, []).append(
            {
                "slug": partner,
                "name": names[partner].name,
                "brands": sorted(brands.get(partner, {}).get("brands", []), key=str.casefold)[:2],
                "check_url": check_url([ingredient.name, names[partner].name]),
            }
        )
    return {
        "slug": slug,
        "name": ingredient.name,
        "summary": ingredient.summary,
        "label": ingredient.label,
        "synonyms": list(ingredient.synonyms),
        "classes": [
            {"slug": c, "name": snap.class_name(c)}
            for c in sorted(ingredient.classes, key=lambda c: snap.class_name(c).casefold())
        ],
        "brands": sorted(products["brands"], key=str.casefold),
        "combinations": [
            {
                "name": product.name,
                "ingredients": [{"slug": s, "name": names[s].name} for s in product.ingredients],
            }
            for product in sorted(products["combinations"], key=lambda p: p.name.casefold())
        ],
        "interactions": [
            {
                "severity": severity,
                "count": sum(len(p) for p in groups[severity].values()),
                "titles": [
                    {"title": title, "partners": partners}
                    for title, partners in sorted(groups[severity].items())
                ],
            }
            for severity in SEVERITY_ORDER
            if severity in groups
        ],
    }
