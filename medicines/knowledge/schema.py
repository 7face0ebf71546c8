"""The shape of each entry of the flat data files (ingredients, products, references,
classes, not covered), checked one entry at a time by pydantic models.

Errors are KnowledgeError naming the file, the entry and the field, so an editor can fix the
data without reading Python. The rule file is checked in rules.py; checks that need the whole
knowledge base (a name used twice, a slug defined in two files, reference topics) in loading.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)

from medicines.knowledge.models import (
    DrugClass,
    Family,
    Ingredient,
    NotCovered,
    Product,
    Reference,
)
from medicines.knowledge.vocabulary import (
    CLASSES,
    MULTI_VALUED,
    PROPERTIES,
    SEVERITIES,
    SLUG_RE,
)


class KnowledgeError(ValueError):
    """A data file does not follow the schema. The message names file, entry and field."""

    def __init__(self, file: str, entry: str | None, field_name: str | None, problem: str):
        self.file, self.entry, self.field, self.problem = file, entry, field_name, problem
        where = file
        if entry:
            where += f", entry {entry}"
        if field_name:
            where += f", field '{field_name}'"
        super().__init__(f"{where}: {problem}")


class _Checker:
    """Helpers that raise KnowledgeError with file, entry and field filled in."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, entry, field_name, problem):
        raise KnowledgeError(self.file, entry, field_name, problem)

    def mapping(self, value, entry, field_name=None) -> dict:
        if not isinstance(value, dict):
            self.fail(entry, field_name, f"expected a mapping, got {type(value).__name__}")
        return value

    def text(self, data, key, entry, *, required=True, default="") -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(entry, key, "is required")
            return default
        if not isinstance(value, str):
            self.fail(entry, key, f"must be text, got {type(value).__name__}")
        return " ".join(value.split())

    def text_list(self, data, key, entry, *, required=False) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(entry, key, "is required")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(entry, key, "must be a list of non-empty texts")
        if required and not value:
            self.fail(entry, key, "must not be empty")
        return tuple(" ".join(v.split()) for v in value)

    def unknown_keys(self, data, allowed, entry):
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            self.fail(entry, unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _entries(checker: _Checker, data, list_key: str | None = None) -> list:
    if data is None:
        return []
    if isinstance(data, dict) and list_key and list_key in data:
        data = data[list_key]
    if not isinstance(data, list):
        checker.fail(None, list_key, "expected a list of entries")
    return data


def _validate_ingredient(c: _Checker, raw, index: int) -> Ingredient:
    entry = _entry_name(
        raw if isinstance(raw, dict) else {},
        "slug",
        index,
        lambda s: isinstance(s, str) and SLUG_RE.match(s),
    )
    fields = _parse(c, IngredientEntry, raw, entry, "slug")
    properties = {p: fields.__dict__[p] for p in PROPERTIES if fields.__dict__[p]}
    return Ingredient(
        slug=fields.slug,
        name=fields.name,
        classes=fields.classes,
        summary=fields.summary,
        label=fields.label,
        synonyms=fields.synonyms,
        street_names=_street_names(c, entry, fields),
        washout_days=fields.washout_days,
        duplicate_severity=fields.duplicate_severity,
        references=fields.references,
        dose_reads_as=fields.dose_reads_as,
        properties=properties,
    )


# --------------------------------------------------------------------------- entry models
# The flat files (ingredients, products, references, classes, not covered) are described by
# pydantic models: one field per key, unknown keys refused, each field's own check beside it.
# The rule file keeps the hand-written checks above: its selectors and texts depend on the
# section they are in (which placeholders, which keys), which a flat model does not express.


def _text(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is required")
    if not isinstance(value, str):
        raise ValueError(f"must be text, got {type(value).__name__}")
    return " ".join(value.split())


def _optional_text(value) -> str:
    return "" if value is None or (isinstance(value, str) and not value.strip()) else _text(value)


def _text_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("must be a list of non-empty texts")
    return tuple(" ".join(v.split()) for v in value)


def _https_url(value) -> str:
    if not isinstance(value, str) or not re.match(r"^https://[^\s/]+\.[^\s]+$", value):
        raise ValueError(f"must be an https:// URL, got {value!r}")
    return value


def _slug(value) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise ValueError(f"must be a slug, got {value!r}")
    return value


Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str, BeforeValidator(_optional_text)]
TextList = Annotated[tuple[str, ...], BeforeValidator(_text_list)]
HttpsUrl = Annotated[str, BeforeValidator(_https_url)]
Slug = Annotated[str, BeforeValidator(_slug)]
Ignored = Any  # an editor's note or comment: allowed, not read


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _entry_name(raw: dict, key: str, index: int, valid=None) -> str:
    """'sertraline' once the entry's own key reads well, else its position (#3)."""
    value = raw.get(key)
    ok = valid(value) if valid else isinstance(value, str) and value.strip()
    return f"'{value}'" if ok else f"#{index + 1}"


def _parse(c: _Checker, model: type[_Entry], raw, entry: str, key: str, **context) -> _Entry:
    """model_validate, with the first problem reported as file, entry, field: problem."""
    raw = c.mapping(raw, entry)
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as error:
        # As an editor reads the entry: its own key first, then a misspelt field name (which
        # would also make a required field look missing), then the rest in field order.
        def weight(problem):
            return (problem["loc"][:1] != (key,), problem["type"] != "extra_forbidden")

        problem = min(error.errors(include_url=False), key=weight)
        field_name = ".".join(str(part) for part in problem["loc"]) or None
        kind = problem["type"]
        if kind == "missing":
            text = "is required"
        elif kind == "extra_forbidden":
            allowed = ", ".join(sorted(model.model_fields))
            text = f"unknown field (allowed: {allowed})"
        elif kind == "value_error":
            text = str(problem["ctx"]["error"])
        else:
            text = problem["msg"]
        c.fail(entry, field_name, text)


class ReferenceEntry(_Entry):
    id: Slug
    title: Text
    publisher: Text
    year: int | None = None
    url: HttpsUrl
    authors: OptionalText = ""
    note: Ignored = None
    about: tuple[str, ...] = ()

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1900 < value < 2100
        ):
            raise ValueError(f"must be a year, got {value!r}")
        return value

    @field_validator("about", mode="before")
    @classmethod
    def _about(cls, value):
        value = value or []
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise ValueError("must be a list of ingredient slugs, classes or mechanisms")
        return tuple(value)


class ProductEntry(_Entry):
    name: Text
    ingredients: tuple[str, ...]
    kind: str
    also_contains: TextList = ()
    note: OptionalText = ""
    synonyms: TextList = ()
    street_names: TextList = ()
    comment: Ignored = None

    @field_validator("ingredients", mode="before")
    @classmethod
    def _ingredients(cls, slugs, info: ValidationInfo):
        if not isinstance(slugs, list) or not slugs:
            raise ValueError("is required: a list of ingredient slugs")
        for slug in slugs:
            if slug not in info.context["ingredients"]:
                raise ValueError(f"unknown ingredient slug {slug!r}")
        if len(set(slugs)) != len(slugs):
            raise ValueError("lists an ingredient twice")
        return tuple(slugs)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, kind, info: ValidationInfo):
        if kind not in ("brand", "combination"):
            raise ValueError(f"must be brand or combination, got {kind!r}")
        slugs = info.data.get("ingredients")
        if slugs is not None and kind == "brand" and len(slugs) != 1:
            raise ValueError("a brand has exactly one ingredient (use combination)")
        if slugs is not None and kind == "combination" and len(slugs) < 2:
            raise ValueError("a combination has two or more ingredients (use brand)")
        return kind


class NotCoveredEntry(_Entry):
    name: Text
    note: Text
    synonyms: TextList = ()
    group: Ignored = None
    comment: Ignored = None


class ClassEntry(_Entry):
    slug: str
    name: Text
    description: OptionalText = ""
    words: TextList = ()
    examples: TextList = ()
    plural: Ignored = None

    @field_validator("slug", mode="before")
    @classmethod
    def _known(cls, slug):
        if slug not in CLASSES:
            raise ValueError(f"unknown class {slug!r} (see the class vocabulary)")
        return slug


def _property_values(prop: str, value) -> frozenset | None:
    """A mechanism property: one allowed value, a list of them if MULTI_VALUED; off: None."""
    if value is None or value is False:
        return None
    allowed = PROPERTIES[prop]
    values = value if isinstance(value, list) and prop in MULTI_VALUED else [value]
    for item in values:
        if item not in allowed or (item is True and True not in allowed):
            shown = ", ".join(sorted(str(v).lower() for v in allowed))
            raise ValueError(f"must be one of {shown}, got {item!r}")
    return frozenset(values)


class _IngredientFields(_Entry):
    slug: str
    name: Text
    synonyms: TextList = ()
    street_names: TextList = ()
    classes: frozenset[str]
    summary: Text
    label: HttpsUrl
    washout_days: int | None = None
    duplicate_severity: str = "moderate"
    references: tuple[str, ...] = ()
    notes: Ignored = None
    note: Ignored = None
    comment: Ignored = None
    dose_reads_as: tuple[tuple[float, float, str], ...] = ()

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, slug):
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            raise ValueError(f"must be lowercase letters, digits and hyphens, got {slug!r}")
        return slug

    @field_validator("classes", mode="before")
    @classmethod
    def _classes(cls, classes):
        if not isinstance(classes, list) or not classes:
            raise ValueError("is required: a non-empty list of class slugs")
        for drug_class in classes:
            if drug_class not in CLASSES:
                raise ValueError(f"unknown class {drug_class!r}")
        return frozenset(classes)

    @field_validator("washout_days", mode="before")
    @classmethod
    def _washout(cls, days):
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
            raise ValueError(f"must be a whole number of days above 0, got {days!r}")
        return days

    @field_validator("duplicate_severity", mode="before")
    @classmethod
    def _duplicate(cls, severity):
        if severity not in SEVERITIES:
            raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
        return severity

    @field_validator("references", mode="before")
    @classmethod
    def _references(cls, refs):
        refs = refs or []
        return tuple([refs] if isinstance(refs, str) else refs)

    @field_validator("dose_reads_as", mode="before")
    @classmethod
    def _dose_reads_as(cls, rules, info: ValidationInfo):
        # "naltrexone 4.5 mg" is low-dose naltrexone: (min_mg, max_mg, ingredient) each.
        readings = []
        for rule in rules or []:
            fields = rule if isinstance(rule, dict) else {}
            low, high, target = fields.get("min_mg"), fields.get("max_mg"), fields.get("ingredient")
            numbers = all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)
            )
            if (
                set(fields) != {"min_mg", "max_mg", "ingredient"} or not numbers or not 0 < low <= high
                or not isinstance(target, str) or not SLUG_RE.match(target)
                or target == info.data.get("slug")
            ):  # fmt: skip
                raise ValueError("each item needs min_mg <= max_mg (mg, above 0) and "
                                 f"another ingredient's slug, got {rule!r}")  # fmt: skip
            readings.append((float(low), float(high), target))
        return tuple(readings)

    @field_validator(*PROPERTIES, mode="before", check_fields=False)
    @classmethod
    def _property(cls, value, info: ValidationInfo):
        values = _property_values(info.field_name, value)
        opioid = info.data.get("opioid") or ()
        if info.field_name == "antagonist_use" and values and "antagonist" not in opioid:
            raise ValueError("only applies when opioid: antagonist")
        return values


# One optional field per mechanism property (PROPERTIES), in the vocabulary's order.
IngredientEntry = create_model(
    "IngredientEntry",
    __base__=_IngredientFields,
    **dict.fromkeys(PROPERTIES, (frozenset | None, None)),
)


# --------------------------------------------------------------------------- the flat files


def _validate_references(c: _Checker, data) -> dict[str, Reference]:
    references = {}
    for index, raw in enumerate(_entries(c, data, "references")):
        entry = _entry_name(
            raw if isinstance(raw, dict) else {},
            "id",
            index,
            lambda r: isinstance(r, str) and SLUG_RE.match(r),
        )
        ref = _parse(c, ReferenceEntry, raw, entry, "id")
        if ref.id in references:
            c.fail(entry, "id", "is used twice")
        references[ref.id] = Reference(
            id=ref.id,
            title=ref.title,
            publisher=ref.publisher,
            year=ref.year,
            url=ref.url,
            authors=ref.authors,
            about=frozenset(ref.about),
        )
    return references


def _validate_products(c: _Checker, data, ingredients) -> tuple[Product, ...]:
    products = []
    for index, raw in enumerate(_entries(c, data, "products")):
        entry = _entry_name(raw if isinstance(raw, dict) else {}, "name", index)
        product = _parse(c, ProductEntry, raw, entry, "name", ingredients=ingredients)
        products.append(
            Product(
                name=product.name,
                kind=product.kind,
                ingredients=product.ingredients,
                also_contains=product.also_contains,
                note=product.note,
                synonyms=product.synonyms,
                street_names=_street_names(c, entry, product),
            )
        )
    return tuple(products)


def _street_names(c: _Checker, entry, fields) -> tuple[str, ...]:
    """The synonyms marked as street names: each must be one of the entry's synonyms."""
    for name in fields.street_names:
        if name not in fields.synonyms:
            c.fail(entry, "street_names", f"'{name}' is not one of its synonyms")
    return fields.street_names


def _validate_not_covered(c: _Checker, data) -> tuple[NotCovered, ...]:
    items = []
    for index, raw in enumerate(_entries(c, data, "not_covered")):
        entry = _entry_name(raw if isinstance(raw, dict) else {}, "name", index)
        item = _parse(c, NotCoveredEntry, raw, entry, "name")
        items.append(NotCovered(item.name, item.note, item.synonyms))
    return tuple(items)


class FamilyEntry(_Entry):
    name: Text
    words: TextList
    examples: TextList
    comment: Ignored = None


def _validate_families(c: _Checker, data) -> tuple[Family, ...]:
    families = []
    for index, raw in enumerate(_entries(c, data, "families")):
        entry = _entry_name(raw if isinstance(raw, dict) else {}, "name", index)
        item = _parse(c, FamilyEntry, raw, entry, "name")
        if not item.words:
            c.fail(entry, "words", "a family needs the words people type for it")
        if len(item.examples) < 2:
            c.fail(entry, "examples", "a family needs 2 or more examples")
        families.append(Family(item.name, item.words, item.examples))
    return tuple(families)


def _validate_classes(c: _Checker, data) -> dict[str, DrugClass]:
    classes = {}
    for index, raw in enumerate(_entries(c, data, "classes")):
        entry = _entry_name(
            raw if isinstance(raw, dict) else {}, "slug", index, lambda s: s in CLASSES
        )
        item = _parse(c, ClassEntry, raw, entry, "slug")
        if item.words and len(item.examples) < 2:
            c.fail(entry, "examples", "a class people can type as a group needs 2 or more examples")
        classes[item.slug] = DrugClass(
            item.slug, item.name, item.description, item.words, item.examples
        )
    return classes
