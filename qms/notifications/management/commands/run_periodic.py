"""One pass of eISO's periodic work; run it every few minutes from cron or a timer."""

from __future__ import annotations

import datetime
import signal
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qms.notifications.periodic import failed_phases, run_pass


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = (
        "Compute due reminders, escalations, digests and weekly summaries, then send what "
        "is pending. Safe to run often and safe when two copies overlap. Exits with 1 "
        "when a phase failed (the other phases still ran)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="Repeat every SECONDS until interrupted (for development).",
        )
        parser.add_argument(
            "--now",
            help="Pretend it is this local time, e.g. 2026-03-09T08:00 (for testing).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["now"]:
            try:
                naive = datetime.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from exc
            now = timezone.make_aware(naive) if timezone.is_naive(naive) else naive
        # SIGTERM (systemd stop, a deploy) raises SystemExit: the pass then gives back the
        # rows it claimed but did not try, instead of leaving them for the stale reaper.
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            self._run(now, options["loop"])
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _run(self, now: datetime.datetime | None, loop: int | None) -> None:
        while True:
            stats = run_pass(now)
            summary = ", ".join(f"{k}={v}" for k, v in sorted(stats.items()) if v)
            stamp = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"{stamp} run_periodic: {summary or 'nothing to do'}")
            failed = failed_phases(stats)
            if failed:
                self.stderr.write(f"run_periodic: failed phases: {', '.join(failed)} (see log)")
            if not loop:
                if failed:
                    sys.exit(1)
                break
            time.sleep(loop)
