"""The small things a user trips over, each pinned by a test that failed before its fix."""

import re

import pytest
from django.urls import reverse

from marketplace.models import Match, MatchStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_candidate_already_proposed_shows_the_proposal_instead_of_nominate(
    web_client_for, borrowing_manager, proposed_match
):
    page = web_client_for(borrowing_manager).get(
        reverse("web:need_detail", args=[proposed_match.need_id])
    )
    html = page.content.decode()

    shortlist = html.split('id="shortlist-heading"', 1)[1].split("</table>", 1)[0]
    name = proposed_match.specialist.user.name
    assert name in shortlist
    row = next(part for part in shortlist.split("<tr>") if name in part)
    assert "Nominera" not in row
    assert reverse("web:match_detail", args=[proposed_match.pk]) in row


def test_the_queue_heading_counts_down_after_an_approval(
    web_client_for, coordinator, proposed_match, specialist
):
    factories.MatchFactory(specialist=specialist)

    response = web_client_for(coordinator).post(
        reverse("web:match_approve", args=[proposed_match.pk]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert 'id="queue-heading" hx-swap-oob="true"' in html
    assert "1 förslag väntar" in html


def test_a_completed_matchs_title_is_only_its_need_and_specialist(
    web_client_for, borrowing_manager, proposed_match
):
    Match.objects.filter(pk=proposed_match.pk).update(status=MatchStatus.ACCEPTED)

    html = (
        web_client_for(borrowing_manager)
        .get(reverse("web:match_detail", args=[proposed_match.pk]))
        .content.decode()
    )

    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "form" not in title
    assert proposed_match.need.title in title


def test_no_region_reads_as_words_not_a_dash(web_client_for, borrowing_manager, specialist):
    specialist.region = ""
    specialist.remote_ok = False
    specialist.save()

    html = (
        web_client_for(borrowing_manager)
        .get(reverse("web:specialist_detail", args=[specialist.pk]))
        .content.decode()
    )

    assert "Inget län angivet" in html


def test_languages_read_as_names_in_the_readers_language(
    web_client_for, borrowing_manager, specialist
):
    specialist.languages = ["ar", "sv"]
    specialist.save()
    url = reverse("web:specialist_detail", args=[specialist.pk])
    client = web_client_for(borrowing_manager)

    swedish = client.get(url).content.decode()
    client.post(reverse("web:set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()

    assert "arabiska, svenska" in swedish
    assert "Arabic, Swedish" in english


def test_a_checkbox_comes_before_its_label_without_a_colon(web_client_for, borrowing_manager):
    html = web_client_for(borrowing_manager).get(reverse("web:need_create")).content.decode()

    field = re.search(r'<div class="field field--checkbox">(.*?)</div>', html, re.S).group(1)
    assert field.strip().startswith("<input")
    label = re.search(r"<label[^>]*>(.*?)</label>", field, re.S).group(1)
    assert not label.strip().endswith(":")


def test_a_status_is_styled_as_a_label_not_a_button():
    from pathlib import Path

    css = (
        Path(__file__).resolve().parents[2] / "marketplace/static/marketplace/site.css"
    ).read_text()
    last_status_rule = [line for line in css.splitlines() if line.startswith(".status {")][-1]
    assert "border: 0" in last_status_rule


def test_skill_names_follow_the_readers_language(web_client_for, borrowing_manager, open_need):
    from marketplace.models import Skill

    skill = Skill.objects.get(name="Molnmigrering")
    factories.NeedSkillFactory(need=open_need, skill=skill)
    client = web_client_for(borrowing_manager)
    url = reverse("web:need_detail", args=[open_need.pk])
    client.post(reverse("web:set_language"), {"language": "en", "next": url})

    assert "Cloud migration" in client.get(url).content.decode()


def test_wide_tables_scroll_in_their_own_box(web_client_for, borrowing_manager, proposed_match):
    html = (
        web_client_for(borrowing_manager)
        .get(reverse("web:need_detail", args=[proposed_match.need_id]))
        .content.decode()
    )

    assert html.count("<table") == html.count('<div class="table-scroll" tabindex="0">')
