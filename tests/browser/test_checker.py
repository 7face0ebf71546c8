"""The checker in a real browser, keyboard only, with JavaScript on and off.

A person goes from the home page to a printable result for Zoloft + Ultram + Tylenol: types a
misspelled brand, picks it from the suggestions with the arrow keys, adds three medicines,
sees the result and the pushed URL, removes one (Zoloft + Tylenol: truly no finding, per
CLINICAL.md), and prints. At 375 px and 1280 px.
"""

import re

import pytest
from playwright.sync_api import expect

RESULTS = "#results"


def add_by_keyboard(page, typed, expected):
    """Type into the combobox, arrow down to the suggestion and press Enter."""
    combo = page.get_by_role("combobox", name="Add a medicine")
    combo.focus()
    page.keyboard.type(typed, delay=20)
    option = page.get_by_role("option", name=re.compile(rf"^{expected}\s*(,|$)"))
    expect(option).to_be_visible()
    expect(combo).to_have_attribute("aria-expanded", "true")
    while option.get_attribute("aria-selected") != "true":
        page.keyboard.press("ArrowDown")
    expect(combo).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(combo).to_have_attribute("aria-expanded", "false")
    expect(combo).to_have_value("")
    expect(page.locator(".chip", has_text=expected)).to_be_visible()


def visible_text(page, selector):
    return " ".join(page.locator(selector).inner_text().split())


def check_print_view(page):
    page.emulate_media(media="print")
    expect(page.locator(".print-header")).to_be_visible()
    expect(page.locator(".print-header")).to_contain_text("medicine check, printed")
    expect(page.locator(".print-url")).to_contain_text("/check/?drugs=")
    expect(page.locator(".check-form-wrap")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".result-actions")).to_be_hidden()
    expect(page.get_by_role("heading", name="Questions to ask your pharmacist")).to_be_visible()
    expect(page.locator(".risk").first).to_be_visible()
    expect(page.locator(".medicine-table")).to_be_visible()
    page.emulate_media(media="screen")


def run_keyboard_flow(page, live_server, screenshot, name):
    page.goto(live_server.url + "/")
    # The home page form is enhanced too; it opens the checker.
    add_by_keyboard(page, "zolof", "Zoloft")
    expect(page.locator(".chip", has_text="Zoloft")).to_contain_text("sertraline")
    page.get_by_role("combobox", name="Add a medicine").press("Enter")  # empty box: Check
    expect(page).to_have_url(re.compile(r"/check/\?drugs=Zoloft(#result)?$"))  # lands on the result
    expect(page.locator(RESULTS)).to_contain_text("A medicine cannot interact with itself here")

    add_by_keyboard(page, "ultr", "Ultram")
    expect(page).to_have_url(re.compile(r"/check/\?drugs=Zoloft,Ultram$"))
    add_by_keyboard(page, "tyle", "Tylenol")
    expect(page).to_have_url(re.compile(r"/check/\?drugs=Zoloft,Ultram,Tylenol$"))

    headline = page.locator(".headline")
    expect(headline).to_contain_text(
        "Serious — talk to your prescriber before taking these together"
    )
    expect(page.locator(".finding", has_text="Serotonin syndrome")).to_be_visible()
    expect(page.locator("[data-result-status]")).to_contain_text("Highest risk found")
    expect(page.locator(".risk-guides a").first).to_be_visible()
    screenshot(page, f"checker-results-{name}")

    # Remove Ultram with the keyboard; the result and the URL follow, focus stays put.
    page.get_by_role("button", name="Remove Ultram").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/check/\?drugs=Zoloft,Tylenol$"))
    expect(page.locator(".chip")).to_have_count(2)
    expect(page.locator(RESULTS)).not_to_contain_text("tramadol")
    expect(page.locator("[data-result-status]")).to_contain_text(
        "No interaction between these medicines"
    )
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove Tylenol"

    # Back to the three-medicine result: the pushed URL reproduces it.
    page.goto(live_server.url + "/check/?drugs=Zoloft,Ultram,Tylenol")
    expect(page.locator(".chip")).to_have_count(3)
    expect(page.locator(".result-actions")).to_be_visible()
    check_print_view(page)
    screenshot(page, f"checker-print-{name}")
    page.watch.assert_clean()


def test_keyboard_flow_on_a_phone(page, live_server, site_content, screenshot):
    run_keyboard_flow(page, live_server, screenshot, "375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_keyboard_flow_on_a_desktop(desktop_page, live_server, site_content, screenshot):
    run_keyboard_flow(desktop_page, live_server, screenshot, "1280")


def test_flow_without_javascript(nojs_page, live_server, site_content, screenshot):
    page = nojs_page
    page.goto(live_server.url + "/")
    field = page.get_by_label("Medicines you take now, separated by commas")
    field.fill("zolof, Ultram, Xanax")
    field.press("Enter")
    expect(page).to_have_url(
        re.compile(r"/check/\?drugs=zolof%2C\+Ultram%2C\+Xanax&recently_stopped=#result$")
    )
    expect(page.locator(".headline")).to_contain_text(
        "Serious — talk to your prescriber before taking these together"
    )
    expect(page.locator(RESULTS)).to_contain_text("you typed ‘zolof’")
    # JavaScript-only controls stay hidden; the plain fields keep what was typed.
    expect(page.locator(".chips-ui")).to_be_hidden()
    expect(page.get_by_role("button", name="Print for your pharmacist")).to_be_hidden()
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(field).to_have_value("zolof, Ultram, Xanax")
    screenshot(page, "checker-results-375-nojs")

    # Remove one by editing the field; a stopped medicine goes in the second field.
    field.fill("zolof, Xanax")
    page.get_by_label("Stopped in the last 5 weeks").fill("Nardil")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page).to_have_url(re.compile(r"drugs=zolof%2C\+Xanax&recently_stopped=Nardil"))
    expect(page.locator(".headline")).to_contain_text("Do not take together")
    expect(page.locator(RESULTS)).to_contain_text("You stopped phenelzine recently")
    check_print_view(page)

    # Bad input: a friendly message next to the field, the input kept.
    field.fill(",".join(f"m{n}" for n in range(26)))
    field.press("Enter")
    expect(page.locator("#drugs-error")).to_contain_text("Enter at most 25 medicines.")
    expect(field).to_have_attribute("aria-invalid", "true")
    page.watch.assert_clean()


def test_combobox_keys_and_chips(page, live_server, site_content):
    page.goto(live_server.url + "/check/")
    combo = page.get_by_role("combobox", name="Add a medicine")
    combo.focus()
    page.keyboard.type("sertaline", delay=20)
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(combo).to_have_attribute("aria-expanded", "false")
    expect(combo).to_have_value("sertaline")
    page.keyboard.press("Escape")
    expect(combo).to_have_value("")

    # Typing a comma adds what came before it, as typed; the server reads the misspelling.
    page.keyboard.type("tramadl, ", delay=20)
    expect(page.locator(".chip", has_text="tramadl")).to_be_visible()
    expect(page.locator(".chip", has_text="tramadl")).to_contain_text("tramadol")
    page.keyboard.type("xyzzy")
    page.keyboard.press("Enter")
    expect(page.locator(".chip", has_text="xyzzy")).to_contain_text("not recognised")
    expect(page.locator(".not-checked")).to_contain_text("We couldn’t find ‘xyzzy’.")

    # The per-medicine "stopped" toggle moves a medicine to recently_stopped.
    add_by_keyboard(page, "nardi", "Nardil")
    page.get_by_label("Stopped Nardil in the last 5 weeks").check()
    expect(page).to_have_url(re.compile(r"recently_stopped=Nardil"))
    expect(page.locator(".headline")).to_contain_text("Do not take together")

    # Clear all: back to an empty checker at /check/.
    page.get_by_role("button", name="Clear all").click()
    expect(page.locator(".chip")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/check/$"))
    expect(page.locator(RESULTS)).to_contain_text("How it works")
    page.watch.assert_clean()


def test_a_26th_medicine_is_refused_kindly(page, live_server, site_content):
    names = ",".join(f"m{n}" for n in range(25))
    page.goto(live_server.url + "/check/?drugs=" + names)
    expect(page.locator(".chip")).to_have_count(25)
    combo = page.get_by_role("combobox", name="Add a medicine")
    combo.fill("Zoloft")
    combo.press("Enter")
    expect(page.locator("[data-chips-error]")).to_contain_text("up to 25 medicines")
    expect(page.locator(".chip")).to_have_count(25)
    page.watch.assert_clean()


def test_copy_link(page, live_server, site_content):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + "/check/?drugs=Zoloft,Ultram")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + "/check/?drugs=Zoloft,Ultram"
    page.watch.assert_clean()


def test_drug_page_to_pair_in_the_checker(page, live_server, site_content):
    page.goto(live_server.url + "/drugs/")
    page.get_by_role("link", name="Sertraline", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sertraline")
    expect(page.locator(".chip", has_text="sertraline")).to_be_visible()
    page.locator(".partners a", has_text="tramadol").first.click()
    expect(page).to_have_url(re.compile(r"/check/\?drugs=sertraline,tramadol$"))
    expect(page.locator(".headline")).to_contain_text("Serious")
    page.watch.assert_clean()


# WCAG 2.2 A/AA (contrast, target size, names, ...) plus axe's best practices (landmarks,
# heading order, one h1).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

AXE_PAGES = {
    "home": "/",
    "guide": None,  # the first guide in the list
    "checker": "/check/",
    "checker-results": "/check/?drugs=Zoloft,Ultram,Xanax,xyzzy,metformin&recently_stopped=Nardil",
    "checker-three": "/check/?drugs=citalopram,ondansetron,methadone",
    "checker-ldn": "/check/?drugs=LDN,sertraline",
    "checker-unknown": "/check/?drugs=blorbex",
    "checker-error": "/check/?drugs=" + ",".join(f"m{n}" for n in range(26)),
    "drugs": "/drugs/",
    "drugs-by-class": "/drugs/?by=class",
    "drug": "/drugs/sertraline/",
}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "scripts-blocked"])
def test_no_axe_violations(browser, live_server, site_content, javascript):
    from axe_playwright_python.sync_playwright import Axe

    from articles.models import Article

    # axe itself runs as a script, so "JavaScript off" means: the site's own scripts blocked.
    context = browser.new_context(viewport={"width": 375, "height": 812})
    if not javascript:
        context.route(re.compile(r"/static/js/.*\.js$"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    axe = Axe()
    guide = Article.objects.published().first().get_absolute_url()
    failures = {}
    try:
        for name, path in AXE_PAGES.items():
            page.goto(live_server.url + (path or guide))
            if javascript:
                page.wait_for_load_state("networkidle")
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                failures[name] = results.generate_report()
        if javascript:  # the open listbox too
            page.goto(live_server.url + "/check/")
            page.get_by_role("combobox", name="Add a medicine").type("zolo", delay=20)
            expect(page.get_by_role("listbox")).to_be_visible()
            page.keyboard.press("ArrowDown")
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                failures["listbox"] = results.generate_report()
    finally:
        context.close()
    assert not failures, "\n\n".join(f"== {k}\n{v}" for k, v in failures.items())
