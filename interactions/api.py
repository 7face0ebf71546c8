"""The public JSON API, /api/v1/ (see ../shared/contracts/checker-api.md).

django-ninja generates the OpenAPI 3 description (/api/v1/openapi.json) from the schemas
below, so they are the documentation. Views validate input with the same CheckForm as the
HTML checker and answer through services; the checker's answer is JSON text made by
interactions.json_answers (each finding encoded once per process), returned as it is, so
ninja neither validates nor encodes it again. Every answer is JSON: the exception handlers
here, and the wrapper in interactions/api_urls.py for 404/405, turn every error into
{"error": {"code", "message"}} through error_response. Each operation declares that its
answer is private (never stored) and its rate limit.
"""

from __future__ import annotations

import logging
from typing import Literal

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from interactions import json_answers, services
from interactions.forms import MAX_NAME_LENGTH, MESSAGES, CheckForm, _unreadable
from medicines.knowledge import KnowledgeError
from web.http import private
from web.ratelimits import Throttle

logger = logging.getLogger(__name__)

JSON = "application/json; charset=utf-8"
Severity = Literal["contraindicated", "major", "moderate", "minor"]


# --------------------------------------------------------------------------- schemas


class ErrorDetail(Schema):
    code: str = Field(
        description="empty | too_many_drugs | name_too_long | bad_request | not_found | "
        "method_not_allowed | server_error",
        examples=["too_many_drugs"],
    )
    message: str = Field(examples=["Enter at most 25 medicines."])


class ErrorOut(Schema):
    error: ErrorDetail


class IngredientOut(Schema):
    slug: str = Field(examples=["sertraline"])
    name: str = Field(examples=["sertraline"])


class ResolvedOut(Schema):
    query: str = Field(description="What was typed.", examples=["Zoloft 50 mg"])
    name: str = Field(description="The medicine it was read as.", examples=["Zoloft"])
    kind: Literal["generic", "brand", "combination"]
    ingredients: list[IngredientOut]
    recently_stopped: bool = Field(False, description="True for a name from recently_stopped.")
    match: str | None = Field(None, description="exact | dose | fuzzy")
    note: str | None = Field(None, description="For example: what else the product contains.")
    also_contains: list[str] | None = Field(
        None, description="Active ingredients of the product that are not checked."
    )


class UnresolvedOut(Schema):
    query: str
    suggestions: list[str] = Field(description="Up to 5 names that look similar.")
    reason: Literal["unknown", "not_covered", "group"] = Field(
        "unknown",
        description=(
            "not_covered: a medicine we recognise but do not check. group: the name of a group"
            ' of medicines ("benzos"), not one; its suggestions are medicines of the group.'
        ),
    )
    recently_stopped: bool = False
    name: str | None = None
    note: str | None = None
    examples_severity: str | None = Field(
        None,
        description=(
            "group: the worst severity that every suggestion has with the rest of the list,"
            " when they agree and it calls for care (moderate or worse)."
        ),
    )


class ReferenceOut(Schema):
    title: str
    url: str = Field(examples=["https://doi.org/10.1056/NEJMra041867"])
    publisher: str | None = None
    year: int | None = None
    authors: str | None = None


class ArticleOut(Schema):
    title: str
    url: str = Field(examples=["/articles/ssris-and-opioids/"])


class FindingOut(Schema):
    ingredients: list[str] = Field(
        description="Ingredient slugs: two for a pair, one for the same ingredient twice, "
        "three or more for a cumulative risk."
    )
    ingredient_names: list[str]
    kind: Literal["pair", "duplicate-ingredient", "cumulative"]
    severity: Severity
    severity_label: str = Field(
        description="The severity in the words the site shows (interactions.wording).",
        examples=["Serious — talk to your prescriber before taking these together"],
    )
    title: str
    summary: str
    mechanisms: list[str]
    what_to_do: str
    what_to_do_steps: list[str]
    warning_signs: list[str]
    emergency: str = Field(description="When to get emergency help; may be empty.")
    references: list[ReferenceOut] = Field(min_length=1)
    articles: list[ArticleOut]
    recently_stopped: list[str] = Field(description="Slugs of contributors stopped recently.")
    rules: list[str] = Field(description="Ids of the knowledge-base rules behind the finding.")
    medicines: list[str] | None = Field(None, description="The entered medicines involved.")


class AdviceOut(Schema):
    id: str = Field(examples=["maoi-food"])
    ingredients: list[str] = Field(description="The listed ingredients the note is about.")
    title: str
    text: str
    url: str = Field(examples=["/articles/maois-strictest-interactions/"])
    link_text: str
    references: list[ReferenceOut] = Field(min_length=1)


class InteractionsOut(Schema):
    resolved: list[ResolvedOut]
    unresolved: list[UnresolvedOut]
    findings: list[FindingOut] = Field(description="Worst first.")
    highest_severity: Literal["contraindicated", "major", "moderate", "minor", "none"]
    advice: list[AdviceOut] = Field(
        default_factory=list,
        description="Notes shown whenever a listed medicine needs them, whatever it is taken "
        "with: for example foods to avoid with an MAOI.",
    )
    coverage_note: str
    data_version: str
    read_as: str = Field(
        "",
        description="How the typed text was read, in plain words, so a mistake can be spotted: "
        '"We read this as 2 medicines: phenelzine and fluoxetine (Prozac)."',
    )
    message: str | None = None


class DrugOut(Schema):
    name: str = Field(examples=["Zoloft"])
    kind: Literal["generic", "brand", "combination"]
    ingredients: list[IngredientOut]
    url: str = Field(examples=["/drugs/sertraline/"])


class DrugsOut(Schema):
    results: list[DrugOut] = Field(description="Best match first, at most 10.")


# --------------------------------------------------------------------------- the API

api = NinjaAPI(
    title="Before You Mix interaction checker API",
    version="1",
    description=(
        "Check how medicines for mood, pain and sleep mix. Educational information, not "
        "medical advice: talk to a pharmacist or doctor before changing any medicine."
    ),
    urls_namespace="api_v1",
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the JSON is enough
)


LIMIT = Throttle("api")  # per client, settings.RATELIMITS["api"]

# Status and message of each error code; the form's codes (empty, too_many_drugs,
# name_too_long, bad_request) are 400 with the form's own message (interactions.forms).
ERRORS = {
    "not_found": (404, "There is nothing at this address. The API description lists them all."),
    "method_not_allowed": (405, "This address only answers GET requests."),
    "rate_limited": (
        429,
        "Too many requests from your connection. Please wait a minute and try again.",
    ),
    "server_error": (500, "Something went wrong on our side. Please try again later."),
    "unavailable": (503, "The checker is not available right now. Please try again in a minute."),
}
STATUS_CODES = {status: code for code, (status, _) in ERRORS.items()}


def error_response(request: HttpRequest, code: str, message: str | None = None) -> HttpResponse:
    """The one shape of every API error: {"error": {"code", "message"}}."""
    status, default = ERRORS.get(code, (400, MESSAGES.get(code, MESSAGES["bad_request"])))
    body = {"error": {"code": code, "message": message or default}}
    response = api.create_response(request, body, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


@api.exception_handler(ValidationError)
@api.exception_handler(SuspiciousOperation)  # e.g. more query fields than Django reads
def _bad_request(request, exc):
    return error_response(request, "bad_request")


@api.exception_handler(HttpError)  # ninja's 404, 405 and 429 (Throttled)
def _http_error(request, exc):
    return error_response(request, STATUS_CODES.get(exc.status_code, "bad_request"))


@api.exception_handler(KnowledgeError)
@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _unavailable(request, exc):
    logger.error("checker unavailable: %s", type(exc).__name__)
    return error_response(request, "unavailable")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("Unexpected error in the API")
    return error_response(request, "server_error")


def _all_values(request: HttpRequest, name: str) -> str | None:
    """Every value given for a parameter (?drugs=a&drugs=b counts as a,b)."""
    values = request.GET.getlist(name)
    return ",".join(values) if values else None


@api.get(
    "/interactions",
    response={200: InteractionsOut, 400: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Check how medicines mix",
    description=(
        "`drugs` is a list of what a person typed: generic or brand names, doses, "
        'misspellings, any case, separated by commas, new lines, semicolons, "and", '
        '"with", "plus", "&", "+", "/" or spaces between known names (at most 25 '
        "medicines of at most 100 characters, counted after splitting). A real product whose "
        'name contains a separator ("Tylenol with Codeine") stays one medicine; each '
        "`resolved` entry's `query` is the text it was read from, and `read_as` says in plain "
        "words how the list was read. "
        "`recently_stopped` lists medicines stopped in the last 5 weeks; one still counts "
        "while it stays in the body (its washout). A name that matches nothing is not an "
        "error: it is listed in `unresolved`."
    ),
    tags=["checker"],
    throttle=LIMIT,
)
@decorate_view(private)
def interactions(
    request: HttpRequest,
    drugs: str | None = Query(None, description="Medicine names, as typed (see above)."),
    recently_stopped: str | None = Query(
        None, description="Names of medicines stopped recently, read the same way."
    ),
):
    form = CheckForm(
        {
            "drugs": _all_values(request, "drugs") or "",
            "recently_stopped": _all_values(request, "recently_stopped") or "",
        }
    )
    if not form.is_valid():
        code, message = form.first_error()
        return error_response(request, code, message)
    # The contract's shape (CheckResult.as_json) as JSON text, each finding encoded once per
    # process (interactions.json_answers). Returned as it is: ninja neither validates nor
    # encodes it again; InteractionsOut documents the shape and the contract tests check
    # that every answer fits it.
    body = json_answers.interactions_json(
        form.cleaned_data["drugs"], form.cleaned_data["recently_stopped"]
    )
    return HttpResponse(body, content_type=JSON)


@api.get(
    "/drugs",
    response={200: DrugsOut, 400: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Find medicines by name (autocomplete)",
    description="Best match first, at most 10. Tolerates misspellings (`sertaline`).",
    tags=["checker"],
    throttle=LIMIT,
)
@decorate_view(private)
def drugs(request: HttpRequest, q: str | None = Query(None, description="What was typed.")):
    text = _all_values(request, "q") or ""
    if _unreadable(text):
        return error_response(request, "bad_request")
    if len(text) > MAX_NAME_LENGTH:
        return error_response(request, "name_too_long")
    return api.create_response(request, services.lookup(text), status=200)
