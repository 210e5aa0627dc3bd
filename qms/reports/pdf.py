"""Convert .docx bytes to PDF with headless LibreOffice, bounded and always cleaned up.

LibreOffice runs inside the web request, so a conversion is fenced in four ways:

* **At most ``PDF_MAX_CONCURRENT`` at once** across every worker process of the host: a
  conversion holds one of N ``fcntl`` lock files in ``PDF_LOCK_DIR``. When all are taken
  it waits up to ``PDF_SLOT_WAIT`` seconds, then tells the user to try again
  (:class:`PdfBusyError`). The kernel drops a lock when its process dies, so a killed
  worker never keeps a slot.
* **A timeout below the web worker's** (``PDF_TIMEOUT``, default 60 s; gunicorn's
  ``--timeout`` must exceed ``PDF_SLOT_WAIT + PDF_TIMEOUT`` plus the rendering, e.g. 90 s):
  ``soffice`` runs in its own session and process group, and the whole group (LibreOffice
  forks ``soffice.bin``) is killed on timeout or on any error.
* **Nothing left behind**: each conversion works in a fresh ``eiso-pdf-*`` directory
  (input, output and a throw-away LibreOffice profile, so concurrent runs never share a
  profile), removed in ``finally``. A worker killed mid-conversion cannot run that: its
  slot file names the process group and directory, and the next conversion finding the
  slot free kills the group and removes the directory; ``eiso-pdf-*`` directories older than
  an hour are removed as well.
* **No tool output for users**: LibreOffice's stdout/stderr go to the log; the user gets
  a short translated message.

Fonts: the templates ask for Times New Roman; where it is not installed LibreOffice uses the
metric-compatible Liberation Serif (Debian package ``fonts-liberation2``), so line breaks and
page breaks match Word.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SOFFICE_NAMES: Final = ("soffice", "libreoffice")
WORK_PREFIX: Final = "eiso-pdf-"
STALE_SECONDS: Final = 3600
OUTPUT_TAIL: Final = 2000


class PdfConversionError(RuntimeError):
    """The document could not be converted to PDF; the message is for users."""


class PdfBusyError(PdfConversionError):
    """Every conversion slot stayed busy for ``PDF_SLOT_WAIT`` seconds."""


def _soffice() -> str | None:
    configured = getattr(settings, "SOFFICE_BINARY", "")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in SOFFICE_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def soffice_available() -> bool:
    """True when ``SOFFICE_BINARY`` or ``soffice``/``libreoffice`` on ``PATH`` can run."""
    return _soffice() is not None


def _failed() -> PdfConversionError:
    return PdfConversionError(
        _("LibreOffice could not convert the document to PDF. Try again later or download DOCX.")
    )


def docx_to_pdf(data: bytes, *, timeout: float | None = None) -> bytes:
    """Return the PDF rendering of the .docx ``data``; raise :class:`PdfConversionError`."""
    if not data:
        raise PdfConversionError(_("The document to convert to PDF is empty."))
    binary = _soffice()
    if binary is None:
        raise PdfConversionError(_("PDF export needs LibreOffice on the server; download DOCX."))
    limit = settings.PDF_TIMEOUT if timeout is None else timeout
    remove_stale_work_dirs()
    with _slot() as slot:
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX))
        try:
            pdf = _convert(binary, data, work, limit, slot)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not pdf.startswith(b"%PDF"):
        logger.warning("LibreOffice wrote a file that is not a PDF (%d bytes).", len(pdf))
        raise _failed()
    return pdf


def _convert(binary: str, data: bytes, work: Path, limit: float, slot: IO[str]) -> bytes:
    source = work / "document.docx"
    source.write_bytes(data)
    outdir = work / "out"
    outdir.mkdir()
    command = [
        binary,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        *("--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault"),
        *("--nologo", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir)),
        str(source),
    ]
    proc = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=work,
        env={**os.environ, "HOME": str(work)},  # LibreOffice may touch ~/.config etc.
        start_new_session=True,
    )
    _record(slot, proc.pid, work)
    try:
        output, _err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        logger.warning("LibreOffice stopped after %s s (process group %d).", limit, proc.pid)
        raise PdfConversionError(
            _(
                "The PDF conversion took longer than %(seconds)s seconds and was stopped. "
                "Try again later or download DOCX."
            )
            % {"seconds": f"{limit:g}"}
        ) from None
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        _record(slot, None, None)
    result = outdir / "document.pdf"
    if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
        tail = (output or b"").decode("utf-8", "replace").strip()[-OUTPUT_TAIL:]
        logger.warning("LibreOffice exited with %s and no PDF: %s", proc.returncode, tail)
        raise _failed()
    return result.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode is None:
        proc.communicate()


# ---------------------------------------------------------------- slots


def lock_dir() -> Path:
    configured = getattr(settings, "PDF_LOCK_DIR", "")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "eiso-pdflocks"


@contextlib.contextmanager
def _slot() -> Iterator[IO[str]]:
    """Hold one of ``PDF_MAX_CONCURRENT`` host-wide lock files, or raise PdfBusyError."""
    folder = lock_dir()
    deadline = time.monotonic() + settings.PDF_SLOT_WAIT
    handle = _take_free_slot(folder)
    while handle is None:
        if time.monotonic() >= deadline:
            logger.warning("All %d PDF conversion slots are busy.", settings.PDF_MAX_CONCURRENT)
            raise PdfBusyError(
                _(
                    "Too many PDF conversions are running at the moment. Try again in a "
                    "minute or download DOCX."
                )
            )
        time.sleep(0.2)
        handle = _take_free_slot(folder)
    try:
        yield handle
    finally:
        handle.close()  # releases the lock


def _take_free_slot(folder: Path) -> IO[str] | None:
    """Lock the first free slot; clear what dead holders left in every free slot."""
    taken = None
    for index in range(max(1, settings.PDF_MAX_CONCURRENT)):
        handle = _open_slot(folder, index)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _reap(handle)
        if taken is None:
            taken = handle
        else:
            handle.close()
    return taken


def _open_slot(folder: Path, index: int) -> IO[str]:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return (folder / f"slot-{index}.lock").open("a+", encoding="utf-8", errors="replace")
    except OSError:
        logger.exception("PDF_LOCK_DIR %s cannot hold the conversion slots.", folder)
        raise _failed() from None


def _record(handle: IO[str], pid: int | None, work: Path | None) -> None:
    handle.seek(0)
    handle.truncate()
    if pid is not None:
        handle.write(f"{pid} {work}\n")
    handle.flush()


def _reap(handle: IO[str]) -> None:
    """Kill what a dead holder of this slot left running and remove its directory."""
    handle.seek(0)
    pid_text, _space, folder = handle.read().strip().partition(" ")
    if not pid_text.isdigit() or not folder:
        return
    pid = int(pid_text)
    if _runs_in(pid, folder):
        logger.warning("Killing LibreOffice left by a dead worker (process group %d).", pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    if Path(folder).name.startswith(WORK_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)
    _record(handle, None, None)


def _runs_in(pid: int, folder: str) -> bool:
    """Is ``pid`` still our converter (its command line names its work directory)?"""
    try:
        return folder.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def remove_stale_work_dirs(max_age: float = STALE_SECONDS) -> int:
    """Remove ``eiso-pdf-*`` directories older than ``max_age`` seconds; how many."""
    cutoff = time.time() - max_age
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
    return removed
