"""Notifications in a real browser: the bell, the notification centre, the link."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_plan_cycle import login


def _queue_reminder_for_gdtrh_staff() -> int:
    from qms.accounts.models import User
    from qms.notifications.messages import MessageData
    from qms.notifications.services import Outbox
    from qms.planning.models import Plan, PlanTask
    from qms.planning.notifications import Kind, task_facts

    staff = User.objects.get(username="cb.gdtrh")
    task = (
        PlanTask.objects.filter(plan__status=Plan.Status.ISSUED, lead_units=staff.unit)
        .select_related("plan", "plan__agency")
        .order_by("-plan__year", "number")
        .first()
    )
    assert task is not None
    facts = task_facts(task)
    box = Outbox()
    box.add(
        recipients=[staff.pk],
        data=MessageData(kind=Kind.TASK_DUE_SOON, facts=facts, url=facts.url, extra={"days": 3}),
        obj=task,
        agency_id=task.plan.agency_id,
    )
    box.flush()
    return task.pk


def test_staff_sees_the_bell_and_follows_a_notification(page: Page, live_server, demo_data, shot):
    base = live_server.url
    task_pk = _queue_reminder_for_gdtrh_staff()
    login(page, base, "cb.gdtrh")
    badge = page.get_by_test_id("unread-count")
    expect(badge).to_be_visible()
    unread = int(badge.inner_text().rstrip("+"))
    assert unread >= 1
    page.locator("#notif-bell").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_test_id("notification").first).to_be_visible()
    shot(page, "11-notification-centre")
    newest = page.get_by_test_id("notification").first.locator("a.notif-subject")
    expect(newest).to_contain_text("còn 3 ngày đến hạn")  # Vietnamese, as the user's language
    newest.click()
    expect(page).to_have_url(re.compile(rf"/plans/tasks/{task_pk}/$"))
    after = page.get_by_test_id("unread-count")
    if unread == 1:
        expect(after).to_have_count(0)
    else:
        expect(after).to_have_text(str(unread - 1))
    page.goto(f"{base}/notifications/preferences/")
    page.get_by_role("button", name=re.compile("Tạo liên kết lịch|Create a calendar link")).click()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/notifications/calendar/.+\.ics$"))
    shot(page, "12-notification-settings")


def test_admin_pages_for_reminders(page: Page, live_server, demo_data, shot):
    base = live_server.url
    login(page, base, "quantriso")  # agency administrator
    page.goto(f"{base}/notifications/reminders/")
    expect(page.locator("#id_days_before")).to_have_value("7,3,1")
    page.fill("#id_days_before", "7,3,x")
    page.get_by_role("button", name=re.compile("Lưu|Save")).click()
    expect(page.locator("#id_days_before")).to_have_value("7,3,x")  # kept as typed
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    shot(page, "13-reminder-settings-error")
    page.fill("#id_days_before", "5,2,1")
    page.get_by_role("button", name=re.compile("Lưu|Save")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(f"{base}/notifications/outbox/")
    expect(page.locator("h1")).to_be_visible()
    shot(page, "14-outbox")
    login(page, base, "admin")  # system administrator
    page.goto(f"{base}/calendar/?year=2026")
    expect(page.locator("table")).to_contain_text("17/02/2026")
    shot(page, "15-working-day-calendar")
