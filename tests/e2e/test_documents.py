"""Document control in a real browser: draft → review (returned) → corrected → approved →
issued by a decision → read by a staff member → the owner sees the acknowledgement."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_plan_cycle import login


def open_document(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/documents/list/?q={code}")
    page.get_by_role("link", name=code, exact=True).click()
    expect(page.locator("h1")).to_contain_text(code)


def test_document_workflow_and_acknowledgement(page: Page, live_server, demo_data, shot) -> None:
    base = live_server.url

    # The head of Phòng GDTrH drafts issue 02 of the pupil-transfer procedure.
    login(page, base, "tp.gdtrh")
    page.goto(f"{base}/documents/list/?q=chuyen truong")  # accent-insensitive search
    expect(page.locator("#document-table")).to_contain_text("QT-SGD-02")
    shot(page, "doc-01-search")
    open_document(page, base, "QT-SGD-02")
    page.click("#btn-new-version")
    expect(page.locator("h1")).to_contain_text("QT-SGD-02")
    page.fill("textarea[name=change_description]", "Rút ngắn thời gian thẩm định.")
    page.fill("input[name=steps-1-time]", "01 ngày")  # steps now add up to 2.5 days
    page.click("#btn-save-draft")
    expect(page.locator(".alert-warning").first).to_contain_text("2,5")
    shot(page, "doc-02-draft-warning")
    page.click("#btn-submit-review")
    expect(page.locator(".alert-success")).to_be_visible()
    version_url = page.url

    # The ISO committee secretary returns it with a comment.
    login(page, base, "thukyiso")
    page.goto(f"{base}/documents/")
    page.locator("#work-queue").get_by_role("link", name=re.compile("QT-SGD-02")).click()
    page.fill("#decision-box textarea[name=comment]", "Tổng thời gian phải bằng 02 ngày làm việc.")
    page.click("#btn-return")
    expect(page.locator("#trail")).to_contain_text("Tổng thời gian phải bằng 02 ngày")

    # The author sees the comment, corrects and resubmits.
    login(page, base, "tp.gdtrh")
    page.goto(version_url)
    page.click("#btn-edit-version")
    expect(page.locator(".alert-warning").first).to_contain_text("Tổng thời gian phải bằng")
    page.fill("input[name=steps-1-time]", "04 giờ")
    page.click("#btn-save-draft")
    expect(page.locator("#step-ok")).to_be_visible()
    page.click("#btn-submit-review")

    # Reviewed, then approved by the director.
    login(page, base, "thukyiso")
    page.goto(version_url)
    page.click("#btn-forward")
    expect(page.locator(".alert-success")).to_be_visible()
    login(page, base, "giamdoc")
    page.goto(version_url)
    shot(page, "doc-03-approval")
    page.click("#btn-approve")
    expect(page.locator("#signature-block")).to_contain_text("Nguyễn Văn Hùng")

    # The office issues it with a numbered decision.
    login(page, base, "vanphong")
    page.goto(f"{base}/documents/decisions/new/")
    page.get_by_label(re.compile("QT-SGD-02")).check()
    page.fill("input[name=signer_name]", "Nguyễn Văn Hùng")
    shot(page, "doc-04-decision-form")
    page.click("#btn-issue-decision")
    expect(page.locator("h1")).to_contain_text(re.compile(r"\d+/QĐ-SGDĐT"))
    shot(page, "doc-05-decision")
    with page.expect_download() as download:
        page.click("#dl-decision")
    assert download.value.suggested_filename.startswith("quyet-dinh-")

    # A staff member of the division reads it and confirms.
    login(page, base, "cb.gdtrh")
    page.goto(f"{base}/documents/")
    expect(page.locator("#to-read")).to_contain_text("QT-SGD-02")
    page.goto(version_url)
    expect(page.locator("#step-table")).to_contain_text("04 giờ")
    page.click("#btn-ack")
    expect(page.locator(".alert-success")).to_contain_text("")

    # The owner sees who has read it; issue 01 is now stamped obsolete.
    login(page, base, "tp.gdtrh")
    open_document(page, base, "QT-SGD-02")
    expect(page.locator("#ack-list")).to_contain_text("Vũ Đức Anh")
    expect(page.locator("#ack-list li", has_text="Vũ Đức Anh")).to_contain_text("/")
    shot(page, "doc-06-acknowledgements")
    page.locator("#version-table").get_by_role("link", name="01").click()
    expect(page.locator(".obsolete-stamp")).to_contain_text("HẾT HIỆU LỰC")
    shot(page, "doc-07-obsolete")
