"""The lead auditor fills the checklist on a phone (390×844) at the audited unit: answers
card by card (one answer saved while the connection is down, sent again when it is
back), a nonconformity with a photo taken on the spot, recorded as a finding and issued:
the NC record is raised and linked from the finding."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, ViewportSize, expect

from conftest import make_user
from qms.accounts.models import Role
from qms.audits import services_checklists as svc
from qms.audits.models import ChecklistItem, Evidence, Finding
from qms.audits.tests.checklist_support import audit_make, png_bytes, procedure_in_force
from qms.nonconformities.models import Nonconformity
from tests.e2e.conftest import sign_in

PHONE: ViewportSize = {"width": 390, "height": 844}


def dom_id(locator: Locator) -> str:
    value = locator.get_attribute("id")
    assert value
    return value


@pytest.fixture
def audit(transactional_db: None, org: Any, personas: Any) -> Any:
    personas["lead"] = make_user("lead", org.div_b, Role.AUDITOR, org.agency)
    procedure_in_force(org, personas)
    audit = audit_make(org, personas, clauses=["7.5"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    return audit


def test_lead_auditor_fills_the_checklist_on_a_phone(
    browser: Browser, live_server: Any, audit: Any, tmp_path: Path, shot: Any
) -> None:
    expect.set_options(timeout=15_000)  # four lanes share two cores: saves can be slow
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "lead")
    page.goto(live_server.url + reverse("audits:checklist", args=[audit.pk]))
    cards = page.locator("article.checklist-card")
    expect(cards).to_have_count(4)
    expect(page.get_by_test_id("progress-count")).to_have_text("0/4")

    # 1. Conforms, with a note.
    first = cards.nth(0)
    first.locator("textarea").fill("Danh mục tài liệu cập nhật ngày 02/01/2026")
    first.get_by_role("button", name="Phù hợp", exact=True).click()
    expect(page.locator("#" + dom_id(first)).get_by_test_id("card-status")).to_contain_text(
        "Đã lưu"
    )
    expect(page.get_by_test_id("progress-count")).to_have_text("1/4")
    bar = page.locator("#checklist-progress .progress-bar")
    expect(bar).to_have_attribute("style", re.compile(r"width: 25%"))

    # 2. The connection drops: the answer waits, and goes when it is back.
    second_id = dom_id(cards.nth(1))
    context.set_offline(True)
    page.locator(f"#{second_id}").get_by_role("button", name="Không áp dụng").click()
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_test_id("offline-banner")).to_be_hidden(timeout=15000)
    expect(page.get_by_test_id("progress-count")).to_have_text("2/4")
    assert ChecklistItem.objects.get(pk=int(second_id.split("-")[1])).answer == "na"

    # 3. A nonconformity, with a photo taken on the spot.
    photo = tmp_path / "so-theo-doi.png"
    photo.write_bytes(png_bytes(32, 24))
    third = page.locator("#" + dom_id(cards.nth(2)))
    third.locator("textarea").fill("Sổ theo dõi thiếu chữ ký của lãnh đạo phòng")
    third.get_by_role("button", name="Sự không phù hợp", exact=True).click()
    expect(third.get_by_test_id("card-status")).to_contain_text("Đã lưu")
    # The note's own change (sent 400 ms after it) comes back and swaps the card again:
    # the photo is chosen on the card that stays.
    page.wait_for_load_state("networkidle")
    third.get_by_test_id("photo-input").set_input_files(str(photo))
    expect(third.get_by_role("link", name=re.compile("so-theo-doi.png"))).to_be_visible()
    item = ChecklistItem.objects.get(pk=int(dom_id(third).split("-")[1]))
    assert item.answer == "nonconform"
    assert Evidence.objects.filter(checklist_item=item, file_type="image/png").count() == 1
    shot(page, "audit-checklist-phone")
    third.scroll_into_view_if_needed()
    page.screenshot(
        path=str(shot(page, "audit-checklist-phone").with_name("audit-checklist-390x844.png"))
    )

    # 4. Recorded as a finding (pre-filled from the answer), with the photo.
    third.get_by_test_id("record-finding").click()
    expect(page.locator("#id_description")).to_have_value(item.question)
    expect(page.locator("#id_evidence")).to_have_value(
        "Sổ theo dõi thiếu chữ ký của lãnh đạo phòng"
    )
    page.select_option("#id_clause", "7.5")
    page.select_option("#id_severity", "minor")
    page.locator("#id_attachments").set_input_files(str(photo))
    page.click("#btn-save-finding")
    expect(page.locator("h1")).to_contain_text("Phát hiện 1")
    expect(page.get_by_test_id("finding-files")).to_contain_text("so-theo-doi.png")

    # 5. Issued to the unit: the NC record is raised and linked.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#btn-issue-finding")
    nc_link = page.get_by_test_id("finding-nc").get_by_role("link")
    expect(nc_link).to_have_text(re.compile(r"KPH-\d{4}-\d{3}"))
    finding = Finding.objects.get()
    assert finding.status == Finding.Status.ISSUED
    nc = Nonconformity.objects.get()
    assert (nc.source_key, nc.source_id, nc.unit_id, nc.clause) == (
        "audits.finding",
        finding.pk,
        audit.units.get().pk,
        "7.5",
    )
    shot(page, "audit-finding-issued-phone")
    context.close()
