"""The demo plan is Kế hoạch 187/KH-SGDĐT exactly as issued (checked against shared/seed)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from docx.document import Document as DocxDocument

from qms.demo import seed_2022 as seed
from qms.demo.loader import load_demo
from qms.planning.models import Plan

pytestmark = pytest.mark.django_db

SEED = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "seed"
    / "kh-187-2022-sgddt-hung-yen.txt"
)


def norm(text: str) -> str:
    """Whitespace-normalised; "2022- 2023" (a line-wrap artefact) reads "2022-2023"."""
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    return re.sub(r"(\d{4})- (\d{4})", r"\1-\2", text)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    return norm(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_loaded(module_db, django_db_blocker):
    """The demo, loaded once for the module; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db, demo_loaded):
    return Plan.objects.get(number="187/KH-SGDĐT")


def export_docx(tmp_path) -> DocxDocument:
    out = tmp_path / "plan.docx"
    call_command(
        "export_plan",
        agency="SGDDT-HY",
        number="187/KH-SGDĐT",
        year=2022,
        format="docx",
        output=out,
    )
    return docx.Document(str(out))


def all_text(document: DocxDocument) -> str:
    """Every paragraph and table cell in document order (tables where they stand)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    parts = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            parts.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            for row in Table(child, document).rows:
                seen = []
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.append(cell._tc)
                        parts.append(cell.text)
    return norm(" ".join(parts))


def appendix_rows(document: DocxDocument) -> list[list[str]]:
    table = next(t for t in document.tables if norm(t.rows[0].cells[0].text) == "TT")
    return [[norm(c.text) for c in row.cells] for row in table.rows[1:]]


def test_export_appendix_has_the_seed_ten_rows_verbatim(demo, tmp_path, seed_text):
    rows = appendix_rows(export_docx(tmp_path))
    assert len(rows) == 10
    for row in rows:
        assert len(row) == 5
        # Each row, read across, stands in the seed as printed (TT content lead partner timing).
        assert norm(" ".join(row)) in seed_text, row
    assert rows[5] == [
        "6",
        "Đánh giá nội bộ",
        "Lãnh đạo Sở, Ban ISO",
        "Các phòng thuộc Sở",
        "Từ 01/6 đến 30/7/2022",
    ]
    assert rows[9][3] == "Lãnh đạo Sở, Ban ISO, các phòng thuộc Sở"


def test_export_header_bases_sections_recipients_signature_match_seed(demo, tmp_path, seed_text):
    text = all_text(export_docx(tmp_path))
    expected = [
        "UBND TỈNH HƯNG YÊN",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 187/KH-SGDĐT",
        "Hưng Yên, ngày 07 tháng 02 năm 2022",
        "KẾ HOẠCH",
        seed.HEADER["title"],
        seed.HEADER["intro"],
        seed.CLOSING,
        "KT GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Đỗ Văn Khải",
        "PHỤ LỤC",
        seed.HEADER["appendix_subtitle"],
        seed.HEADER["appendix_note"],
        "Nơi nhận:",
    ]
    for fragment in expected:
        assert norm(fragment) in text, fragment
        assert norm(fragment) in seed_text, f"test data drifted from the seed: {fragment}"
    for basis in seed.BASES:
        assert norm(basis[6]) in text and norm(basis[6]) in seed_text
    for heading, paragraphs in seed.SECTIONS:
        assert norm(heading) in text
        for p in paragraphs:
            assert norm(p.removeprefix("## ")) in text
    for recipient in seed.RECIPIENTS:
        assert f"- {recipient}" in text and f"- {recipient}" in seed_text
    # Order as issued: header, title, bases, sections, closing, recipients, signature, appendix.
    positions = [
        text.index(norm(f))
        for f in (
            "Số: 187/KH-SGDĐT",
            "KẾ HOẠCH",
            "Thực hiện Kế hoạch",
            "I. MỤC ĐÍCH",
            "III. TỔ CHỨC",
            "Nơi nhận:",
            "PHỤ LỤC",
        )
    ]
    assert positions == sorted(positions)


def test_export_xlsx_has_tasks_with_status(demo, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "tasks.xlsx"
    call_command(
        "export_plan",
        agency="SGDDT-HY",
        number="187/KH-SGDĐT",
        year=2022,
        format="xlsx",
        output=out,
    )
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "TT"))
    data = rows[header + 1 :]
    assert len(data) == 10
    assert data[5][4] == "Từ 01/6 đến 30/7/2022"
    assert data[0][9] == 100


def test_import_plan_json_from_seed_docx(demo, tmp_path, capsys):
    source = tmp_path / "seed.docx"
    call_command(
        "export_plan",
        agency="SGDDT-HY",
        number="187/KH-SGDĐT",
        year=2022,
        format="docx",
        output=source,
    )
    capsys.readouterr()
    call_command("import_plan", str(source), agency="SGDDT-HY", year=2023, dry_run=True, json=True)
    parsed = json.loads(capsys.readouterr().out)
    assert [t["no"] for t in parsed] == list(range(1, 11))
    by_no = {t["no"]: t for t in parsed}
    assert by_no[6]["timing_kind"] == "window"
    assert (by_no[6]["start"], by_no[6]["due"]) == ("2022-06-01", "2022-07-30")
    assert (by_no[7]["timing_kind"], by_no[7]["start"], by_no[7]["due"]) == (
        "window",
        "2022-08-01",
        "2022-09-15",
    )
    assert by_no[4]["timing_kind"] == "continuous" and by_no[4]["due"] is None
    assert by_no[1] == {
        "no": 1,
        "content": seed.TASKS[0][1],
        "lead": ["Ban ISO Sở"],
        "support": ["Các phòng thuộc Sở"],
        "timing_text": "Trước 10/02/2022",
        "timing_kind": "deadline",
        "start": None,
        "due": "2022-02-10",
    }
    assert by_no[10]["timing_kind"] == "per_regulation"
    assert by_no[10]["support"] == ["Lãnh đạo Sở", "Ban ISO", "các phòng thuộc Sở"]
    assert by_no[3]["due"] == "2022-09-05" and by_no[2]["due"] == "2022-08-25"
    assert by_no[8]["due"] == "2022-09-30"


def test_import_plan_recreates_the_ten_tasks(demo, tmp_path):
    source = tmp_path / "seed.docx"
    call_command(
        "export_plan",
        agency="SGDDT-HY",
        number="187/KH-SGDĐT",
        year=2022,
        format="docx",
        output=source,
    )
    call_command("import_plan", str(source), agency="SGDDT-HY", year=2030)
    plan = Plan.objects.get(agency__code="SGDDT-HY", year=2030)
    tasks = list(plan.tasks.order_by("number"))
    assert len(tasks) == 10
    for task, (no, content, lead, partner, timing) in zip(tasks, seed.TASKS, strict=True):
        assert (task.number, task.content, task.lead_text, task.partner_text, task.timing_text) == (
            no,
            content,
            lead,
            partner,
            timing,
        )
    # Unit names matched through aliases: "Các phòng thuộc Sở" = every division.
    assert tasks[1].lead_units.count() >= 8
    assert [u.code for u in tasks[0].lead_units.all()] == ["SGDDT-ISO"]


def test_load_demo_is_idempotent(demo):
    counts = (Plan.objects.count(), demo.tasks.count())
    load_demo()
    assert (Plan.objects.count(), demo.tasks.count()) == counts


def test_import_of_a_broken_file_lists_the_problem_and_saves_nothing(demo, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a word file")
    before = Plan.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("import_plan", str(bad), agency="SGDDT-HY", year=2031)
    assert "Word" in str(exc.value)
    assert Plan.objects.count() == before


def test_docx_from_the_web_matches_the_command(demo, client):
    from qms.accounts.models import User

    client.force_login(User.objects.get(username="cb.gdtrh"))
    response = client.get(f"/plans/{demo.pk}/export.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert len(appendix_rows(document)) == 10
