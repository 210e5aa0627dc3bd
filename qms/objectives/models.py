"""Quality policy and objectives (ISO 9001:2015 clauses 5.2 and 6.2).

Each agency and each of its units sets an ``ObjectiveSet`` per ``Period`` (a school year,
1/8–31/7 by default, or a calendar year): draft → submitted → approved → evaluated. An
``Objective`` is measurable (indicator, unit, direction, target), may contribute to an
objective of the agency's set (and then roll up), is measured during the period
(``Measurement``) and evaluated at its end.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms.core.models import OrgUnit


class Period(models.Model):
    """A school year (năm học) or a calendar year of an agency."""

    class Kind(models.TextChoices):
        SCHOOL_YEAR = "school_year", _("School year")
        CALENDAR_YEAR = "calendar_year", _("Calendar year")

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    label = models.CharField(_("label"), max_length=20)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["agency", "start"]
        constraints = [
            models.UniqueConstraint(
                "agency", "kind", "start", name="objectives_period_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")),
                name="objectives_period_start_before_end",
                violation_error_message=_("A period starts before it ends."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ObjectiveSettings(models.Model):
    """Per agency: when its school year starts (1 August unless set otherwise)."""

    agency = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    school_year_start_month = models.PositiveSmallIntegerField(
        _("school year starts in month"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    school_year_start_day = models.PositiveSmallIntegerField(
        _("on day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )

    class Meta:
        verbose_name = _("objective settings")
        verbose_name_plural = _("objective settings")

    def __str__(self) -> str:
        return f"{self.agency}: {self.school_year_start_day}/{self.school_year_start_month}"


class QualityPolicy(models.Model):
    """Chính sách chất lượng: versioned, approved by leadership, one in force."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("In force")
        SUPERSEDED = "superseded", _("Superseded")

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    version_no = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("policy"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quality policy")
        verbose_name_plural = _("quality policies")
        ordering = ["agency", "-version_no"]
        constraints = [
            models.UniqueConstraint("agency", "version_no", name="objectives_policy_unique_no"),
            models.UniqueConstraint(
                "agency",
                condition=Q(status="approved"),
                name="objectives_policy_one_in_force",
                violation_error_message=_("Only one quality policy can be in force."),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False),
                name="objectives_policy_approved_by_someone",
                violation_error_message=_("A policy in force was approved by leadership."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.version_no}"


class ObjectiveSet(models.Model):
    """The objectives of one unit (or the agency itself) for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        EVALUATED = "evaluated", _("Evaluated")

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="objective_sets"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="sets")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("comment when returned"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("objective set")
        verbose_name_plural = _("objective sets")
        ordering = ["period", "unit__path"]
        constraints = [
            models.UniqueConstraint("unit", "period", name="objectives_set_unique_unit_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period}"

    @property
    def is_agency_set(self) -> bool:
        return self.unit_id == self.agency_id

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Objective(models.Model):
    """One measurable objective: statement, indicator, direction, target."""

    class Direction(models.TextChoices):
        AT_LEAST = "gte", _("At least (≥)")
        AT_MOST = "lte", _("At most (≤)")
        EXACTLY = "eq", _("Exactly (=)")
        BY_DATE = "by_date", _("Reached by a date")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SEMESTER = "semester", _("Per semester")
        YEARLY = "yearly", _("Yearly")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        PLAN_ON_TIME = "plan_on_time", _("Share of plan tasks done on time (eISO)")
        DOCS_REVIEWED = "docs_reviewed", _("Documents reviewed on schedule (eISO)")

    class Aggregation(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        SUM = "sum", _("Sum of the units")
        MEAN = "mean", _("Mean of the units")
        WEIGHTED_MEAN = "weighted_mean", _("Weighted mean of the units")
        MINIMUM = "min", _("Lowest unit")

    objective_set = models.ForeignKey(
        ObjectiveSet, on_delete=models.PROTECT, related_name="objectives"
    )
    order = models.PositiveSmallIntegerField(_("no."), default=1)
    statement = models.TextField(_("objective"))
    indicator = models.CharField(_("indicator"), max_length=255)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.AT_LEAST
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_date = models.DateField(_("reach by"), null=True, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    frequency = models.CharField(
        _("measured"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    source = models.CharField(
        _("data source"), max_length=14, choices=Source.choices, default=Source.MANUAL
    )
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contributes_to = models.ForeignKey(
        "self",
        verbose_name=_("contributes to (agency objective)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    aggregation = models.CharField(
        _("roll-up of the units"),
        max_length=14,
        choices=Aggregation.choices,
        default=Aggregation.MANUAL,
    )
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3, default=Decimal(1))
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
    )
    # Evaluation at the end of the period.
    result = models.DecimalField(
        _("result"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    achieved = models.BooleanField(_("achieved"), null=True, blank=True)
    cause = models.TextField(_("cause (when not achieved)"), blank=True)
    proposed_action = models.TextField(_("proposed action"), blank=True)
    continuing = models.BooleanField(
        _("continue next period"),
        default=False,
        help_text=_("Carried over even when achieved (a standing objective)."),
    )

    class Meta:
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        ordering = ["objective_set", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(achieved=False) | ~Q(cause=""),
                name="objectives_objective_cause_when_missed",
                violation_error_message=_("Give the cause of an objective not achieved."),
            ),
            models.CheckConstraint(
                condition=Q(direction="by_date", target_date__isnull=False)
                | (~Q(direction="by_date") & Q(target__isnull=False)),
                name="objectives_objective_has_target",
                violation_error_message=_("Give the target (or the date for “reached by”)."),
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class ObjectiveAction(models.Model):
    """Kế hoạch thực hiện mục tiêu (6.2.2): what, resources, who, when, how evaluated."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="actions")
    action = models.TextField(_("action"))
    resources = models.CharField(_("resources"), max_length=255, blank=True)
    responsible = models.CharField(_("responsible"), max_length=255, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    evaluation_method = models.CharField(
        _("how the result is evaluated"), max_length=255, blank=True
    )
    task = models.ForeignKey(
        "planning.PlanTask", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("objective action")
        verbose_name_plural = _("objective actions")
        ordering = ["objective", "deadline", "id"]

    def __str__(self) -> str:
        return self.action[:80]


class Measurement(models.Model):
    """A value measured for an objective at a date within its period."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    comment = models.TextField(_("comment"), blank=True)
    computed = models.BooleanField(_("computed by eISO"), default=False)
    evidence = models.FileField(_("evidence"), upload_to="objectives/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["objective", "measured_on", "id"]
        indexes = [
            # Dashboards: the measurements of many objectives in date order.
            models.Index(fields=["objective", "measured_on"], name="objmeas_obj_date"),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id} {self.measured_on}: {self.value}"


class PlanStage(models.Model):
    """Links a task of the yearly plan to the objectives cycle it stands for.

    Task 2 of the seed plan ("the divisions evaluate 2021-2022 and set 2022-2023") is the
    *units* stage: each lead unit of the task must close the evaluation of
    ``evaluated_period`` and submit its set for ``new_period``. Task 3 ("the ISO committee
    evaluates and sets the department's") is the *agency* stage, for the agency's own set.
    """

    class Stage(models.TextChoices):
        UNITS = "units", _("Units evaluate and set their objectives")
        AGENCY = "agency", _("The agency evaluates and sets its objectives")

    task = models.OneToOneField(
        "planning.PlanTask", on_delete=models.PROTECT, related_name="objective_stage"
    )
    stage = models.CharField(_("stage"), max_length=6, choices=Stage.choices)
    evaluated_period = models.ForeignKey(
        Period,
        verbose_name=_("period evaluated"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_period = models.ForeignKey(
        Period, verbose_name=_("period set"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("objectives stage of a plan task")
        verbose_name_plural = _("objectives stages of plan tasks")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.stage} {self.new_period}"


def period_bounds(
    kind: str, year: int, start_month: int = 8, start_day: int = 1
) -> tuple[datetime.date, datetime.date, str]:
    """(start, end, label) of the period starting in ``year``: "2022-2023" or "2022"."""
    if kind == Period.Kind.CALENDAR_YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year)
    start = datetime.date(year, start_month, start_day)
    end = datetime.date(year + 1, start_month, start_day) - datetime.timedelta(days=1)
    return start, end, f"{year}-{year + 1}"
