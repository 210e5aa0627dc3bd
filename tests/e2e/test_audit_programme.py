"""The internal-audit programme in a real browser (task 6 of the plan): the ISO committee
builds the year's programme from the plan's audit task, leadership approves it, the committee
writes an audit plan (units, dates, team with the lead auditor, a time slot) and sends it —
the plan takes its KH number; the task's page shows the programme's progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from qms.audits.models import Audit, Programme
from qms.audits.tests.test_programme_factories import YEAR, make_plan_tasks
from tests.e2e.conftest import sign_in


@pytest.fixture
def plan_tasks(transactional_db: None, org: Any, personas: Any) -> Any:
    return make_plan_tasks(org, personas)


def test_iso_committee_builds_programme_and_plan(
    page: Page, live_server: Any, org: Any, personas: Any, plan_tasks: Any, shot: Any
) -> None:
    base = live_server.url
    task6, task7 = plan_tasks
    sign_in(page, base, "iso_office")
    page.goto(f"{base}/audits/")
    expect(page.locator("#programmes")).to_be_visible()
    page.goto(f"{base}/audits/programmes/new/?year={YEAR}")
    # The plan's tasks 6 and 7 are pre-selected and give the dates.
    expect(page.locator("#id_plan_task")).to_have_value(str(task6.pk))
    expect(page.locator("#id_action_task")).to_have_value(str(task7.pk))
    expect(page.locator("#id_start")).to_have_value("01/06/2026")
    expect(page.locator("#id_end")).to_have_value("30/07/2026")
    page.select_option("#id_clauses", ["7.5", "8.5", "9.2"])
    page.fill("#id_legal_criteria", "Quyết định 19/2014/QĐ-TTg")
    shot(page, "audit-programme-form")
    page.click("#programme-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(f"Chương trình đánh giá nội bộ năm {YEAR}")
    programme = Programme.objects.get()
    assert programme.clauses == ["7.5", "8.5", "9.2"]

    sign_in(page, base, "leader")
    page.goto(f"{base}/audits/programmes/{programme.pk}/")
    page.click("#btn-approve-programme")
    expect(page.locator(".alert-success")).to_be_visible()

    sign_in(page, base, "iso_office")
    page.goto(f"{base}/audits/programmes/{programme.pk}/")
    page.click("#btn-new-audit")
    page.fill("#id_title", "Đánh giá Phòng Giáo dục Trung học")
    page.select_option("#id_units", [str(org.div_a.pk)])
    page.fill("#id_start_date", "10/06/2026")
    page.fill("#id_end_date", "11/06/2026")
    page.fill("#id_scope", "Các thủ tục hành chính của Phòng GDTrH")
    page.click("#audit-form button[type=submit]")
    expect(page.locator("#audit-plan")).to_be_visible()
    audit = Audit.objects.get()

    # A member of the audited unit is refused (the agency refuses by default).
    page.select_option("#id_user", str(personas["staff_a"].pk))
    page.select_option("#id_role", "auditor")
    page.click("#btn-add-member")
    expect(page.locator("#team-form .error-summary")).to_contain_text("Phòng GDTrH")
    page.select_option("#id_user", str(personas["auditor"].pk))
    page.select_option("#id_role", "lead")
    page.click("#btn-add-member")
    expect(page.locator("#audit-team")).to_contain_text(personas["auditor"].display_name)

    page.locator("#audit-slots summary").click()
    page.fill("#slot-form #id_date", "10/06/2026")
    page.fill("#slot-form #id_start_time", "08:00")
    page.fill("#slot-form #id_end_time", "11:30")
    page.fill("#slot-form #id_activity", "Họp khai mạc; quy trình chuyển trường")
    page.click("#slot-form button")
    expect(page.locator("#audit-slots")).to_contain_text("08:00–11:30")

    page.click("#btn-send-plan")
    expect(page.locator("#audit-plan")).to_contain_text("/KH-SGDĐT")
    shot(page, "audit-plan-sent")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.NOTIFIED and audit.issued_number is not None

    page.goto(f"{base}/audits/programmes/{programme.pk}/")
    expect(page.locator("#programme-audits")).to_contain_text("/KH-SGDĐT")
    shot(page, "audit-programme-page")

    page.goto(base + reverse("planning:task_detail", args=[task6.pk]))
    expect(page.locator("#audit-task-panel .n-planned")).to_have_text("1")
    shot(page, "audit-task-6")
