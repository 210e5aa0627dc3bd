"""Documented information under control (ISO 9001:2015 clause 7.5, QĐ 19/2014 art. 4).

A ``Document`` is the controlled item (a procedure, a form, the policy…) identified by its
code; its ``DocumentVersion`` rows are the issues (Lần ban hành). A version goes
draft → review (Soát xét) → approval (Phê duyệt) → approved, and is put in force by an
``IssuingDecision`` (Quyết định ban hành); the version it replaces becomes obsolete.
Nothing here is ever deleted: documents are withdrawn or archived, versions stay read-only.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.core.models import OfficialDocumentHeader, OrgUnit

if TYPE_CHECKING:
    from qms.accounts.models import User

DEFAULT_CODE_PATTERNS = {
    "policy": "CSCL.{seq:02d}",
    "manual": "STCL.{seq:02d}",
    "system_procedure": "QT.ISO.{seq:02d}",
    "work_procedure": "QT-{unit}-{seq:02d}",
    "guideline": "HD.{seq:02d}",
    "form": "BM.{seq:02d}-{parent}",
}


class DocumentSettings(models.Model):
    """Per-agency rules: code patterns, how many people sign, default review cycle."""

    agency = models.OneToOneField(
        OrgUnit, on_delete=models.PROTECT, related_name="document_settings"
    )
    code_patterns = models.JSONField(_("code patterns"), default=dict, blank=True)
    distinct_signers = models.PositiveSmallIntegerField(
        _("distinct people for draft, review and approval"),
        default=3,
        choices=[(3, _("Three (author, reviewer, approver)")), (2, _("Two (author ≠ approver)"))],
    )
    review_months = models.PositiveSmallIntegerField(
        pgettext_lazy("document", "review every (months)"), default=12
    )
    legal_alignment_months = models.PositiveSmallIntegerField(
        _("months to align with a changed legal text"), default=3
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document control settings")
        verbose_name_plural = _("document control settings")

    def __str__(self) -> str:
        return str(self.agency)

    def pattern_for(self, kind: str) -> str:
        return (self.code_patterns or {}).get(kind) or DEFAULT_CODE_PATTERNS[kind]


# --------------------------------------------------------------------------- external


class ExternalQuerySet(models.QuerySet["ExternalDocument"]):
    def visible_to(self, user: User) -> ExternalQuerySet:
        from qms.accounts import permissions

        return self.filter(permissions.agency_scope_q_for_reading(user, "documents.view"))

    def active(self) -> ExternalQuerySet:
        return self.filter(archived_at__isnull=True)


class ExternalDocument(models.Model):
    """A legal text or standard the agency's documents rely on (tài liệu bên ngoài)."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPLACED = "replaced", _("Replaced")
        EXPIRED = "expired", _("Expired")

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit following it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("number and symbol"), max_length=80)
    doc_type = models.CharField(_("type"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    title = models.TextField(_("subject"))
    signed_on = models.DateField(_("date signed"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_FORCE
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced or amended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    change_effective_on = models.DateField(
        _("change effective from"),
        null=True,
        blank=True,
        help_text=_("When the amending or replacing text takes effect."),
    )
    change_note = models.TextField(_("what changed"), blank=True)
    field = models.CharField(pgettext_lazy("legal text", "field"), max_length=120, blank=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ExternalQuerySet.as_manager()

    class Meta:
        verbose_name = _("external document")
        verbose_name_plural = _("external documents")
        ordering = ["agency", "-signed_on", "number"]
        constraints = [
            models.UniqueConstraint(
                "agency",
                "number",
                condition=Q(archived_at__isnull=True),
                name="documents_external_unique_number",
                violation_error_message=_("This number is already in the register."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["in_force", "expired"])
                | Q(change_effective_on__isnull=False),
                name="documents_external_change_dated",
                violation_error_message=_(
                    "An amended or replaced text needs the date the change takes effect."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


# --------------------------------------------------------------------------- documents


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: User) -> DocumentQuerySet:
        from qms.accounts import permissions

        return self.filter(permissions.agency_scope_q_for_reading(user, "documents.view"))

    def active(self) -> DocumentQuerySet:
        return self.filter(archived_at__isnull=True)


class Document(models.Model):
    """One controlled document, identified by its code; its content lives in versions."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Quality policy")
        MANUAL = "manual", _("Quality manual / system description")
        SYSTEM_PROCEDURE = "system_procedure", _("System procedure")
        WORK_PROCEDURE = "work_procedure", _("Work procedure")
        GUIDELINE = "guideline", _("Guideline")
        FORM = "form", _("Form")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not yet issued")
        IN_FORCE = "in_force", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(pgettext_lazy("document", "kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(pgettext_lazy("document", "code"), max_length=60)
    title = models.CharField(_("title"), max_length=500)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("procedure it belongs to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forms",
    )
    is_tthc = models.BooleanField(_("administrative procedure (TTHC)"), default=False)
    tthc_code = models.CharField(_("TTHC code"), max_length=40, blank=True)
    tthc_field = models.CharField(_("TTHC field"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    current_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("version in force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_months = models.PositiveSmallIntegerField(
        pgettext_lazy("document", "review every (months)"), null=True, blank=True
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    references = models.ManyToManyField(
        ExternalDocument,
        verbose_name=_("external documents cited"),
        blank=True,
        related_name="cited_by",
    )
    distribution_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("distributed to units"), blank=True, related_name="+"
    )
    distribution_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("distributed to people"),
        blank=True,
        related_name="+",
    )
    # Folded (accent- and case-free) code, title, content and file text of the newest
    # version, so that one LIKE works the same on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["agency", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                "agency",
                "code",
                name="documents_document_unique_code",
                violation_error_message=_("Another document of the agency has this code."),
            ),
            models.CheckConstraint(
                condition=~Q(status="in_force") | Q(current_version__isnull=False),
                name="documents_document_in_force_has_version",
                violation_error_message=_("A document in force needs its version in force."),
            ),
        ]
        indexes = [
            # Master list: an agency's documents of one kind, in code order.
            models.Index(fields=["agency", "kind", "code"], name="doc_agency_kind_code"),
            # Dashboard: reviews falling due.
            models.Index(fields=["agency", "next_review_on"], name="doc_agency_review"),
            # Master list's field filter: the TTHC fields in use, without reading every row.
            models.Index(
                fields=["agency", "tthc_field"],
                name="doc_agency_tthc_field",
                condition=~Q(tthc_field=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_procedure(self) -> bool:
        return self.kind in {self.Kind.SYSTEM_PROCEDURE, self.Kind.WORK_PROCEDURE}

    def review_overdue(self, today: datetime.date) -> bool:
        return (
            self.status == self.Status.IN_FORCE
            and self.next_review_on is not None
            and self.next_review_on < today
        )


class IssuingDecision(OfficialDocumentHeader):
    """Quyết định ban hành: the head's numbered decision putting versions in force.

    Its header (OfficialDocumentHeader) is frozen at issue, as printed.
    """

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    issued_number = models.OneToOneField(
        "core.IssuedNumber", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A decision exists only once signed: its number, date and signer are required.
    number = models.CharField(_("number and symbol"), max_length=80)
    issued_on = models.DateField(_("date signed"))  # type: ignore[assignment]
    signer_position = models.CharField(_("signer's position"), max_length=120)
    signer_name = models.CharField(_("signer's name"), max_length=120)
    effective_on = models.DateField(_("effective from"))
    title = models.TextField(_("subject (trích yếu)"))
    bases = models.JSONField(_("legal bases (Căn cứ)"), default=list, blank=True)
    proposer = models.CharField(_("on the proposal of"), max_length=255, blank=True)
    executors = models.TextField(_("who carries it out (Điều 3)"), blank=True)
    recipients = models.JSONField(_("recipients (Nơi nhận)"), default=list, blank=True)
    registered_from_paper = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issuing decision")
        verbose_name_plural = _("issuing decisions")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class DocumentVersion(models.Model):
    """One issue (Lần ban hành) of a document; read-only once approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        RETURNED = "returned", _("Returned for changes")
        APPROVAL = "approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved, awaiting issue")
        IN_FORCE = "in_force", _("In force")
        OBSOLETE = "obsolete", _("Obsolete")
        CANCELLED = "cancelled", _("Draft abandoned")

    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
    OPEN = frozenset(
        {Status.DRAFT, Status.REVIEW, Status.RETURNED, Status.APPROVAL, Status.APPROVED}
    )

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    issue_no = models.PositiveSmallIntegerField(_("issue no."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    content = models.JSONField(_("content"), default=dict, blank=True)
    change_request = models.CharField(_("change requested by"), max_length=255, blank=True)
    change_part = models.CharField(_("pages / parts concerned"), max_length=255, blank=True)
    change_description = models.TextField(_("description of the change"), blank=True)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    file_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    file_text = models.TextField(editable=False, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_position = models.CharField(max_length=120, blank=True)
    # Everyone who wrote this version (the author, and whoever saved its content or file):
    # separation of duties is checked on the people who did the work, not on who created
    # the draft.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("edited by"), blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer_position = models.CharField(max_length=120, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver_position = models.CharField(max_length=120, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Versions in force before eISO: approved on paper, the decision is their evidence.
    approved_on_paper = models.BooleanField(default=False)
    paper_signers = models.JSONField(default=dict, blank=True)
    decision = models.ForeignKey(
        IssuingDecision,
        verbose_name=_("issuing decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="versions",
    )
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    obsoleted_on = models.DateField(_("obsolete since"), null=True, blank=True)
    # A document in force keeps its title and owner unit until a new version is issued: a
    # change asked for during the revision waits here and is applied when it is put in force.
    new_title = models.CharField(_("new title"), max_length=500, blank=True)
    new_owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("new owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-issue_no"]
        constraints = [
            models.UniqueConstraint(
                "document",
                "issue_no",
                name="documents_version_unique_issue",
                violation_error_message=_("This issue number already exists."),
            ),
            models.UniqueConstraint(
                "document",
                condition=Q(status="in_force"),
                name="documents_version_one_in_force",
                violation_error_message=_("Only one version of a document can be in force."),
            ),
            models.UniqueConstraint(
                "document",
                condition=Q(status__in=["draft", "review", "returned", "approval", "approved"]),
                name="documents_version_one_open",
                violation_error_message=_("This document already has a version in progress."),
            ),
            # A version in force (or once in force) was approved: in eISO by an approver,
            # or on paper by a registered issuing decision.
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "in_force", "obsolete"])
                | Q(approver__isnull=False, approved_at__isnull=False)
                | Q(approved_on_paper=True, decision__isnull=False),
                name="documents_version_approved",
                violation_error_message=_("A version cannot be in force without approval."),
            ),
            models.CheckConstraint(
                condition=Q(approver__isnull=True) | ~Q(approver=F("author")),
                name="documents_version_author_not_approver",
                violation_error_message=_("The author cannot approve their own draft."),
            ),
            models.CheckConstraint(
                condition=Q(approver__isnull=True)
                | Q(submitted_by__isnull=True)
                | ~Q(approver=F("submitted_by")),
                name="documents_version_submitter_not_approver",
                violation_error_message=_("Who submitted a draft cannot also approve it."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["in_force", "obsolete"]) | Q(decision__isnull=False),
                name="documents_version_issued_by_decision",
                violation_error_message=_("A version is put in force by an issuing decision."),
            ),
        ]
        indexes = [
            # Workflow queues: versions of an agency waiting for review/approval/issue.
            models.Index(fields=["status", "document"], name="docver_status_doc"),
        ]

    def __str__(self) -> str:
        return f"{self.document.code} — {self.issue_no}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_obsolete(self) -> bool:
        return self.status == self.Status.OBSOLETE

    def _signer_name(self, key: str, user: User | None) -> str:
        if user is not None:
            return user.display_name
        return str((self.paper_signers or {}).get(key, {}).get("name", ""))

    @property
    def author_name(self) -> str:
        return self._signer_name("author", self.author)

    @property
    def approver_name(self) -> str:
        return self._signer_name("approver", self.approver)

    @property
    def change_summary(self) -> str:
        if self.change_description:
            return self.change_description
        return str(_("First issue")) if self.issue_no == 1 else ""

    @property
    def has_structured_content(self) -> bool:
        return any(v for v in (self.content or {}).values())


class VersionReview(models.Model):
    """One step of the review trail: forwarded, returned with a comment, approved."""

    class Step(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        REVIEWED = "reviewed", _("Reviewed, sent for approval")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Draft abandoned")

    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="trail")
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["version", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.step}"


class ChangeRequest(models.Model):
    """Phiếu đề nghị sửa đổi: anyone may ask to change a document in force."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="change_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    part = models.CharField(_("pages / parts concerned"), max_length=255, blank=True)
    reason = models.TextField(_("what should change and why"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reason for the decision"), blank=True)
    new_version = models.ForeignKey(
        DocumentVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_note=""),
                name="documents_changerequest_decline_reason",
                violation_error_message=_("Give the reason for declining."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.code}: {self.reason[:60]}"


class Acknowledgement(models.Model):
    """A recipient of a version in force, and when they confirmed reading it (đã đọc)."""

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["version", "user"]
        constraints = [
            models.UniqueConstraint("version", "user", name="documents_ack_unique_recipient"),
        ]
        indexes = [
            # "To read" list: a user's unread acknowledgements.
            models.Index(fields=["user", "read_at"], name="docack_user_read"),
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.user}"


class ReviewTask(models.Model):
    """A document to review: periodically, or because a legal text it cites changed."""

    class Reason(models.TextChoices):
        PERIODIC = "periodic", _("Periodic review")
        LEGAL_CHANGE = "legal_change", _("Legal text changed")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", _("Reviewed, no change needed")
        REVISED = "revised", _("Revised (new version issued)")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="review_tasks")
    reason = models.CharField(_("reason"), max_length=14, choices=Reason.choices)
    external = models.ForeignKey(
        ExternalDocument,
        verbose_name=_("changed legal text"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_tasks",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")
        ordering = ["due_on", "id"]
        constraints = [
            # One task per document, cause and due date: re-running a pass or re-saving a
            # status change never duplicates it.
            models.UniqueConstraint(
                "document",
                "reason",
                "due_on",
                condition=Q(external__isnull=True),
                name="documents_review_unique_periodic",
            ),
            models.UniqueConstraint(
                "document",
                "external",
                "due_on",
                condition=Q(external__isnull=False),
                name="documents_review_unique_legal",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="docreview_status_due")]

    def __str__(self) -> str:
        return f"{self.document.code} — {self.get_reason_display()}"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class RecordQuerySet(models.QuerySet["RetainedRecord"]):
    def visible_to(self, user: User) -> RecordQuerySet:
        from qms.accounts import permissions

        return self.filter(permissions.agency_scope_q_for_reading(user, "documents.view"))


class RetainedRecord(models.Model):
    """Hồ sơ cần lưu: a kind of record a procedure requires to keep, and for how long."""

    agency = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit keeping it"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    name = models.CharField(pgettext_lazy("document", "record"), max_length=500)
    form_code = models.CharField(_("form code"), max_length=60, blank=True)
    keeper = models.CharField(_("kept by"), max_length=255, blank=True)
    location = models.CharField(_("where"), max_length=255, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years)"), null=True, blank=True, help_text=_("Empty = permanent.")
    )
    retention_text = models.CharField(_("retention as written"), max_length=120, blank=True)
    disposal_method = models.CharField(_("disposal method"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("record to keep")
        verbose_name_plural = _("records to keep")
        ordering = ["agency", "document", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def retention_label(self) -> str:
        if self.retention_text:
            return self.retention_text
        if self.retention_years is None:
            return str(_("Permanent"))
        return str(_("%(n)s years")) % {"n": f"{self.retention_years:02d}"}


class TaskDocumentLink(models.Model):
    """A plan task (e.g. tasks 4, 5, 9 of the yearly plan) and a document it concerns."""

    task = models.ForeignKey(
        "planning.PlanTask", on_delete=models.PROTECT, related_name="document_links"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="task_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task–document link")
        verbose_name_plural = _("task–document links")
        ordering = ["task", "document"]
        constraints = [
            models.UniqueConstraint("task", "document", name="documents_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.document_id}"
