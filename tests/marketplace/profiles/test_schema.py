import pytest

OPERATIONS = {
    "/api/v1/skills/": {"get": {"200"}},
    "/api/v1/skills/levels/": {"get": {"200"}},
    "/api/v1/specialists/": {"get": {"200", "400"}, "post": {"201", "400", "403"}},
    "/api/v1/specialists/{id}/": {
        "get": {"200", "404"},
        "patch": {"200", "400", "403", "404", "409"},
    },
    "/api/v1/specialists/{id}/availability/": {
        "get": {"200", "404"},
        "post": {"201", "400", "403", "404"},
    },
    "/api/v1/availability/{id}/": {
        "patch": {"200", "400", "403", "404", "409"},
        "delete": {"204", "403", "404", "409"},
    },
    "/api/v1/needs/": {"get": {"200", "400"}, "post": {"201", "400", "403"}},
    "/api/v1/needs/{id}/": {
        "get": {"200", "404"},
        "patch": {"200", "400", "403", "404", "409"},
        "delete": {"204", "403", "404", "409"},
    },
    "/api/v1/needs/{id}/publish/": {"post": {"200", "403", "404", "409"}},
    "/api/v1/needs/{id}/cancel/": {"post": {"200", "403", "404", "409"}},
    "/api/v1/needs/{id}/close/": {"post": {"200", "400", "403", "404", "409"}},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", sorted(OPERATIONS))
def test_every_profile_and_need_operation_documents_its_answers(schema, path):
    documented = schema["paths"][path]
    for method, codes in OPERATIONS[path].items():
        assert codes <= set(documented[method]["responses"]), (path, method)


def test_specialist_schema_has_the_contract_fields(schema):
    fields = set(schema["components"]["schemas"]["SpecialistOutput"]["properties"])

    assert {
        "id", "user", "name", "email", "agency", "title", "summary", "skills", "clearance",
        "clearance_expires", "languages", "region", "remote_ok", "shareable", "max_share_percent",
    } <= fields  # fmt: skip


def test_schema_endpoint_answers_anyone(api_client, db):
    response = api_client.get("/api/v1/schema/")

    assert response.status_code in (200, 401)
