"""How hard a text is to read, measured the same way everywhere (tests, import, CLI).

Flesch–Kincaid grade from textstat 0.7.8 (newer releases try to download data at run
time). Markdown is rendered first and every block (heading, list item, paragraph, table
cell) is treated as its own sentence, so short headings and bullet points are not glued
into one long pseudo-sentence that would inflate the grade.

    python -m articles.readability content/guides/*.md
"""

import re
import sys
from html import unescape

import markdown
import textstat

_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|blockquote|dt|dd)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(markdown_text: str) -> str:
    """Markdown to plain prose, one sentence boundary per block element."""
    html = markdown.markdown(markdown_text, extensions=["tables"])
    html = _BLOCK_END.sub(" ⏎ ", html)
    text = unescape(_TAG.sub(" ", html))
    sentences = []
    for block in text.split("⏎"):
        block = _SPACE.sub(" ", block).strip()
        if not block:
            continue
        if block[-1] not in ".!?:;…":
            block += "."
        sentences.append(block)
    return " ".join(sentences)


def grade(text: str, *, is_markdown: bool = True) -> float:
    """US school grade (Flesch–Kincaid) of a text."""
    return textstat.flesch_kincaid_grade(plain_text(text) if is_markdown else text)


def _main(paths: list[str]) -> None:
    import frontmatter

    for path in paths:
        post = frontmatter.load(path)
        text = f"{post.get('summary', '')}\n\n{post.content}"
        print(f"{grade(text):5.1f}  {path}")


if __name__ == "__main__":
    _main(sys.argv[1:])
