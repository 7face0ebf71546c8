"""Deployment checks for `manage.py check --deploy` (registered in config.apps)."""

from django.conf import settings
from django.core import checks


def shared_cache(app_configs, **kwargs):
    """Rate limits and cached pages must be shared by every worker and server."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is local memory: rate limits and cached pages are per process.",
                hint="Set REDIS_URL in production.",
                id="beforeyoumix.W001",
            )
        ]
    return []
