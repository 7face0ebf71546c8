import re

import pytest

from articles.rendering import render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert('x')</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<div style="position:fixed">x</div>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ("<form action='https://evil.example'><input></form>", "<form"),
    ],
)
def test_raw_html_and_script_payloads_are_stripped(source, forbidden):
    html = render_markdown(f"Hello\n\n{source}\n").html
    assert forbidden not in html.lower()


def test_keeps_ordinary_markdown():
    rendered = render_markdown(
        "## What to do\n\n1. **Call** your [pharmacist](https://example.org).\n"
    )
    assert '<h2 id="what-to-do">What to do</h2>' in rendered.html
    assert "<strong>Call</strong>" in rendered.html
    assert 'href="https://example.org"' in rendered.html
    assert rendered.toc == [{"id": "what-to-do", "title": "What to do"}]


def test_reading_time():
    assert render_markdown("word " * 450).reading_minutes == 3
    assert render_markdown("one").reading_minutes == 1


def test_phone_numbers_become_tel_links():
    html = render_markdown(
        "## Call 911 now\n\nCall 911 (or your local number). Call or text 988. "
        "Poison Help: 1-800-222-1222, any time.\n\n- **bold 988** end\n"
    ).html
    assert '<a href="tel:911" rel="noopener noreferrer">911</a> (or your local number)' in html
    assert '<a href="tel:988" rel="noopener noreferrer">988</a>.' in html
    assert (
        '<a href="tel:18002221222" rel="noopener noreferrer">1-800-222-1222</a>, any time' in html
    )
    assert '<strong>bold <a href="tel:988"' in html
    # headings stay plain text (they are the table of contents)
    assert '<h2 id="call-911-now">Call 911 now</h2>' in html


@pytest.mark.parametrize(
    "text",
    ["In 1988 we", "dose 9110 mg", "[911](/x)", "`911`", "1-800-222-12223", "v9.911", "911/912"],
)
def test_other_numbers_are_left_alone(text):
    assert "tel:" not in render_markdown(text).html


def test_every_phone_number_in_the_guides_is_a_link(library):
    from articles.rendering import PHONE

    for article in library.filter(status="published"):
        text_outside_links = re.sub(
            r"<a\b[^>]*>.*?</a>|<h[1-6][^>]*>.*?</h[1-6]>", "", article.body_html
        )
        assert not PHONE.search(re.sub(r"<[^>]+>", "", text_outside_links)), article.slug
        assert 'href="tel:911"' in article.body_html, article.slug
