"""Demo data: the Sở's internal audits and their nonconformities (tasks 6 and 7 of the plan).

* 2022: the audit programme linked to tasks 6 (Đánh giá nội bộ, 01/6–30/7/2022) and 7
  (Khắc phục sau đánh giá nội bộ) of Kế hoạch 187/KH-SGDĐT; two audits (Văn phòng and
  Phòng Tổ chức cán bộ; Phòng Giáo dục Trung học) led by ``danhgia``; checklists generated
  from QT.ISO.03 (internal audit, the ISO committee's, applying to every unit) and the TTHC
  procedure QT-SGD-02 (chuyển trường, Phòng GDTrH's); findings of every kind; three NCs:
  two closed after a verification by someone other than their owner, one still open (its
  last action past due: "Còn 1 điểm không phù hợp chưa khắc phục xong").
* The running year: the programme of this year's plan, one audit (Phòng GDTrH and Phòng
  TCCB) done and reported inside task 6's window, its two NCs one awaiting verification,
  one in progress (the point task 7's note of this year speaks of).

Written through the services (programme, plans with their KH numbers, team, checklists,
findings, the NC workflow: numbers come from the registers and the NC counter, every step
is in the audit trail), then dated on the day each step happened (``qms.demo.dating``).
Idempotent: a year whose programme exists is left as it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from qms.accounts.models import User
from qms.audits import services_checklists as checklists
from qms.audits import services_programme as programmes
from qms.audits.models import (
    Audit,
    Auditor,
    AuditTeamMember,
    ChecklistItem,
    Finding,
    Programme,
)
from qms.audittrail.models import LogEntry
from qms.audittrail.services import logentry_create, snapshot
from qms.core.models import OrgUnit
from qms.demo import dating
from qms.documents.models import Document
from qms.nonconformities import services as nc_services
from qms.nonconformities import sources
from qms.nonconformities.models import CorrectiveAction, Nonconformity, Verification
from qms.notifications.models import Notification
from qms.planning.models import Plan, PlanTask

AGENCY = "SGDDT-HY"
SOURCE_KEY = "audits.finding"
DAY = datetime.date
CLAUSES = ["4.4", "5.3", "6.1", "7.1", "7.2", "7.5", "8.2", "8.5", "9.1", "10.2"]
LEGAL = (
    "Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 và Quyết định số 101/QĐ-BKHCN ngày "
    "21/01/2019; Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 về cơ chế một cửa."
)
AUDITORS = [
    ("danhgia", "Chứng chỉ chuyên gia đánh giá nội bộ HTQLCL TCVN ISO 9001:2015", "DGNB-2021-017"),
    ("tp.gdtrh", "Chứng chỉ chuyên gia đánh giá nội bộ HTQLCL TCVN ISO 9001:2015", "DGNB-2021-018"),
    ("tp.tccb", "Chứng chỉ chuyên gia đánh giá nội bộ HTQLCL TCVN ISO 9001:2015", "DGNB-2021-019"),
]


@dataclass
class Ctx:
    units: dict[str, OrgUnit]
    users: dict[str, User]
    agency: OrgUnit

    def u(self, name: str) -> User:
        return self.users[name]


# --------------------------------------------------------------------------- helpers


def _date_since(
    obj: Any, since: datetime.datetime, moment: datetime.datetime, *, model: Any = None
) -> None:
    """Date the log entries and notifications written about ``obj`` since ``since``."""
    dating.date_object(obj, since=since, moment=moment)
    if model is not None:
        model.objects.filter(pk=obj.pk, created_at__gte=since).update(created_at=moment)


def _auditors(ctx: Ctx) -> None:
    for username, certificate, number in AUDITORS:
        if Auditor.objects.filter(agency=ctx.agency, user=ctx.u(username)).exists():
            continue
        since = timezone.now()
        entry = programmes.auditor_add(
            actor=ctx.u("thukyiso"),
            agency=ctx.agency,
            data=programmes.AuditorInput(
                user=ctx.u(username),
                certificate=certificate,
                certificate_no=number,
                trained_by="Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1",
                trained_on=DAY(2021, 10, 22),
            ),
        )
        _date_since(entry, since, dating.at(DAY(2021, 11, 1), 9), model=Auditor)


def _programme(ctx: Ctx, year: int, plan: Plan, *, procedures: list[Document]) -> Programme:
    """Drafted by the ISO office, approved by the director (programme services)."""
    tasks = {t.number: t for t in PlanTask.objects.filter(plan=plan, number__in=[6, 7])}
    approved_on = DAY(year, 5, 25)
    since = timezone.now()
    programme = programmes.programme_create(
        actor=ctx.u("thukyiso"),
        agency=ctx.agency,
        data=programmes.ProgrammeInput(
            year=year,
            title=f"Chương trình đánh giá nội bộ năm {year}",
            objective=(
                "Xác định mức độ phù hợp và hiệu lực của Hệ thống quản lý chất lượng theo TCVN "
                "ISO 9001:2015 tại các phòng thuộc Sở; phát hiện điểm không phù hợp để khắc "
                "phục."
            ),
            scope="Các phòng thuộc Sở áp dụng Hệ thống quản lý chất lượng.",
            clauses=CLAUSES,
            legal_criteria=LEGAL,
            start=DAY(year, 6, 1),
            end=DAY(year, 7, 30),
            procedures=procedures,
            plan_task=tasks.get(6),
            action_task=tasks.get(7),
        ),
    )
    drafted = dating.at(approved_on - datetime.timedelta(days=5), 9)
    _date_since(programme, since, drafted, model=Programme)
    since = timezone.now()
    programme = programmes.programme_approve(actor=ctx.u("giamdoc"), programme=programme)
    Programme.objects.filter(pk=programme.pk).update(approved_at=dating.at(approved_on, 10))
    _date_since(programme, since, dating.at(approved_on, 10))
    return programme


@dataclass(frozen=True)
class AuditSpec:
    sequence: int
    title: str
    units: tuple[str, ...]
    procedures: tuple[str, ...]
    start: datetime.date
    auditor: str
    auditees: tuple[str, ...]


def _audit(
    ctx: Ctx,
    programme: Programme,
    spec: AuditSpec,
    docs: dict[str, Document],
    *,
    conduct: bool = True,
) -> Audit:
    """The plan (units, procedures, team, time slots) sent with its KH number a week
    before, started on the first day; its checklist generated from the procedures. Without
    ``conduct``, only the plan (the audit is still ahead)."""
    since = timezone.now()
    units = [ctx.units[c] for c in spec.units]
    iso = ctx.u("thukyiso")
    audit = programmes.audit_create(
        actor=iso,
        programme=programme,
        data=programmes.AuditInput(
            title=spec.title,
            units=units,
            start_date=spec.start,
            end_date=spec.start + datetime.timedelta(days=1),
            procedures=[docs[c] for c in spec.procedures if c in docs],
            scope="Việc áp dụng các quy trình của HTQLCL và quy trình giải quyết TTHC tại đơn vị.",
            clauses=CLAUSES,
            criteria="TCVN ISO 9001:2015; tài liệu HTQLCL của Sở; " + LEGAL,
            auditees=[ctx.u(n) for n in spec.auditees],
        ),
    )
    programmes.team_member_add(
        actor=iso, audit=audit, user=ctx.u("danhgia"), role=AuditTeamMember.Role.LEAD
    )
    programmes.team_member_add(
        actor=iso, audit=audit, user=ctx.u(spec.auditor), role=AuditTeamMember.Role.AUDITOR
    )
    day2 = spec.start + datetime.timedelta(days=1)
    team = f"{ctx.u('danhgia').display_name}, {ctx.u(spec.auditor).display_name}"
    slots = [
        (spec.start, (8, 0), (8, 30), None, "Họp khai mạc"),
        *(
            (spec.start if i == 0 else day2, (8, 30), (11, 30), u, f"Đánh giá tại {u.name}")
            for i, u in enumerate(units)
        ),
        (day2, (14, 0), (15, 0), None, "Họp kết thúc, thông báo kết quả đánh giá"),
    ]
    for date, start, end, unit, activity in slots:
        programmes.slot_add(
            actor=iso,
            audit=audit,
            data=programmes.SlotInput(
                date=date,
                start_time=datetime.time(*start),
                end_time=datetime.time(*end),
                unit=unit,
                activity=activity,
                auditors=team,
            ),
        )
    if not conduct:  # still ahead: the plan is drafted, not sent yet
        _date_since(audit, since, timezone.now(), model=Audit)
        return audit
    sent_on = spec.start - datetime.timedelta(days=7)
    programmes.audit_send(actor=iso, audit=audit, on=sent_on)
    Audit.objects.filter(pk=audit.pk).update(notified_at=dating.at(sent_on, 9))
    _date_since(audit, since, dating.at(sent_on, 9), model=Audit)
    since = timezone.now()
    audit = programmes.audit_start(actor=ctx.u("danhgia"), audit=audit)
    checklists.generate_checklist(audit=audit, actor=ctx.u("danhgia"))
    _date_since(audit, since, dating.at(spec.start, 8))
    return audit


def _answer_all(ctx: Ctx, audit: Audit, wanted: dict[int, tuple[str, str]]) -> None:
    """Answer the checklist: ``wanted`` (position → answer, note), the rest conforms."""
    since = timezone.now()
    for item in audit.checklist.order_by("position"):
        answer, note = wanted.get(
            item.position, (ChecklistItem.Answer.CONFORM, "Đã xem hồ sơ, phù hợp.")
        )
        checklists.answer_item(
            actor=ctx.u("danhgia"), item=item, answer=answer, note=note, version=item.version
        )
    moment = dating.at(audit.start_date, 10)
    ChecklistItem.objects.filter(audit=audit).update(answered_at=moment)
    ids = [str(pk) for pk in audit.checklist.values_list("pk", flat=True)]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ChecklistItem),
        object_id__in=ids,
        created_at__gte=since,
    ).update(created_at=moment)


def _item(
    audit: Audit, unit: OrgUnit, document: Document | None, clause: str
) -> ChecklistItem | None:
    """The checklist question a finding answers: a step or record of its procedure, else
    the question of its clause, else the unit's first."""
    q = audit.checklist.filter(unit=unit)
    candidates = [q.filter(clause=clause)]
    if document is not None:
        candidates.insert(0, q.filter(document=document))
    for candidate in [*candidates, q]:
        found = candidate.order_by("position").first()
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class FindingSpec:
    unit: str
    kind: str
    clause: str
    description: str
    evidence: str
    severity: str = ""
    document: str = ""


def _findings(
    ctx: Ctx, audit: Audit, specs: list[FindingSpec], docs: dict[str, Document]
) -> list[Finding]:
    since = timezone.now()
    wanted: dict[int, tuple[str, str]] = {}
    items: list[ChecklistItem | None] = []
    for spec in specs:
        item = _item(audit, ctx.units[spec.unit], docs.get(spec.document), spec.clause)
        items.append(item)
        if item is not None and spec.kind != Finding.Kind.CONFORMITY:
            answer = "nonconform" if spec.kind == Finding.Kind.NONCONFORMITY else spec.kind
            wanted[item.position] = (answer, spec.evidence)
    _answer_all(ctx, audit, wanted)
    found = []
    for spec, item in zip(specs, items, strict=True):
        if item is not None:
            item.refresh_from_db()
        found.append(
            checklists.record_finding(
                actor=ctx.u("danhgia"),
                audit=audit,
                data=checklists.FindingData(
                    unit=ctx.units[spec.unit],
                    kind=spec.kind,
                    description=spec.description,
                    severity=spec.severity,
                    clause=spec.clause,
                    document=docs.get(spec.document),
                    evidence=spec.evidence,
                ),
                checklist_item=item if spec.kind != Finding.Kind.CONFORMITY else None,
            )
        )
    moment = dating.at(audit.end_date, 11)
    Finding.objects.filter(audit=audit).update(created_at=moment)
    for f in found:
        _date_since(f, since, moment)
    return found


def _source_registered() -> bool:
    return SOURCE_KEY in dict(sources.choices())


def _label(finding: Finding, number: int) -> str:
    unit = finding.unit.short_name or finding.unit.name
    return f"Phát hiện số {number} — Đánh giá nội bộ {finding.audit.programme.year} ({unit})"


def _raise(ctx: Ctx, finding: Finding, number: int, title: str, owner: User) -> Nonconformity:
    """The finding's NC, raised on the last day of the audit (numbered by the counter)."""
    raised_on = finding.audit.end_date
    common: dict[str, Any] = {
        "actor": ctx.u("danhgia"),
        "title": title,
        "description": finding.description,
        "clause": finding.clause,
        "severity": finding.severity,
        "owner": owner,
        "raised_on": raised_on,
    }
    if _source_registered():
        nc = nc_services.raise_nc(source_key=SOURCE_KEY, source_obj=finding, **common)
    else:  # the findings' source not registered yet: the same link, written on the NC
        nc = nc_services.raise_nc(unit=finding.unit, **common)
        Nonconformity.objects.filter(pk=nc.pk).update(
            source_key=SOURCE_KEY,
            source_type=ContentType.objects.get_for_model(Finding),
            source_id=finding.pk,
            source_label=_label(finding, number),
        )
        nc.refresh_from_db()
    return nc


def _issue(ctx: Ctx, audit: Audit, found: list[Finding], acknowledge: dict[str, str]) -> None:
    """Issue every finding to its unit (an NC already raised is not raised twice) and have
    the unit heads acknowledge them."""
    since = timezone.now()
    for finding in found:
        if _source_registered():
            checklists.finding_issue(actor=ctx.u("danhgia"), finding=finding)
        else:
            before = snapshot(finding, ["status"])
            Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.ISSUED, version=2)
            finding.refresh_from_db()
            logentry_create(
                actor=ctx.u("danhgia"),
                action="audits.finding.issued",
                obj=finding,
                unit=finding.unit,
                before=before,
            )
    for finding in found:
        head = acknowledge.get(finding.unit.code)
        if head:
            finding.refresh_from_db()
            checklists.finding_acknowledge(
                actor=ctx.u(head),
                finding=finding,
                comment="Đơn vị thống nhất với kết quả đánh giá.",
            )
    moment = dating.at(audit.end_date, 15)
    Finding.objects.filter(audit=audit, acknowledged_at__isnull=False).update(
        acknowledged_at=moment
    )
    for finding in found:
        _date_since(finding, since, moment)


def _report(ctx: Ctx, audit: Audit, conclusions: str) -> None:
    """Finished on its last day; the report written, approved by the lead auditor and
    sent to leadership five days later."""
    since = timezone.now()
    lead = ctx.u("danhgia")
    audit = programmes.audit_finish(actor=lead, audit=audit)
    _date_since(audit, since, dating.at(audit.end_date, 15))
    since = timezone.now()
    audit = programmes.report_save(
        actor=lead,
        audit=audit,
        data=programmes.ReportInput(
            opening_notes=(
                "Trưởng đoàn đánh giá công bố mục đích, phạm vi, chuẩn mực và lịch đánh giá; "
                "đơn vị được đánh giá cử người làm việc với đoàn."
            ),
            closing_notes=(
                "Đoàn đánh giá thông báo các phát hiện; đơn vị thống nhất và cam kết khắc phục "
                "các điểm không phù hợp theo thời hạn đã thỏa thuận."
            ),
            conclusions=conclusions,
        ),
        loaded_version=audit.version,
    )
    programmes.report_approve(actor=lead, audit=audit)
    programmes.report_send(actor=lead, audit=audit)
    report_on = audit.end_date + datetime.timedelta(days=5)
    Audit.objects.filter(pk=audit.pk).update(
        report_approved_at=dating.at(report_on, 9), report_sent_at=dating.at(report_on, 10)
    )
    _date_since(audit, since, dating.at(report_on, 10))


# --------------------------------------------------------------------------- NC workflow


@dataclass(frozen=True)
class Step:
    """What happens to an NC, and when."""

    head: str  # who analyses and plans (the unit's head)
    correction: str
    root_cause: str
    whys: tuple[str, ...]
    actions: tuple[tuple[str, str, int], ...]  # (description, owner, days after raised)
    done: tuple[int, ...]  # actions done, with the days after raised they were
    fishbone: tuple[tuple[str, str], ...] = ()
    verifier: str = ""
    verified_after: int = 0  # days after raised
    results: tuple[str, ...] = ()


def _walk(ctx: Ctx, nc: Nonconformity, step: Step) -> Nonconformity:
    """Correction, cause analysis, actions, what was done, the verification; dated."""
    raised = nc.raised_on
    since = timezone.now()
    head = ctx.u(step.head)
    nc = nc_services.correction_record(
        actor=head,
        nc=nc,
        correction=step.correction,
        correction_on=raised + datetime.timedelta(days=1),
    )
    fishbone: dict[str, Sequence[str]] = {}
    for key, cause in step.fishbone:
        fishbone[key] = [*fishbone.get(key, ()), cause]
    nc = nc_services.cause_analyse(
        actor=head,
        nc=nc,
        method="both" if fishbone else "five_whys",
        whys=list(step.whys),
        fishbone=fishbone or None,
        root_cause=step.root_cause,
    )
    actions = [
        nc_services.action_add(
            actor=head,
            nc=nc,
            data=nc_services.ActionInput(
                description=description,
                owner=ctx.u(owner),
                unit=nc.unit,
                due=raised + datetime.timedelta(days=days),
            ),
        )
        for description, owner, days in step.actions
    ]
    nc = nc_services.plan_confirm(actor=head, nc=Nonconformity.objects.get(pk=nc.pk))
    for index, days in enumerate(step.done):
        action = actions[index]
        result = step.results[index] if index < len(step.results) else "Đã thực hiện xong."
        nc_services.action_done(
            actor=action.owner,
            action=action,
            result=result,
            done_on=raised + datetime.timedelta(days=days),
        )
    nc = Nonconformity.objects.get(pk=nc.pk)
    if step.verifier:
        nc_services.verify(
            actor=ctx.u(step.verifier),
            nc=nc,
            effective=True,
            note=(
                "Kiểm tra hồ sơ phát sinh sau khắc phục: đầy đủ, đúng quy trình; không lặp "
                "lại điểm không phù hợp. Hành động khắc phục có hiệu lực."
            ),
            verified_on=raised + datetime.timedelta(days=step.verified_after),
        )
    _date_nc(nc, step, since)
    return Nonconformity.objects.get(pk=nc.pk)


def _date_nc(nc: Nonconformity, step: Step, since: datetime.datetime) -> None:
    """Date each step on its day: analysed 3 days after raised, planned 5 days after, the
    actions' log entries on their done day, the verification on its day."""
    raised = nc.raised_on
    analysed = dating.at(raised + datetime.timedelta(days=3), 10)
    planned = dating.at(raised + datetime.timedelta(days=5), 15)
    fields: dict[str, Any] = {"analysed_at": analysed, "planned_at": planned}
    verified = None
    if step.verifier:
        verified = dating.at(raised + datetime.timedelta(days=step.verified_after), 10)
        fields |= {"verified_at": verified, "closed_at": verified}
    Nonconformity.objects.filter(pk=nc.pk).update(created_at=dating.at(raised, 16), **fields)
    logs = LogEntry.objects.for_object(nc).filter(created_at__gte=since)
    # Raised when the finding was issued, before this walk began.
    LogEntry.objects.for_object(nc).filter(action="nonconformities.nc.raised").update(
        created_at=dating.at(raised, 16)
    )
    logs.filter(action__icontains="correct").update(
        created_at=dating.at(raised + datetime.timedelta(days=1), 10)
    )
    logs.filter(Q(action__icontains="analys") | Q(action__icontains="cause")).update(
        created_at=analysed
    )
    logs.filter(Q(action__icontains="plan") | Q(action__icontains="action")).update(
        created_at=planned
    )
    ct_action = ContentType.objects.get_for_model(CorrectiveAction)
    for action in nc.actions.all():
        moment = dating.at(action.done_on, 16) if action.done_on else planned
        LogEntry.objects.filter(
            content_type=ct_action, object_id=str(action.pk), created_at__gte=since
        ).update(created_at=moment)
        CorrectiveAction.objects.filter(pk=action.pk).update(created_at=planned)
        if action.done_on:
            logs.filter(action="nonconformities.nc.progress").update(created_at=moment)
    if verified is not None:
        logs.filter(Q(action__icontains="verif") | Q(action__icontains="close")).update(
            created_at=verified
        )
        Verification.objects.filter(nc=nc).update(created_at=verified)
    Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(Nonconformity),
        object_id=nc.pk,
        created_at__gte=since,
    ).update(created_at=planned)
    # Anything not matched above happened when the NC was raised.
    LogEntry.objects.for_object(nc).filter(created_at__gte=since).update(
        created_at=dating.at(raised, 16)
    )


# --------------------------------------------------------------------------- 2022


FINDINGS_2022_A = [
    FindingSpec(
        "SGDDT-VP",
        Finding.Kind.CONFORMITY,
        "7.5",
        "Văn phòng kiểm soát văn bản đến, văn bản đi đúng quy trình; sổ đăng ký đầy đủ.",
        "Sổ đăng ký văn bản đến, đi năm 2022.",
    ),
    FindingSpec(
        "SGDDT-VP",
        Finding.Kind.NONCONFORMITY,
        "7.5",
        "Hồ sơ đánh giá nội bộ năm 2021 lưu tại Văn phòng thiếu báo cáo đánh giá của 2 phòng "
        "(BM.02-QT.ISO.03), không đúng mục 6 của QT.ISO.03.",
        "Hộp hồ sơ ĐGNB 2021: có kế hoạch, thiếu 2/9 báo cáo.",
        severity="minor",
        document="QT.ISO.03",
    ),
    FindingSpec(
        "SGDDT-TCCB",
        Finding.Kind.OBSERVATION,
        "7.1",
        "Phân công nhiệm vụ trong phòng chưa cập nhật sau khi có cán bộ mới (tháng 4/2022).",
        "Quyết định phân công số 12/QĐ-TCCB ngày 10/01/2022.",
    ),
    FindingSpec(
        "SGDDT-TCCB",
        Finding.Kind.NONCONFORMITY,
        "7.2",
        "Không có hồ sơ đào tạo, hướng dẫn áp dụng HTQLCL cho 2 công chức mới tiếp nhận năm "
        "2022; 1 công chức chưa được phổ biến QT.ISO.03.",
        "Danh sách công chức; hồ sơ đào tạo năm 2022 của phòng.",
        severity="minor",
        document="QT.ISO.03",
    ),
]
FINDINGS_2022_B = [
    FindingSpec(
        "SGDDT-GDTRH",
        Finding.Kind.IMPROVEMENT,
        "9.1",
        "Có thể theo dõi thời gian giải quyết hồ sơ chuyển trường trên phần mềm một cửa để "
        "báo cáo tỷ lệ đúng hạn hằng tháng.",
        "Sổ theo dõi hồ sơ chuyển trường quý II/2022.",
    ),
    FindingSpec(
        "SGDDT-GDTRH",
        Finding.Kind.NONCONFORMITY,
        "8.5",
        "3/12 hồ sơ chuyển trường quý II/2022 trả kết quả quá 02 ngày làm việc, không có phiếu "
        "xin lỗi và hẹn lại ngày trả kết quả theo QT-SGD-02.",
        "Hồ sơ chuyển trường số 05, 08, 11 quý II/2022.",
        severity="minor",
        document="QT-SGD-02",
    ),
    FindingSpec(
        "SGDDT-GDTRH",
        Finding.Kind.CONFORMITY,
        "8.2",
        "Thông tin về thủ tục chuyển trường được niêm yết công khai tại Bộ phận Một cửa.",
        "Bảng niêm yết TTHC tại Bộ phận Một cửa.",
    ),
]

STEP_VP = Step(
    head="vanphong",
    correction="Đã thu thập, bổ sung 2 báo cáo đánh giá nội bộ năm 2021 còn thiếu vào hồ sơ.",
    root_cause=(
        "QT.ISO.03 không quy định thời hạn các phòng nộp báo cáo đánh giá về Văn phòng và "
        "người kiểm tra hồ sơ trước khi lưu."
    ),
    whys=(
        "Hồ sơ thiếu 2 báo cáo đánh giá của năm 2021.",
        "Hai phòng không nộp báo cáo về Văn phòng sau cuộc đánh giá.",
        "Không ai theo dõi, nhắc việc nộp báo cáo.",
        "QT.ISO.03 không quy định thời hạn nộp và người kiểm tra hồ sơ.",
    ),
    actions=(
        (
            "Sửa đổi QT.ISO.03: quy định thời hạn nộp báo cáo đánh giá (05 ngày làm việc) và "
            "giao Thư ký Ban ISO kiểm tra hồ sơ trước khi lưu.",
            "vanphong",
            45,
        ),
    ),
    done=(40,),
    results=("QT.ISO.03 ban hành lần 02; hồ sơ ĐGNB 2022 đã đủ báo cáo của các phòng.",),
    verifier="thukyiso",
    verified_after=75,
)
STEP_GDTRH = Step(
    head="tp.gdtrh",
    correction="Đã gửi phiếu xin lỗi và hẹn lại ngày trả kết quả cho 3 hồ sơ quá hạn.",
    root_cause=(
        "Chuyên viên thụ lý không theo dõi hạn giải quyết; phòng không có sổ theo dõi hạn "
        "và không phân công người thay khi chuyên viên đi công tác."
    ),
    whys=(
        "3 hồ sơ trả kết quả quá hạn.",
        "Chuyên viên thụ lý đi công tác, hồ sơ không được chuyển người khác.",
        "Phòng không phân công người thay thế.",
    ),
    fishbone=(
        ("man", "Chuyên viên thụ lý đi công tác, không có người thay"),
        ("method", "Không có sổ theo dõi hạn giải quyết hồ sơ"),
        ("measurement", "Không thống kê tỷ lệ đúng hạn hằng tháng"),
    ),
    actions=(
        ("Lập sổ theo dõi hạn giải quyết hồ sơ chuyển trường.", "cb.gdtrh", 20),
        ("Phân công người thay thế khi chuyên viên thụ lý vắng mặt.", "tp.gdtrh", 30),
    ),
    done=(15, 25),
    results=(
        "Sổ theo dõi đã lập từ 01/8/2022.",
        "Quyết định phân công người thay thế đã ban hành.",
    ),
    verifier="danhgia",
    verified_after=70,
)
STEP_TCCB_2022 = Step(
    head="tp.tccb",
    correction="Đã phổ biến QT.ISO.03 cho công chức còn thiếu.",
    root_cause="Kế hoạch đào tạo năm 2022 không có nội dung hướng dẫn HTQLCL cho công chức mới.",
    whys=(
        "Công chức mới không được hướng dẫn HTQLCL.",
        "Kế hoạch đào tạo không có nội dung này.",
        "Kế hoạch lập trước khi tiếp nhận công chức mới và không được cập nhật.",
    ),
    actions=(
        ("Bổ sung nội dung HTQLCL vào kế hoạch đào tạo, bồi dưỡng.", "tp.tccb", 30),
        ("Tổ chức hướng dẫn HTQLCL cho công chức mới, lưu hồ sơ đào tạo.", "tp.tccb", 60),
    ),
    done=(25,),
    results=("Kế hoạch đào tạo, bồi dưỡng đã được bổ sung.",),
)


def _year_2022(ctx: Ctx, docs: dict[str, Document]) -> None:
    plan = Plan.objects.filter(agency=ctx.agency, year=2022).order_by("id").first()
    if plan is None or Programme.objects.filter(agency=ctx.agency, year=2022).exists():
        return
    procedures = [docs[c] for c in ("QT.ISO.03", "QT-SGD-02") if c in docs]
    programme = _programme(ctx, 2022, plan, procedures=procedures)
    audit_a = _audit(
        ctx,
        programme,
        AuditSpec(
            1,
            "Đánh giá nội bộ Văn phòng Sở và Phòng Tổ chức cán bộ",
            ("SGDDT-VP", "SGDDT-TCCB"),
            ("QT.ISO.03",),
            DAY(2022, 6, 14),
            "tp.gdtrh",
            ("vanphong", "tp.tccb"),
        ),
        docs,
    )
    audit_b = _audit(
        ctx,
        programme,
        AuditSpec(
            2,
            "Đánh giá nội bộ Phòng Giáo dục Trung học",
            ("SGDDT-GDTRH",),
            ("QT.ISO.03", "QT-SGD-02"),
            DAY(2022, 6, 21),
            "tp.tccb",
            ("tp.gdtrh",),
        ),
        docs,
    )
    found_a = _findings(ctx, audit_a, FINDINGS_2022_A, docs)
    found_b = _findings(ctx, audit_b, FINDINGS_2022_B, docs)
    nc_vp = _raise(
        ctx, found_a[1], 2, "Hồ sơ đánh giá nội bộ 2021 thiếu báo cáo", ctx.u("vanphong")
    )
    nc_tccb = _raise(
        ctx, found_a[3], 4, "Công chức mới chưa được hướng dẫn HTQLCL", ctx.u("tp.tccb")
    )
    nc_gdtrh = _raise(
        ctx, found_b[1], 2, "Hồ sơ chuyển trường trả kết quả quá hạn", ctx.u("tp.gdtrh")
    )
    heads = {"SGDDT-VP": "vanphong", "SGDDT-TCCB": "tp.tccb", "SGDDT-GDTRH": "tp.gdtrh"}
    _issue(ctx, audit_a, found_a, heads)
    _issue(ctx, audit_b, found_b, heads)
    _report(
        ctx,
        audit_a,
        "HTQLCL được áp dụng tại Văn phòng và Phòng TCCB; 2 điểm không phù hợp (điều 7.5, "
        "7.2), 1 khuyến nghị; các đơn vị lập kế hoạch khắc phục trước 15/9/2022.",
    )
    _report(
        ctx,
        audit_b,
        "Quy trình chuyển trường được áp dụng; 1 điểm không phù hợp (điều 8.5) về thời hạn "
        "trả kết quả, 1 cơ hội cải tiến.",
    )
    _walk(ctx, nc_vp, STEP_VP)
    _walk(ctx, nc_gdtrh, STEP_GDTRH)
    _walk(ctx, nc_tccb, STEP_TCCB_2022)
    since = timezone.now()
    programme = programmes.programme_close(actor=ctx.u("thukyiso"), programme=programme)
    _date_since(programme, since, dating.at(DAY(2022, 9, 30), 10))


# --------------------------------------------------------------------------- running year


def _running_year(ctx: Ctx, docs: dict[str, Document], today: datetime.date) -> None:
    year = today.year
    plan = Plan.objects.filter(agency=ctx.agency, year=year).order_by("id").first()
    start = DAY(year, 6, 16)
    end_of_audit = start + datetime.timedelta(days=1)
    if (
        year <= 2022
        or plan is None
        or today < DAY(year, 5, 26)  # the programme is approved on 25/5
        or Programme.objects.filter(agency=ctx.agency, year=year).exists()
    ):
        return
    procedures = [docs[c] for c in ("QT.ISO.03", "QT-SGD-02") if c in docs]
    programme = _programme(ctx, year, plan, procedures=procedures)
    # Loaded before the audit's corrective actions could have run: the plan only.
    done = today >= end_of_audit + datetime.timedelta(days=60)
    audit = _audit(
        ctx,
        programme,
        AuditSpec(
            1,
            "Đánh giá nội bộ Phòng Giáo dục Trung học và Phòng Tổ chức cán bộ",
            ("SGDDT-GDTRH", "SGDDT-TCCB"),
            ("QT.ISO.03", "QT-SGD-02"),
            start,
            "vanphong",
            ("tp.gdtrh", "tp.tccb"),
        ),
        docs,
        conduct=done,
    )
    if not done:
        return
    found = _findings(
        ctx,
        audit,
        [
            FindingSpec(
                "SGDDT-GDTRH",
                Finding.Kind.CONFORMITY,
                "8.5",
                f"Hồ sơ chuyển trường năm {year} giải quyết đúng hạn; sổ theo dõi hạn được cập nhật.",
                "Sổ theo dõi hạn giải quyết hồ sơ.",
                document="QT-SGD-02",
            ),
            FindingSpec(
                "SGDDT-GDTRH",
                Finding.Kind.NONCONFORMITY,
                "7.5",
                "Phiếu kiểm soát quá trình giải quyết hồ sơ của 2 hồ sơ không có chữ ký của "
                "người thẩm định (bước 3 của QT-SGD-02).",
                "Hồ sơ chuyển trường số 14, 19.",
                severity="minor",
                document="QT-SGD-02",
            ),
            FindingSpec(
                "SGDDT-TCCB",
                Finding.Kind.NONCONFORMITY,
                "7.2",
                "Hồ sơ đào tạo HTQLCL cho công chức mới vẫn chưa đầy đủ: 1 công chức tiếp nhận "
                f"tháng 3/{year} chưa được hướng dẫn.",
                "Hồ sơ đào tạo, bồi dưỡng của phòng.",
                severity="major",
                document="QT.ISO.03",
            ),
            FindingSpec(
                "SGDDT-TCCB",
                Finding.Kind.OBSERVATION,
                "6.1",
                "Danh mục rủi ro của phòng chưa được xem xét lại trong năm.",
                "Danh mục rủi ro, cơ hội của phòng.",
            ),
        ],
        docs,
    )
    nc_gdtrh = _raise(
        ctx, found[1], 2, "Phiếu kiểm soát hồ sơ thiếu chữ ký thẩm định", ctx.u("tp.gdtrh")
    )
    nc_tccb = _raise(ctx, found[2], 3, "Công chức mới chưa được hướng dẫn HTQLCL", ctx.u("tp.tccb"))
    _issue(ctx, audit, found, {"SGDDT-GDTRH": "tp.gdtrh", "SGDDT-TCCB": "tp.tccb"})
    _report(
        ctx,
        audit,
        "HTQLCL được duy trì tại Phòng GDTrH và Phòng TCCB; 2 điểm không phù hợp (điều 7.5, "
        "7.2 — lặp lại năm 2022), 1 khuyến nghị.",
    )
    # Awaiting verification: done late in the year, the delay not over yet.
    awaiting = max(20, (today - start).days - 14)
    _walk(
        ctx,
        nc_gdtrh,
        Step(
            head="tp.gdtrh",
            correction="Người thẩm định đã ký bổ sung 2 phiếu kiểm soát.",
            root_cause="Phiếu kiểm soát không có ô ký của người thẩm định ở bước 3.",
            whys=(
                "2 phiếu thiếu chữ ký thẩm định.",
                "Người thẩm định không biết phải ký ở đâu.",
                "Mẫu phiếu không có ô ký cho bước 3.",
            ),
            actions=(("Sửa mẫu phiếu kiểm soát: thêm ô ký bước 3.", "cb.gdtrh", awaiting + 5),),
            done=(awaiting,),
            results=("Mẫu phiếu mới áp dụng từ tháng 11.",),
        ),
    )
    # In progress: one action done, the other past its deadline (task 7's note).
    _walk(
        ctx,
        nc_tccb,
        Step(
            head="tp.tccb",
            correction="Đã phổ biến QT.ISO.03 cho công chức mới.",
            root_cause=(
                "Việc hướng dẫn HTQLCL cho công chức mới chưa thành bước bắt buộc khi tiếp nhận."
            ),
            whys=(
                "Công chức mới chưa được hướng dẫn.",
                "Hướng dẫn chỉ làm theo kế hoạch đào tạo năm.",
                "Quy trình tiếp nhận không có bước hướng dẫn HTQLCL.",
            ),
            actions=(
                ("Bổ sung bước hướng dẫn HTQLCL vào quy trình tiếp nhận công chức.", "tp.tccb", 45),
                ("Hướng dẫn HTQLCL cho công chức mới, lưu hồ sơ.", "tp.tccb", 80),
            ),
            done=(40,),
            results=("Quy trình tiếp nhận đã bổ sung bước hướng dẫn.",),
        ),
    )


def load_audits(*, units: dict[str, OrgUnit], users: dict[str, User], today: datetime.date) -> None:
    """The 2022 internal audit and this year's (idempotent per year)."""
    agency = units[AGENCY]
    ctx = Ctx(units=units, users=users, agency=agency)
    docs = {
        d.code: d
        for d in Document.objects.filter(agency=agency, code__in=["QT.ISO.03", "QT-SGD-02"])
    }
    _auditors(ctx)
    _year_2022(ctx, docs)
    _running_year(ctx, docs, today)
