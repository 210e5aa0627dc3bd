"""Dating what the demo replays: the services stamp every row "now"; the demo then dates
each step on the day it happened (the 2022 history, or a few days before the day the demo
is loaded), so that on-time indicators, timelines and the audit log read as lived."""

from __future__ import annotations

import datetime
import io
import zoneinfo

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import QuerySet

from qms.audittrail.models import LogEntry
from qms.notifications.models import Notification
from qms.planning.models import Evidence, Plan, PlanTask, ProgressUpdate

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def next_working_day(day: datetime.date) -> datetime.date:
    """The next Monday-to-Friday day after ``day`` (holidays aside: a demo approximation)."""
    day += datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _log_rows(model: type[models.Model], pks: list[int]) -> QuerySet[LogEntry]:
    ct = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=ct, object_id__in=[str(pk) for pk in pks])


def date_task(
    task: PlanTask,
    *,
    since: datetime.datetime,
    progress_on: datetime.date,
    confirmed_on: datetime.date | None = None,
) -> None:
    """Date what was written on ``task`` since ``since``: its progress updates, evidence,
    log entries and notifications on ``progress_on`` (16:00) and, when done, its
    confirmation on ``confirmed_on`` (09:00); completed_on is the day it was reported
    done, as ``task_confirm`` records it."""
    reported = at(progress_on, 16)
    updates = list(
        ProgressUpdate.objects.filter(task=task, created_at__gte=since).values_list("pk", flat=True)
    )
    ProgressUpdate.objects.filter(pk__in=updates).update(created_at=reported)
    evidence = list(Evidence.objects.filter(update__in=updates).values_list("pk", flat=True))
    _log_rows(ProgressUpdate, updates).update(created_at=reported)
    _log_rows(Evidence, evidence).update(created_at=reported)
    task_logs = LogEntry.objects.for_object(task).filter(created_at__gte=since)
    task_logs.exclude(action="planning.task.confirmed").update(created_at=reported)
    Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(PlanTask),
        object_id=task.pk,
        created_at__gte=since,
    ).update(created_at=reported)
    if confirmed_on is None:
        return
    confirmed = at(confirmed_on, 9)
    task_logs.filter(action="planning.task.confirmed").update(created_at=confirmed)
    PlanTask.objects.filter(pk=task.pk).update(
        reported_done_at=reported, confirmed_at=confirmed, completed_on=progress_on
    )


def evidence_file(name: str, lines: list[str]) -> SimpleUploadedFile:
    """A small Word file (a minute, a report) attached as a task's evidence."""
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(
        name,
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def date_object(obj: models.Model, *, since: datetime.datetime, moment: datetime.datetime) -> None:
    """Date the log entries and notifications written about ``obj`` since ``since``."""
    LogEntry.objects.for_object(obj).filter(created_at__gte=since).update(created_at=moment)
    Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        created_at__gte=since,
    ).update(created_at=moment)


def date_plan_notifications(
    plan: Plan, *, since: datetime.datetime, moment: datetime.datetime
) -> None:
    """Date what issuing ``plan`` notified since ``since`` (the plan, its tasks assigned)."""
    tasks = list(plan.tasks.values_list("pk", flat=True))
    fresh = Notification.objects.filter(created_at__gte=since)
    fresh.filter(content_type=ContentType.objects.get_for_model(Plan), object_id=plan.pk).update(
        created_at=moment
    )
    fresh.filter(
        content_type=ContentType.objects.get_for_model(PlanTask), object_id__in=tasks
    ).update(created_at=moment)
