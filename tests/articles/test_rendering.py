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
    rendered = render_markdown("## What to do\n\n1. **Call** your [pharmacist](https://example.org).\n")
    assert '<h2 id="what-to-do">What to do</h2>' in rendered.html
    assert "<strong>Call</strong>" in rendered.html
    assert 'href="https://example.org"' in rendered.html
    assert rendered.toc == [{"id": "what-to-do", "title": "What to do"}]


def test_reading_time():
    assert render_markdown("word " * 450).reading_minutes == 3
    assert render_markdown("one").reading_minutes == 1
