"""Secrets of identity providers, encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

Keys come from settings.SSO_SECRET_KEYS (the first encrypts, every one decrypts, so a key
can be rotated); by default the one key is derived from SECRET_KEY.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "SSO_SECRET_KEYS", None) or [settings.SECRET_KEY])
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"sso:{key}".encode()).digest()))
            for key in keys
        ]
    )


def secret_encrypt(plain: str) -> str:
    """`plain` encrypted for storage; an empty secret stays empty."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode("ascii")


def secret_decrypt(stored: str) -> str:
    """The secret held by `stored`; empty when nothing is stored or no key opens it."""
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return ""
