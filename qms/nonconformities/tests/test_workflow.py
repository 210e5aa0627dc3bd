"""The NC workflow: each gate refused by the service and held by the database."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from qms.audittrail.models import LogEntry
from qms.core.tests.files import pdf_upload
from qms.nonconformities import services
from qms.nonconformities.models import CorrectiveAction, NCEvidence, Nonconformity
from qms.nonconformities.tests.conftest import add_action, analyse
from qms.notifications.models import Notification

S = Nonconformity.Status
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return pdf_upload(name)


def violates(nc: Nonconformity, **values: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Nonconformity.objects.filter(pk=nc.pk).update(**values)


@pytest.fixture
def planned(make_nc, org, personas):
    nc = make_nc(raised_on=D(2026, 1, 5), owner=personas["head_a"])
    analyse(nc, personas["head_a"])
    add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    return services.plan_confirm(actor=personas["head_a"], nc=nc)


def test_correction(make_nc, personas):
    nc = make_nc()
    with pytest.raises(services.NCError, match="Describe the correction"):
        services.correction_record(actor=personas["head_a"], nc=nc, correction=" ")
    with pytest.raises(services.NCError, match="may not"):
        services.correction_record(actor=personas["staff_a"], nc=nc, correction="Sửa")
    nc = services.correction_record(actor=personas["head_a"], nc=nc, correction="Lập bổ sung")
    assert nc.correction == "Lập bổ sung" and nc.correction_on == timezone.localdate()
    assert nc.status == S.OPEN and nc.version == 2
    entry = LogEntry.objects.get(action="nonconformities.nc.corrected")
    assert entry.changes["correction"] == ["", "Lập bổ sung"]


def test_analysis_gate(make_nc, personas):
    nc = make_nc()
    with pytest.raises(services.NCError, match="root cause"):
        services.cause_analyse(
            actor=personas["head_a"], nc=nc, method="five_whys", whys=["a"], root_cause=""
        )
    with pytest.raises(services.NCError, match="fishbone"):
        services.cause_analyse(
            actor=personas["head_a"], nc=nc, method="fishbone", fishbone={}, root_cause="x"
        )
    with pytest.raises(services.NCError, match="without gaps"):
        services.cause_analyse(
            actor=personas["head_a"], nc=nc, method="five_whys", whys=["a", "", "c"], root_cause="x"
        )
    # no actions planned without a root cause: the database refuses it too
    violates(nc, status=S.PLANNED, actions_total=1, actions_open=1)
    nc = services.cause_analyse(
        actor=personas["head_a"],
        nc=nc,
        method="both",
        whys=["Vì sao 1", "Vì sao 2", ""],
        fishbone={"man": ["Chưa tập huấn", " "], "method": ["Quy trình thiếu bước"]},
        root_cause="Quy trình thiếu bước lập biên bản",
    )
    assert nc.status == S.ANALYSED and nc.whys == ["Vì sao 1", "Vì sao 2"]
    assert nc.fishbone == {"man": ["Chưa tập huấn"], "method": ["Quy trình thiếu bước"]}
    with pytest.raises(services.NCError, match="category"):
        services.cause_analyse(
            actor=personas["head_a"],
            nc=nc,
            method="fishbone",
            fishbone={"money": ["x"]},
            root_cause="x",
        )


def test_plan_needs_an_action(make_nc, org, personas):
    nc = make_nc()
    with pytest.raises(services.NCError, match="Analyse the cause first"):
        add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    analyse(nc, personas["head_a"])
    with pytest.raises(services.NCError, match="at least one"):
        services.plan_confirm(actor=personas["head_a"], nc=nc)
    violates(nc, status=S.PLANNED)  # actions_total = 0
    with pytest.raises(services.NCError, match="agency"):
        add_action(nc, personas["head_a"], personas["outsider"], org.div_a)
    with pytest.raises(services.NCError, match="unit must belong"):
        add_action(nc, personas["head_a"], personas["staff_a"], org.other_div)
    add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    nc = services.plan_confirm(actor=personas["head_a"], nc=nc)
    assert (nc.status, nc.actions_total, nc.actions_open) == (S.PLANNED, 1, 1)
    assert Notification.objects.filter(
        recipient=personas["staff_a"], kind="nc_action_assigned"
    ).exists()


def test_actions_done_then_awaiting_verification(planned, org, personas):
    nc = planned
    second = add_action(nc, personas["head_a"], personas["head_b"], org.div_b)
    nc.refresh_from_db()
    assert (nc.actions_total, nc.actions_open) == (2, 2)
    # the database refuses "awaiting verification" while actions are open
    violates(nc, status=S.AWAITING_VERIFICATION)
    first = nc.actions.get(owner=personas["staff_a"])
    with pytest.raises(services.NCError, match="Only the owner"):
        services.action_done(actor=personas["head_b"], action=first, result="x")
    with pytest.raises(services.NCError, match="what was done"):
        services.action_done(actor=personas["staff_a"], action=first, result="")
    with pytest.raises(services.NCError):
        services.action_done(
            actor=personas["staff_a"],
            action=first,
            result="x",
            files=[SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")],
        )
    services.action_done(
        actor=personas["staff_a"], action=first, result="Đã sửa quy trình", files=[pdf()]
    )
    nc.refresh_from_db()
    assert nc.status == S.IN_PROGRESS and nc.actions_open == 1
    assert NCEvidence.objects.get(action=first).file_name == "bien-ban.pdf"
    # head of div_b may mark its own action done (owner), the NC's unit head too (act on unit?)
    services.action_done(actor=personas["head_b"], action=second, result="Đã tập huấn")
    nc.refresh_from_db()
    assert nc.status == S.AWAITING_VERIFICATION and nc.actions_open == 0
    assert nc.actions_done_on == timezone.localdate()
    assert Notification.objects.filter(
        recipient=personas["iso_office"], kind="nc_awaiting_verification"
    ).exists()
    with pytest.raises(services.NCError, match="already done"):
        nc2 = Nonconformity.objects.get(pk=nc.pk)
        services.action_done(
            actor=personas["staff_a"], action=CorrectiveAction.objects.get(pk=first.pk), result="y"
        )
    assert nc2.actions_open == 0


def test_a_done_action_says_when_and_by_whom(planned):
    action = planned.actions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectiveAction.objects.filter(pk=action.pk).update(status="done")


def _awaiting(planned, personas):
    action = planned.actions.get()
    services.action_done(actor=personas["staff_a"], action=action, result="Đã làm")
    return Nonconformity.objects.get(pk=planned.pk)


def test_verification_independence_and_delay(planned, personas):
    nc = _awaiting(planned, personas)
    with pytest.raises(services.NCError, match="may not verify"):
        services.verify(actor=personas["head_b"], nc=nc, effective=True, note="x")
    with pytest.raises(services.NCError, match="from"):
        services.verify(actor=personas["auditor"], nc=nc, effective=True, note="Kiểm tra")
    later = timezone.now() + datetime.timedelta(days=31)
    with time_machine.travel(later, tick=False):
        # the owner of the NC (a unit head, not a verifier) and the ISO office as action owner
        personas["head_a"].role_assignments.create(role="auditor", org_unit=nc.unit)
        from qms.accounts import permissions

        permissions.clear_cache(personas["head_a"])
        with pytest.raises(services.NCError, match="owner of the nonconformity"):
            services.verify(actor=personas["head_a"], nc=nc, effective=True, note="x")
        personas["staff_a"].role_assignments.create(role="auditor", org_unit=nc.unit)
        permissions.clear_cache(personas["staff_a"])
        with pytest.raises(services.NCError, match="owner of a corrective action"):
            services.verify(actor=personas["staff_a"], nc=nc, effective=True, note="x")
        with pytest.raises(services.NCError, match="what was checked"):
            services.verify(actor=personas["auditor"], nc=nc, effective=True, note="")
        # the database refuses a close by the owner
        violates(
            nc,
            status=S.CLOSED,
            verified_by=personas["head_a"],
            closed_at=timezone.now(),
        )
        violates(nc, status=S.CLOSED)  # nobody verified
        v = services.verify(
            actor=personas["auditor"],
            nc=nc,
            effective=True,
            note="Đã kiểm tra 3 hồ sơ",
            files=[pdf()],
        )
    nc.refresh_from_db()
    assert nc.status == S.CLOSED and nc.verified_by == personas["auditor"]
    assert nc.closed_at is not None and v.effective and v.evidence.count() == 1
    assert Notification.objects.filter(recipient=personas["head_a"], kind="nc_closed").exists()
    with pytest.raises(services.NCError):
        services.correction_record(actor=personas["head_a"], nc=nc, correction="x")


def test_the_delay_is_an_agency_setting(planned, org, personas):
    with pytest.raises(services.NCError, match="may not change"):
        services.settings_save(
            actor=personas["head_a"], agency=org.agency, verification_delay_days=0
        )
    with pytest.raises(services.NCError, match="between"):
        services.settings_save(
            actor=personas["iso_office"], agency=org.agency, verification_delay_days=900
        )
    services.settings_save(
        actor=personas["iso_office"], agency=org.agency, verification_delay_days=0
    )
    nc = _awaiting(planned, personas)
    assert services.verification_due_on(nc) == timezone.localdate()
    services.verify(actor=personas["iso_office"], nc=nc, effective=True, note="Ổn")
    assert Nonconformity.objects.get(pk=nc.pk).status == S.CLOSED


def test_not_effective_reopens(planned, org, personas):
    services.settings_save(
        actor=personas["iso_office"], agency=org.agency, verification_delay_days=0
    )
    nc = _awaiting(planned, personas)
    services.verify(actor=personas["auditor"], nc=nc, effective=False, note="Vẫn thiếu biên bản")
    nc.refresh_from_db()
    assert nc.status == S.ANALYSED and nc.reopened_count == 1 and nc.actions_done_on is None
    assert nc.actions.get().status == "done"  # the old action stays done, in history
    with pytest.raises(services.NCError, match="at least one"):
        services.plan_confirm(actor=personas["head_a"], nc=nc)
    add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    nc = services.plan_confirm(actor=personas["head_a"], nc=nc)
    assert (nc.status, nc.actions_total, nc.actions_open) == (S.PLANNED, 2, 1)
    assert Notification.objects.filter(recipient=personas["head_a"], kind="nc_reopened").exists()
    assert nc.verifications.count() == 1


def test_stale_edit(make_nc, personas):
    nc = make_nc()
    services.correction_record(actor=personas["head_a"], nc=nc, correction="a", loaded_version=1)
    with pytest.raises(services.StaleEdit):
        services.correction_record(
            actor=personas["head_a"], nc=nc, correction="b", loaded_version=1
        )


def test_archive_not_delete(make_nc, personas):
    nc = make_nc()
    with pytest.raises(services.NCError, match="ISO office"):
        services.nc_archive(actor=personas["head_a"], nc=nc, reason="Trùng")
    with pytest.raises(services.NCError, match="why"):
        services.nc_archive(actor=personas["iso_office"], nc=nc, reason="")
    nc = services.nc_archive(actor=personas["iso_office"], nc=nc, reason="Trùng với KPH-001")
    assert nc.archived_at is not None and Nonconformity.objects.filter(pk=nc.pk).exists()
    with pytest.raises(services.NCError, match="archived"):
        services.correction_record(actor=personas["head_a"], nc=nc, correction="x")


def test_edit_and_action_update(planned, org, personas):
    action = planned.actions.get()
    with pytest.raises(services.NCError, match="deadline"):
        services.action_update(
            actor=personas["head_a"],
            action=action,
            data=services.ActionInput("Mới", personas["staff_a"], org.div_a, D(2020, 1, 1)),
        )
    services.action_update(
        actor=personas["head_a"],
        action=action,
        data=services.ActionInput("Mới", personas["head_a"], org.div_a, D(2026, 3, 1)),
        loaded_version=1,
    )
    action.refresh_from_db()
    assert action.owner == personas["head_a"] and action.version == 2
    nc = services.nc_update(
        actor=personas["head_a"],
        nc=planned,
        data=services.NCInput(
            title="Tiêu đề mới", description="Mô tả", unit=org.div_a, clause="8.5", severity="major"
        ),
    )
    assert (nc.title, nc.clause, nc.severity) == ("Tiêu đề mới", "8.5", "major")
    with pytest.raises(services.NCError, match="that unit"):
        services.nc_update(
            actor=personas["head_a"],
            nc=nc,
            data=services.NCInput(title="T", description="M", unit=org.div_b),
        )


def test_every_change_is_in_the_audit_trail(planned, personas):
    actions = set(
        LogEntry.objects.filter(object_id__in=[planned.pk]).values_list("action", flat=True)
    )
    assert {
        "nonconformities.nc.raised",
        "nonconformities.nc.analysed",
        "nonconformities.nc.actions_changed",
        "nonconformities.nc.planned",
    } <= actions
    planned_entry = LogEntry.objects.get(action="nonconformities.nc.planned")
    assert planned_entry.changes["status"] == ["analysed", "planned"]


def test_an_action_becomes_a_task_of_the_issued_plan(make_task, make_nc, org, personas):
    task = make_task("Tháng 3/2026", year=2026)
    plan = task.plan
    nc = make_nc(raised_on=D(2026, 1, 5))
    analyse(nc, personas["head_a"])
    action = add_action(nc, personas["head_a"], personas["staff_a"], org.div_a, days=60)
    with pytest.raises(services.NCError, match="yearly plan may add"):
        services.action_to_task(actor=personas["head_a"], action=action)
    new = services.action_to_task(actor=personas["iso_office"], action=action)
    action.refresh_from_db()
    assert action.plan_task == new and new.plan == plan and new.due_date == action.due
    assert list(new.lead_units.all()) == [org.div_a] and new.number == 2
    with pytest.raises(services.NCError, match="already"):
        services.action_to_task(actor=personas["iso_office"], action=action)
    with pytest.raises(services.NCError, match="task of the yearly plan"):
        services.action_update(
            actor=personas["head_a"],
            action=action,
            data=services.ActionInput("Mới", personas["staff_a"], org.div_a, action.due),
        )
    late = add_action(nc, personas["head_a"], personas["staff_a"], org.div_a, days=800)
    with pytest.raises(services.NCError, match="no issued yearly plan"):
        services.action_to_task(actor=personas["iso_office"], action=late)


def test_cancel_an_action(planned, org, personas):
    nc = planned
    only = nc.actions.get()
    with pytest.raises(services.NCError, match="only action"):
        services.action_cancel(actor=personas["head_a"], action=only, reason="Nhầm")
    with pytest.raises(services.NCError, match="why"):
        services.action_cancel(actor=personas["head_a"], action=only, reason="")
    second = add_action(nc, personas["head_a"], personas["head_b"], org.div_b)
    services.action_done(actor=personas["staff_a"], action=only, result="Xong")
    with pytest.raises(services.NCError, match="may not"):
        services.action_cancel(actor=personas["staff_a"], action=second, reason="Nhầm")
    services.action_cancel(actor=personas["head_a"], action=second, reason="Trùng với hành động 1")
    nc.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "cancelled" and second.result == "Trùng với hành động 1"
    assert nc.status == S.AWAITING_VERIFICATION and nc.actions_open == 0
    assert nc.actions_done_on == timezone.localdate()
    with pytest.raises(services.NCError):
        services.action_cancel(actor=personas["head_a"], action=only, reason="x")
