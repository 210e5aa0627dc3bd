"""Convert .docx bytes to PDF with headless LibreOffice.

Every conversion runs ``soffice`` in a fresh temporary directory holding the input, the
output and a throw-away LibreOffice user profile (``-env:UserInstallation=file:///tmp/…``),
so concurrent conversions never share a profile or lock each other out, and nothing is left
behind: the directory is removed whatever happens. ``soffice`` runs in its own process
group, which is killed when the timeout expires (LibreOffice forks ``soffice.bin``).

Fonts: the templates ask for Times New Roman; where it is not installed LibreOffice uses the
metric-compatible Liberation Serif (Debian package ``fonts-liberation2``), so line breaks and
page breaks match Word.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

SOFFICE_NAMES = ("soffice", "libreoffice")
STDERR_TAIL = 2000


class PdfConversionError(RuntimeError):
    """The document could not be converted to PDF (message in Vietnamese, then details)."""


def _soffice() -> str | None:
    for name in SOFFICE_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def soffice_available() -> bool:
    """True when a LibreOffice executable (``soffice``/``libreoffice``) is on ``PATH``."""
    return _soffice() is not None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def docx_to_pdf(data: bytes, *, timeout: int = 120) -> bytes:
    """Return the PDF rendering of the .docx ``data``; raise :class:`PdfConversionError`."""
    if not data:
        raise PdfConversionError("Không chuyển được sang PDF: tài liệu rỗng.")
    binary = _soffice()
    if binary is None:
        raise PdfConversionError(
            "Không chuyển được sang PDF: máy chủ chưa cài LibreOffice (không tìm thấy lệnh "
            "soffice/libreoffice)."
        )
    with tempfile.TemporaryDirectory(prefix="eiso-pdf-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(data)
        outdir = work / "out"
        outdir.mkdir()
        profile = work / "profile"
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work)}  # LibreOffice may touch ~/.config etc.
        proc = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            env=env,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise PdfConversionError(
                f"Không chuyển được sang PDF: LibreOffice chạy quá {timeout} giây."
            ) from None
        except BaseException:
            _kill_group(proc)
            raise
        result = outdir / "document.pdf"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            details = (stderr or stdout).decode("utf-8", "replace").strip()[-STDERR_TAIL:]
            raise PdfConversionError(
                "Không chuyển được sang PDF: LibreOffice kết thúc với mã "
                f"{proc.returncode} và không tạo ra tệp PDF. {details}".strip()
            )
        pdf = result.read_bytes()
    if not pdf.startswith(b"%PDF"):
        raise PdfConversionError("Không chuyển được sang PDF: kết quả không phải tệp PDF.")
    return pdf
