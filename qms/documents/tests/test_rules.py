"""Codes from patterns, step times, legal changes and periodic reviews."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from qms.documents import codes, services
from qms.documents.models import Document, ExternalDocument, ReviewTask
from qms.documents.notifications import Kind
from qms.documents.services import DocumentError, add_months
from qms.documents.steps import check_steps, parse_days
from qms.notifications.models import Channel, Notification

# --------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("pattern", "existing", "unit", "parent", "expected"),
    [
        ("QT-SGD-{seq:02d}", [], "", "", "QT-SGD-01"),
        ("QT-SGD-{seq:02d}", ["QT-SGD-01", "QT-SGD-07", "QT.ISO.09"], "", "", "QT-SGD-08"),
        ("QT.ISO.{seq:02d}", ["qt.iso.02"], "", "", "QT.ISO.03"),
        (
            "BM.{seq:02d}-{parent}",
            ["BM.01-QT.05", "BM.02-QT.05", "BM.07-QT.06"],
            "",
            "QT.05",
            "BM.03-QT.05",
        ),
        ("BM-QT{parent}-{seq:02d}", [], "", "12", "BM-QT12-01"),
        ("QT-{unit}-{seq}", ["QT-GDTRH-9"], "GDTRH", "", "QT-GDTRH-10"),
    ],
)
def test_next_code_follows_the_pattern(
    pattern: str, existing: list[str], unit: str, parent: str, expected: str
) -> None:
    assert codes.next_code(pattern, existing, unit=unit, parent=parent) == expected


@pytest.mark.parametrize(
    "bad", ["QT-01", "QT-{seq}-{seq}", "QT-{year}-{seq}", "QT-{seq:zz}", "QT-{seq"]
)
def test_bad_patterns_are_refused(bad: str) -> None:
    with pytest.raises(codes.PatternError):
        codes.validate_pattern(bad)


@pytest.mark.django_db
def test_propose_code_uses_the_agency_settings(org: Any, personas: Any) -> None:
    services.settings_save(
        actor=personas["iso_office"],
        agency=org.agency,
        code_patterns={"work_procedure": "QT-SGD-{seq:02d}"},
        distinct_signers=3,
        review_months=12,
        legal_alignment_months=3,
    )
    code = services.propose_code(
        agency=org.agency, kind=Document.Kind.WORK_PROCEDURE, owner_unit=org.div_a, parent=None
    )
    assert code == "QT-SGD-01"
    with pytest.raises(DocumentError):
        services.settings_save(
            actor=personas["iso_office"],
            agency=org.agency,
            code_patterns={"form": "BM"},
            distinct_signers=3,
            review_months=12,
            legal_alignment_months=3,
        )


# --------------------------------------------------------------------------- step times


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("01 ngày", Decimal(1)),
        ("0,5 ngày làm việc", Decimal("0.5")),
        ("1/2 ngày", Decimal("0.5")),
        ("04 giờ", Decimal("0.5")),
        ("4h", Decimal("0.5")),
        ("15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", Decimal(15)),
        ("2", Decimal(2)),
        ("Ngay khi nhận", None),
        ("", None),
    ],
)
def test_step_times_are_read_as_working_days(text: str, days: Decimal | None) -> None:
    assert parse_days(text) == days


def test_step_time_check_warns_when_steps_do_not_add_up() -> None:
    ok = check_steps(["0,5 ngày", "01 ngày", "04 giờ"], "02 ngày làm việc")
    assert ok.ok and ok.total == Decimal(2)
    short = check_steps(["0,5 ngày", "01 ngày"], "02 ngày làm việc")
    assert not short.ok
    assert "1,5" in short.warning and "2" in short.warning
    unreadable = check_steps(["0,5 ngày", "khi có kết quả"], "02 ngày làm việc")
    assert unreadable.unreadable == [2] and unreadable.warning


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12))
def test_whole_day_steps_always_add_up_to_their_sum(values: list[int]) -> None:
    check = check_steps([f"{v:02d} ngày" for v in values], f"{sum(values)} ngày làm việc")
    assert check.ok


# --------------------------------------------------------------------------- legal change


def test_add_months_clamps_to_the_end_of_month() -> None:
    assert add_months(datetime.date(2025, 7, 1), 3) == datetime.date(2025, 10, 1)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2025, 5, 31), 1) == datetime.date(2025, 6, 30)


@pytest.mark.django_db
def test_amended_legal_text_creates_review_tasks_due_three_months_after_it_takes_effect(
    make_document: Any, issue: Any, external: ExternalDocument, personas: Any, org: Any
) -> None:
    in_force = make_document(code="QT-GDTRH-01", references=[external])
    issue(in_force)
    drafting = make_document(code="QT-GDTRH-02", references=[external])
    unrelated = make_document(code="QT-GDTRH-03")
    tasks = services.external_mark_changed(
        actor=personas["iso_office"],
        ext=external,
        status=ExternalDocument.Status.AMENDED,
        change_effective_on=datetime.date(2025, 7, 1),
        note="Sửa đổi bởi Nghị định mới.",
    )
    assert {t.document for t in tasks} == {in_force, drafting}
    assert {t.due_on for t in tasks} == {datetime.date(2025, 10, 1)}
    assert not ReviewTask.objects.filter(document=unrelated).exists()
    assert (
        Notification.objects.filter(
            recipient=personas["head_a"], kind=Kind.DOC_REVIEW_DUE, channel=Channel.IN_APP
        ).count()
        == 2
    )
    # Saving the same change again does not duplicate the tasks.
    again = services.external_mark_changed(
        actor=personas["iso_office"],
        ext=external,
        status=ExternalDocument.Status.AMENDED,
        change_effective_on=datetime.date(2025, 7, 1),
    )
    assert again == [] and ReviewTask.objects.count() == 2


@pytest.mark.django_db
def test_replaced_needs_the_date_and_issuing_a_new_version_aligns(
    make_document: Any, issue: Any, external: ExternalDocument, personas: Any, org: Any
) -> None:
    document = make_document(references=[external])
    issue(document)
    with pytest.raises(DocumentError, match="takes effect"):
        services.external_mark_changed(
            actor=personas["iso_office"],
            ext=external,
            status=ExternalDocument.Status.REPLACED,
            change_effective_on=None,
        )
    services.external_mark_changed(
        actor=personas["iso_office"],
        ext=external,
        status=ExternalDocument.Status.REPLACED,
        change_effective_on=datetime.date(2026, 4, 15),
    )
    from qms.documents import selectors

    summary = selectors.review_summary(personas["iso_office"], datetime.date(2026, 8, 1))
    assert summary.unaligned == 1 and summary.unaligned_overdue == 1
    services.version_start(actor=personas["head_a"], document=document)
    issue(document, datetime.date(2026, 7, 1))
    task = ReviewTask.objects.get(document=document)
    assert task.status == ReviewTask.Status.DONE and task.outcome == ReviewTask.Outcome.REVISED
    assert (
        selectors.review_summary(personas["iso_office"], datetime.date(2026, 8, 1)).unaligned == 0
    )


@pytest.mark.django_db
def test_periodic_review_opens_once_and_no_change_reschedules(
    make_document: Any, issue: Any, personas: Any
) -> None:
    document = make_document()
    issue(document, datetime.date(2025, 3, 2))
    document.refresh_from_db()
    assert document.next_review_on == datetime.date(2026, 3, 2)
    from qms.notifications.periodic import run_pass

    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        run_pass()
        run_pass()
    task = ReviewTask.objects.get(document=document, reason=ReviewTask.Reason.PERIODIC)
    assert task.due_on == datetime.date(2026, 3, 2)
    assert (
        Notification.objects.filter(
            kind=Kind.DOC_REVIEW_DUE, recipient=personas["head_a"], channel=Channel.IN_APP
        ).count()
        == 1
    )
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(DocumentError):
            services.review_complete(actor=personas["head_a"], task=task, note="")
        services.review_complete(
            actor=personas["head_a"], task=task, note="Đã rà soát, còn phù hợp."
        )
    document.refresh_from_db()
    assert document.next_review_on == datetime.date(2027, 3, 5)
