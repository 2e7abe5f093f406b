"""The reader's language: saved on the account, chosen by the browser until then, kept
across sessions and devices; the API speaks `Accept-Language`, else the saved language."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from marketplace.models import Match, MatchStatus
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _login(client: Client, email: str) -> None:
    response = client.post(reverse("web:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_an_english_browser_reads_english_after_login_and_the_choice_is_saved():
    user = factories.ManagerFactory()
    assert user.language == ""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in browser.get(reverse("web:login")).content.decode()

    _login(browser, user.email)

    assert '<html lang="en">' in browser.get(reverse("web:dashboard")).content.decode()
    user.refresh_from_db()
    assert user.language == "en"


def test_a_switch_to_english_lasts_into_the_next_session_on_another_device():
    user = factories.ManagerFactory(language="sv")
    first = Client(HTTP_ACCEPT_LANGUAGE="sv")
    _login(first, user.email)
    first.post(reverse("web:set_language"), {"language": "en", "next": "/needs/"})
    first.post(reverse("web:logout"))

    other_device = Client(HTTP_ACCEPT_LANGUAGE="sv")
    _login(other_device, user.email)

    assert '<html lang="en">' in other_device.get(reverse("web:dashboard")).content.decode()
    user.refresh_from_db()
    assert user.language == "en"


def test_the_saved_language_wins_over_an_old_cookie_of_the_device():
    user = factories.ManagerFactory(language="en")
    browser = Client(HTTP_ACCEPT_LANGUAGE="sv")
    browser.cookies["django_language"] = "sv"
    browser.force_login(user)

    assert '<html lang="en">' in browser.get(reverse("web:dashboard")).content.decode()


def test_switching_language_comes_back_to_the_same_page(web_client_for, borrowing_manager):
    client = web_client_for(borrowing_manager)

    response = client.post(
        reverse("web:set_language"), {"language": "en", "next": "/needs/new/?x=1"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/needs/new/?x=1"
    assert '<html lang="en">' in client.get("/needs/new/").content.decode()


def test_every_page_loads_the_script_that_keeps_typed_input_across_a_switch(
    web_client_for, borrowing_manager
):
    page = web_client_for(borrowing_manager).get(reverse("web:need_create")).content.decode()

    assert "marketplace/keep-input" in page


@pytest.fixture
def declined_match(proposed_match):
    Match.objects.filter(pk=proposed_match.pk).update(status=MatchStatus.DECLINED)
    return proposed_match


def _token_client(user: User, **headers: str) -> APIClient:
    api = APIClient(**headers)
    response = api.post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}", **headers)
    return api


def _session_client(user: User, **headers: str) -> APIClient:
    api = APIClient(**headers)
    api.force_login(user)
    return api


def test_the_api_answers_in_accept_language(declined_match, coordinator):
    User.objects.filter(pk=coordinator.pk).update(language="en")
    coordinator.refresh_from_db()
    api = _session_client(coordinator, HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9")

    response = api.post(f"/api/v1/matches/{declined_match.pk}/approve/")

    assert response.status_code == 409
    assert response.json()["detail"] == "Matchningen har status ”avböjd” och kan inte godkännas."
    assert response["Content-Language"] == "sv"


def test_the_api_answers_in_the_saved_language_without_accept_language(declined_match, coordinator):
    User.objects.filter(pk=coordinator.pk).update(language="sv")
    coordinator.refresh_from_db()
    api = _session_client(coordinator)

    response = api.post(f"/api/v1/matches/{declined_match.pk}/approve/")

    assert response.json()["detail"] == "Matchningen har status ”avböjd” och kan inte godkännas."


def test_a_token_caller_is_answered_in_their_saved_language(borrowing_manager):
    api = _token_client(borrowing_manager)

    response = api.get("/api/v1/needs/999999/")

    assert response.status_code == 404
    assert response["Content-Language"] == "sv"


def test_the_api_speaks_english_to_whom_it_knows_nothing_about():
    response = APIClient().post("/api/v1/auth/token/", {"email": "x@y.se", "password": "z"})

    assert response.json()["non_field_errors"] == [
        "Unable to log in with the given email and password."
    ]


def test_a_failed_api_login_in_swedish():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="sv").post(
        "/api/v1/auth/token/", {"email": "x@y.se", "password": "z"}
    )

    assert response.json()["non_field_errors"] == [
        "Det gick inte att logga in med den e-postadressen och det lösenordet."
    ]


def test_login_on_the_web_ignores_the_case_of_the_email(client):
    user = factories.ManagerFactory(email="chef@skatteverket.demo.se")

    _login(client, "CHEF@Skatteverket.demo.se")

    assert client.get(reverse("web:dashboard")).wsgi_request.user == user


def test_api_token_login_ignores_the_case_of_the_email():
    factories.ManagerFactory(email="chef@skatteverket.demo.se")

    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "CHEF@Skatteverket.DEMO.se", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200


def test_an_invitation_to_an_email_in_other_case_is_refused_as_a_duplicate(client_for):
    admin = factories.AdminFactory()
    factories.ManagerFactory(email="chef@skatteverket.demo.se")

    response = client_for(admin).post(
        "/api/v1/users/",
        {"email": "Chef@Skatteverket.Demo.SE", "name": "Ny", "role": "coordinator"},
        format="json",
    )

    assert response.status_code == 400
    assert "email" in response.json()
