"""Rendering findings once.

A finding's HTML depends only on the finding itself, and the same pairs come up for many
people (sertraline with tramadol, say), so each process keeps the HTML of recent findings.
The key is the whole finding, so a different medicine list, a stopped medicine or a new
knowledge version can never be served someone else's text. Nothing leaves the process.
"""

import json
import threading
from collections import OrderedDict

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()

FINDING_TEMPLATE = "interactions/_finding.html"
MAX_ENTRIES = 2048
_rendered: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


@register.simple_tag
def render_finding(finding):
    key = json.dumps(finding, sort_keys=True, default=str)
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = mark_safe(get_template(FINDING_TEMPLATE).render({"finding": finding}))
    with _lock:
        _rendered[key] = html
        while len(_rendered) > MAX_ENTRIES:
            _rendered.popitem(last=False)
    return html
