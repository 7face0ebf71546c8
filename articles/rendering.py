"""Markdown to safe HTML, done once when a guide is saved.

Markdown lets editors write plain text; nh3 then removes anything that is not on a short
allow-list, so a pasted <script>, an onclick attribute or a javascript: link never reaches
a reader even if it slips into a content file.
"""

import math
import re
from dataclasses import dataclass

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": set(),
}
WORDS_PER_MINUTE = 200
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict]
    reading_minutes: int


def render_markdown(text: str) -> Rendered:
    md = markdown.Markdown(extensions=["toc", "tables", "sane_lists", "smarty"])
    raw_html = md.convert(text)
    html = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    toc = [
        {"id": token["id"], "title": token["name"]}
        for token in md.toc_tokens
        if token["level"] == 2
    ]
    # The top-level tokens are h2 when guides use ## headings; flatten one level if an
    # editor started at ### so the contents list is never silently empty.
    if not toc:
        toc = [
            {"id": child["id"], "title": child["name"]}
            for token in md.toc_tokens
            for child in [token, *token.get("children", [])]
        ]
    words = len(_WORD.findall(text))
    return Rendered(html=html, toc=toc, reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)))
