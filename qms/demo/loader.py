"""Demo data: the Hưng Yên department, its units, people for every role, and its plans.

Idempotent: units and users are found by code and username; plans are created once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from qms.accounts.models import CommitteeMember, Role, RoleAssignment, User
from qms.audittrail.models import LogEntry
from qms.core.models import OrgUnit
from qms.core.numbering import number_register_external
from qms.core.services import orgunit_create, unitalias_set
from qms.demo import dating
from qms.demo import seed_2022 as seed
from qms.demo.audits_demo import load_audits
from qms.demo.documents_demo import load_documents
from qms.demo.objectives_demo import load_objectives, load_running_years
from qms.objectives import services as objectives
from qms.objectives.models import PlanStage
from qms.planning import services as planning
from qms.planning.models import Plan, PlanBasis, PlanSection, PlanTask

DEMO_PASSWORD = "eISO-demo-2026"  # noqa: S105 (printed by make demo; demo only)
K = OrgUnit.Kind

# code, name, short name, kind, parent code, extra fields
UNITS: list[tuple[str, str, str, str, str | None, dict[str, object]]] = [
    ("HY", "Tỉnh Hưng Yên", "Hưng Yên", K.PROVINCE, None, {}),
    (
        "SGDDT-HY",
        "Sở Giáo dục và Đào tạo Hưng Yên",
        "Sở GDĐT",
        K.AGENCY,
        "HY",
        {
            "doc_symbol": "SGDĐT",
            "parent_body_name": "UBND TỈNH HƯNG YÊN",
            "place_name": "Hưng Yên",
            "email": "vanphong.sohungyen@moet.edu.vn",
        },
    ),
    ("SGDDT-LD", "Lãnh đạo Sở", "Lãnh đạo Sở", K.LEADERSHIP, "SGDDT-HY", {"sort_order": 1}),
    (
        "SGDDT-ISO",
        "Ban ISO Sở Giáo dục và Đào tạo",
        "Ban ISO",
        K.COMMITTEE,
        "SGDDT-HY",
        {"sort_order": 2},
    ),
    ("SGDDT-VP", "Văn phòng Sở", "Văn phòng", K.OFFICE, "SGDDT-HY", {"sort_order": 3}),
    ("SGDDT-TCCB", "Phòng Tổ chức cán bộ", "Phòng TCCB", K.DIVISION, "SGDDT-HY", {"sort_order": 4}),
    (
        "SGDDT-KHTC",
        "Phòng Kế hoạch - Tài chính",
        "Phòng KHTC",
        K.DIVISION,
        "SGDDT-HY",
        {"sort_order": 5},
    ),
    (
        "SGDDT-GDMN",
        "Phòng Giáo dục Mầm non",
        "Phòng GDMN",
        K.DIVISION,
        "SGDDT-HY",
        {"sort_order": 6},
    ),
    (
        "SGDDT-GDTH",
        "Phòng Giáo dục Tiểu học",
        "Phòng GDTH",
        K.DIVISION,
        "SGDDT-HY",
        {"sort_order": 7},
    ),
    (
        "SGDDT-GDTRH",
        "Phòng Giáo dục Trung học",
        "Phòng GDTrH",
        K.DIVISION,
        "SGDDT-HY",
        {"sort_order": 8},
    ),
    (
        "SGDDT-GDCN",
        "Phòng Giáo dục chuyên nghiệp - Giáo dục thường xuyên",
        "Phòng GDCN-GDTX",
        K.DIVISION,
        "SGDDT-HY",
        {"sort_order": 9},
    ),
    (
        "SGDDT-KTKD",
        "Phòng Khảo thí và Kiểm định chất lượng giáo dục",
        "Phòng KT-KĐCLGD",
        K.DIVISION,
        "SGDDT-HY",
        {"sort_order": 10},
    ),
    ("SGDDT-TTRA", "Thanh tra Sở", "Thanh tra", K.DIVISION, "SGDDT-HY", {"sort_order": 11}),
    (
        "PGD-TPHY",
        "Phòng Giáo dục và Đào tạo thành phố Hưng Yên",
        "Phòng GDĐT TP Hưng Yên",
        K.BUREAU,
        "SGDDT-HY",
        {"sort_order": 20},
    ),
    (
        "PGD-MYHAO",
        "Phòng Giáo dục và Đào tạo thị xã Mỹ Hào",
        "Phòng GDĐT TX Mỹ Hào",
        K.BUREAU,
        "SGDDT-HY",
        {"sort_order": 21},
    ),
    (
        "PGD-VANLAM",
        "Phòng Giáo dục và Đào tạo huyện Văn Lâm",
        "Phòng GDĐT Văn Lâm",
        K.BUREAU,
        "SGDDT-HY",
        {"sort_order": 22},
    ),
    (
        "THPT-CHY",
        "Trường THPT chuyên Hưng Yên",
        "THPT chuyên Hưng Yên",
        K.SCHOOL,
        "SGDDT-HY",
        {"sort_order": 30},
    ),
    (
        "THPT-HYEN",
        "Trường THPT Hưng Yên",
        "THPT Hưng Yên",
        K.SCHOOL,
        "SGDDT-HY",
        {"sort_order": 31},
    ),
    (
        "GDNN-MYHAO",
        "Trung tâm GDNN-GDTX thị xã Mỹ Hào",
        "TT GDNN-GDTX Mỹ Hào",
        K.CENTRE,
        "SGDDT-HY",
        {"sort_order": 32},
    ),
    (
        "SKHCN-HY",
        "Sở Khoa học và Công nghệ Hưng Yên",
        "Sở KH&CN",
        K.AGENCY,
        "HY",
        {"doc_symbol": "SKHCN", "parent_body_name": "UBND TỈNH HƯNG YÊN", "place_name": "Hưng Yên"},
    ),
    (
        "SKHCN-TDC",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "Chi cục TĐC",
        K.DIVISION,
        "SKHCN-HY",
        {},
    ),
    (
        "SNV-HY",
        "Sở Nội vụ Hưng Yên",
        "Sở Nội vụ",
        K.AGENCY,
        "HY",
        {"doc_symbol": "SNV", "parent_body_name": "UBND TỈNH HƯNG YÊN", "place_name": "Hưng Yên"},
    ),
    ("SNV-VP", "Văn phòng Sở Nội vụ", "Văn phòng SNV", K.OFFICE, "SNV-HY", {}),
    ("SNV-CCHC", "Phòng Cải cách hành chính", "Phòng CCHC", K.DIVISION, "SNV-HY", {}),
]

# username, family+middle name, given name, position, unit code, [(role, scope code)]
USERS: list[tuple[str, str, str, str, str, list[tuple[str, str]]]] = [
    ("admin", "Quản trị", "hệ thống", "Quản trị hệ thống", "HY", [(Role.SYSTEM_ADMIN, "HY")]),
    ("giamdoc", "Nguyễn Văn", "Hùng", "Giám đốc", "SGDDT-LD", [(Role.LEADER, "SGDDT-HY")]),
    ("phogiamdoc", "Đỗ Văn", "Khải", "Phó Giám đốc", "SGDDT-LD", [(Role.LEADER, "SGDDT-HY")]),
    ("thukyiso", "Phạm Thị", "Lan", "Thư ký Ban ISO", "SGDDT-VP", [(Role.ISO_OFFICER, "SGDDT-HY")]),
    (
        "vanphong",
        "Lê Minh",
        "Tuấn",
        "Chánh Văn phòng",
        "SGDDT-VP",
        [(Role.ISO_OFFICER, "SGDDT-HY"), (Role.UNIT_HEAD, "SGDDT-VP")],
    ),
    (
        "quantriso",
        "Hoàng Văn",
        "Nam",
        "Quản trị hệ thống của Sở",
        "SGDDT-VP",
        [(Role.AGENCY_ADMIN, "SGDDT-HY")],
    ),
    (
        "tp.gdtrh",
        "Trần Thị",
        "Hoa",
        "Trưởng phòng Giáo dục Trung học",
        "SGDDT-GDTRH",
        [(Role.UNIT_HEAD, "SGDDT-GDTRH")],
    ),
    ("cb.gdtrh", "Vũ Đức", "Anh", "Chuyên viên", "SGDDT-GDTRH", [(Role.STAFF, "SGDDT-GDTRH")]),
    (
        "tp.tccb",
        "Ngô Thị",
        "Mai",
        "Trưởng phòng Tổ chức cán bộ",
        "SGDDT-TCCB",
        [(Role.UNIT_HEAD, "SGDDT-TCCB")],
    ),
    (
        "danhgia",
        "Bùi Văn",
        "Thành",
        "Chuyên gia đánh giá nội bộ",
        "SGDDT-KTKD",
        [(Role.AUDITOR, "SGDDT-HY"), (Role.STAFF, "SGDDT-KTKD")],
    ),
    (
        "pgd.tphy",
        "Đặng Thị",
        "Thu",
        "Trưởng phòng GDĐT thành phố",
        "PGD-TPHY",
        [(Role.UNIT_HEAD, "PGD-TPHY")],
    ),
    ("skhcn", "Phan Quốc", "Việt", "Chuyên viên Chi cục TĐC", "SKHCN-TDC", [(Role.OVERSEER, "HY")]),
    (
        "snv.cchc",
        "Lý Thị",
        "Hạnh",
        "Trưởng phòng CCHC",
        "SNV-CCHC",
        [(Role.UNIT_HEAD, "SNV-CCHC"), (Role.ISO_OFFICER, "SNV-HY")],
    ),
]

ISO_COMMITTEE = [
    ("phogiamdoc", "Trưởng ban"),
    ("vanphong", "Phó Trưởng ban"),
    ("thukyiso", "Thư ký"),
    ("tp.gdtrh", "Thành viên"),
    ("tp.tccb", "Thành viên"),
]


@dataclass
class DemoLogin:
    username: str
    name: str
    roles: str


def _units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {u.code: u for u in OrgUnit.objects.all()}
    for code, name, short, kind, parent, extra in UNITS:
        if code not in units:
            units[code] = orgunit_create(
                actor=None,
                code=code,
                name=name,
                short_name=short,
                kind=kind,
                parent=units[parent] if parent else None,
                **extra,
            )
    agency = units["SGDDT-HY"]
    divisions = [
        units[c]
        for c, *_rest in UNITS
        if c.startswith("SGDDT-") and c not in {"SGDDT-HY", "SGDDT-LD", "SGDDT-ISO"}
    ]
    unitalias_set(actor=None, agency=agency, name="Ban ISO Sở", units=[units["SGDDT-ISO"]])
    unitalias_set(actor=None, agency=agency, name="Ban ISO", units=[units["SGDDT-ISO"]])
    unitalias_set(actor=None, agency=agency, name="Lãnh đạo Sở", units=[units["SGDDT-LD"]])
    unitalias_set(actor=None, agency=agency, name="Các phòng thuộc Sở", units=divisions)
    return units


def _users(units: dict[str, OrgUnit]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, last, first, position, unit_code, roles in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username.replace('.', '_')}@demo.eiso.vn",
                unit=units[unit_code],
                position_title=position,
                is_superuser=username == "admin",
                is_staff=username == "admin",
            )
        for role, scope in roles:
            RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=units[scope])
        users[username] = user
    for username, position in ISO_COMMITTEE:
        CommitteeMember.objects.get_or_create(
            committee=units["SGDDT-ISO"], user=users[username], defaults={"position": position}
        )
    return users


def _plan_2022(units: dict[str, OrgUnit], users: dict[str, User]) -> Plan:
    agency = units["SGDDT-HY"]
    existing = Plan.objects.filter(agency=agency, number=seed.HEADER["number"]).first()
    if existing:
        return existing
    iso = users["thukyiso"]
    h = seed.HEADER
    number_register_external(
        agency=agency,
        doc_type="KH",
        serial=5,
        issued_on=datetime.date(2022, 1, 4),
        actor=None,
        subject="Kế hoạch cải cách hành chính của Sở GDĐT Hưng Yên năm 2022",
    )
    plan = planning.plan_create(
        actor=iso,
        agency=agency,
        year=2022,
        title=str(h["title"]),
        parent_body=h["parent_body"],
        issuer_name=h["issuer_name"],
        place=h["place"],
        intro=h["intro"],
        closing=seed.CLOSING,
        contact_email=h["contact_email"],
        recipients=seed.RECIPIENTS,
        signer_prefix=h["signer_prefix"],
        signer_authority=h["signer_authority"],
        signer_line_verbatim=h["signer_line_verbatim"],
        signer_position=h["signer_position"],
        signer_name=h["signer_name"],
        appendix_title=h["appendix_title"],
        appendix_subtitle=h["appendix_subtitle"],
        appendix_note=h["appendix_note"],
    )
    PlanBasis.objects.bulk_create(
        PlanBasis(
            plan=plan,
            order=i,
            verb=verb,
            continues_previous=cont,
            doc_kind=kind,
            doc_number=num,
            doc_date=datetime.date.fromisoformat(date),
            doc_issuer=issuer,
            text=text,
        )
        for i, (verb, cont, kind, num, date, issuer, text) in enumerate(seed.BASES, 1)
    )
    PlanSection.objects.bulk_create(
        PlanSection(plan=plan, order=i, heading=heading, body="\n".join(paragraphs))
        for i, (heading, paragraphs) in enumerate(seed.SECTIONS, 1)
    )
    from qms.core.services import match_unit_names
    from qms.core.text import split_unit_names

    by_number: dict[int, PlanTask] = {}
    for no, content, lead, partner, timing in seed.TASKS:
        lead_units, _missing = match_unit_names(agency=agency, names=split_unit_names(lead))
        partner_units, _missing = match_unit_names(agency=agency, names=split_unit_names(partner))
        by_number[no] = planning.task_create(
            actor=iso,
            plan=plan,
            data=planning.TaskInput(
                number=no,
                content=content,
                timing_text=timing,
                lead_units=lead_units,
                partner_units=partner_units,
                lead_text=lead,
                partner_text=partner,
                regulation_key="iso_report" if timing == "Theo quy định" else "",
            ),
        )
    for no, deps in seed.DEPENDENCIES.items():
        by_number[no].depends_on.set([by_number[d] for d in deps])
    planning.deadline_rule_save(
        actor=None,
        agency=agency,
        year=2022,
        key="iso_report",  # type: ignore[arg-type]
        label="Báo cáo kết quả duy trì, áp dụng HTQLCL năm 2022",
        due_date=datetime.date(2022, 11, 30),
        source="Dữ liệu minh họa (demo)",
    )
    since = timezone.now()
    issued_on = datetime.date.fromisoformat(str(h["issued_on"]))
    plan = planning.plan_register_paper_issue(
        actor=users["quantriso"], plan=plan, serial=int(str(h["serial"])), issued_on=issued_on
    )
    dating.date_plan_notifications(plan, since=since, moment=dating.at(issued_on, 14))
    _progress_2022(plan, users)
    return plan


# 2022: when each task was reported done (confirmed the next working day). Task 7 ran five
# days late, so the on-time share eISO computes for 2022 reads what the year was.
DONE_2022: dict[int, tuple[str, datetime.date, str]] = {
    1: (
        "thukyiso",
        datetime.date(2022, 2, 7),
        "Kế hoạch 187/KH-SGDĐT đã ban hành ngày 07/02/2022.",
    ),
    2: (
        "tp.gdtrh",
        datetime.date(2022, 8, 24),
        "Các phòng đã đánh giá mục tiêu năm học 2021-2022 và gửi mục "
        "tiêu năm học 2022-2023 về Ban ISO.",
    ),
    3: (
        "thukyiso",
        datetime.date(2022, 9, 5),
        "Ban ISO đã tổng hợp, trình Giám đốc phê duyệt mục tiêu chất "
        "lượng của Sở năm học 2022-2023.",
    ),
    6: (
        "danhgia",
        datetime.date(2022, 7, 29),
        "Đã đánh giá nội bộ theo chương trình; phát hiện 3 điểm không phù hợp.",
    ),
    7: (
        "thukyiso",
        datetime.date(2022, 9, 20),
        "Đã khắc phục và đánh giá hiệu lực 2/3 điểm không phù hợp; còn 1 điểm của Phòng TCCB "
        "chưa khắc phục xong, tiếp tục theo dõi.",
    ),
    8: (
        "thukyiso",
        datetime.date(2022, 9, 28),
        "Đã họp xem xét của Lãnh đạo ngày 28/9/2022, có biên bản.",
    ),
    10: ("thukyiso", datetime.date(2022, 11, 25), "Đã gửi báo cáo năm 2022 cho Sở KH&CN."),
}


def _progress_2022(plan: Plan, users: dict[str, User]) -> None:
    """How the year went: most tasks done and confirmed, continuous ones ongoing, each
    dated on the day it happened in 2022."""
    tasks = {t.number: t for t in plan.tasks.all()}
    for no, (author, done_on, comment) in DONE_2022.items():
        since = timezone.now()
        planning.task_post_progress(
            actor=users[author], task=tasks[no], percent=100, comment=comment, report_done=True
        )
        planning.task_confirm(actor=users["vanphong"], task=tasks[no])
        dating.date_task(
            tasks[no],
            since=since,
            progress_on=done_on,
            confirmed_on=dating.next_working_day(done_on),
        )
    for no, pct, comment in [
        (4, 60, "Đã xây dựng mới 2 quy trình TTHC lĩnh vực giáo dục."),
        (5, 70, "Đã rà soát 18/25 quy trình."),
        (9, 50, "Đã cập nhật danh mục tài liệu bên ngoài của 5 phòng."),
    ]:
        since = timezone.now()
        planning.task_post_progress(
            actor=users["tp.gdtrh"], task=tasks[no], percent=pct, comment=comment
        )
        dating.date_task(tasks[no], since=since, progress_on=datetime.date(2022, 12, 20))


def _plan_current(
    plan_2022: Plan, units: dict[str, OrgUnit], users: dict[str, User], today: datetime.date
) -> Plan | None:
    """This year's plan, copied from 2022, issued, with progress as of today."""
    year = today.year
    agency = units["SGDDT-HY"]
    if year <= 2022 or Plan.objects.filter(agency=agency, year=year).exists():
        return None
    issued_on = min(datetime.date(year, 2, 5), today)
    number_register_external(
        agency=agency,
        doc_type="KH",
        serial=3,
        issued_on=min(datetime.date(year, 1, 5), issued_on),
        actor=None,
        subject=f"Kế hoạch cải cách hành chính năm {year}",
    )
    plan = planning.plan_copy(actor=users["thukyiso"], plan=plan_2022, year=year)
    planning.deadline_rule_save(
        actor=None,
        agency=agency,
        year=year,
        key="iso_report",  # type: ignore[arg-type]
        label=f"Báo cáo kết quả duy trì, áp dụng HTQLCL năm {year}",
        due_date=today + datetime.timedelta(days=5),
        source="Dữ liệu minh họa (demo)",
    )
    since = timezone.now()
    planning.plan_submit(actor=users["thukyiso"], plan=plan)
    planning.plan_approve(actor=users["giamdoc"], plan=plan, issued_on=issued_on)
    # Drafted, submitted and signed in the days before it was issued.
    LogEntry.objects.for_object(plan).filter(created_at__lt=since).update(
        created_at=dating.at(issued_on - datetime.timedelta(days=7), 8)
    )
    LogEntry.objects.for_object(plan).filter(created_at__gte=since).update(
        created_at=dating.at(issued_on, 10)
    )
    dating.date_plan_notifications(plan, since=since, moment=dating.at(issued_on, 10))
    Plan.objects.filter(pk=plan.pk).update(
        submitted_at=dating.at(issued_on - datetime.timedelta(days=2), 15),
        approved_at=dating.at(issued_on, 10),
    )
    for task in plan.tasks.order_by("number"):
        _progress_as_of(task, users, today, issued_on)
    # Tasks 2 and 3 stand for this year's objectives cycle, as in 2022.
    for number, stage in ((2, PlanStage.Stage.UNITS), (3, PlanStage.Stage.AGENCY)):
        objectives.stage_link(
            actor=users["thukyiso"], task=plan.tasks.get(number=number), stage=stage, year=year
        )
    return plan


EVIDENCE = {
    1: ("Ke-hoach-duy-tri-HTQLCL.docx", "Kế hoạch duy trì, cải tiến HTQLCL năm {year}"),
    6: ("Bao-cao-danh-gia-noi-bo.docx", "Báo cáo đánh giá nội bộ năm {year}"),
    8: ("Bien-ban-hop-xem-xet-lanh-dao.docx", "Biên bản họp xem xét của lãnh đạo năm {year}"),
}


def _progress_as_of(
    task: PlanTask, users: dict[str, User], today: datetime.date, issued_on: datetime.date
) -> None:
    """Done before its due date (with evidence for the plan, the audit, the review),
    in progress when due soon, overdue for task 7, not started when due later."""
    since = timezone.now()
    if task.is_continuous:
        planning.task_post_progress(
            actor=users["tp.gdtrh"],
            task=task,
            percent=40,
            comment="Đang rà soát theo kế hoạch quý.",
        )
        on = max(issued_on, today - datetime.timedelta(days=20))
        dating.date_task(task, since=since, progress_on=on)
        return
    if task.due_date is None or task.due_date > today + datetime.timedelta(days=7):
        return
    if task.number == 7 and task.due_date < today:
        # One overdue task, so the dashboard shows what urging looks like.
        planning.task_post_progress(
            actor=users["tp.tccb"],
            task=task,
            percent=75,
            comment="Còn 1 điểm không phù hợp chưa khắc phục xong.",
        )
        dating.date_task(task, since=since, progress_on=task.due_date - datetime.timedelta(days=3))
        return
    if task.due_date >= today:
        planning.task_post_progress(
            actor=users["thukyiso"], task=task, percent=30, comment="Đang tổng hợp số liệu."
        )
        on = max(issued_on, today - datetime.timedelta(days=2))
        dating.date_task(task, since=since, progress_on=on)
        return
    files = []
    if task.number in EVIDENCE:
        name, title = EVIDENCE[task.number]
        year = task.due_date.year
        files = [dating.evidence_file(name, [title.format(year=year), "Sở GDĐT Hưng Yên"])]
    planning.task_post_progress(
        actor=users["thukyiso"],
        task=task,
        percent=100,
        comment="Đã hoàn thành đúng hạn.",
        files=files,
        report_done=True,
    )
    planning.task_confirm(actor=users["vanphong"], task=task)
    done_on = min(max(issued_on, task.due_date - datetime.timedelta(days=2)), today)
    dating.date_task(
        task,
        since=since,
        progress_on=done_on,
        confirmed_on=min(dating.next_working_day(done_on), today),
    )


def _other_agency(units: dict[str, OrgUnit], users: dict[str, User]) -> None:
    agency = units["SNV-HY"]
    if Plan.objects.filter(agency=agency).exists():
        return
    plan = planning.plan_create(
        actor=users["snv.cchc"],
        agency=agency,
        year=2022,
        title="Duy trì, cải tiến HTQLCL của Sở Nội vụ năm 2022",
        signer_prefix="",
        signer_authority="GIÁM ĐỐC",
        signer_position="GIÁM ĐỐC",
        signer_name="Trần Văn Bình",
    )
    planning.task_create(
        actor=users["snv.cchc"],
        plan=plan,
        data=planning.TaskInput(
            number=1,
            content="Đánh giá nội bộ HTQLCL",
            timing_text="Quý III/2022",
            lead_units=[units["SNV-CCHC"]],
            partner_units=[units["SNV-VP"]],
        ),
    )


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> list[DemoLogin]:
    today = today or timezone.localdate()
    units = _units()
    users = _users(units)
    plan = _plan_2022(units, users)
    _plan_current(plan, units, users, today)
    _other_agency(units, users)
    load_documents(units=units, users=users, plan_2022=plan, today=today)
    load_objectives(units=units, users=users, plan_2022=plan)
    load_running_years(units=units, users=users, today=today)
    load_audits(units=units, users=users, today=today)
    labels = dict(Role.choices)
    return [
        DemoLogin(u, users[u].display_name, ", ".join(str(labels[r]) for r, _s in roles))
        for u, _l, _f, _p, _c, roles in USERS
    ]
