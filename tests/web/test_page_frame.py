"""The menu and footer are rendered once per role, page and language, and still fit each.

They are cached in each process (web pages' frame); what differs per user (their name, the
unread count, the forms' CSRF tokens) is never part of a cached fragment.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _page(client, user, name: str, language: str = "sv") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(reverse(name)).content.decode()


def _nav(html: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)


def test_each_role_gets_its_own_menu(client):
    specialist = _nav(_page(client, factories.SpecialistFactory().user, "web:dashboard"))
    coordinator = _nav(_page(client, factories.CoordinatorFactory(), "web:dashboard"))
    assert reverse("web:my_profile") in specialist
    assert reverse("web:approvals") not in specialist
    assert reverse("web:approvals") in coordinator
    assert reverse("web:my_profile") not in coordinator


def test_the_menu_marks_the_page_shown(client):
    user = factories.ManagerFactory()
    on_dashboard = _nav(_page(client, user, "web:dashboard"))
    on_board = _nav(_page(client, user, "web:need_list"))
    current = r'href="([^"]+)" aria-current="page"'
    assert re.findall(current, on_dashboard) == [reverse("web:dashboard")]
    assert re.findall(current, on_board) == [reverse("web:need_list")]


def test_the_menu_and_footer_speak_the_pages_language(client):
    user = factories.ManagerFactory()
    swedish = _page(client, user, "web:dashboard", "sv")
    english = _page(client, user, "web:dashboard", "en")
    assert "Översikt" in _nav(swedish) and "Overview" in _nav(english)
    assert "Tillgänglighetsredogörelse" in swedish
    assert "Accessibility statement" in english


def test_the_header_shows_each_users_own_name_and_count(client):
    first = factories.ManagerFactory(name="Första Chefen")
    second = factories.ManagerFactory(name="Andra Chefen")
    for n in range(3):
        Notification.objects.create(
            recipient=second, kind="match_proposed", title=f"N{n}", in_app_at=timezone.now()
        )
    html_first = _page(client, first, "web:dashboard")
    html_second = _page(client, second, "web:dashboard")
    assert "Första Chefen" in html_first and "Andra Chefen" not in html_first
    assert "Andra Chefen" in html_second
    assert '<span class="badge" id="unread-count">0</span>' in html_first
    assert '<span class="badge" id="unread-count">3</span>' in html_second
