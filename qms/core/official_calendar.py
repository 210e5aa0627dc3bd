"""The official working-day calendar of cán bộ, công chức, viên chức shipped with eISO.

``qms/core/data/calendar/vn-<year>.json`` lists, for each year eISO knows officially, every
weekday off and every make-up Saturday with the notice that decided it (Bộ luật Lao động
2019, the Văn phòng Chính phủ letter carrying the Prime Minister's decision, the Bộ
LĐTBXH / Bộ Nội vụ notice). A shipped year is complete: for it the ``holidays`` package is
not consulted. The files are read once per process.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "calendar"
KINDS = frozenset({"day_off", "working"})


@dataclass(frozen=True)
class Notice:
    number: str
    issued_on: datetime.date | None
    issuer: str
    url: str = ""


@dataclass(frozen=True)
class OfficialDay:
    date: datetime.date
    kind: str  # "day_off" | "working"
    reason: str
    notice: Notice

    @property
    def working(self) -> bool:
        return self.kind == "working"


def _parse_year(path: Path) -> tuple[int, dict[datetime.date, OfficialDay]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    year = int(raw["year"])
    notices = {
        key: Notice(
            number=n["number"],
            issued_on=datetime.date.fromisoformat(n["date"]) if n.get("date") else None,
            issuer=n["issuer"],
            url=n.get("url", ""),
        )
        for key, n in raw["notices"].items()
    }
    days: dict[datetime.date, OfficialDay] = {}
    for row in raw["days"]:
        day = datetime.date.fromisoformat(row["date"])
        if day.year != year or row["kind"] not in KINDS or day in days:
            raise ValueError(f"{path.name}: bad or duplicate day {row['date']}")
        days[day] = OfficialDay(day, row["kind"], row["reason"], notices[row["notice"]])
    return year, days


@cache
def shipped() -> dict[int, dict[datetime.date, OfficialDay]]:
    """Year → its official days, from every ``vn-*.json`` file (cached per process)."""
    years: dict[int, dict[datetime.date, OfficialDay]] = {}
    for path in sorted(DATA_DIR.glob("vn-*.json")):
        year, days = _parse_year(path)
        years[year] = days
    return years


def shipped_years() -> list[int]:
    return sorted(shipped())
