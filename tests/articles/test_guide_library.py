"""Editorial standards for every shipped guide (../shared/CLINICAL.md, content/README.md)."""

import os
import re
import statistics
import subprocess
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings

from articles.content import EMERGENCY_SECTION, REQUIRED_SECTIONS, load_library
from articles.models import EDITORIAL_TEAM
from articles.readability import grade


def _seeds_dir() -> Path:
    """../shared/seeds, the pages the guides must not copy: SEEDS_DIR if set; else beside
    the project; else, for a clone made elsewhere (`git clone . $(mktemp -d)`), beside the
    repository it was cloned from. Missing everywhere, the copy test fails, never skips."""
    if os.environ.get("SEEDS_DIR"):
        return Path(os.environ["SEEDS_DIR"])
    base = Path(settings.BASE_DIR)
    candidates = [base.parent / "shared" / "seeds"]
    try:
        origin = subprocess.run(
            ["git", "-C", str(base), "remote", "get-url", "origin"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and Path(origin).is_dir():  # a clone of a local repository
        candidates.append(Path(origin).resolve().parent / "shared" / "seeds")
    return next((path for path in candidates if path.is_dir()), candidates[0])


SEEDS = _seeds_dir()
CATEGORIES, TAGS, GUIDES = load_library(Path(settings.CONTENT_DIR))
PUBLISHED = [guide for guide in GUIDES if guide.status == "published"]
IDS = [guide.slug for guide in GUIDES]
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
RUN = 8

# The topics patients bring (issue 5 and the foundation issue): one guide each.
REQUIRED_GUIDES = {
    "ssris-and-opioids",
    "serotonin-syndrome",
    "which-opioids-carry-serotonin-risk",
    "tramadol-and-antidepressants",
    "zolpidem-ambien-and-antidepressants",
    "opioids-and-depression",
    "coming-off-opioids",
    "heroin-fentanyl-and-antidepressants",
    "low-dose-naltrexone-and-antidepressants",
    "naltrexone-and-opioid-pain-medicines",
    "methadone-buprenorphine-and-antidepressants",
    "opioids-with-sedatives-and-alcohol",
    "maois-strictest-interactions",
    "pain-relief-when-you-take-an-antidepressant",
    "cough-and-cold-medicines-with-antidepressants",
    "keeping-your-medicine-list",
}


def words(text):
    return WORD.findall(text.lower().replace("’", "'").replace("‘", "'"))


def runs(text):
    tokens = words(text)
    return {tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


def headings(guide):
    return [line[3:].strip() for line in guide.body.splitlines() if line.startswith("## ")]


def test_every_required_topic_has_a_published_guide():
    assert {guide.slug for guide in PUBLISHED} >= REQUIRED_GUIDES


@pytest.mark.parametrize("guide", GUIDES, ids=IDS)
def test_front_matter_and_authorship(guide):
    assert guide.author == EDITORIAL_TEAM
    assert guide.reviewer == ""  # no invented reviewers
    assert 2 <= len(guide.tags) <= 6
    assert guide.category
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", guide.summary) if s]
    assert 2 <= len(sentences) <= 3, guide.summary


@pytest.mark.parametrize("guide", GUIDES, ids=IDS)
def test_at_least_three_real_looking_references(guide):
    assert len(guide.references) >= 3
    for ref in guide.references:
        assert ref["url"].startswith("https://")
        assert not re.search(r"facebook|twitter|x\.com|reddit|instagram|tiktok", ref["url"]), ref[
            "url"
        ]
    assert len({ref["url"] for ref in guide.references}) == len(guide.references)


@pytest.mark.parametrize("guide", GUIDES, ids=IDS)
def test_required_sections(guide):
    found = headings(guide)
    for section in REQUIRED_SECTIONS:
        assert section in found, f"missing ## {section}"
    if guide.emergency:
        assert EMERGENCY_SECTION in found
    assert not any(
        h.lower() in {"sources", "references"} for h in found
    )  # rendered from front matter
    what_to_do = guide.body.split("## What to do", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^1\. ", what_to_do, re.M), "What to do must be numbered steps"
    warning = guide.body.split("## Warning signs", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^[-*] ", warning, re.M), "Warning signs must be a list"


@pytest.mark.parametrize("guide", GUIDES, ids=IDS)
def test_reading_grade_at_most_8(guide):
    assert grade(f"{guide.summary}\n\n{guide.body}") <= 8.0


def test_library_median_grade_at_most_7():
    grades = [grade(f"{guide.summary}\n\n{guide.body}") for guide in PUBLISHED]
    assert statistics.median(grades) <= 7.0, grades


@pytest.mark.parametrize("guide", GUIDES, ids=IDS)
def test_never_calls_a_combination_safe(guide):
    text = f"{guide.title} {guide.summary} {guide.body}".lower()
    # "Safe" is never ours to promise; institution names in the sources are not checked.
    assert not re.search(r"\bsafe\b|\bsafely\b|\brisk-free\b", text)


@pytest.mark.parametrize("guide", GUIDES, ids=IDS)
def test_no_shared_run_of_eight_words_with_the_seed_pages(guide):
    seeds = set().union(*(runs(path.read_text(encoding="utf-8")) for path in SEEDS.glob("*.txt")))
    assert seeds, "seed pages not found"
    shared = runs(f"{guide.title}\n{guide.summary}\n{guide.body}") & seeds
    assert not shared, [" ".join(run) for run in sorted(shared)][:3]


@pytest.mark.parametrize("guide", GUIDES, ids=IDS)
def test_no_commerce_or_social_links(guide):
    assert not re.search(
        r"buy \w+ online|order (it |them )?online|coupon|discount code|online pharmacy",
        guide.body,
        re.I,
    )
    links = re.findall(r"\]\((https?://[^)]+)\)", guide.body) + [
        ref["url"] for ref in guide.references
    ]
    for url in links:
        assert not re.search(
            r"facebook|twitter|reddit|instagram|tiktok|amazon\.|shop|store|affiliate", url
        ), url


def test_every_category_and_tag_has_at_least_two_guides():
    category_counts = Counter(guide.category for guide in PUBLISHED)
    tag_counts = Counter(tag for guide in PUBLISHED for tag in guide.tags)
    assert all(category_counts[c["slug"]] >= 2 for c in CATEGORIES), category_counts
    assert all(tag_counts[t["slug"]] >= 2 for t in TAGS), {
        t["slug"]: tag_counts[t["slug"]] for t in TAGS
    }


def test_internal_links_resolve(client, library):
    from articles.models import Article

    for article in Article.objects.published():
        for href in re.findall(r'href="(/[^"#]*)', article.body_html):
            status = client.get(href.replace("&amp;", "&")).status_code
            assert status == 200, (article.slug, href, status)


def test_every_guide_drug_slug_is_a_known_ingredient(library):
    from django.core.management import call_command, get_commands

    if "load_knowledge" not in get_commands():
        pytest.skip("the knowledge base is not installed yet")
    call_command("load_knowledge", verbosity=0, stdout=StringIO())  # the files validate
    from medicines import knowledge

    known = set(knowledge.load().ingredients)
    for guide in PUBLISHED:
        assert set(guide.drugs) <= known, (guide.slug, set(guide.drugs) - known)


def test_guides_cover_every_mechanism_the_checker_reports():
    covered = {m for guide in PUBLISHED for m in guide.mechanisms}
    core = {
        "serotonin-toxicity",
        "cns-depression",
        "seizure-threshold",
        "qt-prolongation",
        "cyp2d6-inhibition",
        "opioid-blockade",
        "bleeding",
        "hypertensive-crisis",
    }
    assert core <= covered, core - covered


# What a reader in trouble must be told to do (../shared/CLINICAL.md, "Emergency help").
EMERGENCY_ACTION = re.compile(
    r"\b911\b|Poison Help|1-800-222-1222|\b988\b|urgent (medical )?care", re.I
)


def emergency_bullets(guide):
    """Each bullet under "Get emergency help if…", with the lead-in line that introduces its list."""
    section = guide.body.split(f"## {EMERGENCY_SECTION}", 1)[1].split("\n## ", 1)[0]
    bullets, lead_in, current = [], "", None
    for line in section.splitlines():
        if re.match(r"^[-*] ", line):
            current = [lead_in, line[2:].strip()]
            bullets.append(current)
        elif line.startswith("  ") and current is not None:
            current[1] += " " + line.strip()
        elif line.strip():
            current = None
            lead_in = line.strip()
    return [(lead, text) for lead, text in bullets]


@pytest.mark.parametrize(
    "guide", [g for g in GUIDES if g.emergency], ids=[g.slug for g in GUIDES if g.emergency]
)
def test_every_emergency_bullet_says_what_to_do(guide):
    bullets = emergency_bullets(guide)
    assert bullets, "the emergency section must list when to get help"
    for lead_in, text in bullets:
        # A list introduced by "Call 911 … if:" carries the action for every bullet under it.
        introduced = lead_in.endswith(":") and EMERGENCY_ACTION.search(lead_in)
        assert introduced or EMERGENCY_ACTION.search(text), (
            f"no action (911, Poison Help, 988, urgent care): {text!r}"
        )
