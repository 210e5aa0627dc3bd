"""Issue 12 L5: LibreOffice conversions are bounded, killed on timeout, leave nothing
behind and never show their output to users.

A fake converter (``SOFFICE_BINARY`` pointing to a small shell script) stands in for
LibreOffice: it sleeps with a child process, fails with a secret on stderr, or writes a
PDF. The last test runs the real ``soffice`` when it is installed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from qms.reports import pdf as pdf_module
from qms.reports.pdf import PdfBusyError, PdfConversionError, docx_to_pdf, soffice_available

FAKE = r"""#!/bin/sh
outdir=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--outdir" ]; then outdir="$2"; fi
  shift
done
case "$FAKE_MODE" in
  slow) sleep 60 & echo $! > "$FAKE_PIDS"; wait ;;
  fail) echo "Traceback: /srv/eiso/.env SECRET_KEY=hunter2" >&2; exit 77 ;;
  *) printf '%%PDF-1.4 fake' > "$outdir/document.pdf" ;;
esac
"""
SECRET = "hunter2"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def fake(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake converter; returns the file where the slow mode writes its child's pid."""
    script = tmp_path / "fake-soffice"
    script.write_text(FAKE, encoding="utf-8")
    script.chmod(0o755)
    settings.SOFFICE_BINARY = str(script)
    settings.PDF_LOCK_DIR = str(tmp_path / "locks")
    settings.PDF_MAX_CONCURRENT = 2
    settings.PDF_SLOT_WAIT = 0.5
    settings.PDF_TIMEOUT = 30
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids))
    monkeypatch.setenv("FAKE_MODE", "ok")
    return pids


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _work_dirs(folder: Path) -> list[Path]:
    return list(folder.glob(f"{pdf_module.WORK_PREFIX}*"))


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie is dead, only not yet reaped


def test_fake_converter_produces_a_pdf(fake: Path, scratch: Path) -> None:
    assert docx_to_pdf(b"PK\x03\x04").startswith(b"%PDF")
    assert _work_dirs(scratch) == []


def test_timeout_kills_the_process_tree_and_removes_the_work_dir(
    fake: Path, scratch: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "slow")
    settings.PDF_TIMEOUT = 1
    started = time.monotonic()

    with pytest.raises(PdfConversionError, match="longer than 1 seconds") as caught:
        docx_to_pdf(b"PK\x03\x04")

    assert time.monotonic() - started < 10
    assert "sleep" not in str(caught.value)
    child = int(fake.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the converter's child survived the timeout"
    assert _work_dirs(scratch) == []


def test_busy_slots_across_processes_answer_try_again(
    fake: Path, scratch: Path, settings: Any
) -> None:
    settings.PDF_MAX_CONCURRENT = 1
    locks = pdf_module.lock_dir()
    locks.mkdir(parents=True)
    holder = subprocess.Popen(  # noqa: S603 - another worker holding the only slot
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a');"
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
            str(locks / "slot-0.lock"),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        started = time.monotonic()
        with pytest.raises(PdfBusyError, match="Try again in a minute"):
            docx_to_pdf(b"PK\x03\x04")
        waited = time.monotonic() - started
        assert 0.4 <= waited < 3
        assert _work_dirs(scratch) == []  # the converter never started
    finally:
        holder.kill()
        holder.communicate()
    assert docx_to_pdf(b"PK\x03\x04").startswith(b"%PDF")  # the slot is free again


def test_second_slot_is_used_while_one_is_busy(fake: Path, scratch: Path) -> None:
    locks = pdf_module.lock_dir()
    locks.mkdir(parents=True)
    with (locks / "slot-0.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert docx_to_pdf(b"PK\x03\x04").startswith(b"%PDF")


def test_tool_output_is_logged_never_shown(
    fake: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("FAKE_MODE", "fail")
    with (
        caplog.at_level(logging.WARNING, logger="qms.reports.pdf"),
        pytest.raises(PdfConversionError) as caught,
    ):
        docx_to_pdf(b"PK\x03\x04")

    message = str(caught.value)
    assert message.startswith("LibreOffice could not convert the document to PDF.")
    assert SECRET not in message and "77" not in message
    assert SECRET in caplog.text and "77" in caplog.text
    assert _work_dirs(scratch) == []


@pytest.mark.parametrize("slot", [0, 1])
def test_leftovers_of_a_killed_worker_are_reaped_by_the_next_conversion(
    fake: Path, scratch: Path, slot: int
) -> None:
    """Whether the next conversion takes the dead worker's slot (0) or another one (1)."""
    dead_dir = scratch / f"{pdf_module.WORK_PREFIX}dead"
    dead_dir.mkdir()
    orphan = subprocess.Popen(  # noqa: S603 - a converter whose worker was SIGKILLed
        ["/bin/sh", "-c", "sleep 60; :", str(dead_dir / "document.docx")],
        start_new_session=True,
    )
    deadline = time.monotonic() + 5
    while not pdf_module._runs_in(orphan.pid, str(dead_dir)) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the child has exec'd
    locks = pdf_module.lock_dir()
    locks.mkdir(parents=True)
    (locks / f"slot-{slot}.lock").write_text(f"{orphan.pid} {dead_dir}\n", encoding="utf-8")

    assert docx_to_pdf(b"PK\x03\x04").startswith(b"%PDF")

    assert orphan.wait(timeout=5) == -9
    assert not dead_dir.exists()
    assert (locks / f"slot-{slot}.lock").read_text(encoding="utf-8") == ""


def test_stale_work_dirs_older_than_an_hour_are_removed(scratch: Path) -> None:
    old, new = scratch / "eiso-pdf-old", scratch / "eiso-pdf-new"
    for folder in (old, new):
        folder.mkdir()
        (folder / "document.docx").write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))

    assert pdf_module.remove_stale_work_dirs() == 1
    assert not old.exists() and new.exists()


@pytest.mark.skipif(not soffice_available(), reason="LibreOffice is not installed")
def test_real_soffice_is_killed_on_timeout_with_nothing_left(
    scratch: Path, settings: Any, tmp_path: Path
) -> None:
    from qms.reports.nd30 import build_official_docx
    from qms.reports.tests.test_nd30 import seed_plan_data

    settings.PDF_LOCK_DIR = str(tmp_path / "locks")
    # A warm LibreOffice converts this page in under a second: the limit is far below that.
    with pytest.raises(PdfConversionError, match="longer than"):
        docx_to_pdf(build_official_docx(data=seed_plan_data()), timeout=0.1)

    assert _work_dirs(scratch) == []
    time.sleep(0.3)
    leftovers = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(scratch).encode() in cmdline.read_bytes():
                leftovers.append(cmdline.parent.name)
        except OSError:
            continue
    assert [pid for pid in leftovers if _alive(int(pid))] == []


def test_unusable_lock_dir_gives_the_generic_message(
    fake: Path, scratch: Path, settings: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    settings.PDF_LOCK_DIR = str(blocker / "locks")

    with pytest.raises(PdfConversionError, match="could not convert"):
        docx_to_pdf(b"PK\x03\x04")
    assert _work_dirs(scratch) == []
