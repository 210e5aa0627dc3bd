"""The form of an objective's action (validates and converts; the service writes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.core.forms import BaseForm, VNDateField
from qms.objectives.action_services import ActionInput


class ActionForm(BaseForm):
    action = forms.CharField(
        # "Action" alone is already the UI sense (Thao tác); here it is a measure taken.
        label=pgettext_lazy("objective plan", "Action"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What will be done to reach the objective."),
    )
    resources = forms.CharField(
        label=_("Resources"),
        max_length=255,
        required=False,
        help_text=_("People, budget, equipment, software needed."),
    )
    responsible = forms.CharField(
        label=_("Responsible"),
        max_length=255,
        required=False,
        help_text=_("Who carries it out, e.g. a division, a group or a person."),
    )
    deadline = VNDateField(
        label=_("Deadline"),
        required=False,
        help_text=_("Needed to turn the action into a task of the yearly plan."),
    )
    evaluation_method = forms.CharField(
        label=_("How the result is evaluated"),
        max_length=255,
        required=False,
    )

    def to_input(self) -> ActionInput:
        d = self.cleaned_data
        return ActionInput(
            action=d["action"],
            resources=d["resources"],
            responsible=d["responsible"],
            deadline=d.get("deadline"),
            evaluation_method=d["evaluation_method"],
        )
