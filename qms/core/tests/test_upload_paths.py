"""Every upload path, through its real view: hostile files refused with a message naming
the file, nothing stored, the rest of the form kept; and the peak memory of a hostile
plan import measured in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from conftest import shared_org
from qms.core.tests import files as f
from qms.documents.models import Document
from qms.documents.tests.conftest import make_document  # noqa: F401  (fixture)
from qms.objectives import services as objective_services
from qms.objectives.models import Measurement
from qms.objectives.services import ObjectiveInput
from qms.planning.models import Evidence, Plan
from qms.planning.tests.factories import first_task, make_plan

pytestmark = pytest.mark.django_db

# One organisation per module; each test runs in a savepoint.
org, personas = shared_org()

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REPO = Path(__file__).resolve().parents[3]


# --------------------------------------------------------------------------- the paths


class Path_:
    """One upload path: who posts what where, and how to count what it stored."""

    ext = "docx"

    def __init__(self, org: Any, personas: Any, client_as: Any) -> None:
        self.org, self.personas, self.client_as = org, personas, client_as

    def post(self, upload: Any) -> Any:
        raise NotImplementedError

    def stored(self) -> int:
        raise NotImplementedError


class Evidence_(Path_):
    def post(self, upload: Any) -> Any:
        plan = make_plan(
            actor=self.personas["iso_office"],
            agency=self.org.agency,
            issued=True,
            lead=self.org.div_a,
            approver=self.personas["leader"],
        )
        url = reverse("planning:task_progress", args=[first_task(plan).pk])
        data = {"percent": 50, "comment": "Đã họp, có biên bản", "files": upload}
        return self.client_as("head_a").post(url, data, **EN)

    def stored(self) -> int:
        return Evidence.objects.count()


class Measurement_(Path_):
    objective: Any = None

    def post(self, upload: Any) -> Any:
        self.objective = self.objective or self._objective()
        url = reverse("objectives:measurement_add", args=[self.objective.pk])
        data = {"measured_on": "31/12/2022", "value": "91", "evidence": upload}
        # This view answers with a message on the set's page (redirect).
        return self.client_as("head_b").post(url, data, follow=True, **EN)

    def _objective(self) -> Any:
        period = objective_services.period_for(agency=self.org.agency, year=2022)
        head = self.personas["head_b"]
        s = objective_services.set_create(actor=head, unit=self.org.div_b, period=period)
        objective = objective_services.objective_save(
            actor=head,
            objective_set=s,
            data=ObjectiveInput(
                statement="Mục tiêu", indicator="%", owner_unit=self.org.div_b, target=D(90)
            ),
        )
        objective_services.set_submit(actor=head, objective_set=s)
        objective_services.set_approve(actor=self.personas["leader"], objective_set=s)
        return objective

    def stored(self) -> int:
        return Measurement.objects.count()


class DocumentFile_(Path_):
    document: Any = None

    def post(self, upload: Any) -> Any:
        version = self.document.versions.get()
        url = reverse("documents:version_edit", args=[version.pk])
        data = {
            "lock_version": version.lock_version,
            "purpose": "Mục đích đã gõ",
            "steps-TOTAL_FORMS": "0",
            "steps-INITIAL_FORMS": "0",
            "file": upload,
        }
        return self.client_as("head_a").post(url, data, **EN)

    def stored(self) -> int:
        return sum(1 for v in self.document.versions.all() if v.file_name)


class MasterList_(Path_):
    ext = "xlsx"

    def post(self, upload: Any) -> Any:
        data = {"agency": self.org.agency.pk, "list_kind": "internal", "file": upload}
        return self.client_as("iso_office").post(reverse("documents:import"), data, **EN)

    def stored(self) -> int:
        return Document.objects.count()


class PlanImport_(Path_):
    plan: Plan | None = None

    def post(self, upload: Any) -> Any:
        self.plan = make_plan(actor=self.personas["iso_office"], agency=self.org.agency)
        url = reverse("planning:plan_import", args=[self.plan.pk])
        return self.client_as("iso_office").post(url, {"file": upload}, **EN)

    def stored(self) -> int:
        return 0 if self.plan is None else self.plan.tasks.count() - 3


PATHS = {
    "evidence": Evidence_,
    "measurement": Measurement_,
    "document": DocumentFile_,
    "master-list": MasterList_,
    "plan-import": PlanImport_,
}


@pytest.fixture(params=list(PATHS))
def path(request: Any, org: Any, personas: Any, client_as: Any, make_document: Any) -> Path_:  # noqa: F811
    chosen = PATHS[request.param](org, personas, client_as)
    if isinstance(chosen, DocumentFile_):
        chosen.document = make_document(is_tthc=False)
    return chosen


def honest(ext: str) -> bytes:
    return {"docx": f.appendix_docx(), "xlsx": f.xlsx_bytes()}[ext]


def assert_refused(path: Path_, name: str, data: bytes, phrase: str) -> None:
    before = path.stored()
    response = path.post(f.upload(name, data))
    html = response.content.decode()
    assert response.status_code == 200
    assert name in html and phrase in html, html[:3000]
    assert path.stored() == before


# --------------------------------------------------------------------------- every path


def test_macro_enabled_files_are_refused_on_every_path(path: Path_) -> None:
    assert_refused(path, f"qt.{path.ext}", f.add_macros(honest(path.ext)), "contains macros")


def test_macro_content_type_alone_is_refused_on_every_path(path: Path_) -> None:
    data = f.macro_type_only(honest(path.ext))
    assert_refused(path, f"qt.{path.ext}", data, "contains macros")


def test_encrypted_files_are_refused_on_every_path(path: Path_) -> None:
    assert_refused(path, f"mat-khau.{path.ext}", f.OLE_HEADER, "password-protected")
    data = f.encrypted_zip_flag(honest(path.ext))
    assert_refused(path, f"khoa.{path.ext}", data, "password-protected")


def test_a_renamed_executable_is_refused_on_every_path(path: Path_) -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 300
    assert_refused(path, f"setup.{path.ext}", exe, "the content does not match its type")


def test_a_zip_bomb_is_refused_on_every_path(path: Path_) -> None:
    bomb = f.zip_bomb() if path.ext == "docx" else f.add_member(f.xlsx_bytes(), 64)
    assert_refused(path, f"bom.{path.ext}", bomb, "expands to too much data")


# --------------------------------------------------------------------------- evidence


@pytest.mark.parametrize("which", ["evidence", "measurement"])
@pytest.mark.parametrize("name", ["bien-ban.doc", "bang-diem.xls"])
def test_old_word_and_excel_files_are_refused_as_evidence(
    which: str, name: str, org: Any, personas: Any, client_as: Any
) -> None:
    path = PATHS[which](org, personas, client_as)
    assert_refused(path, name, f.OLE_HEADER, "only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG")


def test_images_are_still_accepted_as_evidence(org: Any, personas: Any, client_as: Any) -> None:
    path = Evidence_(org, personas, client_as)
    path.post(f.upload("anh-chup.png", f.PNG_BYTES, "image/png"))
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("anh-chup.png", "image/png")


def test_evidence_names_are_cleaned(org: Any, personas: Any, client_as: Any) -> None:
    path = Evidence_(org, personas, client_as)
    path.post(f.upload("bi\x07ên\u200b-bản\x1b.pdf", f.pdf_bytes(), "application/pdf"))
    evidence = Evidence.objects.get()
    assert evidence.original_name == "biên-bản.pdf"
    assert not any(ord(c) < 32 or c == "\u200b" for c in evidence.file.name)


def test_too_many_files_in_one_request_keep_the_form(
    org: Any, personas: Any, client_as: Any, settings: Any
) -> None:
    settings.UPLOAD_MAX_FILES_PER_REQUEST = 3
    path = Evidence_(org, personas, client_as)
    response = path.post([f.pdf_upload(f"bien-ban-{n}.pdf") for n in range(4)])
    html = response.content.decode()
    assert "At most 3 files can be sent at once; you chose 4." in html
    assert "Đã họp, có biên bản" in html  # what was typed is kept
    assert Evidence.objects.count() == 0
    assert first_task(Plan.objects.get()).percent == 0


def test_too_many_megabytes_in_one_request_keep_the_form(
    org: Any, personas: Any, client_as: Any, settings: Any
) -> None:
    size = len(f.pdf_bytes())
    settings.UPLOAD_MAX_REQUEST_BYTES = 2 * size - 1
    path = Evidence_(org, personas, client_as)
    response = path.post([f.pdf_upload("a.pdf"), f.pdf_upload("b.pdf")])
    html = response.content.decode()
    assert "at most" in html and "MB can be sent at once" in html
    assert "Đã họp, có biên bản" in html
    assert Evidence.objects.count() == 0


def test_the_request_limits_hold_in_the_service_too(org: Any, personas: Any, settings: Any) -> None:
    from qms.planning import services
    from qms.planning.services import PlanningError

    settings.UPLOAD_MAX_FILES_PER_REQUEST = 1
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        issued=True,
        lead=org.div_a,
        approver=personas["leader"],
    )
    with pytest.raises(PlanningError, match="At most 1 file"):
        services.task_post_progress(
            actor=personas["head_a"],
            task=first_task(plan),
            percent=10,
            comment="x",
            files=[f.pdf_upload("a.pdf"), f.pdf_upload("b.pdf")],
        )
    assert Evidence.objects.count() == 0


# --------------------------------------------------------------------------- M3: plan import


@pytest.mark.parametrize(
    "build,phrase",
    [
        (f.gridspan_bomb, "too large to import"),
        (f.zip_bomb, "expands to too much data"),
        (f.oversized_part, "expands to too much data"),
    ],
    ids=["gridspan", "zip-bomb", "oversized-part"],
)
def test_hostile_plan_docx_is_refused_by_the_import_view(
    build: Any, phrase: str, org: Any, personas: Any, client_as: Any
) -> None:
    path = PlanImport_(org, personas, client_as)
    response = path.post(f.upload("ke-hoach.docx", build()))
    assert response.status_code == 200
    assert phrase in response.content.decode()
    assert path.plan is not None and path.plan.tasks.count() == 3
    assert "plan_import" not in path.client_as("iso_office").session


_PEAK_SCRIPT = """
import json, resource, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from qms.planning.forms import ImportForm
from qms.planning.import_wizard import AppendixReadError, preview_plan_docx

def attempt(data):
    form = ImportForm({}, {"file": SimpleUploadedFile("ke-hoach.docx", data)})
    if not form.is_valid():
        return form.errors["file"][0]
    try:
        preview_plan_docx(form.cleaned_data["file"], agency=None, year=2026)
    except AppendixReadError as exc:
        return exc.message
    return "accepted"

translation.activate("en")
attempt(open(sys.argv[1], "rb").read())  # warm up: every module and parser loaded
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
message = attempt(open(sys.argv[2], "rb").read())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"base_kb": base, "peak_kb": peak, "message": message}))
"""


@pytest.mark.parametrize(
    "build", [f.gridspan_bomb, f.zip_bomb, f.oversized_part], ids=["gridspan", "bomb", "part"]
)
def test_peak_memory_of_a_hostile_plan_import_stays_under_100_mb(
    build: Any, tmp_path: Path
) -> None:
    """The attempt runs in a fresh Python (ru_maxrss sees lxml's C allocations too); the
    high-water mark after a warm-up import of an honest file is the baseline."""
    honest_file = f.write(tmp_path, "honest.docx", f.appendix_docx())
    hostile = f.write(tmp_path, "hostile.docx", build())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, str(honest_file), str(hostile)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=True,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    grew_mb = (result["peak_kb"] - result["base_kb"]) / 1024
    assert result["message"] != "accepted"
    assert grew_mb < 100, result
    assert result["peak_kb"] / 1024 < 250, result  # the whole process, Django included


def test_an_honest_plan_docx_still_imports(org: Any, personas: Any, client_as: Any) -> None:
    path = PlanImport_(org, personas, client_as)
    response = path.post(f.upload("ke-hoach.docx", f.appendix_docx(rows=2)))
    assert response.status_code == 302
    assert "/review/" in response["Location"]  # the review page takes over from here
