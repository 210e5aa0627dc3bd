"""Nonconformity and corrective action (ISO 9001:2015 clause 10.2).

A ``Nonconformity`` (NC record, Phiếu theo dõi sự không phù hợp) is raised from any record
through the sources registry (``qms.nonconformities.sources``: an audit finding, an
overdue plan task, an objective not achieved, a document review overdue …) or directly.
It is numbered per agency and year, has a correction (the immediate fix), a cause
analysis (5 whys and/or a fishbone of the 6 M), ``CorrectiveAction``\\ s with owners and
deadlines, and a ``Verification`` of effectiveness by someone other than the owner.

States: open → analysed → actions planned → in progress → awaiting verification → closed;
a verification that finds the actions not effective reopens the NC (back to analysed,
``reopened_count`` + 1). The gates hold in the service and in the database:

* no "actions planned" (or later) without a root cause;
* no "awaiting verification" or "closed" while an action is open (``actions_open``, kept
  by the service under a row lock, must be 0, and there is at least one action);
* no "closed" without a verification by a person other than the NC's owner.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.core.models import OrgUnit

AFTER_ANALYSIS = ["planned", "in_progress", "awaiting_verification", "closed"]


class NCSettings(models.Model):
    """Per agency: how long after the last action the effectiveness can be verified."""

    agency = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    verification_delay_days = models.PositiveSmallIntegerField(
        _("days between the last action done and the verification"), default=30
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nonconformity settings")
        verbose_name_plural = _("nonconformity settings")

    def __str__(self) -> str:
        return f"{self.agency}: {self.verification_delay_days}"


class NCCounter(models.Model):
    """The last serial of an agency's NC records in a year (bumped under a row lock)."""

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint("agency", "year", name="nonconformities_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}: {self.last}"


class Nonconformity(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("nonconformity", "Open")
        ANALYSED = "analysed", _("Cause analysed")
        PLANNED = "planned", _("Actions planned")
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
        CLOSED = "closed", pgettext_lazy("nonconformity", "Closed")

    class Severity(models.TextChoices):
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")

    class CauseMethod(models.TextChoices):
        FIVE_WHYS = "five_whys", _("5 whys")
        FISHBONE = "fishbone", _("Fishbone (6 M)")
        BOTH = "both", _("5 whys and fishbone")

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("number"), max_length=40)
    # Where it was raised from: a key of the sources registry and the record it names.
    source_key = models.CharField(_("source"), max_length=60, blank=True)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("raised from"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"))
    clause = models.CharField(_("clause"), max_length=10, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit responsible"),
        on_delete=models.PROTECT,
        related_name="nonconformities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    severity = models.CharField(
        _("severity"), max_length=5, choices=Severity.choices, default=Severity.MINOR
    )
    status = models.CharField(
        _("status"), max_length=22, choices=Status.choices, default=Status.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    # Correction (Khắc phục tức thời).
    correction = models.TextField(_("correction (immediate fix)"), blank=True)
    correction_on = models.DateField(_("corrected on"), null=True, blank=True)
    # Cause analysis.
    cause_method = models.CharField(
        _("method"), max_length=10, choices=CauseMethod.choices, blank=True
    )
    whys = models.JSONField(_("5 whys"), default=list, blank=True)
    # {"man": [...], "machine": [...], "method": [...], "material": [...],
    #  "measurement": [...], "environment": [...]}
    fishbone = models.JSONField(_("fishbone"), default=dict, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    analysed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    planned_at = models.DateTimeField(_("actions planned at"), null=True, blank=True)
    # Kept by the service under a row lock: the gates read them in the database.
    actions_total = models.PositiveSmallIntegerField(_("actions"), default=0, editable=False)
    actions_open = models.PositiveSmallIntegerField(_("actions open"), default=0, editable=False)
    actions_done_on = models.DateField(_("last action done on"), null=True, blank=True)
    # The verification that closed it (the history is in Verification).
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(
        _("times reopened"), default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["agency", "-year", "-serial"]
        indexes = [
            models.Index("agency", "year", "status", name="nc_agency_year_status"),
            models.Index("unit", "status", name="nc_unit_status"),
            models.Index("source_type", "source_id", name="nc_source"),
        ]
        constraints = [
            models.UniqueConstraint("agency", "year", "serial", name="nc_unique_serial"),
            models.CheckConstraint(
                condition=~Q(status__in=AFTER_ANALYSIS) | ~Q(root_cause=""),
                name="nc_cause_before_actions",
                violation_error_message=_("Actions are planned once the cause is analysed."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=AFTER_ANALYSIS)
                | (Q(actions_total__gt=0) & Q(actions_open__lte=F("actions_total"))),
                name="nc_actions_when_planned",
                violation_error_message=_("Planned actions need at least one action."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["awaiting_verification", "closed"]) | Q(actions_open=0),
                name="nc_actions_done_before_verification",
                violation_error_message=_("Every action is done before the verification."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (
                    Q(verified_by__isnull=False)
                    & Q(closed_at__isnull=False)
                    & (Q(owner__isnull=True) | ~Q(verified_by=F("owner")))
                ),
                name="nc_closed_after_independent_verification",
                violation_error_message=_(
                    "A nonconformity is closed after a verification by another person."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CorrectiveAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("action", "Open")
        DONE = "done", pgettext_lazy("action", "Done")
        CANCELLED = "cancelled", pgettext_lazy("action", "Cancelled")

    nc = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.TextField(_("what was done"), blank=True)
    # Optionally turned into a task of the yearly plan.
    plan_task = models.OneToOneField(
        "planning.PlanTask",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrective_action",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["nc", "due", "id"]
        indexes = [models.Index("owner", "status", "due", name="nc_action_owner_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(done_on__isnull=False) & Q(done_by__isnull=False)),
                name="nc_action_done_when_by_whom",
                violation_error_message=_("A done action says when and by whom."),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Verification(models.Model):
    """Đánh giá hiệu lực: one check that the actions worked (effective or not)."""

    nc = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, related_name="verifications")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_on = models.DateField(_("verified on"))
    effective = models.BooleanField(_("effective"))
    note = models.TextField(_("what was checked"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verification of effectiveness")
        verbose_name_plural = _("verifications of effectiveness")
        ordering = ["nc", "id"]

    def __str__(self) -> str:
        return f"{self.nc}: {self.effective}"


class NCEvidence(models.Model):
    """A file attached to an NC, an action's result or a verification (core.uploads)."""

    nc = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, related_name="evidence")
    action = models.ForeignKey(
        CorrectiveAction, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    verification = models.ForeignKey(
        Verification, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(upload_to="nonconformities/%Y/%m/")
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
        ordering = ["nc", "id"]

    def __str__(self) -> str:
        return self.file_name
