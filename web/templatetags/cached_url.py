"""Django's {% url %} tag, remembering what it reversed.

The url tag calls reverse() on every render, about 10-25 µs each, and a checker result has
about 25 of them (navigation, the form, each medicine's drug page), a fifth of the page's
template time. A reversed address depends only on the view name, its arguments, the
current app, the URLconf and the script prefix, none of which change while a process runs,
so each is kept (least recently used out). Installed for every template as a builtin
(settings.TEMPLATES), it replaces Django's tag of the same name and behaves the same,
`as var` and NoReverseMatch included.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

from web.reversing import cached_reverse

register = template.Library()


class CachedURLNode(URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            try:
                url = cached_reverse(
                    view_name, args, kwargs, current_app, get_urlconf(), get_script_prefix()
                )
            except TypeError:  # an argument that cannot be a key: reverse as Django does
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
