"""Nonconformity and corrective action (ISO 9001:2015 clause 10.2): every change.

Who may do what (decided on the NC's own responsible unit, ``permissions.can``):

* raise: ``nonconformities.raise`` (ISO office, auditors, unit heads, leadership);
* correction, cause analysis, planning the actions: ``nonconformities.analyse`` (the unit
  head, the ISO office);
* marking an action done: its owner, or ``nonconformities.act`` on the action's unit;
* verification of effectiveness: ``nonconformities.verify`` (ISO office, auditors,
  leadership), by a person who is neither the NC's owner nor the owner of any of its
  actions, and not before ``NCSettings.verification_delay_days`` after the last action;
* settings and archiving: ``nonconformities.manage_settings`` on the agency.

States (``Nonconformity.Status``)::

    open ──analyse──▶ analysed ──plan──▶ planned ──first action done──▶ in_progress
                         ▲                  └──────────── all actions done ──────────┐
                         │                                                           ▼
                         └──── not effective (reopened) ◀── verify ── awaiting_verification
                                                               └── effective ──▶ closed

The gates are checked here with a message for the user and held again by the model's
``CheckConstraint``\\ s: a direct update that breaks one raises ``IntegrityError``.

Every service takes a row lock on the NC (``select_for_update``), bumps ``version`` and
writes the audit trail (before/after of every field it changes). A caller that loaded the
NC in a form passes ``loaded_version``; a mismatch raises ``StaleEdit``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.accounts import permissions
from qms.audittrail.services import Snapshot, logentry_create, snapshot
from qms.core import uploads
from qms.core.models import OrgUnit
from qms.nonconformities import notifications, sources
from qms.nonconformities.models import (
    CorrectiveAction,
    NCCounter,
    NCEvidence,
    NCSettings,
    Nonconformity,
    Verification,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from qms.accounts.models import User
    from qms.core.uploads import CheckedUpload
    from qms.planning.models import PlanTask

S = Nonconformity.Status
A = CorrectiveAction.Status
NUMBER_PREFIX = "KPH"
FISHBONE_CATEGORIES = ("man", "machine", "method", "material", "measurement", "environment")
MAX_WHYS = 7

NC_FIELDS = (
    "number",
    "status",
    "source_key",
    "source_label",
    "title",
    "description",
    "clause",
    "unit",
    "owner",
    "severity",
    "raised_on",
    "correction",
    "correction_on",
    "cause_method",
    "whys",
    "fishbone",
    "root_cause",
    "analysed_by",
    "analysed_at",
    "planned_at",
    "actions_total",
    "actions_open",
    "actions_done_on",
    "verified_by",
    "verified_at",
    "closed_at",
    "reopened_count",
    "archived_at",
)
ACTION_FIELDS = (
    "description",
    "owner",
    "unit",
    "due",
    "status",
    "done_on",
    "done_by",
    "result",
    "plan_task",
)
EDITABLE_STATES = frozenset({S.OPEN, S.ANALYSED, S.PLANNED, S.IN_PROGRESS})
ANALYSIS_STATES = frozenset({S.OPEN, S.ANALYSED, S.PLANNED})
ACTION_STATES = frozenset({S.ANALYSED, S.PLANNED, S.IN_PROGRESS})


class NCError(Exception):
    """A change was refused; the message is for users."""


class StaleEdit(NCError):
    """Someone else saved the record since the form was loaded."""


# --------------------------------------------------------------------------- helpers


def format_number(*, year: int, serial: int) -> str:
    """'KPH-2022-001': KPH (không phù hợp), the year, a serial restarting each year."""
    return f"{NUMBER_PREFIX}-{year}-{serial:03d}"


def next_serial(agency: OrgUnit, year: int) -> int:
    """Bump the agency's counter of ``year`` and return the new serial.

    ``UPDATE … SET last = last + 1`` takes the row lock (PostgreSQL) or the write lock
    (SQLite) inside the caller's transaction: two creations never read the same value and
    a rolled-back creation leaves no gap (the shape of ``qms.core.numbering``).
    """
    with transaction.atomic():
        NCCounter.objects.get_or_create(agency=agency, year=year)
        NCCounter.objects.filter(agency=agency, year=year).update(last=F("last") + 1)
        return NCCounter.objects.get(agency=agency, year=year).last


def agency_of(unit: OrgUnit) -> OrgUnit:
    agency = unit if unit.kind == OrgUnit.Kind.AGENCY else unit.agency
    if agency is None:
        raise NCError(_("This unit belongs to no agency: choose a unit of an agency."))
    return agency


def settings_for(agency: OrgUnit) -> NCSettings:
    """The agency's NC settings (the defaults until someone saves them)."""
    found = NCSettings.objects.filter(agency=agency).first()
    return found or NCSettings(agency=agency)


def _log(
    actor: User | None,
    action: str,
    obj: Nonconformity | CorrectiveAction | Verification | NCEvidence | NCSettings,
    unit: OrgUnit,
    before: Snapshot,
    *,
    fields: Sequence[str] = NC_FIELDS,
    note: str = "",
) -> None:
    logentry_create(
        actor=actor,
        action=action,
        obj=obj,
        unit=unit,
        before=before,
        after=snapshot(obj, fields),
        note=note,
    )


def _lock(nc: Nonconformity, loaded_version: int | None = None) -> Nonconformity:
    locked = (
        Nonconformity.objects.select_for_update(of=("self",))
        .select_related("unit", "agency", "owner")
        .get(pk=nc.pk)
    )
    if loaded_version is not None and locked.version != loaded_version:
        raise StaleEdit(
            _(
                "Someone else saved this nonconformity while you were editing. "
                "Your changes were not saved; review them and save again."
            )
        )
    if locked.archived_at is not None:
        raise NCError(_("This nonconformity is archived: it no longer changes."))
    return locked


def _require(actor: User, action: str, unit: OrgUnit, message: str) -> None:
    if not permissions.can(actor, action, unit):
        raise NCError(message)


def _save(nc: Nonconformity) -> None:
    nc.version += 1
    nc.save()


def _check_person(person: User | None, agency: OrgUnit, what: str) -> None:
    if person is None:
        return
    if not person.is_active:
        raise NCError(_("%(who)s is no longer active: choose someone else.") % {"who": what})
    unit = person.unit
    if unit is None or (unit.pk != agency.pk and unit.agency_id != agency.pk):
        raise NCError(_("%(who)s must be a person of this agency.") % {"who": what})


def _check_unit(unit: OrgUnit, agency: OrgUnit) -> None:
    if unit.pk != agency.pk and unit.agency_id != agency.pk:
        raise NCError(_("The unit must belong to the agency of the nonconformity."))
    if unit.archived_at is not None:
        raise NCError(_("This unit is archived: choose a unit in use."))


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """An evidence file checked by ``qms.core.uploads`` (PDF, Word, Excel, PNG, JPEG)."""
    try:
        return uploads.check_upload(upload, kinds=uploads.EVIDENCE_KINDS)
    except uploads.FileRejected as exc:
        raise NCError(exc.message) from exc


def check_files(files: Sequence[UploadedFile]) -> list[CheckedUpload]:
    try:
        uploads.check_request_files(files)
    except uploads.FileRejected as exc:
        raise NCError(exc.message) from exc
    return [check_upload(f) for f in files]


def _evidence_add(
    *,
    actor: User,
    nc: Nonconformity,
    checked: list[tuple[UploadedFile, CheckedUpload]],
    action: CorrectiveAction | None = None,
    verification: Verification | None = None,
) -> list[NCEvidence]:
    out = []
    for _upload, file in checked:
        evidence = NCEvidence(
            nc=nc,
            action=action,
            verification=verification,
            file_name=file.name,
            file_type=file.content_type,
            file_size=file.size,
            uploaded_by=actor,
        )
        evidence.file.save(file.name, ContentFile(file.data), save=False)
        evidence.save()
        logentry_create(
            actor=actor,
            action="nonconformities.evidence.added",
            obj=evidence,
            unit=nc.unit,
            before={},
            after={"file_name": evidence.file_name, "nc": nc.number},
        )
        out.append(evidence)
    return out


# --------------------------------------------------------------------------- raise


def raise_nc(
    *,
    actor: User,
    source_key: str = "",
    source_obj: Any = None,
    unit: OrgUnit | None = None,
    title: str = "",
    description: str = "",
    clause: str = "",
    severity: str = "",
    owner: User | None = None,
    raised_on: datetime.date | None = None,
) -> Nonconformity:
    """Raise (record) a nonconformity, directly or from a registered source.

    What is not given comes from the source's facts (``sources.get(key).describe(obj)``).
    Needs ``nonconformities.raise`` on the responsible unit. The NC is numbered
    ``KPH-<year>-<serial>`` per agency and year, logged, and the unit's head is told.
    """
    facts: sources.SourceFacts | None = None
    if source_key or source_obj is not None:
        if not source_key or source_obj is None:
            raise NCError(_("A nonconformity raised from a record names the record."))
        try:
            source = sources.get(source_key)
        except sources.UnknownSource as exc:
            raise NCError(_("Unknown source of nonconformities.")) from exc
        if not isinstance(source_obj, source.model):
            raise NCError(_("The record does not match the source."))
        facts = source.describe(source_obj)
    unit = unit or (facts.unit if facts else None)
    if unit is None:
        raise NCError(_("Choose the unit responsible."))
    agency = agency_of(unit)
    if facts is not None and facts.agency.pk != agency.pk:
        raise NCError(_("The unit must belong to the agency of the record."))
    _check_unit(unit, agency)
    _require(
        actor,
        "nonconformities.raise",
        unit,
        _("You may not raise a nonconformity for this unit."),
    )
    title = " ".join((title or (facts.title if facts else "")).split())
    description = (description or (facts.description if facts else "")).strip()
    if not title:
        raise NCError(_("Give the nonconformity a title."))
    if not description:
        raise NCError(_("Describe the nonconformity: what was found, where, against what."))
    severity = severity or (facts.severity if facts else "") or Nonconformity.Severity.MINOR
    if severity not in Nonconformity.Severity.values:
        raise NCError(_("Choose the severity: major or minor."))
    owner = owner or (facts.owner if facts else None)
    _check_person(owner, agency, _("The owner"))
    raised_on = raised_on or timezone.localdate()
    if raised_on > timezone.localdate():
        raise NCError(_("The date raised cannot be in the future."))
    with transaction.atomic():
        serial = next_serial(agency, raised_on.year)
        nc = Nonconformity(
            agency=agency,
            year=raised_on.year,
            serial=serial,
            number=format_number(year=raised_on.year, serial=serial),
            title=title[:500],
            description=description,
            clause=(clause or (facts.clause if facts else "")).strip()[:10],
            unit=unit,
            owner=owner,
            severity=severity,
            raised_by=actor,
            raised_on=raised_on,
        )
        if facts is not None:
            nc.source_key = source_key
            nc.source_type = ContentType.objects.get_for_model(source_obj)
            nc.source_id = source_obj.pk
            nc.source_label = facts.label[:500]
        nc.save()
        _log(actor, "nonconformities.nc.raised", nc, unit, {})
        notifications.notify_raised(actor=actor, nc=nc)
    return nc


@dataclass
class NCInput:
    title: str
    description: str
    unit: OrgUnit
    owner: User | None = None
    clause: str = ""
    severity: str = Nonconformity.Severity.MINOR


def nc_update(
    *, actor: User, nc: Nonconformity, data: NCInput, loaded_version: int | None = None
) -> Nonconformity:
    """Change what the NC says (title, description, unit, owner, clause, severity) before
    it is verified. Needs ``nonconformities.analyse`` on its unit (and on the new one)."""
    with transaction.atomic():
        nc = _lock(nc, loaded_version)
        _require(
            actor,
            "nonconformities.analyse",
            nc.unit,
            _("You may not change this nonconformity."),
        )
        if nc.status not in EDITABLE_STATES:
            raise NCError(_("A nonconformity awaiting verification or closed no longer changes."))
        if not " ".join(data.title.split()):
            raise NCError(_("Give the nonconformity a title."))
        if not data.description.strip():
            raise NCError(_("Describe the nonconformity: what was found, where, against what."))
        if data.severity not in Nonconformity.Severity.values:
            raise NCError(_("Choose the severity: major or minor."))
        _check_unit(data.unit, nc.agency)
        if data.unit.pk != nc.unit_id:
            _require(
                actor,
                "nonconformities.analyse",
                data.unit,
                _("You may not give this nonconformity to that unit."),
            )
        _check_person(data.owner, nc.agency, _("The owner"))
        before = snapshot(nc, NC_FIELDS)
        nc.title = " ".join(data.title.split())[:500]
        nc.description = data.description.strip()
        nc.unit = data.unit
        nc.owner = data.owner
        nc.clause = data.clause.strip()[:10]
        nc.severity = data.severity
        _save(nc)
        _log(actor, "nonconformities.nc.updated", nc, nc.unit, before)
    return nc


# --------------------------------------------------------------------------- correction, cause


def correction_record(
    *,
    actor: User,
    nc: Nonconformity,
    correction: str,
    correction_on: datetime.date | None = None,
    loaded_version: int | None = None,
) -> Nonconformity:
    """Record the correction (the immediate fix of what was found)."""
    with transaction.atomic():
        nc = _lock(nc, loaded_version)
        _require(
            actor,
            "nonconformities.analyse",
            nc.unit,
            _("You may not record the correction of this nonconformity."),
        )
        if nc.status not in EDITABLE_STATES:
            raise NCError(_("A nonconformity awaiting verification or closed no longer changes."))
        if not correction.strip():
            raise NCError(_("Describe the correction: what was done at once to fix it."))
        correction_on = correction_on or timezone.localdate()
        if correction_on > timezone.localdate():
            raise NCError(_("The date of the correction cannot be in the future."))
        if correction_on < nc.raised_on:
            raise NCError(_("The correction cannot be dated before the nonconformity was raised."))
        before = snapshot(nc, NC_FIELDS)
        nc.correction = correction.strip()
        nc.correction_on = correction_on
        _save(nc)
        _log(actor, "nonconformities.nc.corrected", nc, nc.unit, before)
    return nc


def clean_whys(whys: Sequence[str]) -> list[str]:
    out = [" ".join(str(w).split()) for w in whys]
    while out and not out[-1]:
        out.pop()
    if any(not w for w in out):
        raise NCError(_("Answer every 'why' in order, without gaps."))
    if len(out) > MAX_WHYS:
        raise NCError(_("At most %(n)d 'whys'.") % {"n": MAX_WHYS})
    return out


def clean_fishbone(fishbone: dict[str, Sequence[str]]) -> dict[str, list[str]]:
    unknown = set(fishbone) - set(FISHBONE_CATEGORIES)
    if unknown:
        raise NCError(_("Unknown fishbone category."))
    out: dict[str, list[str]] = {}
    for cat in FISHBONE_CATEGORIES:
        items = [" ".join(str(i).split()) for i in fishbone.get(cat, [])]
        items = [i for i in items if i]
        if items:
            out[cat] = items
    return out


def cause_analyse(
    *,
    actor: User,
    nc: Nonconformity,
    method: str,
    root_cause: str,
    whys: Sequence[str] = (),
    fishbone: dict[str, Sequence[str]] | None = None,
    loaded_version: int | None = None,
) -> Nonconformity:
    """Record the cause analysis (5 whys and/or fishbone of the 6 M) and the root cause.

    An open NC becomes *analysed*; the analysis can be revised until the actions start.
    """
    with transaction.atomic():
        nc = _lock(nc, loaded_version)
        _require(
            actor,
            "nonconformities.analyse",
            nc.unit,
            _("You may not analyse the cause of this nonconformity."),
        )
        if nc.status not in ANALYSIS_STATES:
            raise NCError(_("The cause is analysed before the actions start."))
        if method not in Nonconformity.CauseMethod.values:
            raise NCError(_("Choose the method: 5 whys, fishbone, or both."))
        clean_w = clean_whys(whys)
        clean_f = clean_fishbone(fishbone or {})
        if method in {"five_whys", "both"} and not clean_w:
            raise NCError(_("Write at least the first 'why'."))
        if method in {"fishbone", "both"} and not clean_f:
            raise NCError(_("Write at least one cause in the fishbone."))
        if not root_cause.strip():
            raise NCError(_("State the root cause: the actions must remove it."))
        before = snapshot(nc, NC_FIELDS)
        nc.cause_method = method
        nc.whys = clean_w if method in {"five_whys", "both"} else []
        nc.fishbone = clean_f if method in {"fishbone", "both"} else {}
        nc.root_cause = root_cause.strip()
        nc.analysed_by = actor
        nc.analysed_at = timezone.now()
        if nc.status == S.OPEN:
            nc.status = S.ANALYSED
        _save(nc)
        _log(actor, "nonconformities.nc.analysed", nc, nc.unit, before)
    return nc


# --------------------------------------------------------------------------- actions


@dataclass
class ActionInput:
    description: str
    owner: User
    unit: OrgUnit
    due: datetime.date


def _check_action(nc: Nonconformity, data: ActionInput) -> None:
    if not data.description.strip():
        raise NCError(_("Describe the corrective action."))
    if data.owner is None:
        raise NCError(_("Choose who carries out the action."))
    _check_person(data.owner, nc.agency, _("The owner of the action"))
    _check_unit(data.unit, nc.agency)
    if data.due is None:
        raise NCError(_("Give the action a deadline."))
    if data.due < nc.raised_on:
        raise NCError(_("The deadline cannot be before the nonconformity was raised."))


def action_add(
    *, actor: User, nc: Nonconformity, data: ActionInput, loaded_version: int | None = None
) -> CorrectiveAction:
    """Add a corrective action (analysed, planned or in progress). Keeps the NC's
    ``actions_total``/``actions_open`` under its row lock; owners of actions added after
    the plan is confirmed are told at once."""
    with transaction.atomic():
        nc = _lock(nc, loaded_version)
        _require(
            actor,
            "nonconformities.analyse",
            nc.unit,
            _("You may not plan the actions of this nonconformity."),
        )
        if nc.status not in ACTION_STATES:
            if nc.status == S.OPEN:
                raise NCError(_("Analyse the cause first: the actions must remove it."))
            raise NCError(_("A nonconformity awaiting verification or closed no longer changes."))
        _check_action(nc, data)
        action = CorrectiveAction.objects.create(
            nc=nc,
            description=data.description.strip(),
            owner=data.owner,
            unit=data.unit,
            due=data.due,
            created_by=actor,
        )
        before = snapshot(nc, NC_FIELDS)
        nc.actions_total += 1
        nc.actions_open += 1
        _save(nc)
        _log(actor, "nonconformities.action.added", action, nc.unit, {}, fields=ACTION_FIELDS)
        _log(actor, "nonconformities.nc.actions_changed", nc, nc.unit, before)
        if nc.status != S.ANALYSED:
            notifications.notify_actions_assigned(actor=actor, nc=nc, actions=[action])
    return action


def action_update(
    *,
    actor: User,
    action: CorrectiveAction,
    data: ActionInput,
    loaded_version: int | None = None,
) -> CorrectiveAction:
    """Change an open action (description, owner, unit, deadline)."""
    with transaction.atomic():
        nc = _lock(action.nc)
        action = CorrectiveAction.objects.select_for_update(of=("self",)).get(pk=action.pk, nc=nc)
        if loaded_version is not None and action.version != loaded_version:
            raise StaleEdit(
                _(
                    "Someone else saved this action while you were editing. "
                    "Your changes were not saved; review them and save again."
                )
            )
        _require(
            actor,
            "nonconformities.analyse",
            nc.unit,
            _("You may not plan the actions of this nonconformity."),
        )
        if nc.status not in ACTION_STATES:
            raise NCError(_("A nonconformity awaiting verification or closed no longer changes."))
        if action.status != A.OPEN:
            raise NCError(_("Only an open action can be changed."))
        if action.plan_task_id is not None:
            raise NCError(
                _("This action is followed as a task of the yearly plan: change the task.")
            )
        _check_action(nc, data)
        before = snapshot(action, ACTION_FIELDS)
        new_owner = data.owner.pk != action.owner_id
        action.description = data.description.strip()
        action.owner = data.owner
        action.unit = data.unit
        action.due = data.due
        action.version += 1
        action.save()
        nc.version += 1
        nc.save(update_fields=["version"])
        _log(actor, "nonconformities.action.updated", action, nc.unit, before, fields=ACTION_FIELDS)
        if new_owner and nc.status != S.ANALYSED:
            notifications.notify_actions_assigned(actor=actor, nc=nc, actions=[action])
    return action


def plan_confirm(
    *, actor: User, nc: Nonconformity, loaded_version: int | None = None
) -> Nonconformity:
    """The actions are planned (at least one open action): the owners are told."""
    with transaction.atomic():
        nc = _lock(nc, loaded_version)
        _require(
            actor,
            "nonconformities.analyse",
            nc.unit,
            _("You may not plan the actions of this nonconformity."),
        )
        if nc.status != S.ANALYSED:
            raise NCError(_("Only an analysed nonconformity gets its action plan confirmed."))
        if not nc.root_cause.strip():
            raise NCError(_("Analyse the cause first: the actions must remove it."))
        if nc.actions_open == 0:
            raise NCError(_("Add at least one corrective action."))
        before = snapshot(nc, NC_FIELDS)
        nc.status = S.PLANNED
        nc.planned_at = timezone.now()
        _save(nc)
        _log(actor, "nonconformities.nc.planned", nc, nc.unit, before)
        open_actions = list(nc.actions.filter(status=A.OPEN).select_related("owner"))
        notifications.notify_actions_assigned(actor=actor, nc=nc, actions=open_actions)
    return nc


def may_complete(user: User, action: CorrectiveAction) -> bool:
    """Its owner, or ``nonconformities.act`` on the action's unit."""
    return action.owner_id == user.pk or permissions.can(user, "nonconformities.act", action.unit)


def action_done(
    *,
    actor: User,
    action: CorrectiveAction,
    result: str,
    done_on: datetime.date | None = None,
    files: Sequence[UploadedFile] = (),
) -> CorrectiveAction:
    """Mark an action done with what was done and evidence. The first done action moves
    the NC to *in progress*; the last one to *awaiting verification*."""
    if not result.strip():
        raise NCError(_("Describe what was done."))
    checked = list(zip(files, check_files(files), strict=True))
    with transaction.atomic():
        nc = _lock(action.nc)
        action = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=action.pk, nc=nc)
        )
        if not may_complete(actor, action):
            raise NCError(_("Only the owner of the action or their unit may mark it done."))
        if action.status != A.OPEN:
            raise NCError(_("This action is already done."))
        if nc.status not in {S.PLANNED, S.IN_PROGRESS}:
            raise NCError(_("Actions are carried out once the action plan is confirmed."))
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise NCError(_("The date done cannot be in the future."))
        if done_on < nc.raised_on:
            raise NCError(_("The date done cannot be before the nonconformity was raised."))
        before_action = snapshot(action, ACTION_FIELDS)
        before = snapshot(nc, NC_FIELDS)
        action.status = A.DONE
        action.done_on = done_on
        action.done_by = actor
        action.result = result.strip()
        action.version += 1
        action.save()
        _evidence_add(actor=actor, nc=nc, checked=checked, action=action)
        nc.actions_open -= 1
        if nc.actions_open == 0:
            nc.status = S.AWAITING_VERIFICATION
            last = nc.actions.filter(status=A.DONE).aggregate(d=Max("done_on"))["d"]
            nc.actions_done_on = max(last or done_on, done_on)
        else:
            nc.status = S.IN_PROGRESS
        _save(nc)
        _log(
            actor,
            "nonconformities.action.done",
            action,
            nc.unit,
            before_action,
            fields=ACTION_FIELDS,
        )
        _log(actor, "nonconformities.nc.progress", nc, nc.unit, before)
        if nc.status == S.AWAITING_VERIFICATION:
            notifications.notify_awaiting_verification(actor=actor, nc=nc)
    return action


def _round_actions(nc: Nonconformity) -> Any:
    """The actions of the current round: those added since the last verification (a
    reopened NC keeps its earlier, done actions in its history)."""
    last = nc.verifications.order_by("-pk").values_list("created_at", flat=True).first()
    qs = nc.actions.all()
    return qs.filter(created_at__gt=last) if last else qs


def action_cancel(*, actor: User, action: CorrectiveAction, reason: str) -> CorrectiveAction:
    """Cancel an open action planned by mistake (it stays in the record, cancelled). The
    plan keeps at least one action: the last one of the round is not cancelled unless
    another is done, and then the NC awaits verification."""
    if not reason.strip():
        raise NCError(_("Say why the action is cancelled."))
    with transaction.atomic():
        nc = _lock(action.nc)
        action = CorrectiveAction.objects.select_for_update(of=("self",)).get(pk=action.pk, nc=nc)
        _require(
            actor,
            "nonconformities.analyse",
            nc.unit,
            _("You may not plan the actions of this nonconformity."),
        )
        if nc.status not in ACTION_STATES:
            raise NCError(_("A nonconformity awaiting verification or closed no longer changes."))
        if action.status != A.OPEN:
            raise NCError(_("Only an open action can be cancelled."))
        if action.plan_task_id is not None:
            raise NCError(
                _("This action is followed as a task of the yearly plan: change the task.")
            )
        round_actions = _round_actions(nc).exclude(pk=action.pk)
        others_open = round_actions.filter(status=A.OPEN).exists()
        done_on = round_actions.filter(status=A.DONE).aggregate(d=Max("done_on"))["d"]
        if nc.status != S.ANALYSED and not others_open and done_on is None:
            raise NCError(
                _("This is the only action of the plan: add another one before cancelling it.")
            )
        before_action = snapshot(action, ACTION_FIELDS)
        before = snapshot(nc, NC_FIELDS)
        action.status = A.CANCELLED
        action.result = reason.strip()
        action.version += 1
        action.save()
        nc.actions_open -= 1
        if nc.status != S.ANALYSED and nc.actions_open == 0:
            nc.status = S.AWAITING_VERIFICATION
            nc.actions_done_on = done_on
        _save(nc)
        _log(
            actor,
            "nonconformities.action.cancelled",
            action,
            nc.unit,
            before_action,
            fields=ACTION_FIELDS,
            note=reason.strip(),
        )
        _log(actor, "nonconformities.nc.actions_changed", nc, nc.unit, before)
        if nc.status == S.AWAITING_VERIFICATION:
            notifications.notify_awaiting_verification(actor=actor, nc=nc)
    return action


def action_to_task(*, actor: User, action: CorrectiveAction) -> PlanTask:
    """Follow an open action as a task of the agency's issued plan of its deadline's year
    (led by the action's unit, due on its deadline). Needs ``planning.edit_plan`` on the
    agency: the task amends the issued plan."""
    from qms.planning import services as planning
    from qms.planning.models import Plan

    with transaction.atomic():
        nc = _lock(action.nc)
        action = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=action.pk, nc=nc)
        )
        _require(
            actor,
            "planning.edit_plan",
            nc.agency,
            _("Only who edits the yearly plan may add a task to it."),
        )
        if action.status != A.OPEN:
            raise NCError(_("Only an open action becomes a task of the yearly plan."))
        if action.plan_task_id is not None:
            raise NCError(_("This action is already a task of the yearly plan."))
        plan = (
            Plan.objects.filter(
                agency=nc.agency,
                year=action.due.year,
                status=Plan.Status.ISSUED,
                archived_at__isnull=True,
            )
            .order_by("-issued_on", "-pk")
            .first()
        )
        if plan is None:
            raise NCError(
                _("There is no issued yearly plan for %(year)d to add the task to.")
                % {"year": action.due.year}
            )
        plan = Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
        last = plan.tasks.aggregate(n=Max("number"))["n"] or 0
        before = snapshot(action, ACTION_FIELDS)
        try:
            task = planning.task_create(
                actor=actor,
                plan=plan,
                data=planning.TaskInput(
                    number=last + 1,
                    content=action.description,
                    timing_text=f"Trước {action.due:%d/%m/%Y}",
                    due_date=action.due,
                    lead_units=[action.unit],
                    partner_units=[],
                ),
                # Part of the plan's amendment record (an official Vietnamese document).
                amendment_reason=f"Hành động khắc phục sự không phù hợp {nc.number}: {nc.title}"[
                    :500
                ],
            )
        except planning.PlanningError as exc:
            raise NCError(str(exc)) from exc
        action.plan_task = task
        action.version += 1
        action.save(update_fields=["plan_task", "version"])
        _log(
            actor,
            "nonconformities.action.to_task",
            action,
            nc.unit,
            before,
            fields=ACTION_FIELDS,
        )
    return task


# --------------------------------------------------------------------------- verification


def verification_due_on(nc: Nonconformity, delay_days: int | None = None) -> datetime.date | None:
    """The first day the effectiveness may be verified (None before all actions are done)."""
    if nc.actions_done_on is None:
        return None
    if delay_days is None:
        delay_days = settings_for(nc.agency).verification_delay_days
    return nc.actions_done_on + datetime.timedelta(days=delay_days)


def verifier_conflict(
    user: User, nc: Nonconformity, actions: Sequence[CorrectiveAction] | None = None
) -> str:
    """Why ``user`` may not verify ``nc`` (independence), or ``""``. ``actions``: every
    action of the NC, when the caller has read them (no query then)."""
    if nc.owner_id is not None and nc.owner_id == user.pk:
        return _("The owner of the nonconformity cannot verify it: ask someone else.")
    if (
        any(a.owner_id == user.pk for a in actions)
        if actions is not None
        else nc.actions.filter(owner=user).exists()
    ):
        return _("The owner of a corrective action cannot verify its effectiveness.")
    return ""


def verify(
    *,
    actor: User,
    nc: Nonconformity,
    effective: bool,
    note: str,
    verified_on: datetime.date | None = None,
    files: Sequence[UploadedFile] = (),
    loaded_version: int | None = None,
) -> Verification:
    """Verify the effectiveness of the actions. Effective: the NC is closed. Not
    effective: it is reopened (back to *analysed*; the done actions stay in its history;
    new actions are needed)."""
    if not note.strip():
        raise NCError(_("Say what was checked and what was found."))
    checked = list(zip(files, check_files(files), strict=True))
    with transaction.atomic():
        nc = _lock(nc, loaded_version)
        _require(
            actor,
            "nonconformities.verify",
            nc.unit,
            _("You may not verify this nonconformity."),
        )
        if nc.status != S.AWAITING_VERIFICATION:
            raise NCError(_("The effectiveness is verified once every action is done."))
        conflict = verifier_conflict(actor, nc)
        if conflict:
            raise NCError(conflict)
        verified_on = verified_on or timezone.localdate()
        if verified_on > timezone.localdate():
            raise NCError(_("The date of the verification cannot be in the future."))
        due = verification_due_on(nc)
        if due is not None and verified_on < due:
            raise NCError(
                _(
                    "The effectiveness can be verified from %(date)s "
                    "(%(days)d days after the last action)."
                )
                % {
                    "date": due.strftime("%d/%m/%Y"),
                    "days": (due - nc.actions_done_on).days if nc.actions_done_on else 0,
                }
            )
        before = snapshot(nc, NC_FIELDS)
        verification = Verification.objects.create(
            nc=nc,
            verified_by=actor,
            verified_on=verified_on,
            effective=effective,
            note=note.strip(),
        )
        _evidence_add(actor=actor, nc=nc, checked=checked, verification=verification)
        now = timezone.now()
        if effective:
            nc.status = S.CLOSED
            nc.verified_by = actor
            nc.verified_at = now
            nc.closed_at = now
        else:
            nc.status = S.ANALYSED
            nc.reopened_count += 1
            nc.actions_done_on = None
            nc.planned_at = None
        _save(nc)
        logentry_create(
            actor=actor,
            action="nonconformities.verification.recorded",
            obj=verification,
            unit=nc.unit,
            before={},
            after={"effective": effective, "note": verification.note, "nc": nc.number},
        )
        _log(
            actor,
            "nonconformities.nc.closed" if effective else "nonconformities.nc.reopened",
            nc,
            nc.unit,
            before,
            note=verification.note,
        )
        if effective:
            notifications.notify_closed(actor=actor, nc=nc)
        else:
            notifications.notify_reopened(actor=actor, nc=nc, note=verification.note)
    return verification


# --------------------------------------------------------------------------- evidence, archive


def evidence_add(
    *, actor: User, nc: Nonconformity, files: Sequence[UploadedFile]
) -> list[NCEvidence]:
    """Attach evidence to the NC itself (photos, records of what was found)."""
    if not files:
        raise NCError(_("Choose a file."))
    checked = list(zip(files, check_files(files), strict=True))
    with transaction.atomic():
        nc = _lock(nc)
        if not (
            permissions.can(actor, "nonconformities.analyse", nc.unit)
            or permissions.can(actor, "nonconformities.raise", nc.unit)
        ):
            raise NCError(_("You may not add evidence to this nonconformity."))
        if nc.status == S.CLOSED:
            raise NCError(_("A closed nonconformity no longer changes."))
        return _evidence_add(actor=actor, nc=nc, checked=checked)


def nc_archive(*, actor: User, nc: Nonconformity, reason: str) -> Nonconformity:
    """Archive (never delete) an NC raised by mistake or a duplicate: it leaves the lists
    and stays in the register and the audit trail."""
    if not reason.strip():
        raise NCError(_("Say why the nonconformity is archived."))
    with transaction.atomic():
        nc = _lock(nc)
        _require(
            actor,
            "nonconformities.manage_settings",
            nc.agency,
            _("Only the ISO office may archive a nonconformity."),
        )
        before = snapshot(nc, NC_FIELDS)
        nc.archived_at = timezone.now()
        _save(nc)
        _log(actor, "nonconformities.nc.archived", nc, nc.unit, before, note=reason.strip())
    return nc


def settings_save(*, actor: User, agency: OrgUnit, verification_delay_days: int) -> NCSettings:
    """The agency's NC settings (``nonconformities.manage_settings`` on the agency)."""
    _require(
        actor,
        "nonconformities.manage_settings",
        agency,
        _("You may not change the nonconformity settings of this agency."),
    )
    if not 0 <= verification_delay_days <= 365:
        raise NCError(_("The delay must be between 0 and 365 days."))
    with transaction.atomic():
        obj, _created = NCSettings.objects.select_for_update(of=("self",)).get_or_create(
            agency=agency
        )
        before = snapshot(obj, ["verification_delay_days"])
        if _created:
            before = {}
        obj.verification_delay_days = verification_delay_days
        obj.save()
        _log(
            actor,
            "nonconformities.settings.saved",
            obj,
            agency,
            before,
            fields=["verification_delay_days"],
        )
    return obj
