"""Fixtures for document control: a procedure through its workflow, an external register."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from qms.accounts.models import User
from qms.documents import services
from qms.documents.models import Document, DocumentVersion, ExternalDocument

STEPS = [
    {
        "action": "Tiếp nhận hồ sơ",
        "responsible": "Bộ phận Một cửa",
        "time": "0,5 ngày",
        "output": "Mẫu 01",
    },
    {
        "action": "Thẩm định hồ sơ",
        "responsible": "Chuyên viên",
        "time": "01 ngày",
        "output": "Phiếu thẩm định",
    },
    {
        "action": "Ký, trả kết quả",
        "responsible": "Lãnh đạo",
        "time": "0,5 ngày",
        "output": "Quyết định",
    },
]


def content(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "purpose": "Quy định trình tự chuyển trường.",
        "scope": "Áp dụng cho Phòng GDTrH.",
        "processing_time": "02 ngày làm việc",
        "steps": STEPS,
    }
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Services answer in the active language; these tests read the English messages
    (pages still follow each user's language through the middleware)."""
    with translation.override("en"):
        yield


def document_make(
    org: Any,
    personas: dict[str, User],
    *,
    author: str = "head_a",
    code: str = "QT-GDTRH-01",
    title: str = "Quy trình chuyển trường đối với học sinh trung học phổ thông",
    is_tthc: bool = True,
    references: list[ExternalDocument] | None = None,
    distribution_users: list[User] | None = None,
) -> Document:
    """A work procedure of division A with its first version's content written."""
    document = services.document_create(
        actor=personas[author],
        agency=org.agency,
        data=services.DocumentInput(
            kind=Document.Kind.WORK_PROCEDURE,
            code=code,
            title=title,
            owner_unit=org.div_a,
            is_tthc=is_tthc,
            references=references or [],
            distribution_units=[org.div_a],
            distribution_users=distribution_users or [],
        ),
    )
    version = document.versions.get()
    services.version_save(
        actor=personas[author],
        version=version,
        content=content(),
        change_request="",
        change_part="",
        change_description="",
        lock_version=version.lock_version,
    )
    return document


@pytest.fixture
def make_document(org: Any, personas: dict[str, User]) -> Callable[..., Document]:
    def _make(**kwargs: Any) -> Document:
        return document_make(org, personas, **kwargs)

    return _make


def decision_input(day: datetime.date = datetime.date(2026, 3, 2)) -> services.DecisionInput:
    return services.DecisionInput(
        issued_on=day,
        effective_on=day,
        title="Về việc ban hành quy trình",
        bases=["Căn cứ Quyết định số 19/2014/QĐ-TTg;"],
        proposer="Trưởng ban ISO",
        executors="Trưởng các phòng thuộc Sở",
        recipients=["Như Điều 3;", "Lưu: VT, Ban ISO."],
        signer_prefix="",
        signer_authority="",
        signer_position="GIÁM ĐỐC",
        signer_name="Nguyễn Văn Hùng",
    )


@pytest.fixture
def issue(personas: dict[str, User], org: Any) -> Callable[..., DocumentVersion]:
    """Take a document's open version through review, approval and issue."""

    def _issue(
        document: Document, day: datetime.date = datetime.date(2026, 3, 2)
    ) -> DocumentVersion:
        version = document.versions.get(status__in=DocumentVersion.OPEN)
        services.version_submit(actor=personas["head_a"], version=version)
        services.version_review(actor=personas["iso_office"], version=version, forward=True)
        services.version_approve(actor=personas["leader"], version=version, approve=True)
        services.decision_issue(
            actor=personas["iso_office"],
            agency=org.agency,
            versions=[version],
            data=decision_input(day),
        )
        version.refresh_from_db()
        return version

    return _issue


def external_make(org: Any, personas: dict[str, User]) -> ExternalDocument:
    """Decree 61/2018 in agency A's external register."""
    return services.external_create(
        actor=personas["iso_office"],
        agency=org.agency,
        data=services.ExternalInput(
            number="61/2018/NĐ-CP",
            doc_type="Nghị định",
            issuer="Chính phủ",
            title="Về thực hiện cơ chế một cửa, một cửa liên thông",
            signed_on=datetime.date(2018, 4, 23),
            effective_on=datetime.date(2018, 6, 21),
        ),
    )


@pytest.fixture
def external(org: Any, personas: dict[str, User]) -> ExternalDocument:
    return external_make(org, personas)
