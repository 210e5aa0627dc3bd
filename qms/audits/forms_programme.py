"""Forms of the internal-audit programme: they validate and convert; services write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qms.accounts.models import User
from qms.audits.models import AuditSettings, AuditTeamMember
from qms.core.forms import BaseForm, VNDateField
from qms.core.models import OrgUnit
from qms.documents.models import Document
from qms.planning.models import PlanTask

CLAUSE_RE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,2}$")


def clause_choices() -> list[tuple[str, str]]:
    """The clause library's numbers and titles (TCVN ISO 9001:2015), level 1 and 2."""
    try:
        from qms.audits import clauses
    except ImportError:  # pragma: no cover - the library ships with the checklists part
        return []
    return [(c.number, c.label) for c in clauses.all_clauses()]


class ClauseField(forms.MultipleChoiceField):
    """Clause numbers from the library; a number it does not know is refused."""

    widget = forms.SelectMultiple(attrs={"size": 10})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=clause_choices, **kwargs)

    def valid_value(self, value: Any) -> bool:
        if not self.choices:
            return bool(CLAUSE_RE.match(str(value)))
        return super().valid_value(value)


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return obj.display_name


class DocumentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Document) -> str:  # type: ignore[override]
        return f"{obj.code} — {obj.title}"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        unit = obj.unit.display_name if obj.unit else ""
        return f"{obj.display_name} ({unit})" if unit else obj.display_name


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        unit = obj.unit.display_name if obj.unit else ""
        return f"{obj.display_name} ({unit})" if unit else obj.display_name


class TaskField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanTask) -> str:  # type: ignore[override]
        text = obj.content if len(obj.content) <= 90 else obj.content[:87] + "…"
        return f"{obj.number}. {text} ({obj.timing_text})"


def procedures_in_force(agency: OrgUnit) -> QuerySet[Document]:
    return Document.objects.filter(
        agency=agency,
        status=Document.Status.IN_FORCE,
        archived_at__isnull=True,
        kind__in=[
            Document.Kind.SYSTEM_PROCEDURE,
            Document.Kind.WORK_PROCEDURE,
            Document.Kind.MANUAL,
            Document.Kind.GUIDELINE,
        ],
    ).order_by("code")


def agency_units(agency: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=agency.path, archived_at__isnull=True).order_by(
        "path"
    )


def agency_people(agency: OrgUnit) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, unit__path__startswith=agency.path)
        .select_related("unit")
        .order_by("last_name", "first_name", "pk")
    )


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


MANY = _("Hold Ctrl (⌘ on a Mac) to choose several.")


class ProgrammeForm(BaseForm, VersionMixin):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Programme title"), max_length=500)
    objective = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The units and processes the programme covers."),
    )
    start = VNDateField(label=_("From"))
    end = VNDateField(label=_("To"))
    plan_task = TaskField(
        label=_("Audit task of the yearly plan"),
        queryset=PlanTask.objects.none(),
        required=False,
        help_text=_("Its window gives the default dates; its page shows the progress."),
    )
    action_task = TaskField(
        label=_("Corrective-action task of the yearly plan"),
        queryset=PlanTask.objects.none(),
        required=False,
        help_text=_(
            "Its page shows the NCs raised from the audits: open, awaiting verification, closed."
        ),
    )
    clauses = ClauseField(
        label=_("Criteria: ISO 9001:2015 clauses"), required=False, help_text=MANY
    )
    procedures = DocumentsField(
        label=_("Criteria: the agency's procedures"),
        queryset=Document.objects.none(),
        required=False,
        help_text=format_lazy("{} {}", _("Procedures in force."), MANY),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    legal_criteria = forms.CharField(
        label=_("Criteria: legal requirements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Laws, decrees and circulars the audits check against."),
    )

    def __init__(self, *args: Any, agency: OrgUnit, tasks: list[PlanTask], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [t.pk for t in tasks]
        task_qs = PlanTask.objects.filter(pk__in=ids).order_by("number")
        self.fields["plan_task"].queryset = task_qs  # type: ignore[attr-defined]
        self.fields["action_task"].queryset = task_qs  # type: ignore[attr-defined]
        self.fields["procedures"].queryset = procedures_in_force(agency)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The programme ends after it starts."))
        return data


class AuditForm(BaseForm, VersionMixin):
    title = forms.CharField(label=_("Audit title"), max_length=500)
    units = UnitsField(
        label=_("Audited units"),
        queryset=OrgUnit.objects.none(),
        help_text=MANY,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    procedures = DocumentsField(
        label=_("Processes and procedures in scope"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    clauses = ClauseField(label=_("ISO 9001:2015 clauses"), required=False, help_text=MANY)
    criteria = forms.CharField(
        label=_("Criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ISO 9001:2015, the procedures in scope, the legal requirements…"),
    )
    start_date = VNDateField(label=_("From"))
    end_date = VNDateField(label=_("To"))
    auditees = PeopleField(
        label=_("Auditees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    independence_reason = forms.CharField(
        label=_("Reason, if a team member is no longer independent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed only when the agency warns and the new units or procedures concern a member."
        ),
    )

    def __init__(self, *args: Any, agency: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = agency_units(agency).exclude(pk=agency.pk)  # type: ignore[attr-defined]
        self.fields["procedures"].queryset = procedures_in_force(agency)  # type: ignore[attr-defined]
        self.fields["auditees"].queryset = agency_people(agency)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("The audit ends after it starts."))
        return data


class TeamMemberForm(BaseForm):
    user = PersonField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=AuditTeamMember.Role.choices)
    reason = forms.CharField(
        label=_("Reason if not independent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the agency warns and the person is not independent."),
    )

    def __init__(self, *args: Any, agency: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = agency_people(agency)  # type: ignore[attr-defined]


class SlotForm(BaseForm):
    date = VNDateField(label=_("Date"))
    start_time = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"placeholder": "08:00"})
    )
    end_time = forms.TimeField(
        label=_("To"), widget=forms.TimeInput(attrs={"placeholder": "11:30"})
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    activity = forms.CharField(label=_("Activity"), max_length=500)
    auditors = forms.CharField(label=_("Auditors"), max_length=255, required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and start >= end:
            self.add_error("end_time", _("A time slot starts before it ends."))
        return data


class ReportForm(BaseForm, VersionMixin):
    opening_notes = forms.CharField(
        label=_("Opening meeting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("When, who attended, what was agreed."),
    )
    closing_notes = forms.CharField(
        label=_("Closing meeting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    conclusions = forms.CharField(
        label=_("Conclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Is the system conforming, effectively implemented and maintained?"),
    )


class AuditorForm(BaseForm):
    user = PersonField(label=_("Person"), queryset=User.objects.none())
    certificate = forms.CharField(label=_("Training certificate"), max_length=255, required=False)
    certificate_no = forms.CharField(label=_("Certificate no."), max_length=80, required=False)
    trained_by = forms.CharField(label=_("Trained by"), max_length=255, required=False)
    trained_on = VNDateField(label=_("Certificate date"), required=False)
    valid_until = VNDateField(label=_("Valid until"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, agency: OrgUnit, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = agency_people(agency)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("trained_on"), data.get("valid_until")
        if start and end and end < start:
            self.add_error(
                "valid_until", _("The certificate is valid until a date after it was issued.")
            )
        return data


class SettingsForm(BaseForm):
    independence = forms.ChoiceField(
        label=_("An auditor who is not independent of what they audit"),
        choices=AuditSettings.Independence.choices,
        widget=forms.RadioSelect,
    )
