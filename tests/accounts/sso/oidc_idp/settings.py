"""A real OpenID Connect provider for the login tests: django-oauth-toolkit in OIDC mode.

It runs in its own process (`python -m tests.accounts.sso.oidc_idp.serve`) with its own
SQLite database, on a free port of 127.0.0.1. Nothing here is part of the product.
"""

import os
from pathlib import Path

PORT = int(os.environ["TEST_IDP_PORT"])
BASE_URL = f"http://127.0.0.1:{PORT}"

SECRET_KEY = "test-identity-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.accounts.sso.oidc_idp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["TEST_IDP_DB"]}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": f"{BASE_URL}/o",
    "OIDC_RSA_PRIVATE_KEY": Path(os.environ["TEST_IDP_KEY_FILE"]).read_text(),
    "OAUTH2_VALIDATOR_CLASS": "tests.accounts.sso.oidc_idp.views.ClaimsValidator",
    "SCOPES": {"openid": "OpenID Connect", "email": "Email", "profile": "Profile"},
    "PKCE_REQUIRED": True,
}
CONTROL_TOKEN = os.environ["TEST_IDP_CONTROL_TOKEN"]
