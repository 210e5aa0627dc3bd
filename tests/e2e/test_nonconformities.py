"""Nonconformity and corrective action in a real browser (ISO 9001 clause 10.2): the head
of division A analyses the cause (5 whys and the fishbone) and plans an action; its owner,
a member of staff, completes it with what was done; an internal auditor, neither the
owner of the NC nor of the action, verifies its effectiveness and closes it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from qms.nonconformities import services
from qms.nonconformities.models import Nonconformity
from tests.e2e.conftest import sign_in


@pytest.fixture
def nc(transactional_db: None, org: Any, personas: Any) -> Nonconformity:
    services.settings_save(
        actor=personas["iso_office"], agency=org.agency, verification_delay_days=0
    )
    return services.raise_nc(
        actor=personas["iso_office"],
        unit=org.div_a,
        title="Hồ sơ tuyển sinh lớp 10 thiếu biên bản họp xét",
        description="Kiểm tra 20 hồ sơ tuyển sinh năm 2022: 3 hồ sơ không có biên bản họp xét.",
        clause="8.5.1",
        owner=personas["head_a"],
    )


def test_analyse_plan_complete_verify_close(
    page: Page, live_server: Any, nc: Nonconformity, personas: Any, shot: Any
) -> None:
    base = live_server.url
    url = f"{base}/nonconformities/{nc.pk}/"

    # 1. The unit head analyses the cause and plans the action.
    sign_in(page, base, "head_a")
    page.goto(url)
    expect(page.locator("#nc-title")).to_contain_text("thiếu biên bản")
    analysis = page.locator("#analysis-form")
    analysis.locator("input[value=both]").check()
    analysis.locator("input[name=why_1]").fill("Cán bộ không lập biên bản họp xét")
    analysis.locator("input[name=why_2]").fill("Quy trình tuyển sinh không có bước lập biên bản")
    analysis.locator("textarea[name=fb_method]").fill("Quy trình thiếu bước lập biên bản")
    analysis.locator("textarea[name=fb_man]").fill("Cán bộ mới chưa được hướng dẫn")
    analysis.locator("textarea[name=root_cause]").fill(
        "Quy trình tuyển sinh chưa quy định lập biên bản họp xét"
    )
    analysis.locator("#btn-save-analysis").click()
    expect(page.locator("#root-cause")).to_contain_text("chưa quy định lập biên bản")
    expect(page.locator("#fishbone-table")).to_contain_text("Cán bộ mới chưa được hướng dẫn")
    due = (timezone.localdate() + datetime.timedelta(days=14)).strftime("%d/%m/%Y")
    form = page.locator("#action-form")
    form.locator("textarea[name=description]").fill(
        "Bổ sung bước lập biên bản họp xét vào quy trình tuyển sinh"
    )
    form.locator("select[name=owner]").select_option(str(personas["staff_a"].pk))
    form.locator("input[name=due]").fill(due)
    form.locator("#btn-add-action").click()
    expect(page.locator("#actions-table")).to_contain_text("Bổ sung bước lập biên bản")
    page.locator("#btn-confirm-plan").click()
    expect(page.locator(".nc-status-planned").first).to_be_visible()
    shot(page, "nc-planned")

    # 2. The owner of the action completes it.
    sign_in(page, base, "staff_a")
    page.goto(url)
    page.locator("details:has(.done-form) > summary").first.click()
    done = page.locator(".done-form").first
    done.locator("textarea[name=result]").fill(
        "Đã ban hành quy trình sửa đổi có bước lập biên bản; lập bổ sung 3 biên bản"
    )
    done.locator("button[type=submit]").click()
    expect(page.locator(".action-result")).to_contain_text("Đã ban hành quy trình sửa đổi")
    expect(page.locator(".nc-status-awaiting_verification").first).to_be_visible()
    expect(page.locator("#verify-form")).to_have_count(0)  # staff do not verify

    # 3. Another person (an internal auditor) verifies and closes it.
    sign_in(page, base, "auditor")
    page.goto(url)
    verify = page.locator("#verify-form")
    verify.locator("input[name=effective][value=yes]").check()
    verify.locator("textarea[name=note]").fill(
        "Kiểm tra 15 hồ sơ tuyển sinh bổ sung: đều có biên bản họp xét"
    )
    page.locator("#btn-verify").click()
    expect(page.locator("#closed-note")).to_be_visible()
    expect(page.locator(".nc-status-closed").first).to_be_visible()
    shot(page, "nc-closed")
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.CLOSED
    assert nc.verified_by == personas["auditor"]


def test_register_on_a_phone(page: Page, live_server: Any, nc: Nonconformity, shot: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "iso_office")
    page.goto(f"{live_server.url}/nonconformities/")
    expect(page.locator("#nc-table")).to_contain_text(nc.number)
    shot(page, "nc-list-phone")
