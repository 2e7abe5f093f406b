"""Single sign-on through each agency's own identity provider (OpenID Connect or SAML 2.0).

`policy` holds the rules every login follows whatever the protocol (who may log in, who
is created, which role, whether the provider's second factor counts); `oidc` and `saml`
only turn a protocol's answer into an `SsoIdentity` and hand it to `policy`.
"""
