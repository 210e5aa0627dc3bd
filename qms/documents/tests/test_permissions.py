"""Persona × URL × status for every document-control route and download.

Out of scope → 404 (another agency's document and its file), in scope without the role → 403,
wrong method → 405. Drafts are seen only by those who write, review, approve or issue them.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import PERSONAS, close_response, fresh, shared_org
from qms.documents import files, services
from qms.documents.exports.urls import urlpatterns as export_urls
from qms.documents.models import ChangeRequest, ReviewTask
from qms.documents.tests.conftest import decision_input, document_make, external_make
from qms.documents.urls import urlpatterns as document_urls
from qms.planning.tests.factories import first_task, make_plan
from qms.reports.docx_templates.build_templates import reproducible_bytes

pytestmark = pytest.mark.django_db

ALL = list(PERSONAS)
VIEWERS = {p: 200 for p in ALL if p != "outsider"} | {"outsider": 404}
EVERYONE = dict.fromkeys(ALL, 200)


def only(allowed: dict[str, int], default: int = 403, outsider: int = 404) -> dict[str, int]:
    table = dict.fromkeys(ALL, default)
    table["outsider"] = outsider
    table.update(allowed)
    return table


def drafts(allowed: dict[str, int], seers: int = 403) -> dict[str, int]:
    """A draft version: 404 for those who may not see drafts, 403 for seers without the role."""
    table = dict.fromkeys(ALL, 404)
    table.update(dict.fromkeys(["head_a", "staff_a", "iso_office", "leader"], seers))
    table.update(allowed)
    return table


EDITORS = {"head_a": 302, "staff_a": 302, "iso_office": 302}
DIV_A_EDITORS = {"head_a": 200, "staff_a": 200, "iso_office": 200}
# Anyone holding documents.edit somewhere creates documents of their own unit (a school's
# ISO officer writes the school's procedures); the owner units offered are theirs only.
CREATORS = only(
    dict.fromkeys(
        [
            "head_a",
            "staff_a",
            "head_b",
            "iso_office",
            "outsider",
            "school_iso",
            "school_head",
            "div_iso",
        ],
        200,
    )
)
# The external register and issuing decisions are the agency's: a role over the agency.
AGENCY_ISO = only({"iso_office": 200}, outsider=403)
AGENCY_ISO_OBJ = only({"iso_office": 200})
# A records list is kept per unit: whoever keeps a unit's list adds to it.
RECORD_KEEPERS = only(
    dict.fromkeys(
        ["head_a", "head_b", "iso_office", "outsider", "school_iso", "school_head", "div_iso"],
        200,
    )
)
# The fixture's record belongs to div_a.
RECORD_EDIT = only({"head_a": 200, "iso_office": 200})
SETTINGS = only({"iso_office": 200, "agency_admin": 200}, outsider=403)
IMPORTERS_PAGE = RECORD_KEEPERS
# POSTing the internal list (puts documents in force, registers decisions): the ISO
# committee over the agency only; the outsider's form does not offer this agency (200,
# re-rendered with the error).
IMPORT_POST = only({"iso_office": 200, "outsider": 200})
REQUESTERS = only(dict.fromkeys(["staff_a", "head_a", "iso_office", "leader", "auditor"], 302))

# (url name, method, object, expected by persona, query string)
MATRIX: list[tuple[str, str, str | None, dict[str, int], str]] = [
    ("home", "get", None, EVERYONE, ""),
    ("document_list", "get", None, EVERYONE, ""),
    ("document_create", "get", None, CREATORS, ""),
    ("document_create", "post", None, CREATORS, ""),
    ("next_code", "get", None, CREATORS, "?kind=work_procedure"),
    ("document_detail", "get", "document", VIEWERS, ""),
    ("document_edit", "get", "document", only(DIV_A_EDITORS), ""),
    ("document_edit", "post", "document", only(DIV_A_EDITORS), ""),
    ("document_withdraw", "post", "document", only({"head_a": 302, "iso_office": 302}), ""),
    ("version_start", "post", "document", only(EDITORS), ""),
    ("change_request_create", "post", "document", REQUESTERS, ""),
    ("version_detail", "get", "version", VIEWERS, ""),
    ("version_file", "get", "version", VIEWERS, ""),
    ("version_acknowledge", "post", "version", dict.fromkeys(ALL, 302) | {"outsider": 404}, ""),
    ("version_edit", "get", "draft", drafts(DIV_A_EDITORS), ""),
    ("version_edit", "post", "draft", drafts(DIV_A_EDITORS), ""),
    ("version_submit", "post", "draft", drafts(EDITORS), ""),
    ("version_review", "post", "draft", drafts({"iso_office": 302}), ""),
    ("version_approve", "post", "draft", drafts({"leader": 302}), ""),
    ("version_cancel", "post", "draft", drafts(EDITORS), ""),
    ("change_request_decide", "post", "change", only({"head_a": 302, "iso_office": 302}), ""),
    ("decision_list", "get", None, EVERYONE, ""),
    ("decision_create", "get", None, AGENCY_ISO, ""),
    ("decision_create", "post", None, AGENCY_ISO, ""),
    ("decision_detail", "get", "decision", VIEWERS, ""),
    ("external_list", "get", None, EVERYONE, ""),
    ("external_create", "get", None, AGENCY_ISO, ""),
    ("external_create", "post", None, AGENCY_ISO, ""),
    ("external_detail", "get", "external", VIEWERS, ""),
    ("external_edit", "get", "external", AGENCY_ISO_OBJ, ""),
    ("external_edit", "post", "external", AGENCY_ISO_OBJ, ""),
    ("external_status", "get", "external", AGENCY_ISO_OBJ, ""),
    ("external_status", "post", "external", AGENCY_ISO_OBJ, ""),
    ("record_list", "get", None, EVERYONE, ""),
    ("record_create", "get", None, RECORD_KEEPERS, ""),
    ("record_create", "post", None, RECORD_KEEPERS, ""),
    ("record_edit", "get", "record", RECORD_EDIT, ""),
    ("record_edit", "post", "record", RECORD_EDIT, ""),
    ("review_complete", "post", "review", only(EDITORS), ""),
    ("settings", "get", None, SETTINGS, ""),
    ("settings", "post", None, SETTINGS, ""),
    ("import", "get", None, IMPORTERS_PAGE, ""),
    ("import", "post", None, IMPORT_POST, ""),
    ("task_links", "get", "task", only({"iso_office": 200}), ""),
    ("task_links", "post", "task", only({"iso_office": 302}), ""),
    ("documents:version_docx", "get", "version", VIEWERS, ""),
    ("documents:decision_docx", "get", "decision", VIEWERS, ""),
    ("documents:internal_list_export", "get", "xlsx", EVERYONE, ""),
    ("documents:internal_list_export", "get", "docx", EVERYONE, ""),
    ("documents:external_list_export", "get", "xlsx", EVERYONE, ""),
    ("documents:record_list_export", "get", "docx", EVERYONE, ""),
]
PDF_ROUTE = "documents:version_pdf"


def _docx_upload() -> SimpleUploadedFile:
    from docx import Document as Docx

    doc = Docx()
    doc.add_paragraph("Quy trình chuyển trường — bản ký")
    return SimpleUploadedFile("quy-trinh.docx", reproducible_bytes(doc))


# One organisation, one set of objects per module; each case runs in a savepoint.
org, personas = shared_org()


def _build_objects(org: Any, personas: dict[str, Any]) -> dict[str, Any]:
    external = external_make(org, personas)
    document = document_make(org, personas, references=[external])
    version = document.versions.get()
    upload = _docx_upload()
    services.version_save(
        actor=personas["head_a"],
        version=version,
        content=version.content,
        change_request="",
        change_part="",
        change_description="",
        lock_version=version.lock_version,
        upload=upload,
        checked=files.check_upload(upload),
    )
    services.version_submit(actor=personas["head_a"], version=version)
    services.version_review(actor=personas["iso_office"], version=version, forward=True)
    services.version_approve(actor=personas["leader"], version=version, approve=True)
    decision = services.decision_issue(
        actor=personas["iso_office"], agency=org.agency, versions=[version], data=decision_input()
    )
    change = services.change_request_create(
        actor=personas["staff_a"], document=document, part="", reason="Sửa bước 2"
    )
    draft = services.version_start(actor=personas["head_a"], document=document)
    services.external_mark_changed(
        actor=personas["iso_office"],
        ext=external,
        status="amended",
        change_effective_on=datetime.date(2026, 1, 1),
    )
    record = services.record_save(
        actor=personas["iso_office"],
        agency=org.agency,
        data=services.RecordInput(name="Sổ theo dõi", owner_unit=org.div_a, document=document),
    )
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    return {
        "document": document,
        "version": version,
        "draft": draft,
        "decision": decision,
        "change": change,
        "external": external,
        "record": record,
        "review": ReviewTask.objects.get(),
        "task": first_task(plan),
        "xlsx": "xlsx",
        "docx": "docx",
    }


@pytest.fixture(scope="module")
def shared_objects(
    module_org: Any, module_personas: dict[str, Any], django_db_blocker: Any
) -> dict[str, Any]:
    with django_db_blocker.unblock(), translation.override("en"):
        return _build_objects(module_org, module_personas)


@pytest.fixture
def objects(db: None, shared_objects: dict[str, Any]) -> dict[str, Any]:
    return fresh(shared_objects)


def _header_only_xlsx() -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Mã tài liệu", "Tên tài liệu"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("ds.xlsx", buffer.getvalue())


def _post_data(name: str, objects: dict[str, Any]) -> dict[str, Any]:
    """What a POST carries: enough to reach the permission decision (an empty form is
    refused by the form, re-rendered with 200, nothing written)."""
    if name == "import":
        return {
            "agency": objects["document"].agency_id,
            "list_kind": "internal",
            "file": _header_only_xlsx(),
        }
    if name == "task_links":
        return {"documents": [objects["document"].pk]}
    if name in {"document_withdraw", "version_cancel"}:
        return {"reason": "Thử"}
    return {}


def _url(name: str, obj: Any, query: str = "") -> str:
    full = name if ":" in name else f"documents:{name}"
    if obj is None:
        return reverse(full) + query
    if isinstance(obj, str):
        return reverse(full, kwargs={"fmt": obj}) + query
    key = "task_pk" if name == "task_links" else "pk"
    return reverse(full, kwargs={key: obj.pk}) + query


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    "name,method,target,expected,query",
    MATRIX,
    ids=[f"{m[0]}-{m[1]}-{m[2]}" for m in MATRIX],
)
def test_permission_matrix(
    client_as: Any,
    objects: Any,
    persona: str,
    name: str,
    method: str,
    target: str | None,
    expected: dict[str, int],
    query: str,
) -> None:
    client = client_as(persona)
    url = _url(name, objects[target] if target else None, query)
    data = _post_data(name, objects) if method == "post" else None
    response = client.post(url, data) if method == "post" else client.get(url)
    close_response(response)
    assert response.status_code == expected[persona], (persona, name, method)


def test_every_route_is_in_the_matrix() -> None:
    covered = {m[0].split(":")[-1] for m in MATRIX} | {PDF_ROUTE.split(":")[-1]}
    routes = {p.name for p in document_urls}
    assert routes == covered


def test_every_route_taking_post_is_posted_in_the_matrix() -> None:
    posted = {m[0] for m in MATRIX if m[1] == "post"}
    reads = {
        "home",
        "document_list",
        "next_code",
        "document_detail",
        "version_detail",
        "version_file",
        "decision_list",
        "decision_detail",
        "external_list",
        "external_detail",
        "record_list",
    }
    downloads = {p.name for p in export_urls}  # GET only
    assert {p.name for p in document_urls} - reads - downloads == posted


@pytest.mark.parametrize(
    "name,target",
    [
        ("version_submit", "draft"),
        ("version_acknowledge", "version"),
        ("review_complete", "review"),
    ],
)
def test_get_on_write_routes_is_405(client_as: Any, objects: Any, name: str, target: str) -> None:
    assert client_as("iso_office").get(_url(name, objects[target])).status_code == 405


def test_staff_of_another_agency_gets_404_on_document_and_file(
    client_as: Any, objects: Any
) -> None:
    client = client_as("outsider")
    for name, target in [
        ("document_detail", "document"),
        ("version_file", "version"),
        ("version_detail", "version"),
        ("documents:version_docx", "version"),
    ]:
        assert client.get(_url(name, objects[target])).status_code == 404, name
    listing = client.get(reverse("documents:document_list")).content.decode()
    assert objects["document"].code not in listing


def test_pdf_is_404_for_outsider_and_file_or_redirect_for_viewer(
    client_as: Any, objects: Any
) -> None:
    url = _url(PDF_ROUTE, objects["version"])
    assert client_as("outsider").get(url).status_code == 404
    response = client_as("staff_a").get(url)
    assert response.status_code in {200, 302}


def test_overseer_reads_but_changes_nothing(client_as: Any, objects: Any) -> None:
    client = client_as("overseer")
    assert client.get(_url("document_detail", objects["document"])).status_code == 200
    for name, target in [
        ("version_start", "document"),
        ("change_request_decide", "change"),
        ("document_withdraw", "document"),
    ]:
        assert client.post(_url(name, objects[target]), {"reason": "x"}).status_code == 403
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.OPEN


def test_file_is_never_under_a_public_url(objects: Any) -> None:
    from django.urls import Resolver404, resolve

    version = objects["version"]
    with pytest.raises(Resolver404):
        resolve("/media/" + version.file.name)
