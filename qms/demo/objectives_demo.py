"""Demo quality policy and objectives of the Sở GDĐT Hưng Yên.

School year 2021-2022 is evaluated (some objectives missed, with their cause); 2022-2023 was
set before 25/8 (divisions) and 05/9/2022 (the Sở), as tasks 2 and 3 of Kế hoạch 187 ask,
carried over from 2021-2022, approved, and measured during the year.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.objectives import services
from qms.objectives.models import Objective, ObjectiveSet, Period, PlanStage
from qms.objectives.services import ObjectiveInput
from qms.planning.models import Plan

D = Decimal
DAY = datetime.date

POLICY = (
    "Sở Giáo dục và Đào tạo Hưng Yên cam kết: giải quyết thủ tục hành chính công khai, minh "
    "bạch, đúng hạn; không ngừng nâng cao chất lượng giáo dục và đào tạo; duy trì và cải tiến "
    "Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 để đáp ứng sự hài lòng của tổ chức, "
    "công dân."
)

# unit code, statement, indicator, unit, direction, target, results 2021-2022 (None = met
# exactly at target), cause when missed
UNIT_OBJECTIVES = [
    (
        "SGDDT-GDTRH",
        "Giải quyết hồ sơ chuyển trường THPT đúng hạn",
        "Tỷ lệ hồ sơ đúng hạn",
        "%",
        "gte",
        D(100),
        D(98),
        "02 hồ sơ chậm do học bạ gửi bổ sung muộn",
    ),
    (
        "SGDDT-GDTRH",
        "Tổ chức kiểm tra chuyên môn các trường THPT",
        "Số trường được kiểm tra",
        "trường",
        "gte",
        D(12),
        D(13),
        "",
    ),
    (
        "SGDDT-TCCB",
        "Hoàn thành bồi dưỡng cán bộ quản lý theo kế hoạch",
        "Tỷ lệ hoàn thành",
        "%",
        "gte",
        D(95),
        D(96),
        "",
    ),
    (
        "SGDDT-VP",
        "Phát hành văn bản đúng hạn",
        "Tỷ lệ văn bản phát hành đúng hạn",
        "%",
        "gte",
        D(98),
        D(95),
        "Thiếu cán bộ văn thư trong 3 tháng",
    ),
    (
        "SGDDT-VP",
        "Giảm phản ánh, kiến nghị về thủ tục hành chính",
        "Số phản ánh",
        "phản ánh",
        "lte",
        D(2),
        D(1),
        "",
    ),
]


def load_objectives(
    *, units: dict[str, OrgUnit], users: dict[str, User], plan_2022: Plan | None = None
) -> None:
    """Idempotent: does nothing once the agency has objective sets."""
    agency = units["SGDDT-HY"]
    if ObjectiveSet.objects.filter(agency=agency).exists():
        return
    policy = services.policy_draft(actor=users["thukyiso"], agency=agency, text=POLICY)
    services.policy_approve(actor=users["giamdoc"], policy=policy, on=DAY(2020, 11, 6))
    old = services.period_for(agency=agency, year=2021)
    new = services.period_for(agency=agency, year=2022)
    agency_old = _agency_set(agency, old, users)
    by_unit: dict[str, ObjectiveSet] = {}
    for code, statement, indicator, uom, direction, target, _result, _cause in UNIT_OBJECTIVES:
        unit = units[code]
        actor = _head(code, users)
        objective_set = by_unit.get(code) or services.set_create(actor=actor, unit=unit, period=old)
        by_unit[code] = objective_set
        services.objective_save(
            actor=actor,
            objective_set=objective_set,
            data=ObjectiveInput(
                statement=statement,
                indicator=indicator,
                unit_of_measure=uom,
                owner_unit=unit,
                direction=direction,
                target=target,
                contributes_to=agency_old if uom == "%" else None,
            ),
        )
    _approve_and_evaluate(by_unit, users)
    _approve_agency(agency_old.objective_set, users)
    services.objective_evaluate(
        actor=users["thukyiso"],
        objective=agency_old,
        result=D("96.3"),
        cause="Phòng chậm hạn 02 hồ sơ; Văn phòng thiếu văn thư",
        proposed_action="Bổ sung văn thư; nhắc hạn hồ sơ qua eISO",
    )
    services.set_evaluate(actor=users["thukyiso"], objective_set=agency_old.objective_set)
    _next_year(agency, by_unit, agency_old.objective_set, new, users)
    if plan_2022 is not None:
        # Tasks 2 and 3 of Kế hoạch 187: the divisions, then the ISO committee for the Sở.
        for number, stage in ((2, PlanStage.Stage.UNITS), (3, PlanStage.Stage.AGENCY)):
            task = plan_2022.tasks.filter(number=number).first()
            if task is not None:
                services.stage_link(actor=users["thukyiso"], task=task, stage=stage, year=2022)


def _head(code: str, users: dict[str, User]) -> User:
    return {"SGDDT-GDTRH": users["tp.gdtrh"], "SGDDT-TCCB": users["tp.tccb"]}.get(
        code, users["vanphong"]
    )


def _agency_set(agency: OrgUnit, period: Period, users: dict[str, User]) -> Objective:
    objective_set = services.set_create(actor=users["thukyiso"], unit=agency, period=period)
    return services.objective_save(
        actor=users["thukyiso"],
        objective_set=objective_set,
        data=ObjectiveInput(
            statement="Giải quyết công việc, hồ sơ của Sở đúng hạn",
            indicator="Tỷ lệ trung bình các phòng",
            unit_of_measure="%",
            owner_unit=agency,
            target=D(98),
            aggregation=Objective.Aggregation.WEIGHTED_MEAN,
        ),
    )


def _approve_agency(objective_set: ObjectiveSet, users: dict[str, User]) -> None:
    services.set_submit(actor=users["thukyiso"], objective_set=objective_set)
    services.set_approve(actor=users["giamdoc"], objective_set=objective_set)


def _approve_and_evaluate(by_unit: dict[str, ObjectiveSet], users: dict[str, User]) -> None:
    results = {(c, s): (r, cause) for c, s, _i, _u, _d, _t, r, cause in UNIT_OBJECTIVES}
    for code, objective_set in by_unit.items():
        actor = _head(code, users)
        services.set_submit(actor=actor, objective_set=objective_set)
        services.set_approve(actor=users["giamdoc"], objective_set=objective_set)
        for objective in objective_set.objectives.all():
            result, cause = results[(code, objective.statement)]
            services.measurement_add(
                actor=actor, objective=objective, measured_on=DAY(2022, 6, 30), value=result
            )
            services.objective_evaluate(
                actor=actor,
                objective=objective,
                result=result,
                cause=cause,
                proposed_action="Theo dõi hằng tháng trên eISO" if cause else "",
                continuing=objective.unit_of_measure == "%",
            )
        services.set_evaluate(actor=actor, objective_set=objective_set)


def _next_year(
    agency: OrgUnit,
    by_unit: dict[str, ObjectiveSet],
    agency_old: ObjectiveSet,
    period: Period,
    users: dict[str, User],
) -> None:
    """2022-2023: carried over, the units' percentages contributing to the Sở's objective."""
    agency_new = services.set_copy_forward(
        actor=users["thukyiso"], objective_set=agency_old, period=period
    )
    parent = agency_new.objectives.get()
    _approve_agency(agency_new, users)
    values = [D(97), D(99)]
    for code, old in by_unit.items():
        actor = _head(code, users)
        new = services.set_copy_forward(actor=actor, objective_set=old, period=period)
        new.objectives.filter(unit_of_measure="%").update(contributes_to=parent)
        services.set_submit(actor=actor, objective_set=new)
        services.set_approve(actor=users["giamdoc"], objective_set=new)
        for objective in new.objectives.all():
            for month, value in zip((11, 2), values, strict=True):
                year = 2022 if month == 11 else 2023
                services.measurement_add(
                    actor=actor,
                    objective=objective,
                    measured_on=DAY(year, month, 30 if month == 11 else 28),
                    value=value if objective.unit_of_measure == "%" else objective.target or D(0),
                )
