"""Internal audit (ISO 9001:2015 clause 9.2): programme, audits, team, checklists, findings.

An agency's ``Programme`` of a year (Chương trình đánh giá nội bộ) lists its ``Audit``\\ s
(Kế hoạch đánh giá nội bộ, one per audited unit or group of units). An audit has a team
(``AuditTeamMember``, one lead auditor), time slots (``AuditSlot``), a checklist
(``ChecklistItem``: clause library, the committee's questions, the steps and records of
the audited unit's procedures in force) and ``Finding``\\ s; a nonconformity found raises
an NC record of ``qms.nonconformities`` that links back to the finding.

Statuses:

* programme: draft → approved (by leadership) → closed;
* audit: planned → notified (plan sent to the team and the unit) → in progress →
  done (checklist finished) → reported (report approved by the lead auditor and sent to
  leadership);
* finding: draft (the team's working copy, not shown to the unit) → issued (shown to the
  audited unit) → acknowledged (by the auditee).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.core.models import IssuedNumber, OrgUnit


class AuditSettings(models.Model):
    """Per agency: what happens when an auditor is not independent of what they audit."""

    class Independence(models.TextChoices):
        REFUSE = "refuse", _("Refuse the auditor")
        WARN = "warn", _("Warn and record a reason")

    agency = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    independence = models.CharField(
        _("auditor not independent"),
        max_length=6,
        choices=Independence.choices,
        default=Independence.REFUSE,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("audit settings")
        verbose_name_plural = _("audit settings")

    def __str__(self) -> str:
        return f"{self.agency}: {self.independence}"


class Auditor(models.Model):
    """The auditor register (Danh sách chuyên gia đánh giá nội bộ): who is qualified."""

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="auditor_entries",
    )
    certificate = models.CharField(_("training certificate"), max_length=255, blank=True)
    certificate_no = models.CharField(_("certificate no."), max_length=80, blank=True)
    trained_by = models.CharField(_("trained by"), max_length=255, blank=True)
    trained_on = models.DateField(_("certificate date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("internal auditor")
        verbose_name_plural = _("internal auditors")
        ordering = ["agency", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                "agency",
                "user",
                condition=Q(archived_at__isnull=True),
                name="audits_auditor_once_per_agency",
                violation_error_message=_("This person is already in the auditor register."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Programme(models.Model):
    """Chương trình đánh giá nội bộ: the audits of an agency's year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        CLOSED = "closed", pgettext_lazy("programme", "Closed")

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=500)
    objective = models.TextField(_("purpose"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    # ISO 9001:2015 clause numbers ("4.1", "7.5" …) of the clause library.
    clauses = models.JSONField(_("ISO 9001:2015 clauses"), default=list, blank=True)
    procedures = models.ManyToManyField(
        "documents.Document", verbose_name=_("procedures"), blank=True, related_name="+"
    )
    legal_criteria = models.TextField(_("legal requirements"), blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    # Task 6 of the yearly plan (Đánh giá nội bộ): its window gives the default dates and
    # its page shows the programme's progress.
    plan_task = models.OneToOneField(
        "planning.PlanTask",
        verbose_name=_("plan task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_programme",
    )
    # Task 7 (Khắc phục sau đánh giá nội bộ): shows the count of this programme's NCs open,
    # awaiting verification and closed; its reminders chase the owners of open actions.
    action_task = models.OneToOneField(
        "planning.PlanTask",
        verbose_name=_("corrective-action task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_programme_actions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        ordering = ["agency", "-year"]
        indexes = [models.Index("agency", "year", name="audits_programme_agency_year")]
        constraints = [
            models.UniqueConstraint(
                "agency",
                "year",
                condition=Q(archived_at__isnull=True),
                name="audits_programme_one_per_year",
                violation_error_message=_("The agency already has an audit programme this year."),
            ),
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")),
                name="audits_programme_start_before_end",
                violation_error_message=_("The programme starts before it ends."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_by__isnull=False),
                name="audits_programme_approved_by_someone",
                violation_error_message=_("An approved programme was approved by leadership."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Audit(models.Model):
    """One audit of the programme: its plan (Kế hoạch đánh giá), conduct and report."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        NOTIFIED = "notified", _("Plan sent")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Audited")
        REPORTED = "reported", _("Reported")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="audits")
    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    # Position in the programme (Cuộc đánh giá số 1, 2 …).
    sequence = models.PositiveSmallIntegerField(_("no."))
    title = models.CharField(_("title"), max_length=500)
    units = models.ManyToManyField(OrgUnit, verbose_name=_("audited units"), related_name="audits")
    procedures = models.ManyToManyField(
        "documents.Document",
        verbose_name=_("processes and procedures"),
        blank=True,
        related_name="audits",
    )
    scope = models.TextField(_("scope"), blank=True)
    clauses = models.JSONField(_("ISO 9001:2015 clauses"), default=list, blank=True)
    criteria = models.TextField(_("criteria"), blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead auditor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    auditees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("auditees"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    # The plan's number in the agency's register (…/KH-…), taken when it is sent.
    issued_number = models.OneToOneField(
        IssuedNumber, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    # The report (Báo cáo đánh giá nội bộ).
    opening_notes = models.TextField(_("opening meeting"), blank=True)
    closing_notes = models.TextField(_("closing meeting"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    report_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_approved_at = models.DateTimeField(null=True, blank=True)
    report_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")
        ordering = ["programme", "sequence"]
        indexes = [models.Index("agency", "status", name="audits_audit_agency_status")]
        constraints = [
            models.UniqueConstraint("programme", "sequence", name="audits_audit_unique_sequence"),
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")),
                name="audits_audit_start_before_end",
                violation_error_message=_("The audit starts before it ends."),
            ),
            models.CheckConstraint(
                condition=~Q(status="reported") | Q(report_approved_by__isnull=False),
                name="audits_audit_reported_after_approval",
                violation_error_message=_("A report is sent once the lead auditor approved it."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AuditTeamMember(models.Model):
    """A member of an audit's team; ``reason`` records why a warned conflict was accepted."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead auditor")
        AUDITOR = "auditor", _("Auditor")
        OBSERVER = "observer", _("Observer")

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="audit_teams",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.AUDITOR)
    # Filled when the agency's setting is "warn" and the auditor is not independent.
    independence_reason = models.TextField(
        _("reason accepted although not independent"), blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit team member")
        verbose_name_plural = _("audit team members")
        ordering = ["audit", "role", "id"]
        constraints = [
            models.UniqueConstraint("audit", "user", name="audits_team_member_once"),
            models.UniqueConstraint(
                "audit",
                condition=Q(role="lead"),
                name="audits_team_one_lead",
                violation_error_message=_("An audit has one lead auditor."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit}: {self.user}"


class AuditSlot(models.Model):
    """A time slot of the audit's plan: when, which unit, what is audited, by whom."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="slots")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activity = models.CharField(_("activity"), max_length=500)
    auditors = models.CharField(_("auditors"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("audit time slot")
        verbose_name_plural = _("audit time slots")
        ordering = ["audit", "date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")),
                name="audits_slot_start_before_end",
                violation_error_message=_("A time slot starts before it ends."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start_time}–{self.end_time} {self.activity}"


class Question(models.Model):
    """A question of the ISO committee's own bank, under a clause of the library."""

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    clause = models.CharField(_("clause"), max_length=10)
    text = models.TextField(_("question"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        ordering = ["agency", "clause", "id"]

    def __str__(self) -> str:
        return f"{self.clause} {self.text[:60]}"


class ChecklistItem(models.Model):
    """One question of an audit's checklist (Phiếu kiểm tra) and its answer."""

    class Origin(models.TextChoices):
        CLAUSE = "clause", _("Clause library")
        BANK = "bank", _("Committee's question")
        STEP = "step", _("Procedure step")
        RECORD = "record", _("Record to keep")
        COPIED = "copied", _("Copied from the last audit")
        CUSTOM = "custom", _("Added for this audit")

    class Answer(models.TextChoices):
        PENDING = "", _("Not answered")
        CONFORM = "conform", _("Conforms")
        OBSERVATION = "observation", _("Observation")
        IMPROVEMENT = "improvement", _("Opportunity for improvement")
        NONCONFORM = "nonconform", _("Nonconformity")
        NOT_APPLICABLE = "na", _("Not applicable")

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="checklist")
    position = models.PositiveIntegerField(_("no."))
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clause = models.CharField(_("clause"), max_length=10, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_no = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    question = models.TextField(_("question"))
    answer = models.CharField(
        _("answer"), max_length=12, choices=Answer.choices, default=Answer.PENDING, blank=True
    )
    note = models.TextField(_("evidence seen"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every saved answer: a stale save from a flaky connection is detected.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint("audit", "position", name="audits_checklist_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.question[:60]}"


class Finding(models.Model):
    """Phát hiện đánh giá: what the team found, by kind, clause and procedure."""

    class Kind(models.TextChoices):
        CONFORMITY = "conformity", _("Conformity")
        OBSERVATION = "observation", _("Observation")
        IMPROVEMENT = "improvement", _("Opportunity for improvement")
        NONCONFORMITY = "nonconformity", _("Nonconformity")

    class Severity(models.TextChoices):
        NONE = "", "—"
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued to the unit")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("audited unit"), on_delete=models.PROTECT, related_name="+"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    severity = models.CharField(
        _("severity"), max_length=5, choices=Severity.choices, default=Severity.NONE, blank=True
    )
    clause = models.CharField(_("clause"), max_length=10, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("finding"))
    evidence = models.TextField(_("objective evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    auditee_comment = models.TextField(_("auditee's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "id"]
        indexes = [
            models.Index("agency", "kind", name="audits_finding_agency_kind"),
            models.Index("unit", "clause", name="audits_finding_unit_clause"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="nonconformity") & ~Q(severity=""))
                | (~Q(kind="nonconformity") & Q(severity="")),
                name="audits_finding_severity_for_nc",
                violation_error_message=_("A nonconformity is major or minor; nothing else is."),
            ),
            models.CheckConstraint(
                condition=~Q(status="acknowledged") | Q(acknowledged_by__isnull=False),
                name="audits_finding_acknowledged_by_someone",
                violation_error_message=_("An acknowledged finding names who acknowledged it."),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Evidence(models.Model):
    """A photo or file attached to a checklist answer or a finding (checked by core.uploads)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="evidence")
    checklist_item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_files"
    )
    file = models.FileField(upload_to="audits/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["audit", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(checklist_item__isnull=False) | Q(finding__isnull=False),
                name="audits_evidence_attached",
                violation_error_message=_("Evidence belongs to an answer or a finding."),
            ),
        ]

    def __str__(self) -> str:
        return self.file_name
