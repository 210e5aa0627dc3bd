"""The yearly cycle in a real browser: copy → submit → approve → progress → confirm."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from qms.core.tests.files import pdf_bytes
from qms.demo.loader import DEMO_PASSWORD


def login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()


def dashboard_count(page: Page, key: str) -> int:
    return int(page.locator(f"[data-count={key}]").inner_text())


def test_yearly_plan_cycle(page: Page, live_server, demo_data, shot, tmp_path):
    base = live_server.url

    # The director's dashboard before anything changes.
    login(page, base, "giamdoc")
    page.goto(f"{base}/plans/dashboard/?year=2023")
    shot(page, "01-dashboard-before")
    done_before = dashboard_count(page, "done")

    # The ISO committee secretary copies the 2022 plan to 2023 and submits it.
    login(page, base, "thukyiso")
    page.goto(f"{base}/plans/?year=2022")
    page.get_by_role("link", name=re.compile("Duy trì áp dụng")).first.click()
    expect(page.locator("#plan-document")).to_contain_text("Đỗ Văn Khải")
    shot(page, "02-plan-2022-document")
    page.click("#btn-copy-plan")
    page.fill("#copyModal input[name=year]", "2023")
    page.click("#btn-confirm-copy")
    expect(page.locator("h1")).to_contain_text("2023")
    expect(page.locator("#appendix-table tbody tr")).to_have_count(10)
    expect(page.locator("#appendix-table")).to_contain_text("năm học 2022-2023")
    shot(page, "03-plan-2023-draft")
    page.once("dialog", lambda d: d.accept())
    page.click("#btn-submit-plan")
    expect(page.locator(".alert-success")).to_be_visible()
    plan_url = page.url

    # The director approves: the plan gets a number from the 2023 register.
    login(page, base, "giamdoc")
    page.goto(plan_url)
    page.click("#btn-approve-plan")
    page.fill("#approveModal input[name=issued_on]", "06/02/2023")
    page.click("#btn-confirm-approve")
    expect(page.locator("h1")).to_contain_text(re.compile(r"\d+/KH-SGDĐT"))
    shot(page, "04-plan-2023-issued")

    # A division head posts progress with evidence and reports the task done.
    login(page, base, "tp.gdtrh")
    page.goto(f"{base}/plans/my-tasks/?show=open")
    shot(page, "05-my-tasks")
    page.goto(plan_url.rstrip("/") + "/tasks/")
    page.get_by_role("link", name=re.compile("Đánh giá kết quả thực hiện mục tiêu")).first.click()
    evidence = tmp_path / "bien-ban-danh-gia.pdf"
    evidence.write_bytes(pdf_bytes())  # a real PDF: uploads are opened with pypdf
    page.fill("#progress-form textarea[name=comment]", "Đã đánh giá mục tiêu, có biên bản.")
    page.set_input_files("#progress-form input[name=files]", str(evidence))
    page.check("#progress-form input[name=report_done]")
    page.click("#progress-form button[type=submit]")
    expect(page.locator("#updates")).to_contain_text("bien-ban-danh-gia.pdf")
    task_url = page.url
    shot(page, "06-task-reported")

    # The office confirms completion.
    login(page, base, "vanphong")
    page.goto(task_url)
    page.click("#btn-confirm-task")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_class(re.compile("status-done"))
    shot(page, "07-task-confirmed")

    # The director's dashboard shows the change.
    login(page, base, "giamdoc")
    page.goto(f"{base}/plans/dashboard/?year=2023")
    assert dashboard_count(page, "done") == done_before + 1
    expect(page.locator("#unit-chart")).to_be_visible()
    shot(page, "08-dashboard-after")

    # History of the plan lists the confirmation with before/after.
    page.goto(plan_url.rstrip("/") + "/history/")
    expect(page.locator("main")).to_contain_text("Lê Minh Tuấn")  # the office confirmed
    shot(page, "09-plan-history")
    page.goto(plan_url.rstrip("/") + "/timeline/")
    expect(page.locator(".timeline-bar").first).to_be_visible()
    shot(page, "10-timeline")
