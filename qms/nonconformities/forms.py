"""Forms of the NC pages: they validate and convert; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.accounts.models import User
from qms.core import widgets
from qms.core.forms import BaseForm, VNDateField
from qms.core.models import OrgUnit
from qms.nonconformities import services, sources
from qms.nonconformities.models import Nonconformity
from qms.planning.forms import MultipleFileField, MultipleFileInput

EVIDENCE_ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
FISHBONE_LABELS = {
    "man": _("Man (people)"),
    "machine": _("Machine (equipment, software)"),
    "method": _("Method (procedure)"),
    "material": _("Material (inputs, records)"),
    "measurement": _("Measurement (checks, indicators)"),
    "environment": _("Environment (workplace, context)"),
}


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return "— " * max(obj.depth - 1, 0) + obj.display_name


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.unit.display_name if obj.unit_id else ""
        return f"{obj.display_name} ({unit})" if unit else obj.display_name


def agency_units(agency: OrgUnit) -> Any:
    return OrgUnit.objects.filter(
        Q(pk=agency.pk) | Q(agency=agency), archived_at__isnull=True
    ).order_by("path")


def agency_people(agency: OrgUnit) -> Any:
    return (
        User.objects.filter(Q(unit=agency) | Q(unit__agency=agency), is_active=True)
        .select_related("unit")
        .order_by("last_name", "first_name", "username")
    )


def evidence_field(label: Any = None) -> MultipleFileField:
    return MultipleFileField(
        label=label or _("Evidence"),
        required=False,
        help_text=_("PDF, Word, Excel, PNG or JPEG."),
        widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RaiseForm(BaseForm):
    unit = UnitChoiceField(
        label=_("Unit responsible"), queryset=OrgUnit.objects.none(), widget=widgets.Select
    )
    title = forms.CharField(label=_("Title"), max_length=500, widget=widgets.TextInput)
    description = forms.CharField(
        label=_("Description"),
        widget=widgets.Textarea(attrs={"rows": 5}),
        help_text=_("What was found, where, and the requirement it does not meet."),
    )
    clause = forms.CharField(
        label=_("ISO 9001 clause"),
        max_length=10,
        required=False,
        widget=widgets.TextInput,
        help_text=_("E.g. 7.5.3 or 8.5.1."),
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Nonconformity.Severity.choices,
        initial=Nonconformity.Severity.MINOR,
    )
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        widget=widgets.Select,
        help_text=_("Who follows the nonconformity until it is closed (usually the unit head)."),
    )
    raised_on = VNDateField(label=_("Raised on"), widget=widgets.DateInput)

    def __init__(self, *args: Any, agency: OrgUnit, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else agency_units(agency)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agency_people(agency)  # type: ignore[attr-defined]


class NCEditForm(VersionMixin, BaseForm):
    title = forms.CharField(label=_("Title"), max_length=500, widget=widgets.TextInput)
    description = forms.CharField(
        label=_("Description"), widget=widgets.Textarea(attrs={"rows": 5})
    )
    unit = UnitChoiceField(
        label=_("Unit responsible"), queryset=OrgUnit.objects.none(), widget=widgets.Select
    )
    owner = PersonChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, widget=widgets.Select
    )
    clause = forms.CharField(
        label=_("ISO 9001 clause"), max_length=10, required=False, widget=widgets.TextInput
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Nonconformity.Severity.choices)

    def __init__(self, *args: Any, agency: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agency_units(agency)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agency_people(agency)  # type: ignore[attr-defined]

    def to_input(self) -> services.NCInput:
        d = self.cleaned_data
        return services.NCInput(
            title=d["title"],
            description=d["description"],
            unit=d["unit"],
            owner=d.get("owner"),
            clause=d.get("clause", ""),
            severity=d["severity"],
        )


class CorrectionForm(VersionMixin, BaseForm):
    correction = forms.CharField(
        label=_("Correction"),
        widget=widgets.Textarea(attrs={"rows": 3}),
        help_text=_("What was done at once to fix what was found (before the cause is removed)."),
    )
    correction_on = VNDateField(label=_("Corrected on"), required=False, widget=widgets.DateInput)


class AnalysisForm(VersionMixin, BaseForm):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=Nonconformity.CauseMethod.choices,
        widget=forms.RadioSelect,
        initial=Nonconformity.CauseMethod.FIVE_WHYS,
    )
    root_cause = forms.CharField(
        label=_("Root cause"),
        widget=widgets.Textarea(attrs={"rows": 2}),
        help_text=_("The cause the corrective actions must remove."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, 6):
            self.fields[f"why_{i}"] = forms.CharField(
                label=_("Why %(n)d?") % {"n": i},
                required=False,
                max_length=500,
                widget=widgets.TextInput,
            )
            self.fields[f"why_{i}"].widget.attrs["class"] = "form-control form-control-sm"
        for cat, label in FISHBONE_LABELS.items():
            self.fields[f"fb_{cat}"] = forms.CharField(
                label=label, required=False, widget=widgets.Textarea(attrs={"rows": 2})
            )
            self.fields[f"fb_{cat}"].widget.attrs["class"] = "form-control form-control-sm"
            self.fields[f"fb_{cat}"].widget.attrs["placeholder"] = _("One cause per line")

    @classmethod
    def initial_from(cls, nc: Nonconformity) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "method": nc.cause_method or Nonconformity.CauseMethod.FIVE_WHYS,
            "root_cause": nc.root_cause,
            "version": nc.version,
        }
        for i, why in enumerate(nc.whys[:5], start=1):
            initial[f"why_{i}"] = why
        for cat in services.FISHBONE_CATEGORIES:
            initial[f"fb_{cat}"] = "\n".join(nc.fishbone.get(cat, []))
        return initial

    def why_fields(self) -> list[Any]:
        return [self[f"why_{i}"] for i in range(1, 6)]

    def fishbone_fields(self) -> list[Any]:
        return [self[f"fb_{cat}"] for cat in services.FISHBONE_CATEGORIES]

    def whys(self) -> list[str]:
        return [self.cleaned_data.get(f"why_{i}", "") for i in range(1, 6)]

    def fishbone(self) -> dict[str, list[str]]:
        return {
            cat: self.cleaned_data.get(f"fb_{cat}", "").splitlines()
            for cat in services.FISHBONE_CATEGORIES
        }


class ActionForm(VersionMixin, BaseForm):
    description = forms.CharField(
        label=pgettext_lazy("corrective", "Action"),
        widget=widgets.Textarea(attrs={"rows": 2}),
        help_text=_("What will be done to remove the root cause."),
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), widget=widgets.Select)
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), widget=widgets.Select)
    due = VNDateField(label=_("Deadline"), widget=widgets.DateInput)

    def __init__(self, *args: Any, agency: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agency_units(agency)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agency_people(agency)  # type: ignore[attr-defined]

    def to_input(self) -> services.ActionInput:
        d = self.cleaned_data
        return services.ActionInput(
            description=d["description"], owner=d["owner"], unit=d["unit"], due=d["due"]
        )


class DoneForm(BaseForm):
    result = forms.CharField(label=_("What was done"), widget=widgets.Textarea(attrs={"rows": 2}))
    done_on = VNDateField(label=_("Done on"), required=False, widget=widgets.DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = evidence_field()


class VerifyForm(VersionMixin, BaseForm):
    effective = forms.TypedChoiceField(
        label=_("Were the actions effective?"),
        choices=[
            ("yes", _("Effective: close the nonconformity")),
            ("no", _("Not effective: reopen it")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What was checked"),
        widget=widgets.Textarea(attrs={"rows": 3}),
        help_text=_("The records, places or results checked, and what was found."),
    )
    verified_on = VNDateField(label=_("Verified on"), required=False, widget=widgets.DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = evidence_field()


class EvidenceForm(BaseForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = evidence_field(_("Files"))


class ArchiveForm(BaseForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=widgets.TextInput,
        help_text=_("E.g. raised by mistake, or a duplicate of another record."),
    )


class SettingsForm(BaseForm):
    verification_delay_days = forms.IntegerField(
        label=_("Days between the last action done and the verification"),
        min_value=0,
        max_value=365,
        help_text=_(
            "The effectiveness of the actions is verified after this many days, so that "
            "their result can be seen (default 30)."
        ),
    )


class FilterForm(forms.Form):
    """The list's filters (GET); bad values are ignored, not errors."""

    # Widgets that build Django's markup in Python (no template include per option).
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=widgets.Select
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=widgets.Select)
    unit = forms.TypedChoiceField(
        label=_("Unit"), required=False, coerce=int, empty_value=None, widget=widgets.Select
    )
    source = forms.ChoiceField(label=_("Source"), required=False, widget=widgets.Select)
    severity = forms.ChoiceField(label=_("Severity"), required=False, widget=widgets.Select)
    clause = forms.CharField(
        label=_("Clause"), required=False, max_length=10, widget=widgets.TextInput
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    archived = forms.BooleanField(label=_("Archived"), required=False)

    def __init__(self, *args: Any, years: list[int], units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["year"].choices = everything + [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["status"].choices = everything + list(Nonconformity.Status.choices)  # type: ignore[attr-defined]
        self.fields["unit"].choices = everything + [(u.pk, u.display_name) for u in units]  # type: ignore[attr-defined]
        self.fields["source"].choices = (  # type: ignore[attr-defined]
            everything + [("direct", _("Raised directly"))] + list(sources.choices())
        )
        self.fields["severity"].choices = everything + list(Nonconformity.Severity.choices)  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else ""
            if isinstance(field.widget, forms.TextInput):
                css = "form-control form-control-sm"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs["class"] = css

    def values(self) -> dict[str, Any]:
        """The valid filters given (an invalid one is dropped, the others kept)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
