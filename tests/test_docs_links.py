"""The README and the manuals under docs/ hold together.

* every relative link (and its #anchor, for a Markdown page) leads to a file inside the
  repository, so no page points to a missing file or outside the checkout;
* the README stays a front door: under 160 lines, no issue number in it;
* no heading of a manual names an issue;
* every environment variable the settings read is described in docs/configuration.md.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
ISSUE_REF = re.compile(r"\bissues?\s+#?\d+|(?<![\w/&])#\d+\b", re.I)
ENV_READ = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")


def _prose(text: str) -> str:
    """The page without fenced code blocks (links and headings in code are not links)."""
    return FENCE.sub("", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").replace("*", "").lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in {"L", "N", "M"})
    return kept.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for heading in HEADING.findall(_prose(page.read_text(encoding="utf-8"))):
        slug = _slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _relative_links(page: Path) -> list[str]:
    text = CODE_SPAN.sub("", _prose(page.read_text(encoding="utf-8")))
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I)]


def _broken_links(page: Path) -> list[str]:
    broken = []
    for target in _relative_links(page):
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        if not dest.is_relative_to(ROOT) or not dest.exists():
            broken.append(f"{target}: no such file in the repository")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no heading with that anchor in {dest.name}")
    return broken


def test_the_manual_pages_exist() -> None:
    names = {p.name for p in PAGES}
    expected = {
        "planning.md",
        "notifications.md",
        "documents.md",
        "objectives.md",
        "organisation-and-accounts.md",
        "deployment.md",
        "configuration.md",
        "benchmarks.md",
        "security.md",
        "glossary.md",
    }
    assert expected <= names, sorted(expected - names)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_relative_link_leads_to_a_file_in_the_repository(page: Path) -> None:
    assert _broken_links(page) == []


def test_the_readme_links_every_manual_page() -> None:
    linked = {
        (ROOT / t.partition("#")[0]).resolve()
        for t in _relative_links(README)
        if not t.startswith("#")
    }
    pages = {p.resolve() for p in PAGES if p != README}
    assert pages - linked == set(), sorted(p.name for p in pages - linked)


def test_the_readme_is_a_front_door_under_160_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 160, len(lines)


def test_the_readme_names_no_issue() -> None:
    text = CODE_SPAN.sub("", README.read_text(encoding="utf-8"))
    assert ISSUE_REF.findall(text) == []


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_no_heading_names_an_issue(page: Path) -> None:
    headings = HEADING.findall(_prose(page.read_text(encoding="utf-8")))
    assert [h for h in headings if ISSUE_REF.search(h)] == []


def test_every_environment_variable_of_the_settings_is_documented() -> None:
    read = {
        name
        for module in (ROOT / "config" / "settings").glob("*.py")
        for name in ENV_READ.findall(module.read_text(encoding="utf-8"))
    }
    documented = set(
        re.findall(
            r"`([A-Z][A-Z0-9_]*)`", (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
        )
    )
    assert len(read) > 30  # the pattern still finds the settings' reads
    assert read - documented == set(), sorted(read - documented)


def test_the_checks_see_what_they_should() -> None:
    """The helpers catch the mistakes they exist for (so a passing run means something)."""
    assert _slug("What a crash can lose — measured") == "what-a-crash-can-lose--measured"
    assert _slug("The agency's reminder rules") == "the-agencys-reminder-rules"
    assert _slug("Webhook rules (H3, M5, L8)") == "webhook-rules-h3-m5-l8"
    assert ISSUE_REF.search("Reminders (issue 4)")
    assert ISSUE_REF.search("Security model #12")
    assert not ISSUE_REF.search("QT.ISO.03, lần ban hành 02; see docs/x.md#the-outbox")
    assert LINK.findall("see [a](../shared/STYLE.md) and ![b](img/x.png)") == [
        "../shared/STYLE.md",
        "img/x.png",
    ]
