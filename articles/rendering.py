"""Markdown to safe HTML, done once when a guide is saved.

Markdown lets editors write plain text; nh3 then removes anything that is not on a short
allow-list, so a pasted <script>, an onclick attribute or a javascript: link never reaches
a reader even if it slips into a content file.
"""

import math
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

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
# Phone numbers a reader may need to tap: 911, 988, and US numbers like 1-800-222-1222
# (not part of a longer number, a date or a dose).
PHONE = re.compile(r"(?<![\w./-])(?:911|988|1-\d{3}-\d{3}-\d{4})(?![\w/-]|\.\d)")
_NO_LINKS_INSIDE = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


class PhoneLinks(Treeprocessor):
    """Every phone number in running text becomes a tel: link ("call 911" can be tapped).

    Headings are left alone (their text is the table of contents), and so are links and
    code. nh3 keeps tel: (an allowed URL scheme) and drops anything else."""

    def run(self, root):
        self._walk(root)

    def _walk(self, parent):
        if parent.tag in _NO_LINKS_INSIDE:
            return
        parent.text = self._split(parent, parent.text, at=0)
        for child in list(parent):
            self._walk(child)
            child.tail = self._split(parent, child.tail, at=list(parent).index(child) + 1)

    @staticmethod
    def _split(parent, text, at):
        """Link the numbers in `text` (the text or a tail in `parent`); return what stays."""
        if not text or not PHONE.search(text):
            return text
        pieces = PHONE.split(text)
        numbers = PHONE.findall(text)
        for offset, (number, after) in enumerate(zip(numbers, pieces[1:], strict=True)):
            link = etree.Element("a", href="tel:" + re.sub(r"\D", "", number))
            link.text = number
            link.tail = after
            parent.insert(at + offset, link)
        return pieces[0]


class PhoneLinkExtension(markdown.Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(PhoneLinks(md), "phone_links", 1)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict]
    reading_minutes: int


def render_markdown(text: str) -> Rendered:
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "smarty", PhoneLinkExtension()]
    )
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
