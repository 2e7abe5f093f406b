"""What the mail server recorded: the Message-IDs in its log.

A delivery found `sending` after its worker died, and missing from the sent log (the
worker died after the server accepted the message but before it wrote the log), is looked
up here before it is sent again. The relay's log (`NOTIFICATIONS_MAIL_LOG_FILE`, Postfix's
`mail.log` format: `... message-id=<key@notifications.delad-kompetens>`) must be readable
by the worker running the sweep; without it only the sent log is consulted.
"""

import logging
import os
import re
from collections.abc import Iterable

from django.conf import settings

logger = logging.getLogger(__name__)

MESSAGE_ID = re.compile(rb"message-id=<([^>@]+)@notifications\.delad-kompetens>", re.IGNORECASE)
# A stale delivery is minutes old: the log's tail holds it.
TAIL_BYTES = 64 * 1024 * 1024


def mail_log_accepted(*, idempotency_keys: Iterable[str]) -> set[str]:
    """The keys among these whose message the mail server logged as received."""
    wanted = set(idempotency_keys)
    path = getattr(settings, "NOTIFICATIONS_MAIL_LOG_FILE", "")
    if not wanted or not path:
        return set()
    try:
        with open(path, "rb") as log:
            log.seek(max(os.fstat(log.fileno()).st_size - TAIL_BYTES, 0))
            text = log.read()
    except OSError:
        logger.warning("Mail log %s unreadable; only the sent log is consulted", path)
        return set()
    return {key.decode() for key in MESSAGE_ID.findall(text)} & wanted
