import os

from tests.accounts.sso.fixtures import oidc_idp, saml_idp, sso_keys  # noqa: F401
from tests.notifications.conftest import smtp_server  # noqa: F401

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to be
# called from a thread with a running loop unless told it is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
