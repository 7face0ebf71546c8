"""The Jinja2 environment for the checker's result (settings.TEMPLATES, the "jinja2" engine).

Every page of the site is a Django template except the result of a check: it is rendered
anew for every list a person sends (templates/jinja2/interactions/), and Jinja2, which
compiles a template to Python, renders it several times faster than Django's engine
(docs/BENCHMARKS.md). The page around it stays a Django template (check.html, which calls
the result_html tag). Autoescaping is on, as in Django: the helpers below return
already-safe HTML (SafeString, which Jinja2 reads through __html__).
"""

from django.template.defaultfilters import pluralize
from jinja2 import Environment

from interactions.templatetags import checker
from medicines.engine import join_names
from web.reversing import url_for


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(
        severity_badge=checker.severity_badge,
        medicine_html=checker.medicine_html,
        finding_html=checker.finding_html,
        findings_html=checker.findings_html,
        medicine_rows=checker.medicine_rows,
        sources_items=checker.sources_items,
        guide_items=checker.guide_items,
        ladder_items=checker.ladder_items,
        url_for=url_for,
    )
    env.filters.update(
        pluralize=pluralize,
        severity_words=checker.severity_words,
        fold_after=checker.fold_after,
        list_items=checker.list_items,
        short_title=checker.short_title,
        join_names=join_names,
    )
    return env
