"""Forms validate and convert only; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.accounts.models import User
from qms.core.forms import BaseForm, VNDateField
from qms.core.models import OrgUnit
from qms.documents.models import (
    DEFAULT_CODE_PATTERNS,
    Document,
    DocumentSettings,
    DocumentVersion,
    ExternalDocument,
)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return obj.display_name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return obj.display_name


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        unit = obj.unit.display_name if obj.unit_id and obj.unit else ""
        return f"{obj.display_name} ({unit})" if unit else obj.display_name


class ExternalMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ExternalDocument) -> str:  # type: ignore[override]
        return f"{obj.number} — {obj.title[:90]}"


class VersionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: DocumentVersion) -> str:  # type: ignore[override]
        return f"{obj.document.code} — {obj.document.title} ({_('issue')} {obj.issue_no:02d})"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class DocumentForm(BaseForm):
    kind = forms.ChoiceField(label=pgettext_lazy("document", "Kind"), choices=Document.Kind.choices)
    owner_unit = UnitChoiceField(label=_("Owner unit"), queryset=OrgUnit.objects.none())
    parent = forms.ModelChoiceField(
        label=_("Procedure it belongs to (forms)"),
        queryset=Document.objects.none(),
        required=False,
    )
    code = forms.CharField(
        label=pgettext_lazy("document", "Code"),
        max_length=60,
        help_text=_("Proposed from the agency's pattern; you may change it."),
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    is_tthc = forms.BooleanField(
        label=_("Work procedure of an administrative procedure (TTHC)"), required=False
    )
    tthc_code = forms.CharField(label=_("TTHC code"), max_length=40, required=False)
    tthc_field = forms.CharField(label=_("TTHC field"), max_length=120, required=False)
    review_months = forms.IntegerField(
        label=pgettext_lazy("document", "Review every (months)"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Empty: the agency's default (12 months)."),
    )
    references = ExternalMultipleChoiceField(
        label=_("External documents cited (section 3)"),
        queryset=ExternalDocument.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    distribution_units = UnitMultipleChoiceField(
        label=_("Distribute to units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Every member of these units is asked to confirm reading each new version."),
    )
    distribution_users = UserMultipleChoiceField(
        label=_("Distribute to people"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self, *args: Any, agency: OrgUnit, owner_units: QuerySet[OrgUnit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["owner_unit"].queryset = owner_units  # type: ignore[attr-defined]
        self.fields["parent"].queryset = Document.objects.filter(  # type: ignore[attr-defined]
            agency=agency,
            kind__in=[Document.Kind.SYSTEM_PROCEDURE, Document.Kind.WORK_PROCEDURE],
            archived_at__isnull=True,
        ).order_by("code")
        self.fields["references"].queryset = (  # type: ignore[attr-defined]
            ExternalDocument.objects.filter(agency=agency).active().order_by("number")
        )
        units = OrgUnit.objects.subtree_of(agency).active().exclude(pk=agency.pk)
        self.fields["distribution_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["distribution_users"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, unit__path__startswith=agency.path)
            .select_related("unit")
            .order_by("last_name", "first_name")
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("kind") == Document.Kind.FORM and not data.get("parent"):
            self.add_error("parent", _("A form belongs to a procedure: choose it."))
        return data


class VersionForm(BaseForm):
    """The structured editor of a procedure: sections 1–5 and the change description."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    purpose = forms.CharField(
        label=_("1. Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.CharField(
        label=_("2. Scope"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    references_text = forms.CharField(
        label=_("3. Other references"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; external documents cited are listed from the register."),
    )
    definitions = forms.CharField(
        label=_("4. Definitions and abbreviations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("5. Procedure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One paragraph per line. For a TTHC use the fields 5.1–5.6 below."),
    )
    legal_basis = forms.CharField(
        label=_("5.1 Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    dossier_components = forms.CharField(
        label=_("5.2 Dossier components"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    dossier_count = forms.CharField(label=_("5.3 Number of dossiers"), required=False)
    processing_time = forms.CharField(
        label=_("5.4 Processing time"),
        required=False,
        help_text=_("The legal time limit, e.g. “15 ngày làm việc”; the steps must add up to it."),
    )
    place = forms.CharField(label=_("5.5 Where dossiers are received and returned"), required=False)
    fees = forms.CharField(label=_("5.6 Fees and charges"), required=False)
    change_request = forms.CharField(label=_("Change requested by"), required=False, max_length=255)
    change_part = forms.CharField(
        label=_("Pages / parts concerned"), required=False, max_length=255
    )
    change_description = forms.CharField(
        label=_("Description of the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(
        label=_("File (DOCX or PDF)"),
        required=False,
        help_text=_("Optional: the signed or formatted document; its text is searchable."),
    )

    CONTENT_FIELDS = (
        "purpose",
        "scope",
        "references_text",
        "definitions",
        "body",
        "legal_basis",
        "dossier_components",
        "dossier_count",
        "processing_time",
        "place",
        "fees",
    )

    def content(self, steps: list[dict[str, str]]) -> dict[str, Any]:
        data = {k: self.cleaned_data.get(k, "").strip() for k in self.CONTENT_FIELDS}
        data["steps"] = steps
        return data


class StepForm(BaseForm):
    action = forms.CharField(
        label=_("Step"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(label=_("Responsible"), required=False, max_length=255)
    time = forms.CharField(label=_("Time"), required=False, max_length=60)
    output = forms.CharField(label=_("Form / result"), required=False, max_length=255)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        others = [data.get(k, "").strip() for k in ("responsible", "time", "output")]
        if any(others) and not data.get("action", "").strip():
            self.add_error("action", _("Describe the step."))
        return data


StepFormSet = formset_factory(StepForm, extra=2)


def steps_from(formset: Any) -> list[dict[str, str]]:
    out = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if data.get("action", "").strip():
            out.append(
                {k: data.get(k, "").strip() for k in ("action", "responsible", "time", "output")}
            )
    return out


class CommentForm(BaseForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(BaseForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(BaseForm):
    versions = VersionChoiceField(
        label=_("Approved documents to issue"),
        queryset=DocumentVersion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    issued_on = VNDateField(label=_("Date signed"))
    effective_on = VNDateField(label=_("Effective from"))
    title = forms.CharField(
        label=_("Subject (trích yếu)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: “Về việc ban hành …” from the documents chosen."),
    )
    bases = forms.CharField(
        label=_("Legal bases (Căn cứ)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    proposer = forms.CharField(label=_("On the proposal of"), max_length=255)
    executors = forms.CharField(
        label=_("Who carries it out (Article 3)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    signer_prefix = forms.ChoiceField(
        label=_("Signing form"),
        required=False,
        choices=[("", _("(signs in own name)")), ("KT.", "KT."), ("TL.", "TL."), ("Q.", "Q.")],
    )
    signer_authority = forms.CharField(label=_("Signing on behalf of"), required=False)
    signer_position = forms.CharField(label=_("Signer's position"))
    signer_name = forms.CharField(label=_("Signer's name"))

    def __init__(self, *args: Any, versions: QuerySet[DocumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["versions"].queryset = versions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        issued, effective = data.get("issued_on"), data.get("effective_on")
        if issued and effective and effective < issued:
            self.add_error("effective_on", _("A decision cannot take effect before it is signed."))
        for key in ("bases", "recipients"):
            if key in data:
                data[key] = _lines(data[key])
        return data


class ChangeRequestForm(BaseForm):
    part = forms.CharField(label=_("Pages / parts concerned"), required=False, max_length=255)
    reason = forms.CharField(
        label=_("What should change and why"), widget=forms.Textarea(attrs={"rows": 4})
    )


class DecideChangeForm(BaseForm):
    note = forms.CharField(
        label=_("Reason (required to decline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExternalForm(BaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label=_("Number and symbol"), max_length=80)
    doc_type = forms.CharField(
        label=_("Type"), max_length=60, required=False, help_text=_("Luật, Nghị định, Thông tư…")
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=255, required=False)
    title = forms.CharField(label=_("Subject"), widget=forms.Textarea(attrs={"rows": 2}))
    signed_on = VNDateField(label=_("Date signed"), required=False)
    effective_on = VNDateField(label=_("Effective from"), required=False)
    field = forms.CharField(
        label=pgettext_lazy("legal text", "Field"), max_length=120, required=False
    )
    owner_unit = UnitChoiceField(
        label=_("Unit following it"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args: Any, agency: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = (  # type: ignore[attr-defined]
            OrgUnit.objects.subtree_of(agency).active()
        )


class ExternalStatusForm(BaseForm):
    status = forms.ChoiceField(label=_("Status"), choices=ExternalDocument.Status.choices)
    change_effective_on = VNDateField(
        label=_("Change effective from"),
        required=False,
        help_text=_("When the amending or replacing text takes effect (required for those)."),
    )
    replaced_by = forms.ModelChoiceField(
        label=_("Amended or replaced by"), queryset=ExternalDocument.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, ext: ExternalDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replaced_by"].queryset = (  # type: ignore[attr-defined]
            ExternalDocument.objects.filter(agency=ext.agency).active().exclude(pk=ext.pk)
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        changed = data.get("status") in {
            ExternalDocument.Status.AMENDED,
            ExternalDocument.Status.REPLACED,
        }
        if changed and not data.get("change_effective_on"):
            self.add_error(
                "change_effective_on",
                _("Give the date the amending or replacing text takes effect."),
            )
        return data


class RecordForm(BaseForm):
    name = forms.CharField(label=pgettext_lazy("document", "Record"), max_length=500)
    document = forms.ModelChoiceField(
        label=_("Procedure"), queryset=Document.objects.none(), required=False
    )
    form_code = forms.CharField(label=_("Form code"), max_length=60, required=False)
    owner_unit = UnitChoiceField(label=_("Unit keeping it"), queryset=OrgUnit.objects.none())
    keeper = forms.CharField(label=_("Kept by"), max_length=255, required=False)
    location = forms.CharField(label=_("Where"), max_length=255, required=False)
    retention_years = forms.IntegerField(
        label=_("Retention (years)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Empty = permanent."),
    )
    retention_text = forms.CharField(
        label=_("Retention as written"),
        max_length=120,
        required=False,
        help_text=_("E.g. “05 năm”, “Theo quy định”."),
    )
    disposal_method = forms.CharField(label=_("Disposal method"), max_length=255, required=False)

    def __init__(
        self, *args: Any, agency: OrgUnit, owner_units: QuerySet[OrgUnit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owner_units  # type: ignore[attr-defined]
        self.fields["document"].queryset = Document.objects.filter(  # type: ignore[attr-defined]
            agency=agency, archived_at__isnull=True
        ).exclude(kind=Document.Kind.FORM)


class SettingsForm(BaseForm):
    distinct_signers = forms.TypedChoiceField(
        label=_("Distinct people for draft, review and approval"),
        coerce=int,
        choices=[(3, _("Three (author, reviewer, approver)")), (2, _("Two (author ≠ approver)"))],
    )
    review_months = forms.IntegerField(
        label=pgettext_lazy("document", "Review every (months)"), min_value=1, max_value=60
    )
    legal_alignment_months = forms.IntegerField(
        label=_("Months to align with a changed legal text"), min_value=1, max_value=12
    )

    def __init__(self, *args: Any, current: DocumentSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Document.Kind.choices:
            self.fields[f"pattern_{kind}"] = forms.CharField(
                label=_("Code pattern: %(kind)s") % {"kind": label},
                max_length=60,
                initial=current.pattern_for(kind),
                help_text=_("Default %(pattern)s") % {"pattern": DEFAULT_CODE_PATTERNS[kind]},
                widget=forms.TextInput(attrs={"class": "form-control font-monospace"}),
            )

    def patterns(self) -> dict[str, str]:
        return {k: self.cleaned_data[f"pattern_{k}"].strip() for k in DEFAULT_CODE_PATTERNS}


class ImportForm(BaseForm):
    LIST_CHOICES = [
        ("internal", _("Internal documents (Danh mục tài liệu nội bộ)")),
        ("external", _("External documents (Danh mục tài liệu bên ngoài)")),
        ("records", _("Records to keep (Danh mục hồ sơ)")),
    ]
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=OrgUnit.objects.none())
    list_kind = forms.ChoiceField(label=_("List"), choices=LIST_CHOICES)
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args: Any, agencies: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()


class LinkForm(BaseForm):
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents this task concerns"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args: Any, documents: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
