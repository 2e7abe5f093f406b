"""A real SAML 2.0 identity provider for the login tests: pysaml2's IdP as a small WSGI app.

It serves its metadata, takes AuthnRequests by the HTTP-Redirect binding, shows a login
form, and answers with a signed assertion by the HTTP-POST binding (an auto-submitting
form, as a browser would receive it). A person's AuthnContextClassRef is REFEDS MFA when
they were created with `mfa`, else PasswordProtectedTransport. Nothing here is part of
the product.
"""

import html
import re
import secrets
import shutil
import threading
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import saml2
from saml2 import saml
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

MFA_CONTEXT = "https://refeds.org/profile/mfa"
PASSWORD_CONTEXT = saml.AUTHN_PASSWORD_PROTECTED


@dataclass
class IdpUser:
    email: str
    password: str
    name: str
    groups: list[str] = field(default_factory=list)
    mfa: bool = False


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class SamlIdentityProvider:
    """pysaml2's `Server` behind three pages: /metadata, /sso/redirect and /login."""

    def __init__(self, *, key_file: str, cert_file: str, impersonates: str = "") -> None:
        """`impersonates`: another IdP's SSO URL this one answers requests for too (an
        attacker's IdP, for the tests that the product refuses it)."""
        self._httpd = make_server(
            "127.0.0.1", 0, self, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.base_url = f"http://127.0.0.1:{self._httpd.server_port}"
        self.entity_id = f"{self.base_url}/metadata"
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": key_file,
                "cert_file": cert_file,
                "service": {
                    "idp": {
                        "name": "Test IdP",
                        "endpoints": {
                            "single_sign_on_service": [
                                (url, saml2.BINDING_HTTP_REDIRECT)
                                for url in (f"{self.base_url}/sso/redirect", impersonates)
                                if url
                            ]
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "want_authn_requests_signed": False,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 15},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
                "metadata": {},
            }
        )
        self.config = config
        self.server = Server(config=config)
        self.users: dict[str, IdpUser] = {}
        self._pending: dict[str, tuple[object, str]] = {}
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # Test set-up -------------------------------------------------------------------------

    def start(self) -> "SamlIdentityProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def add_user(self, user: IdpUser) -> None:
        self.users[user.email] = user

    def trust_service_provider(self, metadata_xml: str) -> None:
        """Load an SP's metadata (its entity id and assertion consumer service)."""
        self.server.metadata.load("inline", metadata_xml)

    # WSGI ----------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        path = environ["PATH_INFO"]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if path == "/metadata":
            body = str(entity_descriptor(self.config)).encode()
            return self._answer(start_response, body, "application/samlmetadata+xml")
        if path == "/sso/redirect":
            return self._login_form(start_response, query)
        if path == "/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode())
            return self._login(start_response, {k: v[0] for k, v in form.items()})
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    @staticmethod
    def _answer(start_response, body: bytes, content_type: str = "text/html") -> list[bytes]:
        start_response("200 OK", [("Content-Type", f"{content_type}; charset=utf-8")])
        return [body]

    def _login_form(self, start_response, query: dict[str, list[str]]) -> list[bytes]:
        request = self.server.parse_authn_request(
            query["SAMLRequest"][0], saml2.BINDING_HTTP_REDIRECT
        )
        key = secrets.token_urlsafe(16)
        self._pending[key] = (request, query.get("RelayState", [""])[0])
        body = (
            '<!doctype html><title>Test IdP</title><form method="post" action="/login">'
            f'<input type="hidden" name="key" value="{key}">'
            '<input name="username"><input name="password" type="password">'
            "<button>Log in</button></form>"
        )
        return self._answer(start_response, body.encode())

    def _login(self, start_response, form: dict[str, str]) -> list[bytes]:
        request, relay_state = self._pending.pop(form.get("key", ""), (None, ""))
        user = self.users.get(form.get("username", ""))
        if request is None or user is None or user.password != form.get("password"):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"wrong password"]
        arguments = self.server.response_args(request.message)
        response = self.server.create_authn_response(
            identity={
                "mail": [user.email],
                "displayName": [user.name],
                "isMemberOf": list(user.groups),
            },
            userid=user.email,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=user.email),
            authn={
                "class_ref": MFA_CONTEXT if user.mfa else PASSWORD_CONTEXT,
                "authn_auth": self.entity_id,
            },
            sign_assertion=True,
            sign_response=False,
            **arguments,
        )
        http_args = self.server.apply_binding(
            saml2.BINDING_HTTP_POST,
            str(response),
            arguments["destination"],
            relay_state,
            response=True,
        )
        return self._answer(start_response, http_args["data"].encode())


def posted_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the auto-submitting form an IdP answers with."""
    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
    }
    return action, fields
