"""The breakdown and exclusions in words (English source text, no database)."""

from marketplace.matching.explain import describe_breakdown, describe_exclusion, explain_breakdown
from marketplace.matching.shortlist import CAPACITY, CLEARANCE, MAX_SHARE, Exclusion

BREAKDOWN = {
    "required": [
        {"skill_id": 1, "skill": "cloud architecture", "min_level": 2, "level": 4},
        {"skill_id": 2, "skill": "Kubernetes", "min_level": 3, "level": 3},
        {"skill_id": 3, "skill": "Terraform", "min_level": 2, "level": 3},
    ],
    "nice": [
        {"skill_id": 4, "skill": "FinOps", "min_level": 1, "level": 2},
        {"skill_id": 5, "skill": "GDPR", "min_level": 1, "level": 0},
    ],
    "asked_percent": 40,
    "free_percent": 60,
    "languages_asked": ["sv", "en"],
    "languages_matched": ["sv"],
    "need_region": "AB",
    "region": "C",
    "remote": True,
}


def test_breakdown_reads_as_the_manager_would_say_it():
    text = explain_breakdown(BREAKDOWN, region_names={"AB": "Stockholms län", "C": "Uppsala län"})
    assert text == (
        "meets all 3 required skills; cloud architecture 2 levels above the minimum; "
        "Terraform 1 level above the minimum; has 1 of 2 nice-to-have skills (FinOps); "
        "free 60% of the asked 40% for the whole period; speaks Swedish; "
        "does not speak English; based elsewhere (Uppsala län), can work remotely"
    )


def test_a_need_without_skills_or_preferences_mentions_only_capacity():
    phrases = describe_breakdown({"asked_percent": 50, "free_percent": 50})
    assert phrases == ["free 50% of the asked 50% for the whole period"]


def test_exclusions_say_which_rule_and_by_how_much():
    capacity = Exclusion(
        CAPACITY,
        {"day": "2027-01-04", "free_on_day": 0, "free_percent": 0, "asked_percent": 20},
    )
    assert describe_exclusion(capacity) == "only 0% free on 2027-01-04 (the period asks 20%)"
    assert describe_exclusion(capacity, format_date=lambda day: f"{day:%d %b %Y}") == (
        "only 0% free on 04 Jan 2027 (the period asks 20%)"
    )
    assert describe_exclusion(Exclusion(MAX_SHARE, {"max_share": 30, "asked_percent": 40})) == (
        "lends at most 30% of their time, 40% asked"
    )


def test_clearance_exclusion_uses_the_clearance_names():
    reason = Exclusion(CLEARANCE, {"has": 0, "required": 2})
    text = describe_exclusion(reason, clearance_names={0: "None", 2: "Säkerhetsklass 2"})
    assert text.startswith("security clearance None is below the required Säkerhetsklass 2")
