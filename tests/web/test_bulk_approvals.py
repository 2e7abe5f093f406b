"""The approval queue approves or rejects several proposals at once, each on its own."""

import pytest
from django.urls import reverse

from marketplace.models import Match, MatchStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_proposals(specialist, lending_agency):
    fits = factories.MatchFactory(specialist=specialist)
    declined = factories.MatchFactory(specialist=specialist, status=MatchStatus.DECLINED)
    # A specialist without any availability: approving would over-commit them.
    no_capacity = factories.MatchFactory(
        specialist=factories.SpecialistFactory(agency=lending_agency)
    )
    factories.AvailabilityFactory(specialist=specialist, capacity_percent=100)
    return fits, declined, no_capacity


def test_one_refused_proposal_does_not_stop_the_others(
    web_client_for, coordinator, three_proposals
):
    fits, declined, no_capacity = three_proposals

    response = web_client_for(coordinator).post(
        reverse("web:approvals_bulk"),
        {"action": "approve", "match": [declined.pk, fits.pk, no_capacity.pk]},
    )

    assert response.status_code == 200
    statuses = dict(
        Match.objects.filter(pk__in=[fits.pk, declined.pk, no_capacity.pk]).values_list(
            "pk", "status"
        )
    )
    assert statuses == {
        fits.pk: MatchStatus.APPROVED,
        declined.pk: MatchStatus.DECLINED,
        no_capacity.pk: MatchStatus.PROPOSED,
    }
    html = response.content.decode()
    rows = {
        pk: html.split(f'id="result-{pk}"', 1)[1].split("</tr>", 1)[0]
        for pk in (fits.pk, declined.pk, no_capacity.pk)
    }
    assert "Godkänd" in rows[fits.pk]
    assert "Nekad" in rows[declined.pk] and "avböjd" in rows[declined.pk]
    assert "Nekad" in rows[no_capacity.pk] and "ledigt" in rows[no_capacity.pk]
    assert "1 av 3 förslag" in html


def test_bulk_reject_records_the_chosen_reason(web_client_for, coordinator, three_proposals):
    fits, _declined, no_capacity = three_proposals

    web_client_for(coordinator).post(
        reverse("web:approvals_bulk"),
        {
            "action": "reject",
            "match": [fits.pk, no_capacity.pk],
            "reason": "Another candidate fits better.",
        },
    )

    assert set(
        Match.objects.filter(pk__in=[fits.pk, no_capacity.pk]).values_list("status", flat=True)
    ) == {MatchStatus.REJECTED}


def test_nothing_selected_is_a_clear_error(web_client_for, coordinator, three_proposals):
    response = web_client_for(coordinator).post(
        reverse("web:approvals_bulk"), {"action": "approve"}
    )

    assert response.status_code == 400
    assert "Välj minst ett förslag" in response.content.decode()


def test_a_manager_may_not_review_in_bulk(web_client_for, borrowing_manager, three_proposals):
    fits = three_proposals[0]

    response = web_client_for(borrowing_manager).post(
        reverse("web:approvals_bulk"), {"action": "approve", "match": [fits.pk]}
    )

    assert response.status_code == 403
    assert Match.objects.get(pk=fits.pk).status == MatchStatus.PROPOSED


def test_the_queue_has_a_labelled_checkbox_per_proposal(
    web_client_for, coordinator, three_proposals
):
    fits = three_proposals[0]

    html = web_client_for(coordinator).get(reverse("web:approvals")).content.decode()

    assert f'form="bulk-form" id="select-{fits.pk}"' in html
    assert f'<label for="select-{fits.pk}"' in html
