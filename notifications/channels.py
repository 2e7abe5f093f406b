"""The two channels that leave the machine: email and agency webhooks.

Each function sends one message or raises: `AddressBounced` when the mail server refuses
the recipient for good, `DeliveryError` for anything worth trying again later.
"""

import contextlib
import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from accounts.webhooks import webhook_url_check

SIGNATURE_HEADER = "X-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class DeliveryError(Exception):
    """A temporary failure: the delivery is retried with backoff."""


class Undeliverable(Exception):
    """The message can never be delivered as addressed (a webhook URL the rules refuse)."""


class AddressBounced(Exception):
    """The mail server refused the message for good: a 5xx reply to MAIL, RCPT or DATA."""


def email_send(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    idempotency_key: str,
    connection: BaseEmailBackend | None = None,
) -> None:
    """Send one message; with a `connection`, reuse its session (opened here if closed)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
        headers={
            # A stable Message-ID lets mail systems drop a repeat of the same delivery.
            "Message-ID": f"<{idempotency_key}@notifications.delad-kompetens>",
            IDEMPOTENCY_HEADER: idempotency_key,
        },
    )
    message.attach_alternative(html, "text/html")
    try:
        if connection is not None:
            # Opened here, the session outlives this message (send() would close its own).
            connection.open()
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        _close(connection)
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(_permanent(code) for code in codes):
            raise AddressBounced(_describe(exc)) from exc
        raise DeliveryError(_describe(exc)) from exc
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        # A 5xx to MAIL FROM or to the message itself refuses this message for good; a 4xx
        # (and a refused connection or login, which says nothing of the address) is retried.
        _close(connection)
        if _permanent(exc.smtp_code):
            raise AddressBounced(_describe(exc)) from exc
        raise DeliveryError(_describe(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        _close(connection)
        raise DeliveryError(_describe(exc)) from exc


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def _close(connection: BaseEmailBackend | None) -> None:
    # After an error the session's state is unknown; the next message opens a fresh one.
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.close()


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead past the address check to an internal host: not followed.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


def webhook_sign(*, secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the exact request body with the agency's secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_body(*, payload: dict[str, Any], idempotency_key: str, timestamp: int) -> bytes:
    # The timestamp sits inside the signed body, so a receiver can refuse old replays.
    document = {"id": idempotency_key, "timestamp": timestamp, **payload}
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def webhook_post(
    *, url: str, secret: str, body: bytes, idempotency_key: str, timeout: float
) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "delad-kompetens-webhooks/1",
            SIGNATURE_HEADER: webhook_sign(secret=secret, body=body),
            IDEMPOTENCY_HEADER: idempotency_key,
        },
    )
    try:
        webhook_url_check(url)
    except ValidationError as exc:
        raise Undeliverable("; ".join(exc.messages)) from exc
    try:
        with _NO_REDIRECTS.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc} ({url})") from exc


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
