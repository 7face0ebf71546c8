"""The checker page (/check/) in every state, with JavaScript off (plain GET requests)."""

import re
from html import unescape

import pytest
from django.urls import reverse

NO_FINDING = (
    "No interaction between these medicines is listed in our database. "
    "That does not mean none exists — ask your pharmacist."
)

pytestmark = pytest.mark.django_db


def get(client, query="", **headers):
    return client.get(reverse("interactions:check") + query, headers=headers)


def text(response):
    """The page's visible text, tags dropped and whitespace squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.;:?])", r"\1", words)


def field_value(response, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', response.content.decode())
    return unescape(match.group(1)) if match else None


def field_error(response, field_id="drugs-field"):
    html = response.content.decode()
    tag = re.search(rf'<input id="{field_id}"[^>]*>', html).group(0)
    return 'aria-invalid="true"' in tag and "-error" in tag


def test_empty_form(client):
    response = get(client)
    assert response.status_code == 200
    page = text(response)
    assert "Check your medicines together" in page
    assert "How it works" in page
    assert "Your result" not in page
    assert 'name="drugs"' in response.content.decode()
    assert 'name="recently_stopped"' in response.content.decode()
    # Without JavaScript the form lands on the result (#result), not the top of the page.
    assert 'action="/check/#result" method="get"' in response.content.decode()


def test_submitting_nothing_asks_for_a_name(client):
    response = get(client, "?drugs=")
    assert response.status_code == 200
    assert "Enter at least one medicine name." in text(response)
    assert field_error(response)
    assert "Your result" not in text(response)


def test_blank_names_are_empty_too(client):
    response = get(client, "?drugs=%20,%20,,")
    assert response.status_code == 200
    assert "Enter at least one medicine name." in text(response)


def test_a_pair_shows_the_finding_with_everything_a_patient_needs(client, library):
    response = get(client, "?drugs=Zoloft,Ultram")
    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()
    assert "Highest risk found" in page
    assert "Serious — talk to your prescriber before taking these together" in page
    assert "avoid unless your doctor" not in page
    assert "Serotonin syndrome" in page
    assert "Between: sertraline (in Zoloft) and tramadol (in Ultram)" in page
    for heading in (
        "What to do",
        "Warning signs",
        "Get emergency help if…",
        "Guides that explain this",
        "Sources",
    ):
        assert heading in page, heading
    assert re.search(r'href="/articles/[a-z0-9-]+/"', html.split('class="risks"')[1])
    assert 'href="https://' in html.split('class="risks"')[1]
    assert "Questions to ask your pharmacist" in page
    assert NO_FINDING not in page
    # what was checked: brand -> ingredient, linked to the drug page
    assert re.search(r"Zoloft\s*→.*sertraline", page)
    assert 'href="/drugs/sertraline/"' in html
    # the input stays in the field
    assert field_value(response, "drugs") == "Zoloft,Ultram"


def test_severity_has_words_and_an_icon_never_colour_alone(client):
    html = get(client, "?drugs=Zoloft,Ultram").content.decode()
    for badge in re.findall(
        r'<span class="severity severity-[a-z]+">.*?</span></span>', html, flags=re.S
    ):
        assert '<svg class="severity-icon" aria-hidden="true"' in badge
        assert re.search(r'<span class="severity-words">[A-Z][^<]+</span>', badge)


def test_three_medicines_and_a_cumulative_finding_names_every_contributor(client):
    response = get(client, "?drugs=oxycodone,Xanax,gabapentin,zolpidem")
    page = text(response)
    assert "Combined risk of 4 medicines" in page
    assert re.search(
        r"Each of these adds to the risk: alprazolam \(in Xanax\), gabapentin, oxycodone and zolpidem",
        page,
    )
    assert 'class="finding finding-major finding-cumulative"' in response.content.decode()


def test_risk_sections_come_worst_first(client):
    html = get(client, "?drugs=tramadl,sertrlne,hydrocodon,zolpidum,Ambien").content.decode()
    groups = re.findall(r'<section class="risk risk-([a-z]+)"', html)
    order = ["contraindicated", "major", "moderate", "minor"]
    assert groups == sorted(groups, key=order.index)
    assert len(set(groups)) >= 2


def test_misspellings_show_what_we_understood(client):
    page = text(get(client, "?drugs=zolof,tramadl"))
    assert "(you typed ‘zolof’)" in page
    assert "(you typed ‘tramadl’)" in page


def test_no_finding_sentence_is_exact(client):
    response = get(client, "?drugs=oxycodone,acetaminophen")
    page = text(response)
    assert NO_FINDING in page
    assert "Highest risk found" not in page
    assert "safe" not in page.lower().replace("safer", "")


def test_one_medicine_asks_for_another(client):
    page = text(get(client, "?drugs=Zoloft"))
    assert "A medicine cannot interact with itself here" in page
    assert NO_FINDING not in page


def test_unknown_names_are_listed_apart_with_suggestions(client):
    response = get(client, "?drugs=Zoloft,qqqzoloft,xyzzy,tramadol")
    page = text(response)
    html = response.content.decode()
    assert "Not checked" in page
    assert "2 names not checked" in page
    assert "We couldn’t find ‘xyzzy’." in page
    assert "We couldn’t find ‘qqqzoloft’. Did you mean Zoloft?" in page
    # the suggestion link re-runs the check with the name replaced
    assert 'href="/check/?drugs=Zoloft,Zoloft,xyzzy,tramadol"' in html
    not_checked = html.split('class="not-checked"')[1].split("</section>")[0]
    assert "xyzzy" in not_checked and "qqqzoloft" in not_checked
    checked = html.split('id="checked-heading"')[1].split("</section>")[0]
    assert "xyzzy" not in checked and "qqqzoloft" not in checked


def test_only_unknown_names_checks_nothing(client):
    page = text(get(client, "?drugs=xyzzy,plugh"))
    assert "Nothing was checked" in page
    assert NO_FINDING not in page
    assert "We couldn’t find ‘xyzzy’." in page


def test_recognised_but_not_covered_is_said_honestly(client):
    page = text(get(client, "?drugs=metformin,Zoloft"))
    assert "We recognise metformin but do not check it yet." in page
    assert "1 name not checked" in page
    # Both were entered: the headline does not ask for another medicine, and does not let
    # "no interaction" be read into it.
    assert "Only one medicine checked" in page and "A medicine cannot interact" not in page
    assert "We recognise metformin, but this checker does not cover it yet" in page
    assert "This is not a sign that they mix well: ask your pharmacist." in page


def test_a_note_that_already_sends_to_the_pharmacist_is_not_followed_by_it_again(client):
    html = get(client, "?drugs=Abilify,Zoloft").content.decode()
    [item] = [li.split("</li>")[0] for li in html.split("<li ") if 'data-unknown="not c' in li]
    assert "Fluoxetine and paroxetine can raise its levels." in item
    assert item.count("pharmacist") == 1
    html = get(client, "?drugs=metformin,Zoloft").content.decode()  # a note without it
    [item] = [li.split("</li>")[0] for li in html.split("<li ") if 'data-unknown="not c' in li]
    assert "Ask your pharmacist whether it mixes with your other medicines." in item


def test_recently_stopped_medicine_still_counts(client):
    response = get(client, "?drugs=tramadol&recently_stopped=Nardil")
    page = text(response)
    assert "Do not take together" in page
    assert "You stopped phenelzine recently" in page
    assert "Stopped in the last 5 weeks:" in page
    assert "(stopped recently)" in page
    assert "How long after my last dose does the medicine I stopped still count?" in page
    assert field_value(response, "recently_stopped") == "Nardil"


def test_duplicate_ingredient(client):
    page = text(get(client, "?drugs=Percocet,Tylenol"))
    assert "Too much acetaminophen" in page
    assert "Medicine involved: acetaminophen (in Percocet, Tylenol)" in page


def test_at_most_25_medicines(client):
    names = ",".join(f"medicine{n}" for n in range(26))
    response = get(client, "?drugs=" + names)
    assert response.status_code == 200
    assert "Enter at most 25 medicines." in text(response)
    assert field_error(response)
    assert field_value(response, "drugs") == names
    assert "Your result" not in text(response)


def test_25_medicines_are_fine(client):
    names = ",".join(["Zoloft", "Ultram"] + [f"medicine{n}" for n in range(23)])
    response = get(client, "?drugs=" + names)
    assert "Your result" in text(response)


def test_a_name_over_100_characters(client):
    response = get(client, "?drugs=Zoloft," + "a" * 101)
    assert response.status_code == 200
    assert "Each medicine name must be 100 characters or fewer." in text(response)
    assert field_error(response)
    assert field_value(response, "drugs") == "Zoloft," + "a" * 101


def test_too_many_recently_stopped(client):
    response = get(client, "?drugs=Zoloft&recently_stopped=" + ",".join(f"m{n}" for n in range(26)))
    assert response.status_code == 200
    assert field_error(response, "stopped-field")


@pytest.mark.parametrize(
    "raw", ["Zoloft%00,Ultram", "Zoloft%07", "Zo%1Bloft,Ultram", "%C3%28", "\u202e%EF%BF%BF"]
)
def test_control_characters_get_a_friendly_message(client, raw):
    response = get(client, "?drugs=" + raw)
    assert response.status_code == 200
    assert "We could not read that list. Type the names again, separated by commas." in text(
        response
    )
    value = field_value(response, "drugs")
    assert value is not None and all(ch.isprintable() for ch in value)


def test_control_character_input_is_kept_without_the_invisible_character(client):
    response = get(client, "?drugs=Zoloft%00,Ultram")
    assert field_value(response, "drugs") == "Zoloft,Ultram"


def test_only_recently_stopped_asks_for_a_current_medicine(client):
    response = get(client, "?recently_stopped=Nardil")
    assert "Enter at least one medicine name." in text(response)


def test_strange_query_strings_never_fail(client):
    for query in [
        "?drugs=a&drugs=b",
        "?drugs[]=x",
        "?drugs=%",
        "?recently_stopped=",
        "?drugs=" + "x," * 5000,
    ]:
        response = get(client, query)
        assert response.status_code == 200, query


def test_post_is_not_allowed(client):
    assert client.post(reverse("interactions:check"), {"drugs": "Zoloft"}).status_code == 405
    assert client.head(reverse("interactions:check")).status_code == 200


def test_result_page_is_not_indexed_and_has_one_h1(client):
    html = get(client, "?drugs=Zoloft,Ultram").content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert "<title>Your medicine check" in html
    # the title never carries the names (it ends up in history, tabs and screen shares)
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert "Zoloft" not in title


def test_print_view_has_date_address_and_questions(client, settings):
    settings.SITE_URL = "https://beforeyoumix.example"
    html = get(client, "?drugs=Zoloft,Ultram,Xanax").content.decode()
    header = html.split('class="print-only print-header"')[1].split("</div>")[0]
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', header)
    assert "https://beforeyoumix.example/check/?drugs=Zoloft,Ultram,Xanax" in header
    assert "Questions to ask your pharmacist" in html
    assert "data-print" in html and "data-copy-link" in html
    # print and copy buttons need JavaScript: hidden until checker.js shows them
    assert re.search(r"<div class=\"result-actions no-print\" data-result-actions hidden>", html)


def test_the_printed_date_is_the_day_of_the_check(client, monkeypatch):
    """The date is formatted once a day, not once per check: the next day's sheet and
    wallet card still carry the next day's date."""
    import datetime

    from interactions.templatetags import checker

    for day, long, short in [
        (datetime.date(2026, 12, 1), "December 1, 2026", "Dec 1, 2026"),
        (datetime.date(2026, 12, 2), "December 2, 2026", "Dec 2, 2026"),
    ]:
        monkeypatch.setattr(checker.timezone, "localdate", lambda day=day: day)
        html = get(client, "?drugs=Zoloft,Ultram").content.decode()
        header = html.split('class="print-only print-header"')[1].split("</div>")[0]
        assert f'<time datetime="{day.isoformat()}">{long}</time>' in header
        assert f"({short})" in html.split('class="print-only wallet-card"')[1]


def test_home_page_has_the_checker_form(client):
    html = client.get(reverse("home")).content.decode()
    assert 'action="/check/#result" method="get"' in html
    assert "hx-get" not in html  # the home form simply opens the checker
    assert 'src="/static/js/checker.js"' in html


def test_links_in_the_header_use_the_checker_urls(client):
    html = get(client).content.decode()
    assert '<a href="/check/" aria-current="page">Check medicines</a>' in html
    assert '<a href="/drugs/" >Medicines A–Z</a>' in html or 'href="/drugs/"' in html


# --------------------------------------------------------------------------- typed lists (issue 9)

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/check/"}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
@pytest.mark.parametrize(
    ("drugs", "read", "severity"),
    [
        (
            "phenelzine and prozac",
            "We read this as 2 medicines: phenelzine and fluoxetine (Prozac).",
            "Do not take together",
        ),
        (
            "zoloft tramadol",
            "We read this as 2 medicines: sertraline (Zoloft) and tramadol.",
            "Serious",
        ),
        (
            "xanax and oxycontin",
            "We read this as 2 medicines: alprazolam (Xanax) and oxycodone (OxyContin).",
            "Serious",
        ),
        (
            "Tylenol with Codeine, zoloft/tramadol",
            (
                "We read this as 3 medicines: Tylenol with Codeine (codeine + acetaminophen), "
                "sertraline (Zoloft) and tramadol."
            ),
            "Serious",
        ),
    ],
)
def test_a_typed_list_is_split_and_the_reading_is_shown(client, drugs, read, severity, headers):
    from urllib.parse import quote

    response = get(client, "?drugs=" + quote(drugs), **headers)
    assert response.status_code == 200
    page = text(response)
    assert read in page
    assert severity in page
    assert NO_FINDING not in page


def test_naltrexone_low_dose_is_read_from_the_dose(client):
    page = text(get(client, "?drugs=naltrexone%204.5mg,oxycodone"))
    assert "We read this as 2 medicines: low-dose naltrexone and oxycodone." in page
    page = text(get(client, "?drugs=naltrexone%2050%20mg,oxycodone"))
    assert "We read this as 2 medicines: naltrexone and oxycodone." in page


def test_the_share_link_keeps_one_name_per_medicine(client):
    response = get(client, "?drugs=phenelzine%20and%20prozac")
    assert "/check/?drugs=phenelzine,prozac" in response.content.decode()


# --------------------------------------------------------------------------- results (issue 12)


def test_the_api_and_the_page_say_serious_in_clinical_words(client):
    from interactions import wording

    words = "Serious — talk to your prescriber before taking these together"
    assert wording.SEVERITY_LABELS["major"] == words
    data = client.get("/api/v1/interactions?drugs=Zoloft,Ultram").json()
    assert data["findings"][0]["severity_label"] == words
    assert words in text(get(client, "?drugs=Zoloft,Ultram"))


def test_the_summary_names_each_risk_with_its_medicines(client):
    page = text(get(client, "?drugs=citalopram,ondansetron,methadone"))
    assert "Heart rhythm: citalopram, ondansetron, methadone" in page
    assert "Serotonin syndrome: citalopram, ondansetron, methadone" in page
    assert "What to do now:" in page
    assert page.count("Warning signs") == 1
    assert page.count("Get emergency help if…") == 1


def test_the_action_ladder_is_on_serious_and_moderate_results_only(client):
    ladder = "Mild signs: Call your prescriber, your pharmacist or a nurse line today."
    assert ladder in text(get(client, "?drugs=Zoloft,Ultram"))
    assert ladder not in text(get(client, "?drugs=Zoloft,Tylenol"))
    assert 'href="tel:911"' in get(client, "?drugs=Zoloft,Ultram").content.decode()


def test_nothing_checked_offers_no_print_or_copy(client):
    response = get(client, "?drugs=blorbex")
    page, html = text(response), response.content.decode()
    assert "Nothing was checked" in page
    assert "Check the spelling on the box" in page
    assert "suggestions below" not in page
    assert "data-print" not in html and "data-copy-link" not in html


def test_an_ldn_result_always_says_it_blocks_opioid_pain_relief(client, library):
    response = get(client, "?drugs=LDN,sertraline")
    page, html = text(response), response.content.decode()
    assert NO_FINDING in page
    assert "Low-dose naltrexone blocks opioid pain relief" in page
    assert 'href="/articles/low-dose-naltrexone-and-antidepressants/"' in html
    data = client.get("/api/v1/interactions?drugs=LDN,sertraline").json()
    assert [note["id"] for note in data["advice"]] == ["ldn-opioids"]


def test_a_result_without_findings_still_links_guides_for_its_medicines(client, library):
    html = get(client, "?drugs=Zoloft,Tylenol").content.decode()
    guides = html.split('id="medicine-guides-heading"')[1].split("</section>")[0]
    assert re.search(r'href="/articles/[a-z0-9-]+/"', guides)


def test_the_service_returns_typed_results_the_api_renders():
    from interactions import services

    result = services.check(["citalopram", "ondansetron", "methadone"])
    assert isinstance(result, services.CheckResult)
    assert all(isinstance(f, services.FindingResult) for f in result.findings)
    assert len(result.risks) == 1 and len(result.risks[0].findings) == len(result.findings)
    data = result.as_json()
    assert data["highest_severity"] == "major"
    assert {"resolved", "unresolved", "findings", "coverage_note", "advice", "read_as"} <= set(data)


def test_the_printed_address_comes_from_site_url(client, settings):
    settings.SITE_URL = "https://beforeyoumix.example"
    html = get(client, "?drugs=Zoloft,Ultram").content.decode()
    assert "Printed from https://beforeyoumix.example." in html
    settings.SITE_URL = ""  # development: the request's own address
    html = get(client, "?drugs=Zoloft,Ultram").content.decode()
    assert "Printed from http://testserver." in html


def what_to_do_now(client, drugs: str) -> str:
    """The result's first step, as read on the page."""
    return text(get(client, "?" + f"drugs={drugs}")).split("What to do now:", 1)[1][:300]


# An opioid, or a street supply that may hold fentanyl (the last three).
@pytest.mark.parametrize(
    "drugs",
    ["heroin, coke", "fentanyl and meth", "xanax + heroin",
     "ketamine, tramadol", "etizolam and alcohol", "molly + prozac"],
)  # fmt: skip
def test_a_street_drug_result_starts_with_harm_reduction_not_the_prescriber(client, drugs):
    now = what_to_do_now(client, drugs)
    assert now.startswith(" Never use alone, keep naloxone (Narcan) with you"), now
    assert "Do not stop a prescribed medicine on your own" in now


def test_a_prescribed_result_keeps_the_prescriber_first_step(client):
    now = what_to_do_now(client, "xanax, oxycodone")
    assert now.startswith(" Talk to your prescriber or pharmacist"), now


# A medicine typed by its street name was bought on the street: whatever the pill claims
# to be, it may hold fentanyl ("blues" and "M30s" are read as fentanyl).
@pytest.mark.parametrize(
    "drugs",
    ["fent and xanax", "percs and bars", "blues, klonopin", "M30s + alcohol",
     "lean and xanax", "roxies and valium", "xanax bars, oxycodone"],
)  # fmt: skip
def test_a_medicine_typed_by_its_street_name_gets_the_harm_reduction_step(client, drugs):
    now = what_to_do_now(client, drugs)
    assert now.startswith(" Never use alone, keep naloxone (Narcan) with you"), now


@pytest.mark.parametrize(
    "drugs", ["fentanyl and xanax", "Percocet and Xanax", "oxy and valium", "Adderall, tramadol"]
)
def test_the_same_medicines_by_their_own_names_keep_the_prescriber_step(client, drugs):
    now = what_to_do_now(client, drugs)
    assert now.startswith(" Talk to your prescriber or pharmacist"), now


@pytest.mark.parametrize("drugs", ["Klonopin, vodka", "ambien and wine", "weed and xanax"])
def test_a_drink_or_cannabis_is_not_a_street_drug_for_the_first_step(client, drugs):
    # Naloxone and fentanyl test strips do not fit someone who drinks with their Klonopin.
    now = what_to_do_now(client, drugs)
    assert now.startswith((" Talk to your prescriber", " Ask your pharmacist")), now


@pytest.mark.parametrize("drugs", ["shrooms, lithium", "ghb and alcohol", "ketamine, xanax"])
def test_street_drugs_without_an_opioid_or_a_fentanyl_supply_get_no_naloxone_step(client, drugs):
    now = what_to_do_now(client, drugs)
    assert now.startswith(" Never use alone: make sure someone with you knows what you took"), now
    assert "naloxone" not in now and "test strips" not in now
    assert "Do not stop a prescribed medicine on your own" in now
