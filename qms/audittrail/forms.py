"""The audit log's filter bar: validates and converts only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from qms.audittrail import selectors
from qms.core.forms import VNDateField
from qms.core.models import OrgUnit
from qms.core.widgets import Select

INDENT = "\u2002\u2002"  # two en spaces per level: a plain <select> keeps them


class _PlainChoiceIterator(ModelChoiceIterator):
    """The choices read by one plain query, as ``ModelChoiceIterator`` does but without
    ``iterator()``: on PostgreSQL that opens a server-side cursor (DECLARE, FETCH, CLOSE:
    three round trips) for a few dozen rows."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Units indented by depth below the first (shallowest) one, so the tree reads."""

    iterator = _PlainChoiceIterator
    widget = Select
    base_depth: int | None = None

    def label_from_instance(self, obj: OrgUnit) -> str:
        if self.base_depth is None:
            self.base_depth = obj.depth  # the queryset is ordered by path
        return INDENT * max(obj.depth - self.base_depth, 0) + obj.display_name


class ActorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = _PlainChoiceIterator
    widget = Select

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class LogFilterForm(forms.Form):
    """Compact filter bar. Plain ``forms.Form``: the querysets depend on the user and must
    be in place before the bound data is cleaned, which BaseForm does in its ``__init__``."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Record, action, note or user…"),
            }
        ),
    )
    actor = ActorChoiceField(
        label=_("User"), required=False, queryset=None, empty_label=_("All users")
    )
    app = forms.ChoiceField(
        label=_("Area"),
        required=False,
        choices=[("", _("All areas")), *selectors.ACTION_PREFIXES],
        widget=Select,
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        required=False,
        queryset=None,
        empty_label=_("All units"),
        help_text=_("Includes its subunits."),
    )
    date_from = VNDateField(label=_("From"), required=False)
    date_to = VNDateField(label=_("To"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.log_unit_choices(user)  # type: ignore[attr-defined]
        self.fields["actor"].queryset = selectors.log_actor_choices(user)  # type: ignore[attr-defined]
        for field in self.fields.values():
            small = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if small else "form-control form-control-sm"
            )
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["size"] = 11  # fits dd/mm/yyyy in a compact bar

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid field is left out (its error is shown)."""
        if not self.is_bound:
            return {}
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
