import io
import logging

import pytest

from web.logs import JSONFormatter, RedactRequestFilter


@pytest.fixture
def log_lines():
    """Every line the site logs during the test, as the production handler writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RedactRequestFilter())
    # The root logger, and the loggers settings.LOGGING keeps from propagating to it.
    names = ["", "django.request", "django.server", "axes"]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)

    def lines():
        return [line for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    for logger in loggers:
        logger.removeHandler(handler)
