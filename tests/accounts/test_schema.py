import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def paths() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["paths"]


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/v1/auth/token/", "post", {"200", "400", "429"}),
        ("/api/v1/me/", "get", {"200", "401", "429"}),
        ("/api/v1/users/", "get", {"200", "400", "401", "404", "429"}),
        ("/api/v1/users/", "post", {"201", "400", "401", "403", "429"}),
        ("/api/v1/users/{id}/", "get", {"200", "401", "404", "429"}),
        ("/api/v1/users/{id}/", "patch", {"200", "400", "401", "403", "404", "429"}),
        ("/api/v1/agencies/", "get", {"200", "400", "401", "404", "429"}),
        ("/api/v1/agencies/{id}/", "get", {"200", "401", "404", "429"}),
    ],
)
def test_accounts_endpoints_document_their_status_codes(paths, path, method, codes):
    assert set(paths[path][method]["responses"]) == codes


def test_user_list_documents_pagination_and_filters(paths):
    names = {p["name"] for p in paths["/api/v1/users/"]["get"]["parameters"]}

    assert {"page", "page_size", "role", "agency"} <= names


def test_agency_schema_has_no_webhook_fields(paths):
    schema = paths["/api/v1/agencies/{id}/"]["get"]["responses"]["200"]["content"]
    ref = schema["application/json"]["schema"]["$ref"]

    assert ref.endswith("/Agency")
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    assert set(components["schemas"]["Agency"]["properties"]) == {
        "id",
        "name",
        "slug",
        "org_number",
        "contact_email",
    }
