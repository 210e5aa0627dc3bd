"""A newcomer's first look at a fresh demo, as the ISO committee secretary (Thư ký Ban ISO):
the running school year's objectives are set, approved and measured; this year's plan is
issued with tasks done, in progress and overdue; a document waits for her review; and the
Sở's computed share of plan tasks on time for 2022 is not 0 %."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from qms.core.models import OrgUnit
from qms.demo.loader import DEMO_PASSWORD
from qms.objectives import services as objectives


def login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()


def test_the_demo_shows_the_running_years(page: Page, live_server, demo_data, shot) -> None:
    base = live_server.url
    today = timezone.localdate()
    year = objectives.current_year(OrgUnit.objects.get(code="SGDDT-HY"), today)
    login(page, base, "thukyiso")

    # Objectives: the running school year, every set approved, the Sở's measured.
    page.goto(f"{base}/objectives/")
    expect(page.locator("h1")).to_contain_text(f"{year}-{year + 1}")
    agency_row = page.locator("tr", has=page.get_by_role("link", name="Sở GDĐT"))
    expect(agency_row).to_contain_text("Đã phê duyệt")
    expect(page.locator("tbody")).not_to_contain_text("Đã trình")
    shot(page, "demo-today-objectives")
    agency_row.get_by_role("link", name="Sở GDĐT").click()
    table = page.locator("#objective-table")
    expect(table).to_contain_text("lần đo")
    expect(table.locator("tbody tr", has_text="Tỷ lệ nhiệm vụ kế hoạch đúng hạn")).to_contain_text(
        "(eISO)"
    )

    # This year's plan, issued, with its progress.
    page.goto(f"{base}/plans/?year={today.year}")
    page.get_by_role("link", name=re.compile("Duy trì áp dụng")).first.click()
    expect(page.locator("#plan-document")).to_contain_text(f"năm {today.year}")
    page.locator("a[href$='/tasks/']", has_text="Nhiệm vụ").first.click()
    expect(page.locator("h1")).to_contain_text(re.compile(r"\d+/KH-SGDĐT"))
    tasks = page.locator("#task-table")
    expect(tasks).to_contain_text("Hoàn thành")
    expect(tasks).to_contain_text("Đang thực hiện")
    expect(tasks).to_contain_text("Quá hạn")
    expect(tasks).to_contain_text("100%")
    shot(page, "demo-today-plan")

    # A document under review, waiting for her.
    page.goto(f"{base}/documents/")
    queue = page.locator("#work-queue")
    expect(queue).to_contain_text("QT-SGD-01")
    expect(queue).to_contain_text("lần ban hành 02")
    shot(page, "demo-today-documents")

    # The Sở's objective "plan tasks on time", 2022-2023: computed by eISO from the 2022
    # plan, whose completions are dated in 2022 (four of five on time: 80 %).
    page.goto(f"{base}/objectives/?year=2022")
    page.locator("tr", has_text="cơ quan").get_by_role("link", name="Sở GDĐT").click()
    row = page.locator("#objective-table tbody tr", has_text="Tỷ lệ nhiệm vụ kế hoạch đúng hạn")
    expect(row).to_contain_text("80")
    row.get_by_text(re.compile(r"\d+ lần đo")).click()
    measured = row.locator(".measurements li")
    expect(measured.first).to_contain_text("do eISO tính")
    values = [float(v.replace(",", ".")) for v in measured.locator("strong").all_inner_texts()]
    assert values and all(v > 0 for v in values), values
