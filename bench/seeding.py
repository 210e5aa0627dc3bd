"""Seeding shared by the benchmarks (imported after ``django.setup()``)."""

from __future__ import annotations

import datetime

from django.core.management import call_command

from qms.core.models import OrgUnit
from qms.core.services import orgunit_create
from qms.planning.models import Plan


def province_with_issued_plans(
    agencies: int, years: tuple[int, ...], divisions: int = 6
) -> tuple[list[OrgUnit], dict[int, list[OrgUnit]]]:
    """An empty database with a province of ``agencies`` agencies, each with
    ``divisions`` divisions and one issued plan (no tasks yet) per year."""
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    province = orgunit_create(actor=None, code="P", name="Tỉnh", kind=OrgUnit.Kind.PROVINCE)
    created: list[OrgUnit] = []
    units: dict[int, list[OrgUnit]] = {}
    plans: list[Plan] = []
    for a in range(agencies):
        agency = orgunit_create(
            actor=None,
            code=f"A{a}",
            name=f"Sở {a}",
            kind=OrgUnit.Kind.AGENCY,
            parent=province,
            doc_symbol=f"S{a}",
        )
        created.append(agency)
        units[agency.pk] = [
            orgunit_create(
                actor=None,
                code=f"A{a}-D{d}",
                name=f"Phòng {d} Sở {a}",
                kind=OrgUnit.Kind.DIVISION,
                parent=agency,
            )
            for d in range(divisions)
        ]
        plans.extend(
            Plan(
                agency=agency,
                year=y,
                status="issued",
                issuer_name=f"SỞ {a}",
                title=f"Kế hoạch {y}",
                number=f"{a}-{y}/KH-S{a}",
                issued_on=datetime.date(y, 2, 7),
            )
            for y in years
        )
    Plan.objects.bulk_create(plans, batch_size=1000)
    return created, units
