from marketplace.models import SKILL_LEVEL_DESCRIPTIONS, SkillCategory
from tests import factories


def test_any_user_lists_the_taxonomy(as_role):
    skill = factories.SkillFactory(
        name="Testskill Kubernetesdrift", category=SkillCategory.CLOUD, description="Plattformar"
    )

    response = as_role("specialist_other").get("/api/v1/skills/", {"page_size": 200})

    assert response.status_code == 200
    assert {
        "id": skill.pk,
        "name": "Testskill Kubernetesdrift",
        "label": "Testskill Kubernetesdrift",
        "category": "cloud",
        "description": "Plattformar",
    } in response.json()["results"]


def test_the_taxonomy_speaks_the_readers_language(as_role):
    as_coordinator = as_role("coordinator")

    english = as_coordinator.get(
        "/api/v1/skills/", {"page_size": 200}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()["results"]
    swedish = as_coordinator.get(
        "/api/v1/skills/", {"page_size": 200}, HTTP_ACCEPT_LANGUAGE="sv"
    ).json()["results"]

    in_english = {row["name"]: row for row in english}["Molnmigrering"]
    in_swedish = {row["name"]: row for row in swedish}["Molnmigrering"]
    assert (in_english["label"], in_swedish["label"]) == ("Cloud migration", "Molnmigrering")
    assert in_english["description"].startswith("Plans and carries out")
    assert in_swedish["description"].startswith("Planerar och genomför")


def test_every_skill_of_the_taxonomy_has_an_english_name_and_description():
    from marketplace import skill_taxonomy

    assert {spec.name for spec in skill_taxonomy.SKILLS} == set(skill_taxonomy.ENGLISH)
    assert all(name and text for name, text in skill_taxonomy.ENGLISH.values())


def test_skills_filter_by_category(as_role):
    cloud = factories.SkillFactory(category=SkillCategory.CLOUD)
    security = factories.SkillFactory(category=SkillCategory.SECURITY)

    response = as_role("coordinator").get("/api/v1/skills/", {"category": "security"})

    found = [row["id"] for row in response.json()["results"]]
    assert security.pk in found
    assert cloud.pk not in found


def test_one_skill_by_id(as_role):
    skill = factories.SkillFactory()

    assert as_role("coordinator").get(f"/api/v1/skills/{skill.pk}/").json()["name"] == skill.name


def test_unknown_skill_is_404(as_role):
    assert as_role("coordinator").get("/api/v1/skills/999999/").status_code == 404


def test_levels_describe_1_to_5(as_role):
    response = as_role("specialist_self").get("/api/v1/skills/levels/")

    assert response.status_code == 200
    assert [row["level"] for row in response.json()] == [1, 2, 3, 4, 5]
    assert response.json()[0]["description"] == str(SKILL_LEVEL_DESCRIPTIONS[1])


def test_skills_need_authentication(api_client, db):
    assert api_client.get("/api/v1/skills/").status_code == 401
