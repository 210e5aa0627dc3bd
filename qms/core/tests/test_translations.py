"""The Vietnamese catalogue is complete: no empty or fuzzy entries, and it compiles."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[3] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid" in block]


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    problems = []
    for block in _entries(text)[1:]:  # the first block is the header
        if "#, fuzzy" in block:
            problems.append(block)
        plural = "msgid_plural" in block
        strs = re.findall(r'msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block)
        if not strs or any(
            not (first + rest.replace('"', "").replace("\n", "")) for first, rest in strs
        ):
            problems.append(block)
        if plural and len(strs) < 1:
            problems.append(block)
    assert not problems, "\n\n".join(problems[:5])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext not installed")
def test_catalogue_compiles_cleanly(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_pages_speak_vietnamese_by_default_and_english_on_request(client_as):
    client = client_as("leader")
    assert "Kế hoạch" in client.get("/plans/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Yearly QMS plans" in client.get("/plans/").content.decode()
