"""Organisation tree and document number registers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from qms.accounts.models import User


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def active(self) -> OrgUnitQuerySet:
        return self.filter(archived_at__isnull=True)

    def subtree_of(self, unit: OrgUnit) -> OrgUnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def visible_to(self, user: User) -> OrgUnitQuerySet:
        from qms.accounts import permissions

        # The organisation chart of one's own agency is not a secret: anyone holding a
        # role inside an agency sees all of its units (and, with a wider scope, more).
        return self.filter(
            permissions.unit_scope_q(user, "core.view_unit")
            | permissions.agency_scope_q_for_reading(user, "core.view_unit")
        )


class OrgUnit(models.Model):
    """A node of the organisation tree: province, agency, division, committee, school…

    ``path`` is the materialised list of ancestor ids ("/1/5/12/"), so a subtree is a
    ``path__startswith`` on SQLite and PostgreSQL alike.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        AGENCY = "agency", _("Agency")
        LEADERSHIP = "leadership", _("Leadership board")
        OFFICE = "office", _("Office")
        DIVISION = "division", _("Division")
        COMMITTEE = "committee", _("Committee")
        BUREAU = "bureau", _("District bureau")
        SCHOOL = "school", _("School")
        CENTRE = "centre", _("Centre")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    agency = models.ForeignKey(
        "self",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agency that runs the quality system this unit is in."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    doc_symbol = models.CharField(
        _("document symbol"),
        max_length=30,
        blank=True,
        help_text=_("Issuer abbreviation in document numbers, e.g. SGDĐT in 187/KH-SGDĐT."),
    )
    shared_serial = models.BooleanField(
        _("one serial for all document types"),
        default=True,
        help_text=_("Number all document types from one register; otherwise one per type."),
    )
    parent_body_name = models.CharField(
        _("governing body (in document headers)"),
        max_length=255,
        blank=True,
        help_text=_("E.g. UBND TỈNH HƯNG YÊN."),
    )
    place_name = models.CharField(_("place name in dates"), max_length=80, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="core_orgunit_not_own_parent",
                violation_error_message=_("A unit cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_agency(self) -> bool:
        return self.kind == self.Kind.AGENCY

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class OrgUnitName(models.Model):
    """A name a unit carried until ``valid_until``: renames keep history (2025 reform)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="former_names")
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    valid_until = models.DateField(_("valid until"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("former unit name")
        verbose_name_plural = _("former unit names")
        ordering = ["unit", "-valid_until"]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """Last serial issued in an agency's register for a year (and series).

    ``series`` is "" when every document type shares one serial (the seed's 05/KH on
    04/01 and 187/KH on 07/02 suggest it), or the type abbreviation otherwise.
    """

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=20, blank=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series"], name="core_numbercounter_unique_series"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year} {self.series or '*'}: {self.last}"


class IssuedNumber(models.Model):
    """One number taken from an agency's register, in eISO or registered from outside."""

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="issued_numbers")
    year = models.PositiveSmallIntegerField(_("year"))
    series = models.CharField(max_length=20, blank=True)
    serial = models.PositiveIntegerField(_("serial"))
    doc_type = models.CharField(_("document type"), max_length=10)
    symbol = models.CharField(_("number and symbol"), max_length=80)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    issued_on = models.DateField(_("date"))
    external = models.BooleanField(
        _("issued outside eISO"),
        default=False,
        help_text=_("Registered by an administrator for a document numbered on paper."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issued number")
        verbose_name_plural = _("issued numbers")
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series", "serial"],
                name="core_issuednumber_unique_serial",
                violation_error_message=_("This number has already been issued."),
            ),
            # Holds across a change of serial mode: a type's serial is issued once a year.
            models.UniqueConstraint(
                fields=["agency", "year", "doc_type", "serial"],
                name="core_issuednumber_unique_type_serial",
                violation_error_message=_("This number has already been issued."),
            ),
        ]

    def __str__(self) -> str:
        return self.symbol


class OfficialDocumentHeader(models.Model):
    """The header and signature block of an official document (NĐ 30/2020, Phụ lục I).

    Governing body and issuing body (top left), number and symbol ("Số: 187/KH-SGDĐT"),
    place and date, and the signer: signing form (KT., TM., …), on whose behalf, position
    and name. Frozen on the document when it is made: a later rename of the agency does
    not change what was issued. The fields allow blanks, as on a draft that is not numbered
    or signed yet; a model that exists only once signed overrides them as required.
    """

    class SignerPrefix(models.TextChoices):
        NONE = "", _("(signs in own name)")
        KT = "KT.", "KT. (ký thay)"
        TL = "TL.", "TL. (thừa lệnh)"
        TM = "TM.", "TM. (thay mặt)"
        TUQ = "TUQ.", "TUQ. (thừa ủy quyền)"
        Q = "Q.", "Q. (quyền)"

    parent_body = models.CharField(_("governing body"), max_length=255, blank=True)
    issuer_name = models.CharField(_("issuing agency"), max_length=255)
    number = models.CharField(_("number and symbol"), max_length=80, blank=True)
    place = models.CharField(_("place"), max_length=80, blank=True)
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    signer_prefix = models.CharField(
        _("signing form"), max_length=5, choices=SignerPrefix.choices, blank=True
    )
    signer_authority = models.CharField(
        _("signing on behalf of"), max_length=120, blank=True, help_text=_("E.g. GIÁM ĐỐC")
    )
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def header_for(agency: OrgUnit) -> dict[str, str]:
        """The header fields as ``agency`` prints them today, to freeze on a new document."""
        return {
            "parent_body": agency.parent_body_name,
            "issuer_name": agency.name.upper(),
            "place": agency.place_name,
        }

    @property
    def number_parts(self) -> tuple[str, str]:
        """Số and ký hiệu apart: ``("187", "KH-SGDĐT")`` from "187/KH-SGDĐT"."""
        serial, _slash, symbol = self.number.partition("/")
        return serial, symbol

    @property
    def signing_line(self) -> str:
        """The line above the position: "KT. GIÁM ĐỐC", or "GIÁM ĐỐC" for one signing in
        their own name; empty when a signing form lacks the authority it signs for."""
        if self.signer_prefix and self.signer_authority:
            return f"{self.signer_prefix} {self.signer_authority}"
        return self.signer_authority if not self.signer_prefix else ""


class DeadlineRule(models.Model):
    """A date "per regulation" (Theo quy định) that an administrator sets each year.

    E.g. the province's deadline for the yearly ISO report; tasks timed "Theo quy
    định" resolve their due date from the rule with their key.
    """

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="deadline_rules")
    year = models.PositiveSmallIntegerField(_("year"))
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("description"), max_length=255)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    source = models.CharField(_("source document"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "key"], name="core_deadlinerule_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.year})"


class UnitAlias(models.Model):
    """A name documents use for one or more units ("Các phòng thuộc Sở" = every division).

    Imports match names through aliases first, then through unit names, both folded
    (accent- and case-insensitive).
    """

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="unit_aliases")
    name = models.CharField(_("name as written"), max_length=255)
    folded = models.CharField(max_length=255, editable=False)
    units = models.ManyToManyField(OrgUnit, verbose_name=_("units"), related_name="aliases")

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [
            models.UniqueConstraint(fields=["agency", "folded"], name="core_unitalias_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarOverride(models.Model):
    """A day the national calendar gets wrong for us: a swapped working Saturday, or an
    extra day off decided by the government or the province (e.g. a Tết bridge day).

    The ``holidays`` package knows the public holidays of Vietnam; this table wins over it.
    """

    class Kind(models.TextChoices):
        WORKING = "working", _("Working day")
        DAY_OFF = "day_off", _("Day off")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("reason"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class CalendarNotice(models.Model):
    """An official notice on the civil servants' calendar entered by a province-level
    administrator (e.g. next year's Tết notice of Bộ Nội vụ): its days win over the
    shipped calendar and the ``holidays`` package, and lose to a :class:`CalendarOverride`.

    Archived, never deleted: an archived notice no longer counts but stays on the page.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("date issued"))
    issuer = models.CharField(_("issuing body"), max_length=255)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("calendar notice")
        verbose_name_plural = _("calendar notices")
        ordering = ["-year", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(archived_at__isnull=True),
                name="core_calendarnotice_unique_active_number",
                violation_error_message=_("This notice is already recorded for that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class CalendarNoticeDay(models.Model):
    """One day a notice declares: a weekday off or a make-up (working) Saturday."""

    notice = models.ForeignKey(
        CalendarNotice, on_delete=models.PROTECT, related_name="days", verbose_name=_("notice")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarOverride.Kind.choices)
    reason = models.CharField(_("reason"), max_length=255)

    class Meta:
        verbose_name = _("notice day")
        verbose_name_plural = _("notice days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "date"], name="core_calendarnoticeday_unique_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
