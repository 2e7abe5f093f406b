"""Every message the project writes exists in Swedish and English.

English is the source language of the code; the Swedish catalogues must translate every
message the code marks for translation, so this extracts them afresh (Django's
makemessages on a copy of the code) and fails on any message without a Swedish
translation, naming it. The texts that live outside gettext (the skill taxonomy, the
notification texts) are checked for both languages as well.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = (
    "accounts",
    "marketplace",
    "notifications",
    "fastpaths",
    "locale",
    "manage.py",
    "pyproject.toml",
)


def _entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry of a .po file, obsolete entries left out."""
    entries: list[tuple[str, str, bool]] = []
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ", "msgstr[1] ")):
                current, _sep, value = line.partition(" ")
                fields[current] = value.strip()[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line.strip()[1:-1]
        if "msgid" not in fields or not fields["msgid"]:
            continue
        translated = fields.get("msgstr", "") or (
            fields.get("msgstr[0]", "") and fields.get("msgstr[1]", "")
        )
        entries.append((fields["msgid"], translated, fuzzy))
    return entries


@pytest.fixture(scope="module")
def extracted_catalogues(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    if shutil.which("xgettext") is None:
        pytest.fail("needs GNU gettext (xgettext): apt-get install gettext")
    copy = tmp_path_factory.mktemp("catalogues")
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy2(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    return sorted(copy.glob("**/locale/sv/LC_MESSAGES/django.po"))


def test_every_message_of_the_code_has_a_swedish_translation(extracted_catalogues):
    missing = [
        f"{po.relative_to(po.parents[4])}: {msgid!r}" + (" (fuzzy)" if fuzzy else "")
        for po in extracted_catalogues
        for msgid, msgstr, fuzzy in _entries(po.read_text(encoding="utf-8"))
        if fuzzy or not msgstr
    ]

    assert extracted_catalogues
    assert not missing, "Messages without a Swedish translation:\n" + "\n".join(missing)


def test_the_committed_catalogues_are_compiled(tmp_path):
    catalogues = [
        *sorted(ROOT.glob("*/locale/sv/LC_MESSAGES/django.po")),
        ROOT / "locale/sv/LC_MESSAGES/django.po",
    ]
    for po in catalogues:
        compiled = tmp_path / "django.mo"
        subprocess.run(["msgfmt", "--check-format", "-o", compiled, po], check=True)
        assert po.with_suffix(".mo").read_bytes() == compiled.read_bytes(), f"compile {po}"


def test_the_catalogue_check_catches_a_message_without_translation(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n\n#: x.py:1\nmsgid "Known"\nmsgstr "Känd"\n\n'
        '#: x.py:2\nmsgid "New text"\nmsgstr ""\n\n#, fuzzy\nmsgid "Guess"\nmsgstr "Gissning"\n'
    )

    untranslated = [m for m, s, fuzzy in _entries(po.read_text()) if fuzzy or not s]

    assert untranslated == ["New text", "Guess"]
