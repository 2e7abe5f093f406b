"""Forms show specific errors beside their fields; success shows a message."""

import pytest
from django.urls import reverse

from marketplace.models import Need, NeedStatus
from tests import factories

pytestmark = pytest.mark.django_db


def need_data(**overrides) -> dict:
    data = {
        "title": "Molnarkitekt till e-tjänst",
        "description": "",
        "start": factories.future(10).isoformat(),
        "end": factories.future(60).isoformat(),
        "capacity_percent": "50",
        "headcount": "1",
        "clearance_required": "0",
        "region": "",
        "remote_ok": "on",
        "skills-TOTAL_FORMS": "3",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "1000",
    }
    for row in range(3):
        data.update({f"skills-{row}-skill": "", f"skills-{row}-min_level": "3"})
        data[f"skills-{row}-required"] = "1"
    data.update(overrides)
    return data


def test_manager_creates_a_draft_need_with_skills(web_client_for, borrowing_manager):
    skill = factories.SkillFactory()

    response = web_client_for(borrowing_manager).post(
        reverse("web:need_create"),
        need_data(**{"skills-0-skill": str(skill.pk), "skills-0-required": "0"}),
        follow=True,
    )

    need = Need.objects.get(agency=borrowing_manager.agency)
    assert need.status == NeedStatus.DRAFT
    assert need.skill_requirements.get().required is False
    assert "message--success" in response.content.decode()


def test_need_form_shows_an_end_before_start_error_beside_the_end_field(
    web_client_for, borrowing_manager
):
    response = web_client_for(borrowing_manager).post(
        reverse("web:need_create"),
        need_data(start=factories.future(20).isoformat(), end=factories.future(5).isoformat()),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_end_errors"' in html
    assert 'aria-invalid="true"' in html
    assert not Need.objects.exists()


def test_need_form_shows_the_services_start_date_error_inline(web_client_for, borrowing_manager):
    response = web_client_for(borrowing_manager).post(
        reverse("web:need_create"),
        need_data(start=factories.future(-5).isoformat()),
    )

    assert response.status_code == 400
    assert 'id="id_start_errors"' in response.content.decode()


def test_need_form_refuses_the_same_skill_twice(web_client_for, borrowing_manager):
    skill = factories.SkillFactory()

    response = web_client_for(borrowing_manager).post(
        reverse("web:need_create"),
        need_data(**{"skills-0-skill": str(skill.pk), "skills-1-skill": str(skill.pk)}),
    )

    assert response.status_code == 400
    assert '<ul class="errorlist" role="alert">' in response.content.decode()
    assert not Need.objects.exists()


def test_need_form_names_a_missing_title(web_client_for, borrowing_manager):
    response = web_client_for(borrowing_manager).post(
        reverse("web:need_create"), need_data(title="")
    )

    assert response.status_code == 400
    assert 'href="#id_title"' in response.content.decode()


def test_publishing_twice_shows_why_on_the_page(web_client_for, borrowing_manager, open_need):
    response = web_client_for(borrowing_manager).post(
        reverse("web:need_publish", args=[open_need.pk]), follow=True
    )

    assert response.status_code == 200
    assert "message--error" in response.content.decode()


def test_login_by_email_and_password(client, borrowing_manager):
    response = client.post(
        reverse("web:login"),
        {"username": borrowing_manager.email, "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")


def test_login_with_a_wrong_password_says_so(client, borrowing_manager):
    response = client.post(
        reverse("web:login"), {"username": borrowing_manager.email, "password": "wrong"}
    )

    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()


def test_logout_ends_the_session(web_client_for, borrowing_manager):
    client = web_client_for(borrowing_manager)

    client.post(reverse("web:logout"))

    assert client.get(reverse("web:dashboard")).status_code == 302


def test_pages_are_swedish_by_default_and_english_after_the_switch(client):
    assert "Logga in" in client.get(reverse("web:login")).content.decode()

    client.post(reverse("web:set_language"), {"language": "en", "next": "/login/"})

    html = client.get(reverse("web:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_decline_without_a_reason_shows_the_error(web_client_for, specialist, proposed_match):
    response = web_client_for(specialist.user).post(
        reverse("web:match_decline", args=[proposed_match.pk]), {"reason": ""}
    )

    assert response.status_code == 400
    assert 'id="id_reason_errors"' in response.content.decode()


def test_specialist_declines_a_proposal_with_a_reason(web_client_for, specialist, proposed_match):
    web_client_for(specialist.user).post(
        reverse("web:match_decline", args=[proposed_match.pk]),
        {"reason": "workload", "comment": "Fullt upp i vår."},
    )

    proposed_match.refresh_from_db()
    assert proposed_match.status == "declined"


def test_overlapping_availability_is_refused_beside_the_start_field(web_client_for, specialist):
    factories.AvailabilityFactory(
        specialist=specialist, start=factories.future(1), end=factories.future(100)
    )

    response = web_client_for(specialist.user).post(
        reverse("web:availability_add"),
        {
            "availability-start": factories.future(50).isoformat(),
            "availability-end": factories.future(150).isoformat(),
            "availability-capacity_percent": "30",
        },
    )

    assert response.status_code == 400
    assert 'id="id_availability-start_errors"' in response.content.decode()


def test_specialist_adds_availability_and_sees_it(web_client_for, specialist):
    client = web_client_for(specialist.user)

    client.post(
        reverse("web:availability_add"),
        {
            "availability-start": factories.future(1).isoformat(),
            "availability-end": factories.future(30).isoformat(),
            "availability-capacity_percent": "30",
        },
    )

    assert specialist.availabilities.get().capacity_percent == 30


def test_availability_editor_shows_committed_capacity(web_client_for, specialist, open_need):
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=60)
    factories.MatchFactory(
        need=open_need, specialist=specialist, status="approved", capacity_percent=40
    )

    html = web_client_for(specialist.user).get(reverse("web:my_profile")).content.decode()

    assert "40 %" in html


def test_specialist_saves_profile_skills(web_client_for, specialist):
    skill = factories.SkillFactory()

    web_client_for(specialist.user).post(
        reverse("web:my_profile"),
        {
            "title": "Säkerhetsarkitekt",
            "summary": "",
            "phone": "",
            "languages": ["sv"],
            "region": "AB",
            "remote_ok": "on",
            "skills-TOTAL_FORMS": "1",
            "skills-INITIAL_FORMS": "0",
            "skills-MIN_NUM_FORMS": "0",
            "skills-MAX_NUM_FORMS": "1000",
            "skills-0-skill": str(skill.pk),
            "skills-0-level": "4",
        },
    )

    specialist.refresh_from_db()
    assert specialist.title == "Säkerhetsarkitekt"
    assert specialist.skill_levels.get().level == 4


def test_a_language_refused_on_my_profile_is_shown_at_the_languages(web_client_for, specialist):
    response = web_client_for(specialist.user).post(
        reverse("web:my_profile"),
        {
            "title": "Säkerhetsarkitekt",
            "languages": ["sv", "xx"],
            "skills-TOTAL_FORMS": "0",
            "skills-INITIAL_FORMS": "0",
            "skills-MIN_NUM_FORMS": "0",
            "skills-MAX_NUM_FORMS": "1000",
        },
    )

    html = response.content.decode()
    languages = html[html.index('<ul class="errorlist" id="id_languages_errors">') :]
    languages = languages[: languages.index("</fieldset>")]
    assert response.status_code == 400
    assert "xx" in languages[: languages.index("</ul>")]
    assert 'name="languages" value="sv"' in languages  # the error sits with the checkboxes


def test_needs_board_filters_by_status(web_client_for, borrowing_manager, open_need):
    draft = factories.DraftNeedFactory(agency=borrowing_manager.agency)

    html = (
        web_client_for(borrowing_manager)
        .get(reverse("web:need_list"), {"status": "draft"})
        .content.decode()
    )

    assert draft.title in html
    assert open_need.title not in html


def test_needs_board_answers_htmx_with_the_results_only(web_client_for, borrowing_manager):
    response = web_client_for(borrowing_manager).get(
        reverse("web:need_list"), HTTP_HX_REQUEST="true"
    )

    assert "<html" not in response.content.decode()


def test_directory_filters_by_skill_and_level(web_client_for, coordinator):
    skill = factories.SkillFactory()
    expert = factories.SpecialistSkillFactory(skill=skill, level=5).specialist
    novice = factories.SpecialistSkillFactory(skill=skill, level=1).specialist

    html = (
        web_client_for(coordinator)
        .get(reverse("web:specialist_list"), {"skill": skill.pk, "min_level": 4})
        .content.decode()
    )

    assert expert.user.name in html
    assert novice.user.name not in html


def test_needs_board_query_count_does_not_grow_with_needs(
    web_client_for, borrowing_manager, django_assert_max_num_queries
):
    for _ in range(15):
        factories.NeedSkillFactory(need=factories.NeedFactory())
    client = web_client_for(borrowing_manager)

    with django_assert_max_num_queries(16):
        assert client.get(reverse("web:need_list")).status_code == 200


def test_directory_query_count_does_not_grow_with_specialists(
    web_client_for, coordinator, django_assert_max_num_queries
):
    for _ in range(15):
        factories.SpecialistSkillFactory()
    client = web_client_for(coordinator)

    with django_assert_max_num_queries(16):
        assert client.get(reverse("web:specialist_list")).status_code == 200


def test_a_services_error_is_shown_in_swedish(web_client_for, borrowing_manager):
    response = web_client_for(borrowing_manager).post(
        reverse("web:need_create"),
        need_data(start=factories.future(-5).isoformat()),
        HTTP_ACCEPT_LANGUAGE="sv",
    )

    assert "Startdatum får inte ha passerat." in response.content.decode()


def test_negative_hours_are_refused_beside_the_hours_field(
    web_client_for, borrowing_manager, proposed_match
):
    proposed_match.status = "accepted"
    proposed_match.save()

    response = web_client_for(borrowing_manager).post(
        reverse("web:match_complete", args=[proposed_match.pk]), {"hours": "-3"}
    )

    assert response.status_code == 400
    assert 'id="id_hours_errors"' in response.content.decode()


def test_login_switches_pages_to_the_users_saved_language(client):
    user = factories.ManagerFactory(language="en")

    client.post(reverse("web:login"), {"username": user.email, "password": "correct-horse-battery"})

    assert '<html lang="en">' in client.get(reverse("web:dashboard")).content.decode()


def test_a_language_chosen_before_login_is_kept(client):
    user = factories.ManagerFactory(language="en")
    client.post(reverse("web:set_language"), {"language": "sv", "next": "/login/"})

    client.post(reverse("web:login"), {"username": user.email, "password": "correct-horse-battery"})

    assert '<html lang="sv">' in client.get(reverse("web:dashboard")).content.decode()
