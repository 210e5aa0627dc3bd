"""Every write to quality policy and objectives: one transaction, a log entry."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts.models import User
from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.core.models import OrgUnit
from qms.objectives import indicators, rules
from qms.objectives.models import (
    Measurement,
    Objective,
    ObjectiveSet,
    ObjectiveSettings,
    Period,
    PlanStage,
    QualityPolicy,
    period_bounds,
)
from qms.planning.models import PlanTask
from qms.planning.services import PlanningError, check_evidence_files

S = ObjectiveSet.Status
OBJECTIVE_FIELDS = (
    "order",
    "statement",
    "indicator",
    "unit_of_measure",
    "direction",
    "target",
    "target_date",
    "baseline",
    "frequency",
    "source",
    "owner_unit",
    "owner",
    "contributes_to",
    "aggregation",
    "weight",
    "result",
    "reached_on",
    "achieved",
    "cause",
    "proposed_action",
    "continuing",
)


class ObjectiveError(Exception):
    """A change was refused; the message is for users."""


def _agency_of(unit: OrgUnit) -> OrgUnit:
    if unit.kind == OrgUnit.Kind.AGENCY:
        return unit
    if unit.agency is None:
        raise ObjectiveError(_("This unit belongs to no agency."))
    return unit.agency


def _log(
    actor: User | None,
    action: str,
    obj: models.Model,
    agency: OrgUnit,
    before: Snapshot | None,
    after: Snapshot | None = None,
    note: str = "",
) -> None:
    logentry_create(
        actor=actor,
        action=action,
        obj=obj,
        unit=agency,
        before=before,
        after=after,
        note=note,
    )


# --------------------------------------------------------------------------- periods, policy


def school_year_start(agency: OrgUnit) -> tuple[int, int]:
    """(month, day) the agency's school year starts: its setting, else 1 August."""
    found = ObjectiveSettings.objects.filter(agency=agency).first()
    return (found.school_year_start_month, found.school_year_start_day) if found else (8, 1)


def period_for(*, agency: OrgUnit, year: int, kind: str = Period.Kind.SCHOOL_YEAR) -> Period:
    """The period of ``agency`` starting in ``year`` (school year from the agency's start,
    1/8 → 31/7 by default). A period already started keeps its dates when the setting
    changes later; the next one follows the new setting."""
    existing = Period.objects.filter(agency=agency, kind=kind, start__year=year).first()
    if existing is not None:
        return existing
    month, day = school_year_start(agency)
    start, end, label = period_bounds(kind, year, month, day)
    previous = (
        Period.objects.filter(agency=agency, kind=kind, start__lt=start).order_by("-start").first()
    )
    if previous is not None and previous.start.year == year - 1:
        # Periods follow each other without gap or overlap when the start day changed.
        start = previous.end + datetime.timedelta(days=1)
    period, _created = Period.objects.get_or_create(
        agency=agency, kind=kind, start=start, defaults={"end": end, "label": label}
    )
    return period


def current_year(agency: OrgUnit, today: datetime.date) -> int:
    """The year the school year running on ``today`` started in."""
    month, day = school_year_start(agency)
    return today.year if (today.month, today.day) >= (month, day) else today.year - 1


def settings_save(*, actor: User, agency: OrgUnit, month: int, day: int) -> ObjectiveSettings:
    if not (1 <= month <= 12 and 1 <= day <= 28):
        raise ObjectiveError(_("Give a month from 1 to 12 and a day from 1 to 28."))
    with transaction.atomic():
        found, _created = ObjectiveSettings.objects.select_for_update().get_or_create(agency=agency)
        before = snapshot(found, ["school_year_start_month", "school_year_start_day"])
        found.school_year_start_month, found.school_year_start_day = month, day
        found.save()
        _log(actor, "objectives.settings.saved", found, agency, before)
    return found


def policy_draft(*, actor: User, agency: OrgUnit, text: str) -> QualityPolicy:
    """A new version of the quality policy, to be approved by leadership."""
    if not text.strip():
        raise ObjectiveError(_("Write the policy."))
    with transaction.atomic():
        last = QualityPolicy.objects.filter(agency=agency).order_by("-version_no").first()
        policy = QualityPolicy.objects.create(
            agency=agency,
            version_no=(last.version_no + 1) if last else 1,
            text=text.strip(),
            created_by=actor,
        )
        _log(actor, "objectives.policy.drafted", policy, agency, {}, {"text": policy.text})
    return policy


def policy_approve(*, actor: User, policy: QualityPolicy, on: datetime.date) -> QualityPolicy:
    """Put a draft policy in force; the one it replaces is superseded."""
    with transaction.atomic():
        policy = QualityPolicy.objects.select_for_update().get(pk=policy.pk)
        if policy.status != QualityPolicy.Status.DRAFT:
            raise ObjectiveError(_("Only a draft policy can be approved."))
        QualityPolicy.objects.filter(
            agency=policy.agency, status=QualityPolicy.Status.APPROVED
        ).update(status=QualityPolicy.Status.SUPERSEDED)
        before = snapshot(policy, ["status", "approved_by", "approved_on"])
        policy.status = QualityPolicy.Status.APPROVED
        policy.approved_by, policy.approved_on = actor, on
        policy.save()
        _log(actor, "objectives.policy.approved", policy, policy.agency, before)
    return policy


# --------------------------------------------------------------------------- sets


def set_create(*, actor: User | None, unit: OrgUnit, period: Period) -> ObjectiveSet:
    """An empty draft set of ``unit`` for ``period``. Raises if the unit already has one."""
    agency = _agency_of(unit)
    if period.agency_id != agency.pk:
        raise ObjectiveError(_("The period belongs to another agency."))
    if ObjectiveSet.objects.filter(unit=unit, period=period).exists():
        raise ObjectiveError(
            _("This unit already has objectives for %(period)s.") % {"period": period}
        )
    with transaction.atomic():
        obj = ObjectiveSet.objects.create(agency=agency, unit=unit, period=period)
        _log(
            actor,
            "objectives.set.created",
            obj,
            agency,
            {},
            {"unit": unit.code, "period": period.label},
        )
    return obj


@dataclass
class ObjectiveInput:
    statement: str
    indicator: str
    owner_unit: OrgUnit
    direction: str = Objective.Direction.AT_LEAST
    target: Decimal | None = None
    target_date: datetime.date | None = None
    unit_of_measure: str = ""
    baseline: Decimal | None = None
    frequency: str = Objective.Frequency.QUARTERLY
    source: str = Objective.Source.MANUAL
    owner: User | None = None
    contributes_to: Objective | None = None
    aggregation: str = Objective.Aggregation.MANUAL
    weight: Decimal = Decimal(1)
    order: int | None = None
    continuing: bool = False


def _check_objective(objective_set: ObjectiveSet, data: ObjectiveInput) -> None:
    if not data.statement.strip() or not data.indicator.strip():
        raise ObjectiveError(_("Write the objective and its indicator."))
    if data.direction == Objective.Direction.BY_DATE and data.target_date is None:
        raise ObjectiveError(_("Give the date by which the objective is reached."))
    if data.direction != Objective.Direction.BY_DATE and data.target is None:
        raise ObjectiveError(_("Give the target value."))
    parent = data.contributes_to
    if parent is not None:
        parent_set = parent.objective_set
        if not parent_set.is_agency_set or parent_set.period_id != objective_set.period_id:
            raise ObjectiveError(
                _("An objective contributes to one of the agency's objectives of the same period.")
            )
        if parent_set.pk == objective_set.pk:
            raise ObjectiveError(_("An agency objective cannot contribute to itself."))


def objective_save(
    *,
    actor: User,
    objective_set: ObjectiveSet,
    data: ObjectiveInput,
    objective: Objective | None = None,
) -> Objective:
    """Add or change an objective of a draft set."""
    _check_objective(objective_set, data)
    with transaction.atomic():
        locked = ObjectiveSet.objects.select_for_update().get(pk=objective_set.pk)
        if not locked.is_editable:
            raise ObjectiveError(_("Objectives can be changed only while the set is a draft."))
        if objective is None:
            objective = Objective(objective_set=locked)
            before: Snapshot = {}
            if data.order is None:
                data.order = locked.objectives.count() + 1
        else:
            before = snapshot(objective, OBJECTIVE_FIELDS)
        for field in (
            "statement",
            "indicator",
            "owner_unit",
            "direction",
            "target",
            "target_date",
            "unit_of_measure",
            "baseline",
            "frequency",
            "source",
            "owner",
            "contributes_to",
            "aggregation",
            "weight",
            "continuing",
        ):
            setattr(objective, field, getattr(data, field))
        if data.order is not None:
            objective.order = data.order
        objective.statement, objective.indicator = data.statement.strip(), data.indicator.strip()
        objective.save()
        _log(
            actor,
            "objectives.objective.saved",
            objective,
            locked.agency,
            before,
            snapshot(objective, OBJECTIVE_FIELDS),
        )
    return objective


def _transition(
    actor: User,
    objective_set: ObjectiveSet,
    allowed: set[str],
    to: str,
    action: str,
    message: str,
    note: str = "",
) -> ObjectiveSet:
    with transaction.atomic():
        locked = ObjectiveSet.objects.select_for_update().get(pk=objective_set.pk)
        if locked.status not in allowed:
            raise ObjectiveError(message)
        before = snapshot(locked, ["status", "return_comment"])
        locked.status = to
        now = timezone.now()
        if to == S.SUBMITTED:
            locked.submitted_by, locked.submitted_at, locked.return_comment = actor, now, ""
        elif to == S.APPROVED:
            locked.approved_by, locked.approved_at = actor, now
        elif to == S.EVALUATED:
            locked.evaluated_by, locked.evaluated_at = actor, now
        elif to == S.DRAFT:
            locked.return_comment = note
        locked.version += 1
        locked.save()
        _log(actor, action, locked, locked.agency, before, note=note)
    return locked


def set_submit(*, actor: User, objective_set: ObjectiveSet) -> ObjectiveSet:
    """The unit head submits the set (with at least one objective) for approval."""
    if not objective_set.objectives.exists():
        raise ObjectiveError(_("Add at least one objective before submitting."))
    return _transition(
        actor,
        objective_set,
        {S.DRAFT},
        S.SUBMITTED,
        "objectives.set.submitted",
        _("Only a draft set can be submitted."),
    )


def set_return(*, actor: User, objective_set: ObjectiveSet, comment: str) -> ObjectiveSet:
    if not comment.strip():
        raise ObjectiveError(_("Say what must change: a comment is required."))
    return _transition(
        actor,
        objective_set,
        {S.SUBMITTED},
        S.DRAFT,
        "objectives.set.returned",
        _("Only a submitted set can be returned."),
        note=comment.strip(),
    )


def set_approve(*, actor: User, objective_set: ObjectiveSet) -> ObjectiveSet:
    return _transition(
        actor,
        objective_set,
        {S.SUBMITTED},
        S.APPROVED,
        "objectives.set.approved",
        _("Only a submitted set can be approved."),
    )


# --------------------------------------------------------------------------- measuring


def _fresh_set(objective: Objective) -> ObjectiveSet:
    """The set as stored now (a caller's copy may predate its approval)."""
    return ObjectiveSet.objects.select_related("period", "agency").get(
        pk=objective.objective_set_id
    )


def measurement_add(
    *,
    actor: User,
    objective: Objective,
    measured_on: datetime.date,
    value: Decimal,
    comment: str = "",
    evidence: UploadedFile | None = None,
) -> Measurement:
    """Record a measured value during the period of an approved set, with an optional
    evidence file (checked like a task's evidence: type, size and content)."""
    objective_set = _fresh_set(objective)
    period = objective_set.period
    if objective_set.status not in {S.APPROVED, S.EVALUATED}:
        raise ObjectiveError(_("Measurements are recorded once the objectives are approved."))
    if not period.start <= measured_on <= period.end:
        raise ObjectiveError(
            _("The date must fall within %(period)s (%(start)s–%(end)s).")
            % {
                "period": period.label,
                "start": period.start.strftime("%d/%m/%Y"),
                "end": period.end.strftime("%d/%m/%Y"),
            }
        )
    file_fields: dict[str, object] = {}
    if evidence is not None:
        try:
            checked = check_evidence_files([evidence])[0]
        except PlanningError as exc:
            raise ObjectiveError(str(exc)) from exc
        evidence.name = checked.name
        file_fields = {
            "evidence": evidence,
            "evidence_name": checked.name,
            "evidence_type": checked.content_type,
            "evidence_sha256": checked.sha256,
        }
    with transaction.atomic():
        m = Measurement.objects.create(
            objective=objective,
            measured_on=measured_on,
            value=value,
            comment=comment.strip(),
            entered_by=actor,
            **file_fields,
        )
        _log(
            actor,
            "objectives.measurement.added",
            m,
            objective_set.agency,
            {},
            {
                "value": str(value),
                "measured_on": measured_on.isoformat(),
                "evidence": m.evidence_name,
                "sha256": m.evidence_sha256,
            },
        )
    return m


def unit_ids_for(objective_set: ObjectiveSet) -> list[int] | None:
    """Whose data a computed indicator counts: the agency set counts the whole agency."""
    return None if objective_set.is_agency_set else [objective_set.unit_id]


def computed_value(objective: Objective, as_of: datetime.date) -> Decimal | None:
    """The computed indicator of ``objective`` from the period start to ``as_of``."""
    fn = indicators.get(objective.source)
    if fn is None:
        return None
    objective_set = objective.objective_set
    period = objective_set.period
    end = min(as_of, period.end)
    return fn(objective_set.agency_id, unit_ids_for(objective_set), period.start, end)


def measurement_compute(*, objective: Objective, as_of: datetime.date) -> Measurement | None:
    """Store today's computed value (one per day) for an eISO-computed indicator."""
    value = computed_value(objective, as_of)
    if value is None:
        return None
    with transaction.atomic():
        m, _created = Measurement.objects.update_or_create(
            objective=objective, measured_on=as_of, computed=True, defaults={"value": value}
        )
    return m


def rollup(objective: Objective) -> Decimal | None:
    """The agency objective's value from its units' latest values, by its aggregation."""
    values = []
    for part in objective.contributions.all():
        latest = part.result if part.result is not None else _latest(part)
        if latest is not None:
            values.append((latest, part.weight))
    return rules.aggregate(objective.aggregation, values)


def _latest(objective: Objective) -> Decimal | None:
    m = objective.measurements.order_by("-measured_on", "-id").first()
    return m.value if m else None


# --------------------------------------------------------------------------- evaluation


def objective_evaluate(
    *,
    actor: User,
    objective: Objective,
    result: Decimal | None,
    reached_on: datetime.date | None = None,
    cause: str = "",
    proposed_action: str = "",
    continuing: bool | None = None,
) -> Objective:
    """Mark achieved or not from the result and the target; a miss needs its cause."""
    objective_set = _fresh_set(objective)
    if objective_set.status != S.APPROVED:
        raise ObjectiveError(_("Only objectives of an approved set are evaluated."))
    achieved = rules.is_met(
        objective.direction,
        result,
        objective.target,
        reached_on=reached_on,
        target_date=objective.target_date,
    )
    if achieved is None:
        raise ObjectiveError(_("Enter the result to evaluate the objective."))
    if not achieved and not cause.strip():
        raise ObjectiveError(_("The objective was not achieved: give the cause."))
    with transaction.atomic():
        before = snapshot(objective, OBJECTIVE_FIELDS)
        objective.result, objective.reached_on, objective.achieved = result, reached_on, achieved
        objective.cause = cause.strip() if not achieved else ""
        objective.proposed_action = proposed_action.strip()
        if continuing is not None:
            objective.continuing = continuing
        objective.save()
        _log(actor, "objectives.objective.evaluated", objective, objective_set.agency, before)
    return objective


def set_evaluate(*, actor: User, objective_set: ObjectiveSet) -> ObjectiveSet:
    """Close the period's evaluation once every objective is evaluated."""
    missing = objective_set.objectives.filter(achieved__isnull=True).count()
    if missing:
        raise ObjectiveError(_("%(n)d objective(s) are not evaluated yet.") % {"n": missing})
    return _transition(
        actor,
        objective_set,
        {S.APPROVED},
        S.EVALUATED,
        "objectives.set.evaluated",
        _("Only an approved set can be evaluated."),
    )


def set_copy_forward(*, actor: User, objective_set: ObjectiveSet, period: Period) -> ObjectiveSet:
    """Start the next period's draft: objectives not achieved, and continuing ones, carry
    over with last period's result as their baseline."""
    if period.start <= objective_set.period.start:
        raise ObjectiveError(_("Copy to a later period."))
    with transaction.atomic():
        new = set_create(actor=actor, unit=objective_set.unit, period=period)
        carried = 0
        # A unit objective that contributed to an agency objective contributes to what
        # that objective became in the new period, when the agency carried it over.
        successors = dict(
            Objective.objects.filter(
                objective_set__period=period, carried_from__isnull=False
            ).values_list("carried_from_id", "pk")
        )
        for old in objective_set.objectives.all():
            if old.achieved and not old.continuing:
                continue
            baseline = old.result if old.result is not None else _latest(old)
            Objective.objects.create(
                objective_set=new,
                order=carried + 1,
                statement=old.statement,
                indicator=old.indicator,
                unit_of_measure=old.unit_of_measure,
                direction=old.direction,
                target=old.target,
                target_date=None
                if old.direction != Objective.Direction.BY_DATE
                else old.target_date,
                baseline=baseline,
                frequency=old.frequency,
                source=old.source,
                owner_unit=old.owner_unit,
                owner=old.owner,
                aggregation=old.aggregation,
                weight=old.weight,
                carried_from=old,
                contributes_to_id=successors.get(old.contributes_to_id)
                if old.contributes_to_id
                else None,
                continuing=old.continuing,
            )
            carried += 1
        _log(
            actor,
            "objectives.set.copied",
            new,
            new.agency,
            {},
            {"from": objective_set.period.label, "objectives": carried},
        )
    return new


# --------------------------------------------------------------------------- plan tasks 2 and 3


def stage_link(
    *,
    actor: User,
    task: PlanTask,
    stage: str,
    year: int,
) -> PlanStage:
    """Tie a plan task to the objectives cycle: evaluate the period that started in
    ``year - 1`` and set the one starting in ``year`` (task 2: the units; task 3: the
    agency). Linking again changes the link."""
    agency = task.plan.agency
    if stage not in PlanStage.Stage.values:
        raise ObjectiveError(_("Choose what the task stands for."))
    new_period = period_for(agency=agency, year=year)
    evaluated = Period.objects.filter(
        agency=agency, kind=Period.Kind.SCHOOL_YEAR, start__year=year - 1
    ).first()
    with transaction.atomic():
        link = PlanStage.objects.select_for_update().filter(task=task).first()
        fields = ["stage", "evaluated_period", "new_period"]
        before = snapshot(link, fields) if link else dict.fromkeys(fields)
        link = link or PlanStage(task=task)
        link.stage, link.evaluated_period, link.new_period = stage, evaluated, new_period
        link.save()
        _log(actor, "objectives.stage.linked", link, agency, before)
    return link
