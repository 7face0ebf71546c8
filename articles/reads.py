"""A plain read counter for "most read": no cookie, no visitor data, just a number.

Reads are counted in this process and written to the database once every COUNTER_BATCH
reads of a guide, so a popular guide costs no database write per read. Counts not yet
written when a worker exits are lost (at most COUNTER_BATCH - 1 per guide and process),
which is fine for "most read". A failed write never reaches the reader.
"""

import logging
import threading

from django import db
from django.conf import settings
from django.db.models import F

from articles.models import Article

logger = logging.getLogger(__name__)
_pending: dict[str, int] = {}
_lock = threading.Lock()


def count_read(slug: str) -> None:
    """Count one read of a published guide (callers count only pages that exist)."""
    every = max(1, settings.COUNTER_BATCH)
    with _lock:
        count = _pending.get(slug, 0) + 1
        _pending[slug] = 0 if count >= every else count
    if count >= every:
        try:
            Article.objects.filter(slug=slug).update(views=F("views") + count)
        except db.Error as error:  # any failure, a closed connection (InterfaceError) too
            logger.warning("read count not saved: %s", type(error).__name__)


def forget_pending() -> None:
    """Drop counts not yet written (tests)."""
    with _lock:
        _pending.clear()
