"""Official notices entered by a province-level administrator: validation, audit log,
archiving, precedence in the calendar, and the page that shows where each day comes from."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from qms.audittrail.models import LogEntry
from qms.core import calendar_services, services
from qms.core.calendar_forms import CalendarNoticeForm
from qms.core.calendar_services import CalendarNoticeError, NoticeInput
from qms.core.models import CalendarNotice, CalendarNoticeDay
from qms.core.workdays import WorkCalendar

pytestmark = pytest.mark.django_db
D = datetime.date
URL = reverse("core:calendar")


def _notice(actor: Any, number: str = "9999/TB-BNV", **kw: Any) -> CalendarNotice:
    data: dict[str, Any] = {
        "year": 2027,
        "number": number,
        "issued_on": D(2026, 10, 20),
        "issuer": "Bộ Nội vụ",
        "summary": "Tết Đinh Mùi",
        "days": [
            (D(2027, 2, 11), "day_off", "Tết Nguyên đán (mùng 6)"),
            (D(2027, 2, 20), "working", "Làm bù"),
        ],
    } | kw
    return calendar_services.calendar_notice_create(actor=actor, data=NoticeInput(**data))


def test_notice_days_win_over_the_labour_code_and_lose_to_overrides(personas: Any) -> None:
    admin = personas["sysadmin"]
    assert WorkCalendar().is_working_day(D(2027, 2, 11))  # Thursday, mùng 6: worked by law
    _notice(admin)
    cal = WorkCalendar()
    assert not cal.is_working_day(D(2027, 2, 11))
    assert cal.is_working_day(D(2027, 2, 20))  # Saturday made a working day
    assert cal.add_working_days(D(2027, 2, 3), 1) == D(
        2027, 2, 12
    )  # Tết 04–10 by law, 11 by notice
    rows = {r.date: r for r in cal.year_days(2027)}
    assert rows[D(2027, 2, 11)].source == "notice"
    assert rows[D(2027, 2, 11)].notice.number == "9999/TB-BNV"  # type: ignore[union-attr]
    services.calendar_override_set(actor=admin, date=D(2027, 2, 11), kind="working", note="Trực")
    assert WorkCalendar().is_working_day(D(2027, 2, 11))


def test_notice_is_logged_and_archived_not_deleted(personas: Any) -> None:
    admin = personas["sysadmin"]
    notice = _notice(admin)
    created = LogEntry.objects.get(action="core.calendar_notice.created")
    assert created.changes["number"] == [None, "9999/TB-BNV"]
    assert len(created.changes["days"][1]) == 2
    calendar_services.calendar_notice_archive(actor=admin, notice=notice)
    notice.refresh_from_db()
    assert notice.archived_at and notice.archived_by == admin
    assert CalendarNoticeDay.objects.filter(notice=notice).count() == 2  # kept
    archived = LogEntry.objects.get(action="core.calendar_notice.archived")
    assert archived.changes["archived"] == [False, True]
    assert WorkCalendar().is_working_day(D(2027, 2, 11))  # no longer counts
    with pytest.raises(CalendarNoticeError):
        calendar_services.calendar_notice_archive(actor=admin, notice=notice)
    _notice(admin)  # the same number may be recorded again once the first is archived


def test_same_number_twice_in_a_year_is_refused(personas: Any) -> None:
    _notice(personas["sysadmin"])
    with translation.override("en"), pytest.raises(CalendarNoticeError, match="already"):
        _notice(personas["sysadmin"], number="9999/tb-bnv")
    assert CalendarNotice.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("days_off", "31/02/2027 Sai ngày", "Line 1: start with a date"),
        ("days_off", "08/02/2027", "Line 1: give the reason"),
        ("days_off", "06/02/2027 Thứ Bảy", "is a weekend day"),
        ("days_off", "08/02/2028 Năm khác", "is not in 2027"),
        ("working_days", "08/02/2027 Thứ Hai", "is a weekday"),
    ],
)
def test_form_refuses_bad_days(field: str, value: str, error: str) -> None:
    data = {
        "number": "1/TB-BNV",
        "issued_on": "01/10/2026",
        "issuer": "Bộ Nội vụ",
        "year": "2027",
        "days_off": "",
        "working_days": "",
    } | {field: value}
    with translation.override("en"):
        form = CalendarNoticeForm(data)
        assert not form.is_valid()
        assert error in " ".join(str(e) for e in form.errors[field])


def test_form_needs_a_day_and_refuses_duplicates() -> None:
    base = {"number": "1/TB", "issued_on": "01/10/2026", "issuer": "BNV", "year": "2027"}
    with translation.override("en"):
        empty = CalendarNoticeForm(base)
        assert not empty.is_valid() and "at least one day" in str(empty.errors)
        twice = CalendarNoticeForm(base | {"days_off": "08/02/2027 A\n08/02/2027 B"})
        assert not twice.is_valid() and "twice" in str(twice.errors)
        good = CalendarNoticeForm(
            base | {"days_off": "08/02/2027 – Tết", "working_days": "20/02/2027: Bù"}
        )
        assert good.is_valid(), good.errors
        assert good.cleaned_data["days"] == [
            (D(2027, 2, 8), "day_off", "Tết"),
            (D(2027, 2, 20), "working", "Bù"),
        ]


def test_notice_through_the_page_keeps_input_on_error(client_as: Any) -> None:
    client = client_as("sysadmin")
    post = {
        "number": "77/TB-BNV",
        "issued_on": "20/10/2026",
        "issuer": "Bộ Nội vụ",
        "year": "2027",
        "days_off": "06/02/2027 Thứ Bảy",
    }
    with translation.override("en"):
        bad = client.post(reverse("core:calendar_notice_create"), post, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200
    assert "77/TB-BNV" in bad.content.decode() and "06/02/2027 Thứ Bảy" in bad.content.decode()
    assert not CalendarNotice.objects.exists()
    post["days_off"] = "11/02/2027 Tết Nguyên đán (mùng 6)"
    ok = client.post(reverse("core:calendar_notice_create"), post)
    assert ok.status_code == 302 and ok["Location"].endswith("?year=2027")
    notice = CalendarNotice.objects.get()
    page = client.get(URL + "?year=2027").content.decode()
    assert "77/TB-BNV" in page and "11/02/2027" in page
    client.post(reverse("core:calendar_notice_archive", kwargs={"pk": notice.pk}))
    notice.refresh_from_db()
    assert notice.archived_at is not None
    assert LogEntry.objects.filter(action__startswith="core.calendar_notice").count() == 2


def test_page_shows_where_each_day_comes_from(client_as: Any, personas: Any) -> None:
    services.calendar_override_set(
        actor=personas["sysadmin"], date=D(2026, 3, 16), kind="day_off", note="Quyết định tỉnh"
    )
    client = client_as("agency_admin")
    with translation.override("en"):
        page = client.get(URL + "?year=2026", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "12729/VPCP-KGVX" in page and "25/12/2025" in page  # New Year swap
        assert "9441/TB-BNV" in page and "45/2019/QH14" in page
        assert "Override set in eISO by" in page and "Quyết định tỉnh" in page
        assert "No official notice shipped" not in page
        later = client.get(URL + "?year=2027", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "No official notice shipped for year 2027" in later
        assert "Labour Code (computed by the holidays package)" in later


def test_page_queries_do_not_grow_with_notices(
    client_as: Any, personas: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_as("sysadmin")
    _notice(personas["sysadmin"])
    client.get(URL + "?year=2027")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(URL + "?year=2027")
    for i in range(4):
        _notice(
            personas["sysadmin"],
            number=f"{i}/TB-BNV",
            days=[(D(2027, 3, 1 + i), "day_off", "Nghỉ")],
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(URL + "?year=2027")
