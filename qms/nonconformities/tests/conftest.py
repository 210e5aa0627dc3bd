"""Fixtures of the NC tests: an NC raised in division A, and helpers to walk it on."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from qms.nonconformities import services
from qms.nonconformities.models import Nonconformity
from qms.planning.tests.conftest import make_task  # noqa: F401 - a fixture of the source tests

D = datetime.date


@pytest.fixture
def make_nc(org: Any, personas: dict[str, Any]) -> Callable[..., Nonconformity]:
    def _make(**kw: Any) -> Nonconformity:
        kw.setdefault("actor", personas["iso_office"])
        kw.setdefault("unit", org.div_a)
        kw.setdefault("title", "Hồ sơ tuyển sinh thiếu biên bản")
        kw.setdefault("description", "Hồ sơ tuyển sinh lớp 10 năm 2022 thiếu biên bản họp xét.")
        return services.raise_nc(**kw)

    return _make


def analyse(nc: Nonconformity, actor: Any) -> Nonconformity:
    return services.cause_analyse(
        actor=actor,
        nc=nc,
        method="five_whys",
        whys=["Không có mẫu biên bản", "Quy trình không quy định"],
        root_cause="Quy trình tuyển sinh chưa quy định lập biên bản họp xét.",
    )


def add_action(nc: Nonconformity, actor: Any, owner: Any, unit: Any, days: int = 10) -> Any:
    return services.action_add(
        actor=actor,
        nc=nc,
        data=services.ActionInput(
            description="Bổ sung bước lập biên bản vào quy trình",
            owner=owner,
            unit=unit,
            due=nc.raised_on + datetime.timedelta(days=days),
        ),
    )
