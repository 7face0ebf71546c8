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
