from tests.accounts.sso.fixtures import oidc_idp, saml_idp, sso, sso_keys  # noqa: F401
