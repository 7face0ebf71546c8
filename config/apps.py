from django.apps import AppConfig
from django.core.checks import Tags, register


class SiteConfig(AppConfig):
    """The project package as an app: its deploy checks and the page-cache signals."""

    name = "config"
    verbose_name = "Site operations"

    def ready(self):
        from config import checks, http

        register(checks.shared_cache, Tags.caches, deploy=True)
        http.connect_signals()
