"""The clause library: TCVN ISO 9001:2015 clause numbers and Vietnamese titles, as data.

The list (levels 1 and 2, as in the table of contents of the Vietnamese national standard)
ships with the app in ``data/iso9001_2015_clauses_vi.json`` and is read once per process.
Checklists, findings and the programme's criteria name clauses by their number ("7.5");
the title is looked up here, so a number the library does not know is shown as written.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA_PATH = Path(__file__).resolve().parent / "data" / "iso9001_2015_clauses_vi.json"


@dataclass(frozen=True)
class Clause:
    number: str
    title: str
    level: int

    @property
    def label(self) -> str:
        """ "7.5 Thông tin dạng văn bản"."""
        return f"{self.number} {self.title}"

    @property
    def parent(self) -> str:
        """The level-1 clause a subclause belongs to ("7" for "7.5"); "" for a level-1."""
        return self.number.split(".", 1)[0] if "." in self.number else ""


@functools.cache
def _library() -> tuple[str, tuple[Clause, ...]]:
    raw = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    items = tuple(
        Clause(number=str(c["number"]), title=str(c["title"]), level=int(c["level"]))
        for c in raw["clauses"]
    )
    return str(raw.get("standard", "")), items


@functools.cache
def _by_number() -> dict[str, Clause]:
    return {c.number: c for c in _library()[1]}


def standard() -> str:
    """The standard's name as the library gives it (TCVN ISO 9001:2015 …)."""
    return _library()[0]


def all_clauses() -> tuple[Clause, ...]:
    """Every clause, in the standard's order (4, 4.1, …, 10.3)."""
    return _library()[1]


def get(number: str) -> Clause | None:
    """The clause of ``number`` ("7.5"), or None when the library has no such number."""
    return _by_number().get(number.strip())


def is_known(number: str) -> bool:
    return get(number) is not None


def title(number: str) -> str:
    """The clause's title, or "" for a number the library does not know."""
    clause = get(number)
    return clause.title if clause else ""


def label(number: str) -> str:
    """ "7.5 Thông tin dạng văn bản", or the number alone when unknown ("" stays "")."""
    clause = get(number)
    return clause.label if clause else number


def sort_key(number: str) -> tuple[int, ...]:
    """Orders clause numbers as the standard does: 4.1 < 4.2 < 10.1 (not as text)."""
    parts = []
    for part in number.split("."):
        parts.append(int(part) if part.isdigit() else 999)
    return tuple(parts)


def choices(*, blank: str | None = None, level2_only: bool = False) -> list[tuple[str, str]]:
    """Choices for a form's select: ``[("4.1", "4.1 Hiểu tổ chức …"), …]``.

    ``blank`` adds a first empty choice with that text; ``level2_only`` leaves out the
    level-1 headings (a finding names a level-2 clause).
    """
    out = [("", blank)] if blank is not None else []
    out += [(c.number, c.label) for c in all_clauses() if not level2_only or c.level == 2]
    return out


def grouped_choices(*, blank: str | None = None) -> list[tuple[str, object]]:
    """Choices grouped under their level-1 clause (``<optgroup>`` per chapter 4 … 10)."""
    out: list[tuple[str, object]] = [("", blank)] if blank is not None else []
    group: list[tuple[str, str]] = []
    heading = ""
    for clause in all_clauses():
        if clause.level == 1:
            if group:
                out.append((heading, group))
            heading, group = clause.label, [(clause.number, clause.label)]
        else:
            group.append((clause.number, clause.label))
    if group:
        out.append((heading, group))
    return out
