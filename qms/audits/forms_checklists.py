"""Forms of checklists and findings: they validate and convert; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qms.audits import clauses
from qms.audits.models import ChecklistItem, Finding
from qms.core.forms import BaseForm
from qms.core.models import OrgUnit
from qms.documents.models import Document

# What the browser offers to pick; the content is judged by qms.core.uploads alone.
EVIDENCE_ACCEPT = "image/*,.pdf,.docx,.xlsx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return obj.display_name


class ProcedureChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Document) -> str:  # type: ignore[override]
        return f"{obj.code} — {obj.title}"


def clause_field(*, required: bool, label: Any = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label or _("ISO 9001:2015 clause"),
        required=required,
        choices=clauses.grouped_choices(blank="—"),
    )


class QuestionForm(BaseForm):
    clause = clause_field(required=True)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))


class ItemForm(BaseForm):
    unit = UnitChoiceField(label=_("Audited unit"), queryset=OrgUnit.objects.none())
    clause = clause_field(required=False)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class GenerateForm(BaseForm):
    copy_last = forms.BooleanField(
        label=_("Copy the questions of each unit's last audit"),
        required=False,
        help_text=_("Units never audited before get questions from the clauses and procedures."),
    )


class AnswerForm(forms.Form):
    """One card's save: the answer (the button pressed, else the answer kept), the note,
    the item's version the card was shown with, and evidence files."""

    answer = forms.ChoiceField(choices=ChecklistItem.Answer.choices, required=False)
    current = forms.ChoiceField(choices=ChecklistItem.Answer.choices, required=False)
    note = forms.CharField(required=False, max_length=5000)
    version = forms.IntegerField(min_value=1)
    attachments = MultipleFileField()

    def chosen(self) -> str:
        data = self.cleaned_data
        if "answer" in self.data:
            return str(data.get("answer") or "")
        return str(data.get("current") or "")


class FindingForm(BaseForm):
    unit = UnitChoiceField(label=_("Audited unit"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("Kind of finding"), choices=Finding.Kind.choices)
    severity = forms.ChoiceField(
        label=_("Severity (nonconformity)"),
        required=False,
        choices=[("", "—"), *[(k, v) for k, v in Finding.Severity.choices if k]],
    )
    clause = clause_field(required=False)
    document = ProcedureChoiceField(
        label=_("Procedure"), queryset=Document.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Finding"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was found, against which requirement."),
    )
    evidence = forms.CharField(
        label=_("Objective evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The records, documents or interviews seen (required for a nonconformity)."),
    )
    attachments = MultipleFileField(label=_("Evidence photos or files"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        procedures: QuerySet[Document],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["document"].queryset = procedures  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("kind") == Finding.Kind.NONCONFORMITY:
            if not data.get("severity"):
                self.add_error("severity", _("Say whether the nonconformity is major or minor."))
            if not data.get("clause"):
                self.add_error("clause", _("A nonconformity names the clause it does not meet."))
            if not (data.get("evidence") or "").strip():
                self.add_error("evidence", _("A nonconformity states its objective evidence."))
        else:
            data["severity"] = ""
        return data


class AcknowledgeForm(BaseForm):
    comment = forms.CharField(
        label=_("Comment of the audited unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Agreement, or what the unit disputes and why."),
    )
