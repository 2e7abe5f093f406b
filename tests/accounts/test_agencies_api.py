import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        factories.UserFactory,
        factories.ManagerFactory,
        factories.CoordinatorFactory,
        factories.AdminFactory,
    ],
)
def test_every_role_may_list_agencies(client_for, factory):
    user = factory()

    response = client_for(user).get("/api/v1/agencies/")

    assert response.status_code == 200
    assert response.json()["count"] == (1 if user.agency_id else 0)


def test_agency_detail_has_the_public_fields_and_never_the_webhook_secret(client_for):
    agency = factories.AgencyFactory(
        name="Skatteverket",
        slug="skatteverket",
        org_number="202100-5448",
        contact_email="it@skatteverket.se",
        webhook_url="https://hooks.skatteverket.se/dk",
        webhook_secret="hemligt",
    )

    response = client_for(factories.UserFactory()).get(f"/api/v1/agencies/{agency.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": agency.pk,
        "name": "Skatteverket",
        "slug": "skatteverket",
        "org_number": "202100-5448",
        "contact_email": "it@skatteverket.se",
    }


def test_agency_list_never_shows_the_webhook_fields(client_for):
    factories.AgencyFactory(webhook_secret="hemligt")

    response = client_for(factories.AdminFactory()).get("/api/v1/agencies/")

    assert "hemligt" not in response.content.decode()
    assert "webhook_url" not in response.content.decode()


def test_agencies_are_sorted_by_name(client_for):
    for name in ["Vinnova", "Arbetsförmedlingen", "Lantmäteriet"]:
        factories.AgencyFactory(name=name)

    response = client_for(factories.AdminFactory()).get("/api/v1/agencies/")

    assert [a["name"] for a in response.json()["results"]] == [
        "Arbetsförmedlingen",
        "Lantmäteriet",
        "Vinnova",
    ]


def test_missing_agency_is_404(client_for):
    assert client_for(factories.AdminFactory()).get("/api/v1/agencies/999999/").status_code == 404


def test_agencies_without_credentials_is_401(api_client):
    assert api_client.get("/api/v1/agencies/").status_code == 401


@pytest.mark.parametrize("page_size", [1, 50])
def test_agency_list_query_count_does_not_grow_with_agencies(
    client_for, page_size, django_assert_max_num_queries
):
    factories.AgencyFactory.create_batch(60)
    client = client_for(factories.AdminFactory())

    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/agencies/", {"page_size": page_size})

    assert len(response.json()["results"]) == page_size
