"""The running school year of the demo starts on the agency's school-year start (the
objectives setting), not on a fixed 1 August."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from qms.demo import loader
from qms.objectives import services as objectives
from qms.objectives.models import ObjectiveSet, Period

pytestmark = pytest.mark.django_db
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
S = ObjectiveSet.Status


def test_school_year_follows_the_agency_setting() -> None:
    """With the school year starting on 15/12, 03/12/2026 falls in 2025-2026."""
    with time_machine.travel(datetime.datetime(2026, 12, 3, 7, tzinfo=HCM)):
        units = loader._units()
        users = loader._users(units)
        objectives.settings_save(
            actor=users["quantriso"], agency=units["SGDDT-HY"], month=12, day=15
        )
        loader.load_demo()
    agency = units["SGDDT-HY"]
    assert set(
        ObjectiveSet.objects.filter(agency=agency, period__start__year=2025).values_list(
            "status", flat=True
        )
    ) == {S.APPROVED}
    assert set(
        ObjectiveSet.objects.filter(agency=agency, period__start__year=2024).values_list(
            "status", flat=True
        )
    ) == {S.EVALUATED}
    assert not ObjectiveSet.objects.filter(agency=agency, period__start__year=2026).exists()
    assert Period.objects.get(agency=agency, start__year=2025).start == datetime.date(2025, 12, 15)
