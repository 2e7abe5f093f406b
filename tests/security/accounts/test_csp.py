import re
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
# The report file for download inlines its CSS on purpose: it is opened offline, never served.
OFFLINE_DOCUMENTS = {"summary_document.html"}
WEB_TEMPLATES = [
    path
    for folder in (ROOT / "marketplace" / "templates", ROOT / "accounts" / "templates")
    for path in sorted(folder.rglob("*.html"))
    if path.name not in OFFLINE_DOCUMENTS
]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def _assert_strict(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_login_page_has_a_strict_policy(client):
    _assert_strict(client.get("/login/"))


@pytest.mark.parametrize(
    "path", ["/", "/needs/", "/specialists/", "/notifications/", "/account/security/"]
)
def test_pages_of_a_logged_in_user_have_a_strict_policy(client, path):
    client.force_login(factories.ManagerFactory())

    _assert_strict(client.get(path))


def test_the_404_and_403_pages_have_a_strict_policy(client):
    client.force_login(factories.ManagerFactory())

    _assert_strict(client.get("/needs/999999/"))
    _assert_strict(client.get("/approvals/"))


def test_api_answers_have_a_strict_policy(client_for):
    _assert_strict(client_for(factories.UserFactory()).get("/api/v1/me/"))


def test_the_django_admin_has_a_strict_policy(client):
    client.force_login(factories.AdminFactory())

    _assert_strict(client.get("/admin/"))


def test_the_api_docs_allow_only_their_own_inline_blocks_by_hash(client):
    response = client.get("/api/v1/docs/")

    policy = _policy(response)
    assert "'self'" in policy["script-src"]
    assert any(source.startswith("'sha256-") for source in policy["script-src"])
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_event_handler(template):
    text = template.read_text(encoding="utf-8")

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert "javascript:" not in text


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    body = client.get("/login/").content.decode()

    assert '"includeIndicatorStyles": false' in body
