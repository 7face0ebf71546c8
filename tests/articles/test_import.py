import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article, Category, Tag

GOOD = """---
title: "A good guide"
slug: {slug}
summary: "Short and clear. Two sentences."
category: drug-interactions
tags: [opioids, ssris]
status: {status}
published: 2026-11-01
last_reviewed: 2026-11-02
author: Before You Mix editorial team
reviewer: ""
emergency: true
drugs: [sertraline]
mechanisms: [serotonin-toxicity]
references:
  - title: "The serotonin syndrome"
    publisher: "N Engl J Med"
    authors: "Boyer EW, Shannon M"
    year: 2005
    url: "https://doi.org/10.1056/NEJMra041867"
---
## What to do

1. Ask your pharmacist.
"""


@pytest.fixture
def content_dir(tmp_path):
    for name in ("categories.yaml", "tags.yaml"):
        shutil.copy(Path(settings.CONTENT_DIR) / name, tmp_path / name)
    (tmp_path / "guides").mkdir()
    return tmp_path


def write(content_dir, slug, text):
    (content_dir / "guides" / f"{slug}.md").write_text(text, encoding="utf-8")


def run(content_dir):
    call_command("import_articles", dir=str(content_dir), verbosity=0)


def test_imports_a_good_file(db, content_dir):
    write(content_dir, "good-guide", GOOD.format(slug="good-guide", status="published"))
    run(content_dir)
    article = Article.objects.get(slug="good-guide")
    assert article.title == "A good guide"
    assert article.category.slug == "drug-interactions"
    assert sorted(article.tags.values_list("slug", flat=True)) == ["opioids", "ssris"]
    assert article.references[0]["url"] == "https://doi.org/10.1056/NEJMra041867"
    assert article.emergency is True
    assert article.mechanisms == ["serotonin-toxicity"]
    assert '<h2 id="what-to-do">What to do</h2>' in article.body_html
    assert Category.objects.count() == 5
    assert Tag.objects.filter(slug="opioids").exists()


def test_import_is_idempotent_and_updates(db, content_dir):
    write(content_dir, "good-guide", GOOD.format(slug="good-guide", status="published"))
    run(content_dir)
    run(content_dir)
    assert Article.objects.filter(slug="good-guide").count() == 1
    write(
        content_dir,
        "good-guide",
        GOOD.format(slug="good-guide", status="draft").replace("A good guide", "Renamed"),
    )
    run(content_dir)
    article = Article.objects.get(slug="good-guide")
    assert (article.title, article.status) == ("Renamed", "draft")


def test_reimport_renders_a_changed_body(db, content_dir):
    from articles import search

    write(content_dir, "good-guide", GOOD.format(slug="good-guide", status="published"))
    run(content_dir)
    changed = GOOD.format(slug="good-guide", status="published") + "2. Call 911 about zaleplon.\n"
    write(content_dir, "good-guide", changed)
    run(content_dir)
    article = Article.objects.get(slug="good-guide")
    assert '<a href="tel:911"' in article.body_html and "zaleplon" in article.body_html
    assert [hit.article.slug for hit in search.search("zaleplon", Article.objects.published())] == [
        "good-guide"
    ]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda t: t.replace('title: "A good guide"\n', ""), "title"),
        (lambda t: t.replace("category: drug-interactions", "category: nonsense"), "category"),
        (lambda t: t.replace("tags: [opioids, ssris]", "tags: [made-up-tag]"), "tags"),
        (lambda t: t.replace("published: 2026-11-01", "published: last tuesday"), "published"),
        (
            lambda t: t.replace("last_reviewed: 2026-11-02", "last_reviewed: 2020-01-01"),
            "last_reviewed",
        ),
        (lambda t: t.replace("status: published", "status: live"), "status"),
        (lambda t: t.replace("https://doi.org", "http://doi.org"), "references[0].url"),
        (
            lambda t: t.replace("mechanisms: [serotonin-toxicity]", "mechanisms: [voodoo]"),
            "mechanisms",
        ),
        (lambda t: t.replace("slug: good-guide", "slug: other-slug"), "slug"),
        (lambda t: t.replace("tags: [opioids, ssris]", "tags: [opioids, ssris"), "(front matter)"),
        (lambda t: t.split("## What to do")[0], "body"),
    ],
)
def test_bad_file_names_file_and_field_and_imports_nothing(db, content_dir, mutate, field):
    write(content_dir, "aaa-fine", GOOD.format(slug="aaa-fine", status="published"))
    write(content_dir, "good-guide", mutate(GOOD.format(slug="good-guide", status="published")))
    with pytest.raises(CommandError) as excinfo:
        run(content_dir)
    message = str(excinfo.value)
    assert "good-guide.md" in message
    assert f": {field}:" in message
    # All files are checked before any is written: the good one was not imported either.
    assert not Article.objects.exists()


def test_non_utf8_file_is_refused(db, content_dir):
    (content_dir / "guides" / "bad-bytes.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    with pytest.raises(CommandError, match="bad-bytes.md: \\(file\\): is not UTF-8"):
        run(content_dir)


def test_shipped_library_imports(library):
    assert library.filter(status="published").count() >= 3
