from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project package as an app: its error templates, checks and cache signals."""

    name = "config"
    verbose_name = "Site operations"

    def ready(self):
        from config import caching, checks  # noqa: F401 (checks register themselves)

        caching.connect_signals()
