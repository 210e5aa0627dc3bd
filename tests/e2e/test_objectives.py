"""Quality objectives in a real browser (tasks 2 and 3 of the plan): a division head
evaluates 2021-2022, sets 2022-2023 and submits; the ISO committee sees the roll-up of the
units, evaluates the department's objective and submits the department's set; the head of
the ISO committee (a deputy director) approves it. The charts are drawn with the data."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from qms.accounts.models import CommitteeMember
from qms.objectives import services
from qms.objectives.models import Objective, ObjectiveSet
from qms.objectives.services import ObjectiveInput

DAY = datetime.date


def login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()


def _approved(personas: Any, actor: str, unit: Any, year: int, items: list[dict]) -> ObjectiveSet:
    period = services.period_for(agency=unit.agency or unit, year=year)
    objective_set = services.set_create(actor=personas[actor], unit=unit, period=period)
    for item in items:
        services.objective_save(
            actor=personas[actor],
            objective_set=objective_set,
            data=ObjectiveInput(owner_unit=unit, unit_of_measure="%", **item),
        )
    services.set_submit(actor=personas[actor], objective_set=objective_set)
    return services.set_approve(actor=personas["leader"], objective_set=objective_set)


def _measure(personas: Any, objective: Objective, on: DAY, value: int) -> None:
    services.measurement_add(
        actor=personas["iso_office"], objective=objective, measured_on=on, value=D(value)
    )


@pytest.fixture
def cycle(transactional_db: None, org: Any, personas: Any) -> dict[str, Any]:
    """The department's on-time objective since 2020-2021 (95 %, then carried over), the
    divisions' 2021-2022 objectives approved and measured, division B's evaluated, and the
    department's 2022-2023 draft carried over by the ISO committee."""
    CommitteeMember.objects.create(
        committee=org.iso, user=personas["leader"], position="Trưởng ban"
    )
    on_time = {
        "statement": "Giải quyết hồ sơ đúng hạn",
        "indicator": "Tỷ lệ hồ sơ đúng hạn",
        "target": D(98),
    }
    first = _approved(
        personas, "iso_office", org.agency, 2020, [{**on_time, "aggregation": "weighted_mean"}]
    )
    services.objective_evaluate(
        actor=personas["iso_office"],
        objective=first.objectives.get(),
        result=D(95),
        cause="Thiếu cán bộ tiếp nhận",
        continuing=True,
    )
    services.set_evaluate(actor=personas["iso_office"], objective_set=first)
    agency_21 = services.set_copy_forward(
        actor=personas["iso_office"],
        objective_set=first,
        period=services.period_for(agency=org.agency, year=2021),
    )
    services.set_submit(actor=personas["iso_office"], objective_set=agency_21)
    services.set_approve(actor=personas["leader"], objective_set=agency_21)
    parent_21 = agency_21.objectives.get()
    set_a = _approved(
        personas,
        "head_a",
        org.div_a,
        2021,
        [
            {**on_time, "contributes_to": parent_21, "weight": D(300)},
            {
                "statement": "Kiểm tra chuyên môn các trường",
                "indicator": "Số trường được kiểm tra",
                "target": D(12),
            },
        ],
    )
    on_time_a, schools_a = list(set_a.objectives.order_by("order"))
    _measure(personas, on_time_a, DAY(2022, 1, 31), 95)
    _measure(personas, on_time_a, DAY(2022, 6, 30), 96)
    _measure(personas, schools_a, DAY(2022, 6, 30), 13)
    set_b = _approved(
        personas,
        "head_b",
        org.div_b,
        2021,
        [{**on_time, "contributes_to": parent_21, "weight": D(100)}],
    )
    services.objective_evaluate(
        actor=personas["head_b"], objective=set_b.objectives.get(), result=D(100)
    )
    services.set_evaluate(actor=personas["head_b"], objective_set=set_b)
    agency_22 = services.set_copy_forward(
        actor=personas["iso_office"],
        objective_set=agency_21,
        period=services.period_for(agency=org.agency, year=2022),
    )
    return {
        "set_a": set_a,
        "on_time_a": on_time_a,
        "schools_a": schools_a,
        "agency_21": agency_21,
        "parent_21": parent_21,
        "agency_22": agency_22,
    }


def chart_data(page: Page, canvas_id: str) -> Any:
    return page.evaluate(
        """(id) => {
            const c = document.getElementById(id);
            const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
            return {drawn: c.dataset.drawn, painted: painted, width: c.width,
                    labels: c.eisoChart.data.labels,
                    values: c.eisoChart.data.datasets.map(d => d.data)};
        }""",
        canvas_id,
    )


def test_division_then_iso_committee_then_approval(
    page: Page, live_server: Any, cycle: dict[str, Any], org: Any, shot: Any
) -> None:
    base = live_server.url
    set_a = cycle["set_a"]

    # 1. The head of division A evaluates 2021-2022.
    login(page, base, "head_a")
    page.goto(base + reverse("objectives:set_detail", args=[set_a.pk]))
    page.click(
        f"a[href='{reverse('objectives:objective_evaluate', args=[cycle['on_time_a'].pk])}']"
    )
    expect(page.locator("input[name=result]")).to_have_value("96")  # the latest measurement
    page.click("#evaluate-form button[type=submit]")
    # Missed (96 < 98) without a cause: refused, what was typed is kept.
    expect(page.locator("#evaluate-form")).to_contain_text(re.compile("nguyên nhân|cause", re.I))
    expect(page.locator("input[name=result]")).to_have_value("96")
    page.fill("textarea[name=cause]", "02 hồ sơ chậm do học bạ gửi bổ sung muộn")
    page.fill("textarea[name=proposed_action]", "Nhắc hạn hồ sơ trên eISO")
    page.check("input[name=continuing]")
    page.click("#evaluate-form button[type=submit]")
    page.click(
        f"a[href='{reverse('objectives:objective_evaluate', args=[cycle['schools_a'].pk])}']"
    )
    expect(page.locator("input[name=result]")).to_have_value("13")
    page.click("#evaluate-form button[type=submit]")
    page.click("#btn-close-evaluation")
    expect(page.locator("h1")).to_contain_text(re.compile("Đã đánh giá|Evaluated"))
    expect(page.locator("#objective-table")).to_contain_text("02 hồ sơ chậm")
    shot(page, "obj-01-division-evaluated")

    # 2. … then sets 2022-2023 from last year's: the missed objective carries over with
    # its result as baseline; it contributes to the department's objective; one is added.
    page.goto(base + reverse("objectives:home") + "?year=2022")
    row = page.locator("#unit-sets tr", has_text=org.div_a.display_name)
    row.locator("button[name=carry][value='1']").click()
    expect(page.locator("h1")).to_contain_text(org.div_a.display_name)
    expect(page.locator("#objective-table")).to_contain_text("Giải quyết hồ sơ đúng hạn")
    carried = Objective.objects.get(
        objective_set__unit=org.div_a, objective_set__period__label="2022-2023"
    )
    assert carried.baseline == D(96) and carried.carried_from_id == cycle["on_time_a"].pk
    page.click(
        f"a[href='{reverse('objectives:objective_edit', args=[carried.objective_set_id, carried.pk])}']"
    )
    page.fill("input[name=target]", "99")
    page.select_option("select[name=contributes_to]", str(cycle["agency_22"].objectives.get().pk))
    page.fill("input[name=weight]", "320")
    page.click("#objective-form button[type=submit]")
    page.click("#btn-add-objective")
    page.fill("textarea[name=statement]", "Tăng hồ sơ nộp trực tuyến")
    page.fill("input[name=indicator]", "Tỷ lệ hồ sơ trực tuyến")
    page.fill("input[name=unit_of_measure]", "%")
    page.fill("input[name=target]", "50")
    page.click("#objective-form button[type=submit]")
    expect(page.locator("#objective-table tbody tr")).to_have_count(2)
    page.click("#btn-submit-set")
    expect(page.locator("h1")).to_contain_text(re.compile("Đã trình|Submitted"))
    shot(page, "obj-02-division-submitted")

    # 3. The ISO committee sees each unit's contribution to the department's objective,
    # evaluates it from the roll-up (weighted: (96×300 + 100×100) / 400 = 97) and closes.
    login(page, base, "iso_office")
    page.goto(base + reverse("objectives:set_detail", args=[cycle["agency_21"].pk]))
    contributions = page.locator(".contributions")
    expect(contributions).to_contain_text(f"{org.div_a.display_name}: 96")
    expect(contributions).to_contain_text(f"{org.div_b.display_name}: 100")
    expect(page.locator(".rollup")).to_have_text("97")
    page.click(
        f"a[href='{reverse('objectives:objective_evaluate', args=[cycle['parent_21'].pk])}']"
    )
    expect(page.locator("#unit-contributions")).to_contain_text(org.div_a.display_name)
    expect(page.locator("input[name=result]")).to_have_value("97")
    page.fill("textarea[name=cause]", "Phòng A chậm 02 hồ sơ")
    page.check("input[name=continuing]")
    shot(page, "obj-03-department-evaluation")
    page.click("#evaluate-form button[type=submit]")
    page.click("#btn-close-evaluation")
    expect(page.locator("h1")).to_contain_text(re.compile("Đã đánh giá|Evaluated"))
    # The department's 2022-2023 set: the division's submitted objective already counts.
    page.goto(base + reverse("objectives:set_detail", args=[cycle["agency_22"].pk]))
    expect(page.locator(".contributions")).to_contain_text(org.div_a.display_name)
    page.click("#btn-submit-set")
    expect(page.locator("h1")).to_contain_text(re.compile("Đã trình|Submitted"))

    # 4. The head of the ISO committee (deputy director, leadership) approves it.
    login(page, base, "leader")
    page.goto(base + reverse("objectives:set_detail", args=[cycle["agency_22"].pk]))
    page.click("#btn-approve-set")
    expect(page.locator("h1")).to_contain_text(re.compile("Đã phê duyệt|Approved"))
    assert ObjectiveSet.objects.get(pk=cycle["agency_22"].pk).status == "approved"

    # 5. The department's dashboard draws the indicator period over period.
    page.goto(base + reverse("objectives:dashboard") + "?year=2022")
    parent_22 = cycle["agency_22"].objectives.get()
    canvas = f"trend-{parent_22.pk}"
    expect(page.locator(f"#{canvas}")).to_have_attribute("data-drawn", "1")
    data = chart_data(page, canvas)
    assert data["painted"] > 500 and data["width"] > 100
    assert data["labels"] == ["2020-2021", "2021-2022", "2022-2023"]
    assert data["values"][0] == [95, 97, None]  # results; 2022-2023 not measured yet
    assert data["values"][1] == [98, 98, 98]  # the target line
    lights = chart_data(page, "lights-chart")
    assert sum(lights["values"][0]) == 3  # the department's and division A's two
    shot(page, "obj-04-dashboard")
    page.goto(base + reverse("objectives:matrix") + "?year=2021")
    cell = page.locator("#objective-matrix tbody tr", has_text=org.div_a.display_name)
    expect(cell.locator(".matrix-cell").first).to_have_attribute("data-light", "off_track")
    expect(
        page.locator("#objective-matrix tbody tr", has_text=org.div_b.display_name)
        .locator(".matrix-cell")
        .first
    ).to_have_attribute("data-light", "on_track")
    shot(page, "obj-05-matrix")
