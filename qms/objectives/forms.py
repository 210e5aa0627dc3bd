"""Forms validate and convert only; services do the writing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qms.core.forms import BaseForm, VNDateField
from qms.core.models import OrgUnit
from qms.objectives.models import Objective, PlanStage


class PlainDecimalField(forms.DecimalField):
    """Shows 96 rather than 96.0000 (values are stored with four decimals)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f")
            return text
        return value


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return obj.display_name


class ObjectiveForm(BaseForm):
    statement = forms.CharField(label=_("Objective"), widget=forms.Textarea(attrs={"rows": 2}))
    indicator = forms.CharField(label=_("Indicator"), max_length=255)
    unit_of_measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=40,
        required=False,
        help_text=_("E.g. %, hồ sơ, ngày."),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Objective.Direction.choices)
    target = PlainDecimalField(label=_("Target"), required=False, max_digits=14, decimal_places=4)
    target_date = VNDateField(label=_("Reach by"), required=False)
    baseline = PlainDecimalField(
        label=_("Baseline"),
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text=_("Last period's result; filled in when objectives are carried over."),
    )
    frequency = forms.ChoiceField(label=_("Measured"), choices=Objective.Frequency.choices)
    source = forms.ChoiceField(label=_("Data source"), choices=Objective.Source.choices)
    owner_unit = UnitChoiceField(label=_("Owner unit"), queryset=OrgUnit.objects.none())
    contributes_to = forms.ModelChoiceField(
        label=_("Contributes to (agency objective)"),
        queryset=Objective.objects.none(),
        required=False,
    )
    aggregation = forms.ChoiceField(
        label=_("Roll-up of the units"), choices=Objective.Aggregation.choices, required=False
    )
    weight = PlainDecimalField(
        label=_("Weight"), initial=1, max_digits=8, decimal_places=3, min_value=0
    )
    continuing = forms.BooleanField(label=_("Continue next period"), required=False)

    def __init__(
        self,
        *args: Any,
        owner_units: QuerySet[OrgUnit],
        parents: QuerySet[Objective] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owner_units  # type: ignore[attr-defined]
        if parents is None:
            del self.fields["contributes_to"]
            del self.fields["weight"]
        else:
            self.fields["contributes_to"].queryset = parents  # type: ignore[attr-defined]
            del self.fields["aggregation"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("direction") == Objective.Direction.BY_DATE:
            if not data.get("target_date"):
                self.add_error("target_date", _("Give the date by which the objective is reached."))
        elif data.get("target") is None:
            self.add_error("target", _("Give the target value."))
        return data


class MeasurementForm(BaseForm):
    measured_on = VNDateField(label=_("Measured on"))
    value = PlainDecimalField(label=_("Value"), max_digits=14, decimal_places=4)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    evidence = forms.FileField(label=_("Evidence"), required=False)


class SettingsForm(BaseForm):
    school_year_start_day = forms.IntegerField(
        label=_("School year starts on day"), min_value=1, max_value=28
    )
    school_year_start_month = forms.IntegerField(label=_("of month"), min_value=1, max_value=12)


class StageForm(BaseForm):
    stage = forms.ChoiceField(label=_("The task stands for"), choices=PlanStage.Stage.choices)
    year = forms.IntegerField(
        label=_("School year set (first year)"),
        min_value=2000,
        max_value=2100,
        help_text=_("2022 for 2022-2023: the units evaluate 2021-2022 and set 2022-2023."),
    )


class EvaluateForm(BaseForm):
    result = PlainDecimalField(label=_("Result"), required=False, max_digits=14, decimal_places=4)
    reached_on = VNDateField(label=_("Reached on"), required=False)
    cause = forms.CharField(
        label=_("Cause (when not achieved)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proposed_action = forms.CharField(
        label=_("Proposed action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    continuing = forms.BooleanField(label=_("Continue next period"), required=False)
