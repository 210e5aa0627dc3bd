"""The running school year of the demo starts on the agency's school-year start (the
objectives setting), not on a fixed 1 August."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.demo import loader
from qms.objectives import services as objectives
from qms.objectives.models import ObjectiveSet, Period

pytestmark = pytest.mark.django_db
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
S = ObjectiveSet.Status


def test_school_year_follows_the_agency_setting() -> None:
    """The history loaded first (on 01/10/2023, when no running year is added), then the
    school year moved to start on 15/12: loaded again on 03/12/2026, the running school
    year is 2025-2026 (from 15/12/2025) and 2024-2025 the one evaluated."""
    with time_machine.travel(datetime.datetime(2023, 10, 1, 7, tzinfo=HCM)):
        loader.load_demo()
    units = {u.code: u for u in OrgUnit.objects.all()}
    quantriso = User.objects.get(username="quantriso")
    objectives.settings_save(actor=quantriso, agency=units["SGDDT-HY"], month=12, day=15)
    with time_machine.travel(datetime.datetime(2026, 12, 3, 7, tzinfo=HCM)):
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
    approved = ObjectiveSet.objects.get(unit=agency, period__start__year=2025).approved_at
    assert approved is not None and approved.date() == datetime.date(2026, 1, 19)
