"""Plan and task workflows: every transition, every refusal, the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import shared_org
from qms.audittrail.models import LogEntry
from qms.core.tests.files import pdf_bytes
from qms.planning import services
from qms.planning.models import Evidence, Plan, PlanTask
from qms.planning.services import PlanningError, StaleEdit
from qms.planning.tests.factories import first_task, make_plan

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()


def test_plan_goes_from_draft_to_issued_with_next_register_number(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency)
    services.plan_submit(actor=personas["iso_office"], plan=plan)
    plan = services.plan_approve(
        actor=personas["leader"], plan=plan, issued_on=datetime.date(2022, 2, 7)
    )
    assert plan.status == Plan.Status.ISSUED
    assert plan.number == "01/KH-SGDĐT"
    assert plan.approved_by == personas["leader"]
    assert LogEntry.objects.for_object(plan).filter(action="planning.plan.issued").exists()


def test_submit_refused_without_tasks(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=0)
    with pytest.raises(PlanningError):
        services.plan_submit(actor=personas["iso_office"], plan=plan)


def test_return_needs_a_comment_and_goes_back_to_draft(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency)
    services.plan_submit(actor=personas["iso_office"], plan=plan)
    with pytest.raises(PlanningError):
        services.plan_return(actor=personas["leader"], plan=plan, comment=" ")
    plan = services.plan_return(actor=personas["leader"], plan=plan, comment="Bổ sung nhiệm vụ")
    assert plan.status == Plan.Status.DRAFT
    assert plan.return_comment == "Bổ sung nhiệm vụ"


def test_approve_only_submitted(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency)
    with pytest.raises(PlanningError):
        services.plan_approve(actor=personas["leader"], plan=plan)


def test_issued_plan_changes_only_by_amendment_with_history(org, personas):
    plan = make_plan(
        actor=personas["iso_office"], agency=org.agency, issued=True, approver=personas["leader"]
    )
    with pytest.raises(PlanningError):
        services.plan_update(
            actor=personas["iso_office"],
            plan=plan,
            data={"title": "Mới"},
            loaded_version=plan.version,
        )
    old_title = plan.title
    plan = services.plan_update(
        actor=personas["iso_office"],
        plan=plan,
        data={"title": "Tiêu đề sửa đổi"},
        loaded_version=plan.version,
        amendment_reason="Điều chỉnh theo chỉ đạo",
    )
    assert plan.revision == 1
    revision = plan.revisions.get()
    assert revision.snapshot["title"] == old_title
    entry = LogEntry.objects.for_object(plan).get(action="planning.plan.amended")
    assert entry.changes["title"] == [old_title, "Tiêu đề sửa đổi"]
    assert entry.changes["revision"] == [0, 1]
    assert entry.note == "Điều chỉnh theo chỉ đạo"


def test_stale_edit_is_refused(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency)
    loaded = plan.version
    services.plan_update(
        actor=personas["iso_office"], plan=plan, data={"title": "A"}, loaded_version=loaded
    )
    with pytest.raises(StaleEdit):
        services.plan_update(
            actor=personas["iso_office"], plan=plan, data={"title": "B"}, loaded_version=loaded
        )
    plan.refresh_from_db()
    assert plan.title == "A"


def test_task_status_change_is_in_history_with_before_and_after(org, personas):
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    task = first_task(plan)
    services.task_post_progress(actor=personas["head_a"], task=task, percent=40, comment="Đang làm")
    services.task_post_progress(
        actor=personas["head_a"], task=task, percent=100, comment="Xong", report_done=True
    )
    services.task_confirm(actor=personas["iso_office"], task=task)
    entries = LogEntry.objects.for_object(task).order_by("created_at", "id")
    actions = [e.action for e in entries]
    assert actions[-3:] == [
        "planning.task.progress",
        "planning.task.done_reported",
        "planning.task.confirmed",
    ]
    confirmed = entries.last()
    assert confirmed.changes["status"] == ["done_reported", "done"]
    assert confirmed.actor == personas["iso_office"]
    reported = entries.get(action="planning.task.done_reported")
    assert reported.changes["status"] == ["in_progress", "done_reported"]
    assert reported.changes["percent"] == [40, 100]


def test_confirm_only_reported_tasks_and_reject_needs_reason(org, personas):
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    task = first_task(plan)
    with pytest.raises(PlanningError):
        services.task_confirm(actor=personas["iso_office"], task=task)
    services.task_post_progress(
        actor=personas["staff_a"], task=task, percent=100, comment="Xong", report_done=True
    )
    with pytest.raises(PlanningError):
        services.task_reject(actor=personas["iso_office"], task=task, comment="")
    task = services.task_reject(actor=personas["iso_office"], task=task, comment="Thiếu biên bản")
    assert task.status == PlanTask.Status.IN_PROGRESS


def test_cancel_keeps_the_task_with_reason(org, personas):
    plan = make_plan(
        actor=personas["iso_office"], agency=org.agency, issued=True, approver=personas["leader"]
    )
    task = services.task_cancel(
        actor=personas["leader"], task=first_task(plan), reason="Không còn phù hợp"
    )
    assert task.status == PlanTask.Status.CANCELLED
    assert PlanTask.objects.filter(pk=task.pk).exists()
    with pytest.raises(PlanningError):
        services.task_cancel(actor=personas["leader"], task=task, reason="again")


def test_progress_with_evidence_stores_sha256_and_logs(org, personas):
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    content = pdf_bytes()
    upload = SimpleUploadedFile("bien-ban.pdf", content, content_type="application/pdf")
    services.task_post_progress(
        actor=personas["head_a"],
        task=first_task(plan),
        percent=50,
        comment="Có biên bản",
        files=[upload],
    )
    ev = Evidence.objects.get()
    import hashlib

    assert ev.sha256 == hashlib.sha256(content).hexdigest()
    assert ev.size == len(content)
    assert LogEntry.objects.filter(action="planning.evidence.added").exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("virus.exe", b"MZ..."),
        ("fake.pdf", b"not a pdf at all"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_saved(org, personas, name, content):
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    task = first_task(plan)
    with pytest.raises(PlanningError) as exc:
        services.task_post_progress(
            actor=personas["head_a"],
            task=task,
            percent=50,
            comment="x",
            files=[SimpleUploadedFile(name, content)],
        )
    assert name in str(exc.value)
    task.refresh_from_db()
    assert task.percent == 0 and not task.updates.exists()


def test_progress_refused_on_draft_plan(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, lead=org.div_a)
    with pytest.raises(PlanningError):
        services.task_post_progress(
            actor=personas["head_a"], task=first_task(plan), percent=10, comment="x"
        )


def test_copy_moves_dates_and_school_years_and_resets_tasks(org, personas):
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    task = first_task(plan)
    services.task_post_progress(
        actor=personas["head_a"], task=task, percent=100, comment="Xong", report_done=True
    )
    new = services.plan_copy(actor=personas["iso_office"], plan=plan, year=2023)
    assert new.status == Plan.Status.DRAFT and new.year == 2023 and new.number == ""
    copied = first_task(new)
    assert copied.status == PlanTask.Status.NOT_STARTED and copied.percent == 0
    assert copied.content == "Nhiệm vụ 1 năm học 2022-2023"
    assert copied.timing_text == task.timing_text.replace("2022", "2023")
    assert copied.due_date == task.due_date.replace(year=2023)
    assert list(copied.lead_units.all()) == [org.div_a]


def test_per_regulation_task_follows_the_rule(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=0)
    task = services.task_create(
        actor=personas["iso_office"],
        plan=plan,
        data=services.TaskInput(
            number=10,
            content="Báo cáo",
            timing_text="Theo quy định",
            lead_units=[org.iso],
            partner_units=[],
        ),
    )
    assert task.timing_kind == "per_regulation" and task.due_date is None
    services.deadline_rule_save(
        actor=personas["agency_admin"],
        agency=org.agency,
        year=2022,
        key="iso_report",
        label="Báo cáo ISO",
        due_date=datetime.date(2022, 11, 30),
    )
    task.refresh_from_db()
    assert task.due_date == datetime.date(2022, 11, 30)


def test_unparsed_timing_is_kept_and_flagged(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=0)
    task = services.task_create(
        actor=personas["iso_office"],
        plan=plan,
        data=services.TaskInput(
            number=1,
            content="Việc",
            timing_text="Sau khi có hướng dẫn của Bộ",
            lead_units=[],
            partner_units=[],
        ),
    )
    assert task.timing_flagged and task.timing_text == "Sau khi có hướng dẫn của Bộ"
    assert task.due_date is None


def test_continuous_task_is_never_overdue(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=0)
    task = services.task_create(
        actor=personas["iso_office"],
        plan=plan,
        data=services.TaskInput(
            number=4, content="Rà soát", timing_text="Thường xuyên", lead_units=[], partner_units=[]
        ),
    )
    assert task.review_cadence_months == 3
    assert not task.is_overdue(datetime.date(2030, 1, 1))


def test_import_is_all_or_nothing(org, personas):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=1)
    tasks = [
        services.TaskInput(
            number=n, content=f"T{n}", timing_text="Thường xuyên", lead_units=[], partner_units=[]
        )
        for n in (2, 1)
    ]
    with pytest.raises(PlanningError):
        services.plan_import_tasks(actor=personas["iso_office"], plan=plan, tasks=tasks)
    assert plan.tasks.count() == 1
