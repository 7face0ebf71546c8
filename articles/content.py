"""Read and check guide files before anything touches the database.

Every problem is reported as "<file>: <field>: <what is wrong>", and all files are checked
before any is imported, so a bad file never leaves the library half-updated.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from medicines import knowledge

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATUSES = {"draft", "published"}
REQUIRED = [
    "title",
    "slug",
    "summary",
    "category",
    "tags",
    "published",
    "last_reviewed",
    "references",
]
MECHANISMS = frozenset(knowledge.MECHANISMS)  # the checker's words: one list, in medicines
REQUIRED_SECTIONS = ["What to do", "Warning signs", "Questions to ask your doctor or pharmacist"]
EMERGENCY_SECTION = "Get emergency help if…"


class ContentError(Exception):
    def __init__(self, path, field_name, message):
        self.path, self.field, self.message = str(path), field_name, message
        super().__init__(f"{path}: {field_name}: {message}")


@dataclass
class GuideFile:
    path: Path
    title: str
    slug: str
    summary: str
    body: str
    category: str
    tags: list[str]
    status: str
    published: datetime.date
    last_reviewed: datetime.date
    author: str
    reviewer: str
    emergency: bool
    drugs: list[str] = field(default_factory=list)
    mechanisms: list[str] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)


def load_vocabulary(path: Path) -> list[dict]:
    """categories.yaml / tags.yaml: a list of {slug, name, description?}."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(path, "(file)", f"cannot read YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise ContentError(path, "(file)", "expected a list of entries")
    seen = set()
    for index, entry in enumerate(entries):
        where = f"entry {index + 1}"
        if not isinstance(entry, dict):
            raise ContentError(path, where, "expected a mapping with slug and name")
        slug, name = entry.get("slug"), entry.get("name")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise ContentError(path, f"{where}.slug", "must be lowercase words joined by hyphens")
        if not isinstance(name, str) or not name.strip():
            raise ContentError(path, f"{where}.name", "is required")
        if slug in seen:
            raise ContentError(path, f"{where}.slug", f"duplicate slug {slug!r}")
        seen.add(slug)
    return entries


def _date(path, data, name):
    value = data.get(name)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ContentError(path, name, "must be a date like 2026-11-21")


def _text(path, data, name, max_length=None):
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(path, name, "is required and must be text")
    value = " ".join(value.split()) if name != "body" else value
    if max_length and len(value) > max_length:
        raise ContentError(path, name, f"is longer than {max_length} characters")
    return value


def _slug_list(path, data, name, allowed=None, required=False):
    value = data.get(name, [])
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ContentError(path, name, "must be a list of slugs")
    if required and not value:
        raise ContentError(path, name, "needs at least one entry")
    for item in value:
        if not SLUG.match(item):
            raise ContentError(path, name, f"{item!r} is not a slug")
        if allowed is not None and item not in allowed:
            raise ContentError(path, name, f"unknown value {item!r}")
    return list(dict.fromkeys(value))


def _references(path, data):
    refs = data.get("references")
    if not isinstance(refs, list) or not refs:
        raise ContentError(path, "references", "needs at least one reference")
    cleaned = []
    for index, ref in enumerate(refs):
        where = f"references[{index}]"
        if not isinstance(ref, dict):
            raise ContentError(path, where, "must be a mapping with title and url")
        title, url = ref.get("title"), ref.get("url")
        if not isinstance(title, str) or not title.strip():
            raise ContentError(path, f"{where}.title", "is required")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise ContentError(path, f"{where}.url", "must be an https:// address")
        year = ref.get("year")
        if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
            raise ContentError(path, f"{where}.year", "must be a four-digit year")
        cleaned.append(
            {
                "title": " ".join(title.split()),
                "publisher": str(ref.get("publisher") or "").strip(),
                "authors": str(ref.get("authors") or "").strip(),
                "year": year,
                "url": url.strip(),
            }
        )
    return cleaned


def parse_guide(path: Path, categories: set[str], tags: set[str]) -> GuideFile:
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ContentError(path, "(file)", "is not UTF-8 text") from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise ContentError(path, "(front matter)", f"is not valid YAML: {exc}") from exc
    data = post.metadata
    for name in REQUIRED:
        if name not in data:
            raise ContentError(path, name, "is required")
    slug = _text(path, data, "slug")
    if not SLUG.match(slug):
        raise ContentError(path, "slug", "must be lowercase words joined by hyphens")
    if slug != path.stem:
        raise ContentError(path, "slug", f"must match the file name ({path.stem!r})")
    status = data.get("status", "draft")
    if status not in STATUSES:
        raise ContentError(path, "status", "must be 'draft' or 'published'")
    category = _text(path, data, "category")
    if category not in categories:
        raise ContentError(path, "category", f"unknown category {category!r}")
    published = _date(path, data, "published")
    last_reviewed = _date(path, data, "last_reviewed")
    if last_reviewed < published:
        raise ContentError(path, "last_reviewed", "cannot be before the published date")
    emergency = data.get("emergency", False)
    if not isinstance(emergency, bool):
        raise ContentError(path, "emergency", "must be true or false")
    if not post.content.strip():
        raise ContentError(path, "body", "is empty")
    return GuideFile(
        path=path,
        title=_text(path, data, "title", max_length=200),
        slug=slug,
        summary=_text(path, data, "summary"),
        body=post.content.strip() + "\n",
        category=category,
        tags=_slug_list(path, data, "tags", allowed=tags, required=True),
        status=status,
        published=published,
        last_reviewed=last_reviewed,
        author=str(data.get("author") or "Before You Mix editorial team").strip(),
        reviewer=str(data.get("reviewer") or "").strip(),
        emergency=emergency,
        drugs=_slug_list(path, data, "drugs"),
        mechanisms=_slug_list(path, data, "mechanisms", allowed=MECHANISMS),
        references=_references(path, data),
    )


def load_library(content_dir: Path):
    """(categories, tags, guides), all checked; raises ContentError on the first problem."""
    categories = load_vocabulary(content_dir / "categories.yaml")
    tags = load_vocabulary(content_dir / "tags.yaml")
    category_slugs = {entry["slug"] for entry in categories}
    tag_slugs = {entry["slug"] for entry in tags}
    guides = [
        parse_guide(path, category_slugs, tag_slugs)
        for path in sorted((content_dir / "guides").glob("*.md"))
    ]
    return categories, tags, guides
