"""The sent log: which deliveries a channel has accepted, by idempotency key.

A worker writes the key here the moment the mail server or the webhook receiver accepts a
message (the key is also the email's Message-ID and the webhook's `Idempotency-Key`), before
it marks the row `sent` in the database. A row found `sending` after its worker died, or
after the database refused the mark, is checked here before it is sent again: a message
the channel already took is marked sent, not repeated. The log lives in the cache
(Redis in production), beside the database, so a database fault cannot lose both records.
"""

import logging
from collections.abc import Iterable

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Far longer than any lease or retry: a reclaimed row is looked up within minutes.
KEEP_SECONDS = 7 * 24 * 3600


def _key(idempotency_key: str) -> str:
    return f"notifications:sent:{idempotency_key}"


def sent_log_record(*, idempotency_key: str) -> bool:
    """Record that the channel accepted this delivery; False if the log is unreachable."""
    try:
        cache.set(_key(idempotency_key), 1, timeout=KEEP_SECONDS)
    except Exception:
        logger.warning("Sent log unreachable; %s is recorded only in the database", idempotency_key)
        return False
    return True


def sent_log_lookup(*, idempotency_keys: Iterable[str]) -> set[str] | None:
    """The keys among these that the channel accepted; None if the log cannot be read."""
    keys = list(idempotency_keys)
    if not keys:
        return set()
    try:
        found = cache.get_many([_key(key) for key in keys])
    except Exception:
        logger.warning("Sent log unreachable; %d deliveries wait to be checked", len(keys))
        return None
    return {key for key in keys if _key(key) in found}
