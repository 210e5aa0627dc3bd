"""Shared fixtures: an organisation tree and one persona per role.

Agency A (Sở GDĐT) has leadership, office, two divisions and the Ban ISO; agency B is
another Sở whose people must never see A's records; the overseer reads across the
province.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.http import HttpResponseBase
from django.test import Client

from qms.accounts import permissions
from qms.accounts.models import Role, RoleAssignment, User
from qms.core.models import OrgUnit
from qms.core.services import orgunit_create, unitalias_set

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "Eiso-test-2026!"  # noqa: S105


@dataclass
class Org:
    province: OrgUnit
    agency: OrgUnit
    leadership: OrgUnit
    office: OrgUnit
    iso: OrgUnit
    div_a: OrgUnit
    div_b: OrgUnit
    other_agency: OrgUnit
    other_div: OrgUnit
    overseer_agency: OrgUnit
    school: OrgUnit


def build_org() -> Org:
    K = OrgUnit.Kind
    province = orgunit_create(
        actor=None, code="HY", name="Tỉnh Hưng Yên", short_name="Hưng Yên", kind=K.PROVINCE
    )
    agency = orgunit_create(
        actor=None,
        code="SGDDT-HY",
        name="Sở Giáo dục và Đào tạo",
        short_name="Sở GDĐT",
        kind=K.AGENCY,
        parent=province,
        doc_symbol="SGDĐT",
        parent_body_name="UBND TỈNH HƯNG YÊN",
        place_name="Hưng Yên",
    )
    leadership = orgunit_create(
        actor=None, code="SGDDT-LD", name="Lãnh đạo Sở", kind=K.LEADERSHIP, parent=agency
    )
    office = orgunit_create(
        actor=None,
        code="SGDDT-VP",
        name="Văn phòng Sở",
        short_name="Văn phòng",
        kind=K.OFFICE,
        parent=agency,
    )
    iso = orgunit_create(
        actor=None, code="SGDDT-ISO", name="Ban ISO", kind=K.COMMITTEE, parent=agency
    )
    div_a = orgunit_create(
        actor=None,
        code="SGDDT-GDTRH",
        name="Phòng Giáo dục Trung học",
        short_name="Phòng GDTrH",
        kind=K.DIVISION,
        parent=agency,
    )
    div_b = orgunit_create(
        actor=None,
        code="SGDDT-TCCB",
        name="Phòng Tổ chức cán bộ",
        short_name="Phòng TCCB",
        kind=K.DIVISION,
        parent=agency,
    )
    other = orgunit_create(
        actor=None, code="SYT-HY", name="Sở Y tế", kind=K.AGENCY, parent=province, doc_symbol="SYT"
    )
    other_div = orgunit_create(
        actor=None, code="SYT-NV", name="Phòng Nghiệp vụ Y", kind=K.DIVISION, parent=other
    )
    overseer_agency = orgunit_create(
        actor=None,
        code="SKHCN-HY",
        name="Sở Khoa học và Công nghệ",
        kind=K.AGENCY,
        parent=province,
        doc_symbol="SKHCN",
    )
    school = orgunit_create(
        actor=None,
        code="THPT-HY",
        name="Trường THPT Hưng Yên",
        short_name="THPT Hưng Yên",
        kind=K.SCHOOL,
        parent=agency,
    )
    unitalias_set(actor=None, agency=agency, name="Ban ISO Sở", units=[iso])
    unitalias_set(
        actor=None, agency=agency, name="Các phòng thuộc Sở", units=[office, div_a, div_b]
    )
    return Org(
        province,
        agency,
        leadership,
        office,
        iso,
        div_a,
        div_b,
        other,
        other_div,
        overseer_agency,
        school,
    )


PERSONAS: dict[str, tuple[str, str, str]] = {
    # name: (role, scope attribute of Org, home unit attribute)
    "leader": (Role.LEADER, "agency", "leadership"),
    "iso_office": (Role.ISO_OFFICER, "agency", "office"),
    "head_a": (Role.UNIT_HEAD, "div_a", "div_a"),
    "staff_a": (Role.STAFF, "div_a", "div_a"),
    "head_b": (Role.UNIT_HEAD, "div_b", "div_b"),
    "auditor": (Role.AUDITOR, "agency", "div_b"),
    "overseer": (Role.OVERSEER, "province", "overseer_agency"),
    "agency_admin": (Role.AGENCY_ADMIN, "agency", "office"),
    "sysadmin": (Role.SYSTEM_ADMIN, "province", "province"),
    "outsider": (Role.UNIT_HEAD, "other_div", "other_div"),
    # Roles held only on a unit under the agency: they read the agency's records but
    # change only their own unit's (STYLE §3, issue 12).
    "school_leader": (Role.LEADER, "school", "school"),
    "school_iso": (Role.ISO_OFFICER, "school", "school"),
    "school_head": (Role.UNIT_HEAD, "school", "school"),
    "div_iso": (Role.ISO_OFFICER, "div_b", "div_b"),
}


def make_user(username: str, unit: OrgUnit, role: str | None, scope: OrgUnit | None) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.vn",
        unit=unit,
        first_name=username.title(),
        last_name="Nguyễn",
    )
    if role and scope:
        RoleAssignment.objects.create(user=user, role=role, org_unit=scope)
    return user


def build_personas(org: Org) -> dict[str, User]:
    users = {}
    for name, (role, scope_attr, unit_attr) in PERSONAS.items():
        users[name] = make_user(name, getattr(org, unit_attr), role, getattr(org, scope_attr))
    return users


T = TypeVar("T")


def fresh(data: T) -> T:
    """A copy of data built once per module, for one test (Django's ``setUpTestData`` copies
    its attributes per test the same way): a test may change its instances in memory and
    the next test still gets them as stored. Cached roles are dropped, as a test may grant
    or remove some."""
    copied = copy.deepcopy(data)
    users = copied.values() if isinstance(copied, dict) else ()
    for user in users:
        if isinstance(user, User):
            permissions.clear_cache(user)
    return copied


@pytest.fixture
def org(db: None) -> Org:
    return build_org()


@pytest.fixture
def personas(org: Org) -> dict[str, User]:
    return build_personas(org)


def close_response(response: HttpResponseBase) -> None:
    """Close a test client's response (a file download holds its file open) the way the
    test client does: without ``request_finished`` closing the database connection, which
    on PostgreSQL would end the module's shared transaction (``module_db``)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """One transaction around a module, rolled back at its end; each test of the module
    runs in a savepoint inside it (pytest-django's ``db``), so data built once per module
    (``module_org``, a module's ``shared`` fixture) is seen by every test as built, on
    SQLite and PostgreSQL alike: the shape of Django's ``TestCase.setUpTestData``."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_org(module_db: None, django_db_blocker: Any) -> Org:
    """The organisation, built once for a module (a module opts in by overriding ``org``
    and ``personas`` with ``module_org``/``module_personas``, see ``shared_org``)."""
    with django_db_blocker.unblock():
        return build_org()


@pytest.fixture(scope="module")
def module_personas(module_org: Org, django_db_blocker: Any) -> dict[str, User]:
    with django_db_blocker.unblock():
        return build_personas(module_org)


def shared_org() -> tuple[Any, Any]:
    """The fixtures ``org`` and ``personas`` of a module whose many cases share one
    organisation: the module writes ``org, personas = shared_org()``; each test gets its own
    copy of the instances (the rows are the module's, each test's changes rolled back)."""

    @pytest.fixture(name="org")
    def _org(db: None, module_org: Org) -> Org:
        return fresh(module_org)

    @pytest.fixture(name="personas")
    def _personas(db: None, module_personas: dict[str, User]) -> dict[str, User]:
        return fresh(module_personas)

    return _org, _personas


@pytest.fixture
def client_as(personas: dict[str, User]) -> Callable[[str], Client]:
    def _client(name: str) -> Client:
        client = Client()
        client.force_login(personas[name])
        return client

    return _client


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the private temporary MEDIA_ROOT the test settings created."""
    import shutil

    from django.conf import settings

    media = str(getattr(settings, "MEDIA_ROOT", ""))
    if "eiso-test-media-" in media:
        shutil.rmtree(media, ignore_errors=True)
