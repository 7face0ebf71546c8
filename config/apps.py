from django.apps import AppConfig
from django.core.checks import Tags, register


class SiteConfig(AppConfig):
    """The project package as an app: its system checks and the page-cache signals."""

    name = "config"
    verbose_name = "Site operations"

    def ready(self):
        from config import checks, http

        register(checks.site_url_host_allowed, Tags.security)
        register(checks.shared_cache, Tags.caches, deploy=True)
        register(checks.admin_url, Tags.security, deploy=True)
        register(checks.site_url, Tags.security, deploy=True)
        register(checks.trusted_proxies, Tags.security, deploy=True)
        register(checks.separate_redis, Tags.caches, deploy=True)
        http.connect_signals()
