"""Saving the directory's or the board's current search on the web, listing and deleting."""

import pytest
from django.http import QueryDict
from django.test import Client

from marketplace.models import SavedSearch, SavedSearchKind

pytestmark = pytest.mark.django_db

TEXT = {
    "sv": {"save": "Spara sökningen", "link": "Spara sökningen och få veta om nya träffar"},
    "en": {"save": "Save the search", "link": "Save this search and be told of new fits"},
}


def logged_in(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["sv", "en"])
def test_manager_saves_the_directory_search_they_are_looking_at(
    language, skill, borrowing_manager, django_capture_on_commit_callbacks
):
    client = logged_in(borrowing_manager, language)
    directory = client.get("/specialists/", {"skill": skill.pk, "min_level": 4, "region": "AB"})
    body = directory.content.decode()
    assert TEXT[language]["link"] in body
    link = body.split('<p class="save-search"><a href="')[1].split('"')[0].replace("&amp;", "&")

    form = client.get(link)
    assert form.status_code == 200
    assert "Plattformsdrift" in form.content.decode()  # the criteria, in words
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            "/saved-searches/new/",
            {
                "kind": "directory",
                "name": "Dataexperter",
                "skill": skill.pk,
                "min_level": "4",
                "region": "AB",
            },
            follow=True,
        )

    search = SavedSearch.objects.get(owner=borrowing_manager)
    assert (search.kind, search.name) == (SavedSearchKind.DIRECTORY, "Dataexperter")
    assert search.criteria == {"skill": str(skill.pk), "min_level": "4", "region": "AB"}
    assert saved.redirect_chain[-1][0] == "/saved-searches/"
    assert "Dataexperter" in saved.content.decode()
    listed = saved.content.decode().split('<td><a href="')[1].split('"')[0].replace("&amp;", "&")
    path, query = listed.split("?")
    assert path == "/specialists/"
    assert QueryDict(query).dict() == {"skill": str(skill.pk), "min_level": "4", "region": "AB"}


def test_a_specialist_is_not_offered_to_save_a_directory_search(watcher):
    body = logged_in(watcher, "en").get("/specialists/").content.decode()

    assert TEXT["en"]["link"] not in body
    assert TEXT["en"]["link"] in logged_in(watcher, "en").get("/needs/").content.decode()


def test_a_specialist_posting_a_directory_search_anyway_is_refused(watcher):
    response = logged_in(watcher, "en").post(
        "/saved-searches/new/", {"kind": "directory", "name": "X"}
    )

    assert response.status_code == 403
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_search_without_a_name_is_shown_again_with_the_error(language, watcher):
    response = logged_in(watcher, language).post(
        "/saved-searches/new/", {"kind": "needs_board", "name": "", "q": "data"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in body and 'aria-invalid="true"' in body
    assert 'name="q" value="data"' in body
    assert not SavedSearch.objects.exists()


def test_a_person_deletes_their_search_but_not_someone_elses(watcher, borrowing_manager):
    mine = SavedSearch.objects.create(owner=watcher, kind="needs_board", name="Min")
    theirs = SavedSearch.objects.create(owner=borrowing_manager, kind="needs_board", name="Deras")
    client = logged_in(watcher, "en")

    assert client.post(f"/saved-searches/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"/saved-searches/{mine.pk}/delete/").status_code == 302
    assert list(SavedSearch.objects.all()) == [theirs]
    assert "You have no saved searches." in client.get("/saved-searches/").content.decode()
