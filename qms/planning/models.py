"""The yearly QMS plan (Kế hoạch duy trì, cải tiến HTQLCL) and its tasks."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms.core.models import OfficialDocumentHeader, OrgUnit

if TYPE_CHECKING:
    from qms.accounts.models import User


class TimingKind(models.TextChoices):
    """How a task's timing text was understood (values match qms.planning.timing)."""

    DEADLINE = "deadline", _("Deadline")
    WINDOW = "window", _("Window")
    CONTINUOUS = "continuous", _("Continuous")
    PER_REGULATION = "per_regulation", _("Per regulation")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    SCHOOL_YEAR = "school_year", _("School year")
    RECURRING = "recurring", _("Recurring")
    UNPARSED = "unparsed", _("Not understood — set dates")


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: User) -> PlanQuerySet:
        from qms.accounts import permissions

        return self.filter(permissions.agency_scope_q_for_reading(user, "planning.view_plan"))

    def active(self) -> PlanQuerySet:
        return self.filter(archived_at__isnull=True)


class Plan(OfficialDocumentHeader):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        ISSUED = "issued", _("Issued")
        CLOSED = "closed", _("Closed")

    agency = models.ForeignKey(
        OrgUnit,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"kind": OrgUnit.Kind.AGENCY},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    # The header (OfficialDocumentHeader) is frozen at issue: later renames of the agency
    # do not change an issued plan.
    doc_type = models.CharField(_("document type"), max_length=10, default="KH")
    issued_number = models.OneToOneField(
        "core.IssuedNumber", null=True, blank=True, on_delete=models.PROTECT, related_name="plan"
    )
    title = models.TextField(_("subject (trích yếu)"))
    intro = models.TextField(_("introductory sentence"), blank=True)
    closing = models.TextField(_("closing paragraph"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    recipients = models.JSONField(_("recipients (Nơi nhận)"), default=list, blank=True)
    signer_line_verbatim = models.CharField(
        _("signing line as issued"),
        max_length=120,
        blank=True,
        help_text=_("Only for plans registered from paper, e.g. 'KT GIÁM ĐỐC' without the dot."),
    )
    appendix_title = models.CharField(
        _("appendix title"), max_length=255, default="PHỤ LỤC", blank=True
    )
    appendix_subtitle = models.CharField(_("appendix subtitle"), max_length=500, blank=True)
    appendix_note = models.CharField(_("appendix note"), max_length=500, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("comment when returned"), blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "agency__name", "-id"]
        indexes = [models.Index(fields=["agency", "year"], name="plan_agency_year_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"],
                condition=~Q(number=""),
                name="planning_plan_unique_number",
                violation_error_message=_("Another plan of this agency has this number."),
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"{self.number} ({self.year})"
        return f"{_('Draft plan')} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT}

    @property
    def signing_line(self) -> str:
        return self.signer_line_verbatim or super().signing_line


class PlanBasis(models.Model):
    """A legal basis (căn cứ) of the plan, in order.

    "Thực hiện" introduces a plan it implements, "Căn cứ" a legal basis. A basis that
    ``continues_previous`` shares the previous paragraph ("Thực hiện A; B,").
    """

    class Verb(models.TextChoices):
        IMPLEMENTING = "Thực hiện", "Thực hiện"
        BASED_ON = "Căn cứ", "Căn cứ"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bases")
    order = models.PositiveSmallIntegerField(_("order"))
    verb = models.CharField(_("introduced by"), max_length=20, choices=Verb.choices)
    continues_previous = models.BooleanField(_("same paragraph as the previous"), default=False)
    doc_kind = models.CharField(_("document type"), max_length=60, blank=True)
    doc_number = models.CharField(_("number and symbol"), max_length=80, blank=True)
    doc_date = models.DateField(_("date"), null=True, blank=True)
    doc_issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.verb} {self.text[:60]}"


class PlanSection(models.Model):
    """A numbered section of the plan body ("I. MỤC ĐÍCH, YÊU CẦU").

    ``body`` holds its paragraphs, one per line; a line that starts a numbered
    item for a recipient group ("1. Các phòng thuộc Sở") and is followed by text is
    marked as a heading with a leading "## ".
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"))
    heading = models.CharField(_("heading"), max_length=255)
    body = models.TextField(_("content"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.heading

    def paragraphs(self) -> list[tuple[str, bool]]:
        out = []
        for line in self.body.splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith("## "):
                out.append((line[3:].strip(), True))
            else:
                out.append((line, False))
        return out


class PlanRevision(models.Model):
    """An amendment of an issued plan: the reason and the plan as it was before."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveSmallIntegerField(_("revision"))
    reason = models.TextField(_("reason for amendment"))
    snapshot = models.JSONField(_("plan before amendment"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        ordering = ["plan", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "revision"], name="planning_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.revision}"


def overdue_q(today: datetime.date) -> models.Q:
    """The rule of ``PlanTask.is_overdue`` as a filter on tasks (open, dated before today,
    neither continuous nor recurring): usable inside one query's aggregates, no subquery."""
    return (
        ~models.Q(status__in=PlanTask.CLOSED_STATUSES)
        & models.Q(due_date__lt=today)
        & ~models.Q(timing_kind__in=[TimingKind.CONTINUOUS, TimingKind.RECURRING])
    )


class PlanTaskQuerySet(models.QuerySet["PlanTask"]):
    def visible_to(self, user: User) -> PlanTaskQuerySet:
        from qms.accounts import permissions

        return self.filter(
            permissions.agency_scope_q_for_reading(user, "planning.view_plan", "plan__agency")
        )

    def open(self) -> PlanTaskQuerySet:
        return self.exclude(status__in=PlanTask.CLOSED_STATUSES)

    def overdue(self, today: datetime.date) -> PlanTaskQuerySet:
        return self.filter(overdue_q(today))

    def due_within(self, today: datetime.date, days: int) -> PlanTaskQuerySet:
        return self.open().filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days)
        )

    def for_units(self, units: models.QuerySet[OrgUnit] | list[OrgUnit]) -> PlanTaskQuerySet:
        return self.filter(lead_units__in=units).distinct()


class PlanTask(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE_REPORTED = "done_reported", _("Reported done")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("no."))
    content = models.TextField(_("content"))
    lead_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("lead units"), related_name="led_tasks", blank=True
    )
    partner_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("partner units"), related_name="partner_tasks", blank=True
    )
    lead_text = models.CharField(_("lead (as written)"), max_length=255, blank=True)
    partner_text = models.CharField(_("partners (as written)"), max_length=255, blank=True)
    timing_text = models.CharField(_("timing (as written)"), max_length=255)
    timing_kind = models.CharField(
        _("timing kind"), max_length=20, choices=TimingKind.choices, default=TimingKind.UNPARSED
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    review_cadence_months = models.PositiveSmallIntegerField(
        _("review every (months)"), null=True, blank=True
    )
    regulation_key = models.SlugField(
        _("regulation rule"),
        max_length=50,
        blank=True,
        help_text=_("For 'Theo quy định': the key of the deadline rule that sets the date."),
    )
    timing_flagged = models.BooleanField(
        _("dates need checking"),
        default=False,
        help_text=_("The timing text could not be read; a person must set the dates."),
    )
    depends_on = models.ManyToManyField(
        "self",
        verbose_name=_("depends on"),
        symmetrical=False,
        blank=True,
        related_name="dependants",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    reported_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_done_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = PlanTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "number"]
        indexes = [
            # Dashboard and reminders: open tasks by due date.
            models.Index(fields=["status", "due_date"], name="task_status_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planning_task_unique_number"),
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="planning_task_percent_max",
                violation_error_message=_("Progress cannot exceed 100%."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(start_date__lte=models.F("due_date")),
                name="planning_task_start_before_due",
                violation_error_message=_("The start date must not be after the due date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.content[:80]}"

    @property
    def is_continuous(self) -> bool:
        return self.timing_kind in {TimingKind.CONTINUOUS, TimingKind.RECURRING}

    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    def is_overdue(self, today: datetime.date) -> bool:
        """Continuous tasks ("Thường xuyên") are never overdue as a whole."""
        return (
            self.is_open()
            and not self.is_continuous
            and self.due_date is not None
            and self.due_date < today
        )

    def display_status(self, today: datetime.date) -> str:
        return "overdue" if self.is_overdue(today) else self.status


class ProgressUpdate(models.Model):
    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    comment = models.TextField(_("comment"))
    status_after = models.CharField(_("status"), max_length=16, choices=PlanTask.Status.choices)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["task", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} — {self.percent}%"


class Evidence(models.Model):
    """A file attached to a progress update; stored privately, served through a view."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["update", "id"]

    def __str__(self) -> str:
        return self.original_name
