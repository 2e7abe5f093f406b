"""Where an agency's webhook may point, and its secret.

The server itself calls the URL, so an agency admin must not be able to make it call
internal addresses (server-side request forgery): the URL must be `https` and every
address its host resolves to public. The rule runs when the URL is saved and again at
each send (DNS can change in between). `NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST`
lets `http://127.0.0.1` and `http://localhost` through for development and tests.
"""

import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def webhook_secret_new() -> str:
    return secrets.token_urlsafe(32)


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        message = _("The webhook host %(host)s does not resolve.") % {"host": host}
        raise ValidationError(message) from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def webhook_url_check(url: str) -> None:
    """Raise `ValidationError` unless the server may call `url` (see the module doc)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError(_("Give a full webhook URL, such as https://example.se/hooks."))
    local_http_allowed = getattr(settings, "NOTIFICATIONS_WEBHOOK_ALLOW_HTTP_LOCALHOST", False)
    if local_http_allowed and host in LOCAL_HOSTS and parts.scheme in ("http", "https"):
        return
    if parts.scheme != "https":
        raise ValidationError(_("The webhook URL must start with https://."))
    try:
        port = parts.port or 443
    except ValueError as exc:
        raise ValidationError(_("The webhook URL has an invalid port.")) from exc
    for address in _resolve(host, port):
        if not address.is_global or address.is_multicast:
            raise ValidationError(
                _("The webhook URL must point to a public address, not %(address)s.")
                % {"address": address}
            )
