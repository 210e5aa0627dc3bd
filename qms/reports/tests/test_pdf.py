"""PDF conversion of the rendered seed plan with headless LibreOffice.

Skipped when LibreOffice or poppler-utils are missing, except on CI (``CI=true``), where
their absence fails. Page images go to ``$EISO_ARTIFACTS`` (default ``artifacts/reports``)
for a human to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils import translation

from qms.reports import pdf as pdf_module
from qms.reports.nd30 import build_official_docx
from qms.reports.pdf import PdfConversionError, docx_to_pdf, soffice_available
from qms.reports.tests.test_nd30 import seed_plan_data

ON_CI = os.environ.get("CI") == "true"
ARTIFACTS = Path(
    os.environ.get("EISO_ARTIFACTS")
    or Path(__file__).resolve().parents[3] / "artifacts" / "reports"
)


def _require(available: bool, what: str) -> None:
    if available:
        return
    if ON_CI:
        pytest.fail(f"{what} is required on CI (CI=true)")
    pytest.skip(f"{what} is not installed")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require(soffice_available(), "LibreOffice (soffice)")
    _require(
        all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdftoppm")),
        "poppler-utils (pdftotext, pdfinfo, pdftoppm)",
    )
    path = tmp_path_factory.mktemp("pdf") / "kh-187-2022.pdf"
    path.write_bytes(docx_to_pdf(build_official_docx(data=seed_plan_data())))
    return path


def test_seed_plan_pdf_text(seed_pdf: Path) -> None:
    assert seed_pdf.read_bytes().startswith(b"%PDF")
    text = _run("pdftotext", "-layout", str(seed_pdf), "-")
    for expected in (
        "KẾ HOẠCH",
        "Số: 187/KH-SGDĐT",
        "Đỗ Văn Khải",
        "PHỤ LỤC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hưng Yên, ngày 07 tháng 02 năm 2022",
        "Nơi nhận:",
    ):
        assert expected in text, expected


def test_seed_plan_pdf_pages_and_images(seed_pdf: Path) -> None:
    info = _run("pdfinfo", str(seed_pdf))
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    listing = _run("pdfinfo", "-f", "1", "-l", str(pages), str(seed_pdf))
    sizes = [
        (round(float(w)), round(float(h)))
        for w, h in re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", listing, re.M)
    ]
    assert sizes[0] == (595, 842)  # A4 portrait
    assert sizes[-1] == (842, 595)  # the appendix is landscape
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("plan-seed-*.png"):
        old.unlink()
    _run("pdftoppm", "-r", "60", "-png", str(seed_pdf), str(ARTIFACTS / "plan-seed"))
    assert len(list(ARTIFACTS.glob("plan-seed-*.png"))) == pages


def test_conversion_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _require(soffice_available(), "LibreOffice (soffice)")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert docx_to_pdf(build_official_docx(data=seed_plan_data())).startswith(b"%PDF")
    assert list(scratch.glob("eiso-pdf-*")) == []


def test_timeout_raises_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _require(soffice_available(), "LibreOffice (soffice)")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with translation.override("en"), pytest.raises(PdfConversionError, match="longer than 0"):
        docx_to_pdf(build_official_docx(data=seed_plan_data()), timeout=0)
    assert list(scratch.glob("eiso-pdf-*")) == []


def test_missing_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    assert soffice_available() is False
    with translation.override("en"), pytest.raises(PdfConversionError, match="needs LibreOffice"):
        docx_to_pdf(b"PK\x03\x04")


def test_empty_input() -> None:
    with translation.override("en"), pytest.raises(PdfConversionError, match="is empty"):
        docx_to_pdf(b"")
