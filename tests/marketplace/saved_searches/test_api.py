"""`GET, POST saved-searches/` and `DELETE saved-searches/{id}/`: each person's own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import AuditEvent, SavedSearch, SavedSearchKind
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/saved-searches/"
ROLES = {
    "specialist": factories.UserFactory,
    "manager": factories.ManagerFactory,
    "coordinator": factories.CoordinatorFactory,
    "admin": factories.AdminFactory,
}
# Who may save which kind: the directory is for those who borrow; anyone watches the board.
MAY_SAVE = {
    ("specialist", "directory"): False,
    ("manager", "directory"): True,
    ("coordinator", "directory"): True,
    ("admin", "directory"): True,
    ("specialist", "needs_board"): True,
    ("manager", "needs_board"): True,
    ("coordinator", "needs_board"): True,
    ("admin", "needs_board"): True,
}


def colleague_of(user):
    """Someone else close to `user`: of the same agency when they have one."""
    if user.agency_id is None:
        return factories.CoordinatorFactory()
    return factories.ManagerFactory(agency=user.agency)


def search_of(user, **fields) -> SavedSearch:
    values = {"kind": SavedSearchKind.NEEDS_BOARD, "name": "Data", "criteria": {"q": "data"}}
    return SavedSearch.objects.create(owner=user, **{**values, **fields})


CRITERIA = {"directory": {"region": "AB", "clearance": "1"}, "needs_board": {"q": "data"}}


@pytest.mark.parametrize(("role", "kind"), list(MAY_SAVE))
def test_who_may_save_which_kind(role, kind, client_for, django_capture_on_commit_callbacks):
    user = ROLES[role]()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(
            URL, {"name": "Min sökning", "kind": kind, "criteria": CRITERIA[kind]}
        )

    if MAY_SAVE[(role, kind)]:
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["name"], body["kind"], body["criteria"]) == (
            "Min sökning",
            kind,
            CRITERIA[kind],
        )
        assert SavedSearch.objects.get(pk=body["id"]).owner == user
    else:
        assert response.status_code == 403
        assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("whose", ["own", "other"])
def test_delete_only_ones_own(role, whose, client_for):
    user = ROLES[role]()
    owner = user if whose == "own" else colleague_of(user)
    search = search_of(owner)

    response = client_for(user).delete(f"{URL}{search.pk}/")

    if whose == "own":
        assert response.status_code == 204
        assert not SavedSearch.objects.filter(pk=search.pk).exists()
        assert AuditEvent.objects.filter(action="saved_search.delete").exists()
    else:
        assert response.status_code == 404
        assert SavedSearch.objects.filter(pk=search.pk).exists()


@pytest.mark.parametrize("role", list(ROLES))
def test_the_list_holds_ones_own_only(role, client_for):
    user = ROLES[role]()
    mine = search_of(user, name="Min")
    search_of(colleague_of(user), name="Kollegans")

    response = client_for(user).get(URL)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_anonymous_callers_are_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "directory", "criteria": {}}, "name"),
        ({"name": "X", "kind": "allt"}, "kind"),
        ({"name": "X", "kind": "directory", "criteria": {"skill": "ingen"}}, "criteria"),
        ({"name": "X", "kind": "directory", "criteria": {"min_level": "9"}}, "criteria"),
        ({"name": "X", "kind": "directory", "criteria": {"lön": "hög"}}, "criteria"),
        ({"name": "X", "kind": "needs_board", "criteria": {"q": "x" * 101}}, "criteria"),
        ({"name": "   ", "kind": "needs_board"}, "name"),
    ],
)
def test_bad_input_is_400_naming_the_field(body, field, client_for):
    manager = factories.ManagerFactory()

    response = client_for(manager).post(URL, body)

    assert response.status_code == 400
    assert field in response.json()
    assert not SavedSearch.objects.exists()


def test_a_board_search_watches_open_needs_whatever_status_the_board_showed(client_for):
    response = client_for(factories.UserFactory()).post(
        URL, {"name": "X", "kind": "needs_board", "criteria": {"status": "closed", "q": "data"}}
    )

    assert response.status_code == 201
    assert response.json()["criteria"] == {"q": "data"}
    assert response.json()["page"] == "/needs/?q=data"


def test_the_list_is_read_in_a_fixed_number_of_queries(client_for):
    user = factories.ManagerFactory()
    search_of(user)
    client = client_for(user)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for number in range(10):
        search_of(user, name=f"Sökning {number}")
    with CaptureQueriesContext(connection) as many:
        client.get(URL)

    assert len(many) == len(few) <= 3
