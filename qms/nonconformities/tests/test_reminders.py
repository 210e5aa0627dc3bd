"""Reminders of open corrective actions (controlled clock): to the owners of open actions
only, once per occurrence, never on a day off; and the workflow's notifications."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from qms.core import periodic
from qms.nonconformities import jobs, services
from qms.nonconformities.tests.conftest import analyse
from qms.notifications.models import Channel, Notification

D = datetime.date


def at(day: str, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def inbox(user, kind: str | None = None) -> list[Notification]:
    qs = Notification.objects.filter(recipient=user, channel=Channel.IN_APP)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("created_at", "pk"))


@pytest.fixture
def two_actions(make_nc, org, personas):
    """Raised Monday 2 March 2026; staff A's action due Thursday 12 March, head B's action
    due the same day but done at once."""
    with time_machine.travel(at("2026-03-02"), tick=False):
        nc = make_nc(owner=personas["head_a"])
        analyse(nc, personas["head_a"])
        for owner, unit in ((personas["staff_a"], org.div_a), (personas["head_b"], org.div_b)):
            services.action_add(
                actor=personas["head_a"],
                nc=nc,
                data=services.ActionInput("Khắc phục", owner, unit, D(2026, 3, 12)),
            )
        services.plan_confirm(actor=personas["head_a"], nc=nc)
        done = nc.actions.get(owner=personas["head_b"])
        services.action_done(actor=personas["head_b"], action=done, result="Đã làm xong")
    Notification.objects.all().delete()
    return nc


def run(day: str, hour: int = 8):
    now = at(day, hour)
    with time_machine.travel(now, tick=False):
        return jobs.remind_actions(now)


def test_the_job_is_registered():
    assert periodic.jobs()["nonconformities.actions"] is jobs.remind_actions


def test_reminders_go_to_open_actions_owners_only(two_actions, personas):
    run("2026-03-05")  # 7 days before: Thursday
    run("2026-03-05", 15)  # a second pass the same day writes nothing new
    run("2026-03-09")  # 3 days before
    run("2026-03-11")  # 1 day before
    run("2026-03-12")  # the due day
    run("2026-03-16")  # 4 days late, first overdue step (every 3 days)
    staff = inbox(personas["staff_a"])
    kinds = [n.kind for n in staff]
    assert kinds == ["nc_action_due_soon"] * 4 + ["nc_action_overdue"]
    assert inbox(personas["head_b"]) == []  # the done action's owner hears nothing
    assert Notification.objects.exclude(recipient=personas["staff_a"]).count() == 0
    with translation.override("vi"):
        assert staff[0].subject.startswith("[eISO]")


def test_no_reminder_on_a_day_off(two_actions, personas):
    stats = run("2026-03-07")  # Saturday
    assert stats["skipped_day_off"] == 1 and inbox(personas["staff_a"]) == []
    run("2026-03-09")  # Monday: the most recent occurrence only
    assert len(inbox(personas["staff_a"])) == 1


def test_nothing_once_the_action_is_done(two_actions, personas):
    action = two_actions.actions.get(owner=personas["staff_a"])
    with time_machine.travel(at("2026-03-04"), tick=False):
        services.action_done(actor=personas["staff_a"], action=action, result="Xong")
    Notification.objects.all().delete()
    run("2026-03-09")
    run("2026-03-16")
    assert inbox(personas["staff_a"]) == []


def test_workflow_notifications(make_nc, org, personas):
    services.settings_save(
        actor=personas["iso_office"], agency=org.agency, verification_delay_days=0
    )
    nc = make_nc(owner=personas["head_a"])
    assert [n.kind for n in inbox(personas["head_a"])] == ["nc_raised"]
    analyse(nc, personas["head_a"])
    services.action_add(
        actor=personas["head_a"],
        nc=nc,
        data=services.ActionInput(
            "Khắc phục", personas["staff_a"], org.div_a, timezone.localdate()
        ),
    )
    assert inbox(personas["staff_a"]) == []  # told when the plan is confirmed
    services.plan_confirm(actor=personas["head_a"], nc=nc)
    assert [n.kind for n in inbox(personas["staff_a"])] == ["nc_action_assigned"]
    services.action_done(actor=personas["staff_a"], action=nc.actions.get(), result="Xong")
    assert [n.kind for n in inbox(personas["iso_office"])] == ["nc_awaiting_verification"]
    nc.refresh_from_db()
    services.verify(actor=personas["auditor"], nc=nc, effective=False, note="Chưa hiệu quả")
    assert inbox(personas["head_a"], "nc_reopened")
    body = inbox(personas["head_a"], "nc_reopened")[0].body
    assert "Chưa hiệu quả" in body and nc.number in body
