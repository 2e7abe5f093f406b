"""The README's "Who is told" table and `ROUTES` are one table: same rows, same words."""

import re
from pathlib import Path

from marketplace.services.notices import IN_WORDS, ROUTES
from notifications.messages import LANGUAGES, MESSAGES
from notifications.models import NotificationKind
from notifications.selectors import CONFIGURABLE_KINDS

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table() -> dict[str, tuple[list[str], list[str]]]:
    text = README.read_text()
    section = text.split("### Who is told", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| `(\w+)` \| (.+?) \| (.+?) \|", line.strip())
        if match:
            kind, people, agencies = match.groups()
            rows[kind] = (
                [] if people == "—" else people.split(", "),
                [] if agencies == "—" else agencies.split(", "),
            )
    return rows


def test_readme_table_and_routes_name_the_same_people_and_agencies_for_every_kind():
    in_code = {
        str(kind): (
            [IN_WORDS[relation] for relation in route.people],
            [IN_WORDS[relation] for relation in route.agencies],
        )
        for kind, route in ROUTES.items()
    }

    assert _readme_table() == in_code


def test_every_kind_but_the_digest_is_routed_configurable_and_worded_in_both_languages():
    kinds = {str(kind) for kind in NotificationKind if kind != NotificationKind.DIGEST}

    assert set(map(str, ROUTES)) == kinds
    assert {str(kind) for kind in CONFIGURABLE_KINDS} == kinds
    for kind in NotificationKind:
        assert set(MESSAGES[kind]) == set(LANGUAGES), kind
