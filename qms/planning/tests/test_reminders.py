"""Reminder rules under a controlled clock: offsets, due day, overdue repeats, escalations,
continuous tasks, weekends and Tết, digests, weekly summaries, and exactly-once."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms.core.models import CalendarOverride
from qms.notifications.models import (
    Channel,
    Notification,
    NotificationPreference,
    NotificationSettings,
    ReminderPolicy,
    State,
)
from qms.notifications.periodic import run_pass
from qms.planning import services as planning
from qms.planning.models import PlanTask
from qms.planning.notifications import Kind
from qms.planning.reminders import compute_task_reminders
from qms.planning.tests.conftest import at, emails

pytestmark = pytest.mark.django_db


def run_days(first: str, last: str, hour: int = 8) -> None:
    day = datetime.date.fromisoformat(first)
    end = datetime.date.fromisoformat(last)
    while day <= end:
        now = at(day.isoformat(), hour)
        with time_machine.travel(now, tick=False):
            run_pass(now)
        day += datetime.timedelta(days=1)


def timeline(user: object) -> list[tuple[str, str]]:
    """(local date, kind) of the user's e-mails, weekly summaries left out."""
    return [
        (n.created_at.astimezone().date().isoformat(), n.kind)
        for n in emails(user)
        if n.kind != Kind.WEEKLY_SUMMARY
    ]


def test_a_whole_cycle_of_reminders_and_escalations(make_task, personas):
    make_task("Trước 10/3/2026")  # Tuesday
    run_days("2026-02-25", "2026-03-20")
    assert timeline(personas["staff_a"]) == [
        ("2026-03-03", Kind.TASK_DUE_SOON),  # 7 days before
        # 3 days before is Saturday 07/03: moved to Monday 09/03, where the 1-day
        # reminder also falls; only the more recent one goes out.
        ("2026-03-09", Kind.TASK_DUE_SOON),
        ("2026-03-10", Kind.TASK_DUE_TODAY),
        ("2026-03-13", Kind.TASK_OVERDUE),  # every 3 days
        ("2026-03-16", Kind.TASK_OVERDUE),
        ("2026-03-19", Kind.TASK_OVERDUE),
    ]
    assert timeline(personas["head_a"]) == [("2026-03-13", Kind.TASK_ESCALATED)]
    assert timeline(personas["iso_office"]) == [("2026-03-17", Kind.TASK_ESCALATED)]
    soon = emails(personas["staff_a"], Kind.TASK_DUE_SOON)
    assert "7 ngày" in soon[0].subject and "1 ngày" in soon[1].subject
    # Every reminder was also delivered in eISO, and every e-mail was sent once.
    assert (
        Notification.objects.filter(recipient=personas["staff_a"], channel=Channel.IN_APP).count()
        == 6
    )
    reminders = Notification.objects.filter(channel=Channel.EMAIL).exclude(kind=Kind.WEEKLY_SUMMARY)
    assert reminders.count() == 8
    assert len(mail.outbox) == Notification.objects.filter(channel=Channel.EMAIL).count()
    assert not Notification.objects.exclude(state=State.SENT).exists()


def test_nothing_once_the_task_is_done(make_task, personas):
    task = make_task("Trước 10/3/2026")
    run_days("2026-03-03", "2026-03-03")
    planning.task_post_progress(
        actor=personas["staff_a"], task=task, percent=100, comment="Xong", report_done=True
    )
    Notification.objects.all().delete()
    run_days("2026-03-04", "2026-03-20")
    assert timeline(personas["staff_a"]) == []


def test_due_on_a_sunday_is_due_on_monday(make_task, personas):
    make_task("Trước 15/3/2026")  # Sunday
    run_days("2026-03-14", "2026-03-17")
    assert timeline(personas["staff_a"]) == [("2026-03-16", Kind.TASK_DUE_TODAY)]
    body = emails(personas["staff_a"])[0].body
    assert "16/03/2026" in body


def test_due_in_tet_reminds_on_the_first_working_day_after(make_task, personas):
    # 18/02/2026 is the second day of Tết; the holiday and the weekend run to 22/02.
    make_task("Trước 18/02/2026")
    run_days("2026-02-09", "2026-02-24")
    # The deadline moves to Monday 23/02; 7, 3 and 1 days before it all fall in the
    # holiday, so they move onto the due day and give way to the due-day reminder.
    assert timeline(personas["staff_a"]) == [("2026-02-23", Kind.TASK_DUE_TODAY)]
    assert not Notification.objects.filter(
        created_at__date__range=(datetime.date(2026, 2, 14), datetime.date(2026, 2, 22))
    ).exists()


def test_due_on_the_new_year_swap_day_reminds_on_monday(make_task, personas):
    # 02/01/2026 is a day off by 12729/VPCP-KGVX (worked on Saturday 10/01): the deadline
    # moves to Monday 05/01, and nothing is sent on the swapped Friday.
    make_task("Trước 02/01/2026")
    run_days("2026-01-01", "2026-01-05")
    assert timeline(personas["staff_a"]) == [("2026-01-05", Kind.TASK_DUE_TODAY)]
    assert "05/01/2026" in emails(personas["staff_a"])[0].body


def test_an_extra_day_off_set_by_the_admin_moves_reminders(make_task, personas):
    CalendarOverride.objects.create(
        date=datetime.date(2026, 3, 10), kind=CalendarOverride.Kind.DAY_OFF, note="Nghỉ bù"
    )
    make_task("Trước 10/3/2026")
    run_days("2026-03-10", "2026-03-11")
    assert timeline(personas["staff_a"]) == [("2026-03-11", Kind.TASK_DUE_TODAY)]


def test_policy_offsets_and_send_hour(make_task, personas, org):
    ReminderPolicy.objects.create(
        agency=org.agency,
        days_before="2",
        on_due_day=False,
        send_hour=9,
        overdue_every_days=5,
        escalate_head_after_days=0,
        escalate_office_after_days=0,
    )
    make_task("Trước 12/3/2026")  # Thursday
    run_days("2026-03-10", "2026-03-10", hour=8)  # before the send hour
    assert timeline(personas["staff_a"]) == []
    run_days("2026-03-10", "2026-03-18", hour=9)
    assert timeline(personas["staff_a"]) == [
        ("2026-03-10", Kind.TASK_DUE_SOON),
        ("2026-03-17", Kind.TASK_OVERDUE),
    ]
    assert timeline(personas["head_a"]) == []


def test_continuous_task_reminds_at_its_cadence_and_is_never_overdue(make_task, personas):
    task = make_task("Thường xuyên", issued_on="2026-02-07")
    assert task.timing_kind == "continuous" and task.review_cadence_months == 3
    run_days("2026-02-07", "2026-08-10")
    assert timeline(personas["staff_a"]) == [
        ("2026-05-07", Kind.TASK_REVIEW),
        ("2026-08-07", Kind.TASK_REVIEW),
    ]


def test_running_twice_sends_each_reminder_once(make_task, personas):
    make_task("Trước 10/3/2026")
    now = at("2026-03-10", 8)
    with time_machine.travel(now, tick=False):
        run_pass(now)
        first = Notification.objects.count()
        sent = len(mail.outbox)
        run_pass(now)
        run_pass(at("2026-03-10", 15))
    assert Notification.objects.count() == first and len(mail.outbox) == sent == 1
    # Even when the day's marks are lost, the unique keys keep it at once.
    from qms.notifications.models import PeriodicMark

    PeriodicMark.objects.all().delete()
    with time_machine.travel(now, tick=False):
        run_pass(now)
    assert Notification.objects.count() == first and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_on_postgresql_send_once(make_task, personas):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks); runs in the PostgreSQL pass of make test")
    plan = make_task("Trước 05/3/2026").plan
    for n in range(2, 12):
        planning.task_create(
            actor=personas["iso_office"],
            plan=plan,
            data=planning.TaskInput(
                number=n,
                content=f"Nhiệm vụ {n}",
                timing_text=f"Trước {n:02d}/3/2026",
                lead_units=[plan.tasks.get(number=1).lead_units.get()],
                partner_units=[],
            ),
            amendment_reason="Bổ sung",
        )
    now = at("2026-03-05", 8)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def copy() -> None:
        try:
            barrier.wait()
            run_pass(now)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(now, tick=False):
        threads = [threading.Thread(target=copy) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    email_rows = Notification.objects.filter(channel=Channel.EMAIL)
    assert email_rows.count() > 0
    assert email_rows.filter(state=State.SENT).count() == email_rows.count()
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids)) == email_rows.count()


def test_user_preferences_and_daily_digest(make_task, personas):
    staff = personas["staff_a"]
    NotificationSettings.objects.create(user=staff, email_mode="daily", digest_hour=17)
    NotificationPreference.objects.create(
        user=personas["head_a"], kind=Kind.TASK_ESCALATED, channel=Channel.EMAIL, enabled=False
    )
    make_task("Trước 10/3/2026")
    run_days("2026-03-09", "2026-03-13", hour=8)
    held = Notification.objects.filter(recipient=staff, channel=Channel.EMAIL)
    assert {n.state for n in held} == {State.HELD} and held.count() == 3
    assert not mail.outbox or all(staff.email not in m.to for m in mail.outbox)
    # The head switched escalations off by e-mail: only the in-app copy exists.
    assert not emails(personas["head_a"])
    assert (
        Notification.objects.filter(recipient=personas["head_a"], kind=Kind.TASK_ESCALATED).count()
        == 1
    )
    now = at("2026-03-13", 17)
    with time_machine.travel(now, tick=False):
        run_pass(now)
        run_pass(at("2026-03-13", 18))
    digests = [m for m in mail.outbox if staff.email in m.to]
    assert len(digests) == 1 and "3 thông báo" in digests[0].subject
    assert Notification.objects.filter(recipient=staff, state=State.DIGESTED).count() == 3


def test_messages_follow_the_recipient_language(make_task, personas):
    staff = personas["staff_a"]
    staff.language = "en"
    staff.save()
    make_task("Trước 10/3/2026")
    run_days("2026-03-10", "2026-03-10")
    assert emails(staff)[0].subject == "[eISO] Task due today: Đánh giá nội bộ"
    assert emails(personas["head_a"]) == []
    in_app_vi = Notification.objects.filter(recipient=personas["staff_a"]).first()
    assert in_app_vi is not None and "Task due today" in in_app_vi.subject


def test_weekly_summary_on_the_first_working_day(make_task, personas, org, client_as):
    make_task("Trước 04/3/2026")
    run_days("2026-03-09", "2026-03-10")  # Monday, Tuesday
    weekly = emails(personas["iso_office"], Kind.WEEKLY_SUMMARY)
    assert len(weekly) == 1 and weekly[0].created_at.astimezone().date() == datetime.date(
        2026, 3, 9
    )
    assert ": 0 / 1 / 0" in weekly[0].body  # done / late / due next week


def test_query_count_does_not_grow_with_tasks_due(org, personas, make_task):
    make_task("Trước 10/3/2026")
    now = at("2026-03-10", 8)

    def measure() -> int:
        from qms.notifications.models import PeriodicMark

        PeriodicMark.objects.all().delete()
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx, time_machine.travel(now, tick=False):
            compute_task_reminders(now)
        assert Notification.objects.exists()
        return len(ctx.captured_queries)

    few = measure()
    plan = PlanTask.objects.get().plan
    for n in range(2, 31):
        planning.task_create(
            actor=personas["iso_office"],
            plan=plan,
            data=planning.TaskInput(
                number=n,
                content=f"Nhiệm vụ {n}",
                timing_text="Trước 10/3/2026",
                lead_units=[org.div_a if n % 2 else org.div_b],
                partner_units=[],
            ),
            amendment_reason="Bổ sung",
        )
    many = measure()
    assert many == few


def test_run_periodic_command(make_task, personas):
    from io import StringIO

    from django.core.management import CommandError, call_command

    make_task("Trước 10/3/2026")
    out = StringIO()
    call_command("run_periodic", "--now", "2026-03-10T08:00", stdout=out)
    assert "2026-03-10 08:00:00 run_periodic:" in out.getvalue()
    assert (
        "planning.reminders.task_due_today=1" in out.getvalue() and "send.sent=" in out.getvalue()
    )
    with pytest.raises(CommandError):
        call_command("run_periodic", "--now", "10/03/2026")
