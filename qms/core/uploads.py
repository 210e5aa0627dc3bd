"""One check for every uploaded file: task evidence, measurement evidence, document files,
master-list (XLSX) and plan (DOCX) imports.

:func:`check_upload` reads an upload once, by chunks, and accepts it only when

* its **content** is one of the kinds the caller allows (PDF, Word .docx, Excel .xlsx,
  PNG, JPEG) and the extension agrees — an old OLE ``.doc/.xls``, a password-protected
  Office file (also an OLE container), a renamed executable or anything else is refused;
* it is within the size limit of its kind (``settings.UPLOAD_MAX_BYTES``, lowered per kind
  by ``settings.UPLOAD_MAX_BYTES_PER_KIND`` or per call by ``max_bytes``);
* for DOCX/XLSX (zip containers), before anything is decompressed: at most
  ``ZIP_MAX_ENTRIES`` parts, a total uncompressed size within the allowance (see
  :func:`zip_allowance`), no part above ``ZIP_MAX_ENTRY_RATIO`` × its compressed size,
  no encrypted part, no macros (``vbaProject.bin`` or a macro-enabled content type);
* for PDF: pypdf opens it, it has pages and needs no password.

The name is cleaned (:func:`clean_name`), the SHA-256 computed, and every message is
translated and names the file. :func:`check_request_files` bounds the number and the
total size of the files of one request.
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

PDF: Final = "pdf"
DOCX: Final = "docx"
XLSX: Final = "xlsx"
PNG: Final = "png"
JPEG: Final = "jpeg"
CONTENT_TYPES: Final[dict[str, str]] = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PNG: "image/png",
    JPEG: "image/jpeg",
}
EXTENSIONS: Final[dict[str, str]] = {
    "pdf": PDF,
    "docx": DOCX,
    "xlsx": XLSX,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
}
DOCUMENT_KINDS: Final = (PDF, DOCX, XLSX)
EVIDENCE_KINDS: Final = (PDF, DOCX, XLSX, PNG, JPEG)

MAX_NAME_LENGTH: Final = 255
# A DOCX/XLSX may expand to at most ZIP_MAX_RATIO × its size limit (but never less than
# ZIP_MIN_UNCOMPRESSED, which any honest document fits in, nor more than
# ZIP_MAX_UNCOMPRESSED), hold at most ZIP_MAX_ENTRIES parts, and no part bigger than
# ZIP_ENTRY_RATIO_FLOOR may be more than ZIP_MAX_ENTRY_RATIO times its compressed size
# (Word/Excel XML compresses 5–30×; a zip bomb 1000×).
ZIP_MAX_RATIO: Final = 20
ZIP_MIN_UNCOMPRESSED: Final = 16 * 1024 * 1024
ZIP_MAX_UNCOMPRESSED: Final = 200 * 1024 * 1024
ZIP_MAX_ENTRIES: Final = 10_000
ZIP_MAX_ENTRY_RATIO: Final = 200
ZIP_ENTRY_RATIO_FLOOR: Final = 1024 * 1024
_CONTENT_TYPES_PART: Final = "[content_types].xml"
_MACRO_MARKERS: Final = (b"macroenabled", b"vbaproject", b"vbadata")

_MIB: Final = 1024 * 1024
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, encrypted .docx/.xlsx
ZIP_MAGIC: Final = b"PK\x03\x04"
PDF_MAGIC: Final = b"%PDF-"
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC: Final = b"\xff\xd8\xff"


class FileRejected(Exception):
    """The upload was refused; str(exc) is the user-facing message naming the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: what to store next to the file, and its bytes."""

    name: str  # cleaned base name, at most 255 characters
    kind: str  # one of CONTENT_TYPES' keys
    content_type: str
    size: int
    sha256: str
    data: bytes = field(repr=False)


# --------------------------------------------------------------------------- limits


def max_bytes_for(kind: str) -> int:
    """The size limit of one file of ``kind``: the per-kind setting, never above the global."""
    overall = int(settings.UPLOAD_MAX_BYTES)
    per_kind = getattr(settings, "UPLOAD_MAX_BYTES_PER_KIND", {}) or {}
    return min(overall, int(per_kind.get(kind, overall)))


def zip_allowance(limit: int) -> int:
    """How much a zip container of at most ``limit`` bytes may expand to."""
    return min(ZIP_MAX_UNCOMPRESSED, max(ZIP_MAX_RATIO * limit, ZIP_MIN_UNCOMPRESSED))


def megabytes(limit: int) -> str:
    """ "20", "1,5" / "1.5", "0,25": the limit in MB, decimal mark of the language."""
    value = max(round(limit / _MIB, 2), 0.01)
    return str(number_format(int(value) if value.is_integer() else value))


def too_large_message(shown: str, limit: int) -> str:
    return _("%(name)s is larger than %(mb)s MB.") % {"name": shown, "mb": megabytes(limit)}


# --------------------------------------------------------------------------- check


def check_upload(
    upload: UploadedFile,
    *,
    kinds: Sequence[str] = DOCUMENT_KINDS,
    max_bytes: int | None = None,
    max_uncompressed: int | None = None,
) -> CheckedUpload:
    """Check one upload against ``kinds`` and describe it, or raise :class:`FileRejected`.

    The upload is read once and rewound, so the caller can save it afterwards.
    """
    name = clean_name(upload.name or "")
    shown = name or _("The file")
    extension = extension_of(name)
    kind = EXTENSIONS.get(extension)
    if kind is None or kind not in kinds:
        raise FileRejected(accepted_message(shown, kinds))
    limit = max_bytes_for(kind) if max_bytes is None else max_bytes
    data, digest = _read(upload, shown, limit)
    _check_content(data, shown, kind, max_uncompressed or zip_allowance(limit))
    return CheckedUpload(
        name=name,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        sha256=digest,
        data=data,
    )


def check_import(upload: UploadedFile, kind: str) -> CheckedUpload:
    """An import file (master-list XLSX, plan DOCX): parsed whole in memory, so it gets
    ``settings.UPLOAD_IMPORT_MAX_BYTES`` and ``UPLOAD_IMPORT_MAX_UNCOMPRESSED``."""
    return check_upload(
        upload,
        kinds=(kind,),
        max_bytes=import_max_bytes(),
        max_uncompressed=int(settings.UPLOAD_IMPORT_MAX_UNCOMPRESSED),
    )


def import_max_bytes() -> int:
    return min(int(settings.UPLOAD_IMPORT_MAX_BYTES), int(settings.UPLOAD_MAX_BYTES))


def check_request_files(uploads: Iterable[UploadedFile | None]) -> None:
    """Refuse a request that carries too many files or too many megabytes in all."""
    present = [u for u in uploads if u is not None]
    most = int(settings.UPLOAD_MAX_FILES_PER_REQUEST)
    if len(present) > most:
        raise FileRejected(
            ngettext(
                "At most %(most)d file can be sent at once; you chose %(count)d.",
                "At most %(most)d files can be sent at once; you chose %(count)d.",
                most,
            )
            % {"most": most, "count": len(present)}
        )
    total_limit = int(settings.UPLOAD_MAX_REQUEST_BYTES)
    total = sum(u.size or 0 for u in present)
    if total > total_limit:
        raise FileRejected(
            _("The files chosen add up to %(total)s MB; at most %(mb)s MB can be sent at once.")
            % {"total": megabytes(total), "mb": megabytes(total_limit)}
        )


def clean_name(name: str) -> str:
    """The base name of an uploaded file, without control characters, ≤ 255 characters.

    Browsers on Windows may send a full path ("C:\\Users\\…\\QT-01.docx").
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    base = base.strip().strip(".").strip()
    if len(base) > MAX_NAME_LENGTH:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            base = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip() + "." + ext
        else:
            base = base[:MAX_NAME_LENGTH]
    return base


def extension_of(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def accepted_message(shown: str, kinds: Sequence[str]) -> str:
    if set(kinds) == {XLSX}:
        return _("%(name)s: only Excel (.xlsx) files are accepted.") % {"name": shown}
    if set(kinds) == {DOCX}:
        return _("%(name)s: only Word (.docx) files are accepted.") % {"name": shown}
    if PNG in kinds:
        return _(
            "%(name)s: only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG files are accepted."
        ) % {"name": shown}
    return _("%(name)s: only PDF, Word (.docx) and Excel (.xlsx) files are accepted.") % {
        "name": shown
    }


def sniff_kind(data: bytes) -> str | None:
    """The kind judged by the content alone, or None."""
    if data.startswith(PDF_MAGIC):
        return PDF
    if data.startswith(PNG_MAGIC):
        return PNG
    if data.startswith(JPEG_MAGIC):
        return JPEG
    if not data.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.lower() for n in archive.namelist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return None
    if _CONTENT_TYPES_PART not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _read(upload: UploadedFile, shown: str, limit: int) -> tuple[bytes, str]:
    declared = upload.size
    if declared is not None and declared > limit:
        raise FileRejected(too_large_message(shown, limit))
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        buffer.write(chunk)
        if buffer.tell() > limit:
            upload.seek(0)
            raise FileRejected(too_large_message(shown, limit))
    upload.seek(0)
    data = buffer.getvalue()
    if not data:
        raise FileRejected(_("%(name)s is empty.") % {"name": shown})
    return data, digest.hexdigest()


def _check_content(data: bytes, shown: str, kind: str, allowance: int) -> None:
    if data.startswith(OLE_MAGIC):
        raise FileRejected(
            _(
                "%(name)s is in the old Word/Excel format or is password-protected; "
                "save it as .docx or .xlsx without a password and upload it again."
            )
            % {"name": shown}
        )
    if kind in (DOCX, XLSX) and data.startswith(ZIP_MAGIC):
        check_zip(data, shown, allowance)  # before anything inside is decompressed
    if sniff_kind(data) != kind:
        raise FileRejected(_("%(name)s: the content does not match its type.") % {"name": shown})
    if kind == PDF:
        _check_pdf(data, shown)


def check_zip(data: bytes, shown: str, allowance: int) -> None:
    """Refuse a zip container that is a bomb, encrypted or macro-enabled.

    Only the central directory is read, plus ``[Content_Types].xml`` once its declared
    size is known to be small.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_zip_sizes(infos, shown, allowance)
            if any(i.flag_bits & 0x1 for i in infos):
                raise FileRejected(_password_message(shown))
            if _has_macros(archive, infos):
                raise FileRejected(
                    _("%(name)s contains macros, which are not accepted.") % {"name": shown}
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise FileRejected(damaged_message(shown)) from exc


def _check_zip_sizes(infos: list[zipfile.ZipInfo], shown: str, allowance: int) -> None:
    too_big = _("%(name)s expands to too much data when opened and was refused.") % {"name": shown}
    if len(infos) > ZIP_MAX_ENTRIES or sum(i.file_size for i in infos) > allowance:
        raise FileRejected(too_big)
    for info in infos:
        if info.file_size > ZIP_ENTRY_RATIO_FLOOR and info.file_size > ZIP_MAX_ENTRY_RATIO * max(
            info.compress_size, 1
        ):
            raise FileRejected(too_big)


def _has_macros(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> bool:
    for info in infos:
        lower = info.filename.lower()
        if lower.endswith(("vbaproject.bin", "vbadata.xml")):
            return True
        if lower == _CONTENT_TYPES_PART and info.file_size <= _MIB:
            types = archive.read(info).lower()
            if any(marker in types for marker in _MACRO_MARKERS):
                return True
    return False


def _check_pdf(data: bytes, shown: str) -> None:
    try:
        open_pdf(data)
    except PdfLocked as exc:
        raise FileRejected(_password_message(shown)) from exc
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        logger.info("Unreadable PDF upload %r: %s", shown, exc)
        raise FileRejected(damaged_message(shown)) from exc


def _password_message(shown: str) -> str:
    return _("%(name)s is password-protected; upload a copy without a password.") % {"name": shown}


def damaged_message(shown: str) -> str:
    return _("%(name)s is damaged and cannot be read.") % {"name": shown}


class PdfLocked(Exception):
    """The PDF needs a password (or a crypto library) to be read."""


def open_pdf(data: bytes) -> Any:
    """A pypdf reader with at least one page; decrypts files with an empty user password."""
    from pypdf import PasswordType, PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise PdfLocked("password needed")
        except PdfLocked:
            raise
        except Exception as exc:  # e.g. AES without a crypto library
            raise PdfLocked(str(exc)) from exc
    if len(reader.pages) < 1:
        raise ValueError("PDF without pages")
    return reader
