"""Builders of honest and hostile uploads, shared by the upload tests of every app."""

from __future__ import annotations

import functools
import io
import random
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

MIB = 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
APPENDIX_HEADERS = ["TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"]
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_bytes() -> bytes:
    """A real one-page PDF (pypdf opens it)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_upload(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes(), "application/pdf")


def appendix_docx(rows: int = 2) -> bytes:
    """A plan appendix table with ``rows`` tasks."""
    doc = Document()
    table = doc.add_table(rows=1 + rows, cols=5)
    for cell, text in zip(table.rows[0].cells, APPENDIX_HEADERS, strict=True):
        cell.text = text
    for index in range(rows):
        cells = table.rows[1 + index].cells
        for cell, text in zip(
            cells,
            [str(index + 1), f"Nhiệm vụ {index + 1}", "Văn phòng", "", "Tháng 3"],
            strict=True,
        ):
            cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _rewrite(data: bytes, name: str, change: bytes | None = None, **extra: bytes) -> bytes:
    """A copy of the zip with member ``name`` replaced by ``change`` and ``extra`` added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = change if (info.filename == name and change is not None) else src.read(info)
            dst.writestr(info.filename, body)
        for member, body in extra.items():
            dst.writestr(member.replace("__", "/"), body)
    return out.getvalue()


@functools.cache
def gridspan_bomb(span: int = 5_000_000, rows: int = 60) -> bytes:
    """The appendix whose every cell claims ``w:gridSpan`` = ``span`` (the M3 attack)."""
    data = appendix_docx(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    forged = re.sub(rb"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="%d"/>' % span, xml)
    return _rewrite(data, "word/document.xml", forged)


@functools.cache
def zip_bomb(megabytes: int = 200) -> bytes:
    """A valid appendix plus a part of ``megabytes`` MB of zeros (≈ 1000:1)."""
    data = appendix_docx()
    out = io.BytesIO(data)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.bin", "w", force_zip64=True) as part,
    ):
        chunk = b"\x00" * MIB
        for _ in range(megabytes):
            part.write(chunk)
    return out.getvalue()


def _stream_document(data: bytes, body: Iterator[bytes]) -> bytes:
    """The docx with word/document.xml rewritten: ``body`` streamed in after <w:body>."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    head, _sep, tail = xml.partition(b"<w:body>")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, src.read(info))
                continue
            with dst.open("word/document.xml", "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                for chunk in body:
                    part.write(chunk)
                part.write(tail)
    return out.getvalue()


@functools.cache
def oversized_part(megabytes: int = 400) -> bytes:
    """The M3 file: ≈ 0.4 MB whose document.xml expands to ``megabytes`` MB of text."""
    para = b"<w:p><w:r><w:t>" + "Nhiệm vụ kiểm tra ISO ".encode() * 2000 + b"</w:t></w:r></w:p>"
    count = megabytes * MIB // len(para)
    return _stream_document(appendix_docx(), (para for _ in range(count)))


@functools.cache
def dense_part(megabytes: int = 20) -> bytes:
    """A document.xml of ``megabytes`` MB of varied text: each part's ratio is ordinary
    (≈ 5:1), so only the total uncompressed cap catches it; the file stays under 5 MB."""
    rnd = random.Random(12)
    words = ["nhiệm", "vụ", "kiểm", "tra", "ISO", "năm", "đơn", "vị", "phối", "hợp"]

    # Eight distinct ≈ 45 KB paragraphs, cycled: longer than deflate's 32 KB window, so
    # repeating them does not compress better than the text itself.
    pool = [
        b"<w:p><w:r><w:t>"
        + " ".join(f"{rnd.choice(words)}{rnd.randint(0, 9)}" for _ in range(6500)).encode()
        + b"</w:t></w:r></w:p>"
        for _ in range(8)
    ]

    def paragraphs() -> Iterator[bytes]:
        for index in range(megabytes * 22):
            yield pool[index % len(pool)]

    return _stream_document(appendix_docx(), paragraphs())


def macro_docx() -> bytes:
    """A .docm renamed .docx: macro-enabled content type and a vbaProject.bin."""
    data = appendix_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    return _rewrite(data, "[Content_Types].xml", types, word__vbaProject_bin=b"\x00" * 64)


def add_macros(data: bytes) -> bytes:
    """A .docm/.xlsm disguised: a vbaProject.bin part (the macros themselves)."""
    inside = "word" if b"word/document.xml" in data else "xl"
    return _rewrite(data, "", None, **{f"{inside}__vbaProject.bin": b"\x00" * 64})


def add_member(data: bytes, megabytes: int) -> bytes:
    """``data`` plus a part of ``megabytes`` MB of zeros (a zip bomb of any kind)."""
    out = io.BytesIO(data)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.bin", "w", force_zip64=True) as part,
    ):
        chunk = b"\x00" * MIB
        for _ in range(megabytes):
            part.write(chunk)
    return out.getvalue()


def macro_type_only(data: bytes) -> bytes:
    """Macro-enabled content type but no vbaProject.bin part (e.g. an .xlsm renamed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/'
        b'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
    )
    return _rewrite(data, "[Content_Types].xml", types)


def encrypted_zip_flag(data: bytes) -> bytes:
    """The same zip with the "encrypted" flag set on every entry."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := raw.find(signature, start)) != -1:
            raw[found + offset] |= 0x1
            start = found + 4
    return bytes(raw)


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã hiệu", "Tên tài liệu"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
