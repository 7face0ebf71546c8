from django.apps import AppConfig
from django.core.checks import Tags, register


class WebConfig(AppConfig):
    """The site-wide web layer: how each view declares its HTTP policy (web.http,
    web.ratelimits), the few middleware that apply to every answer, logging, the system
    checks and the site's own pages (home, robots.txt, healthz, errors). config/ holds only
    settings, URLs and the servers' entry points."""

    name = "web"
    verbose_name = "Site web layer"

    def ready(self):
        from web import checks, http

        register(checks.site_url_host_allowed, Tags.security)
        register(checks.shared_cache, Tags.caches, deploy=True)
        register(checks.admin_url, Tags.security, deploy=True)
        register(checks.site_url, Tags.security, deploy=True)
        register(checks.trusted_proxies, Tags.security, deploy=True)
        register(checks.separate_redis, Tags.caches, deploy=True)
        http.connect_signals()
