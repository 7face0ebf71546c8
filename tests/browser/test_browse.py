"""A reader's walk through the guide library in a real browser."""

import re

from playwright.sync_api import expect


def test_home_to_guide_to_tag_to_search(page, live_server, site_content, screenshot):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_count(1)
    screenshot(page, "home-375")

    page.locator("#newest ~ ul.cards a").first.click()
    expect(page).to_have_url(re.compile(r"/articles/[a-z0-9-]+/$"))
    expect(page.get_by_role("heading", name="In short")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    screenshot(page, "guide-375")

    page.locator(".guide-footer .chip-list a").first.click()
    expect(page).to_have_url(re.compile(r"/tags/[a-z0-9-]+/$"))
    expect(page.locator("ul.cards li").first).to_be_visible()

    page.get_by_label("Search guides and medicines").fill("tramadol")
    page.get_by_label("Search guides and medicines").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=tramadol"))
    expect(page.locator(".search-results li").first).to_be_visible()
    expect(page.locator(".search-results mark").first).to_be_visible()
    page.watch.assert_clean()


def test_skip_link_is_first_and_moves_focus(page, live_server, site_content):
    page.goto(live_server.url + "/articles/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_guide_reads_well_on_desktop(desktop_page, live_server, site_content, screenshot):
    desktop_page.goto(live_server.url + "/articles/")
    desktop_page.locator("ul.cards a").first.click()
    expect(desktop_page.locator("nav.toc")).to_be_visible()
    screenshot(desktop_page, "guide-1280")
    desktop_page.watch.assert_clean()


# --- issue 12: search, drug pages, navigation, tap targets, about -----------------------

import pytest  # noqa: E402

from tests.browser.conftest import DESKTOP, PHONE  # noqa: E402

# Pages outside the checker a patient reads; "guide" is the first guide in the list.
READING_PAGES = {
    "home": "/",
    "guide": None,
    "guides": "/articles/",
    "subjects": "/tags/",
    "subject": "/tags/opioids/",
    "topic": "/topics/drug-interactions/",
    "search": "/search/?q=oxycodne",
    "drugs": "/drugs/",
    "drug": "/drugs/tramadol/",
    "drug-serious": "/drugs/tramadol/?severity=major",
    "about": "/about/",
}

# Every visible link and button: each box it draws at least 24 x 24 px (WCAG 2.2 2.5.8).
SMALL_TARGETS = """() => Array.from(document.querySelectorAll('a[href], button, input[type=submit]'))
  .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'))
  .flatMap(e => {
    const rects = Array.from(e.getClientRects()).filter(r => r.width > 0);
    const all = e.getBoundingClientRect();
    const small = rects.some(r => r.height < 23.5) || all.width < 23.5;
    return small ? [[e.textContent.trim().slice(0, 40), Math.round(all.width),
      Math.min(...rects.map(r => Math.round(r.height)))]] : [];
  })"""


def _first_guide():
    from articles.models import Article

    return Article.objects.published().first().get_absolute_url()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_every_link_and_button_is_a_big_enough_target(
    browser, live_server, site_content, viewport, screenshot
):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    small = {}
    try:
        for name, path in READING_PAGES.items():
            page.goto(live_server.url + (path or _first_guide()))
            found = page.evaluate(SMALL_TARGETS)
            if found:
                small[name] = found
            screenshot(page, f"read-{name}-{viewport['width']}")
    finally:
        context.close()
    assert not small, small


def test_phone_numbers_in_a_guide_can_be_tapped(page, live_server, site_content):
    page.goto(live_server.url + "/articles/tramadol-and-antidepressants/")
    prose = page.locator(".prose")
    expect(prose.locator('a[href="tel:911"]').first).to_be_visible()
    box = prose.locator('a[href="tel:911"]').first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    expect(page.locator('.emergency a[href="tel:911"]').first).to_be_visible()


def test_search_corrects_a_misspelling_and_shows_that_search(
    page, live_server, site_content, screenshot
):
    page.goto(live_server.url + "/search/?q=oxycodne")
    expect(page.locator("input[type=search]")).to_have_count(1)
    expect(page.locator(".did-you-mean")).to_contain_text("Did you mean oxycodone?")
    expect(page.locator(".search-results li").first).to_be_visible()
    expect(page.locator("#drug-results ~ ul a").first).to_have_text("oxycodone")
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    screenshot(page, "search-oxycodne-375")
    page.locator(".did-you-mean a").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=oxycodone$"))
    expect(page.locator(".did-you-mean")).to_have_count(0)

    page.get_by_label("What are you looking for?").fill("serotonin syndrome symptoms")
    page.get_by_label("What are you looking for?").press("Enter")
    expect(page.locator(".search-results h3 a").first).to_have_text(
        re.compile(r"^Serotonin syndrome")
    )

    page.get_by_label("What are you looking for?").fill("tramadol")
    page.get_by_label("What are you looking for?").press("Enter")
    medicines = page.locator("#drug-results ~ ul li")
    expect(medicines).to_have_count(1)
    expect(medicines.first).to_contain_text("tramadol")
    page.watch.assert_clean()


def test_drug_pages_without_javascript(nojs_page, live_server, site_content, screenshot):
    page = nojs_page
    page.goto(live_server.url + "/drugs/")
    page.get_by_role("link", name="Letter Z").click()
    zoloft = page.locator("#letter-z ~ ul li", has_text="Zoloft")
    expect(zoloft).to_contain_text("a brand of sertraline")
    zoloft.get_by_role("link", name="Zoloft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sertraline")

    page.goto(live_server.url + "/drugs/tramadol/")
    guides = page.locator("#guides-heading ~ ul li a")
    expect(guides.first).to_have_text(re.compile(r"^Tramadol and antidepressants"))
    assert guides.count() > 6
    groups = page.locator("section.interaction-group")
    assert groups.count() > 1
    page.locator(".severity-filter a", has_text="Serious").click()
    expect(page).to_have_url(re.compile(r"/drugs/tramadol/\?severity=major#interactions$"))
    expect(page.locator("section.interaction-group")).to_have_count(1)
    expect(page.locator("section.interaction-group.severity-group-major")).to_be_visible()
    expect(page.locator(".partners a").first).to_be_visible()
    screenshot(page, "drug-tramadol-serious-375")


def test_all_guides_on_one_page_by_topic(desktop_page, live_server, site_content, screenshot):
    from articles.models import Article

    page = desktop_page
    page.goto(live_server.url + "/articles/")
    expect(page.locator("ul.cards li.card")).to_have_count(Article.objects.published().count())
    expect(page.get_by_text("Older")).to_have_count(0)
    assert page.locator("section.topic-section h2").count() >= 2
    screenshot(page, "guides-1280")
    footer = page.locator("footer.site-footer")
    expect(footer.get_by_role("link", name="Browse by subject")).to_be_visible()
    expect(footer.get_by_role("link", name="Get new guides in a feed reader")).to_be_visible()
    footer.get_by_role("link", name="About and how we review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("how we review")
    expect(page.get_by_role("heading", name="Tell us about a mistake")).to_be_visible()
    screenshot(page, "about-1280")
    page.watch.assert_clean()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "scripts-blocked"])
def test_reading_pages_have_no_axe_violations(browser, live_server, site_content, javascript):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_checker import AXE_OPTIONS

    context = browser.new_context(viewport=PHONE)
    if not javascript:
        context.route(re.compile(r"/static/js/.*\.js$"), lambda route: route.abort())
    page = context.new_page()
    axe = Axe()
    failures = {}
    try:
        for name, path in READING_PAGES.items():
            page.goto(live_server.url + (path or _first_guide()))
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                failures[name] = results.generate_report()
    finally:
        context.close()
    assert not failures, "\n\n".join(f"== {k}\n{v}" for k, v in failures.items())
