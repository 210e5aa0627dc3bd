"""Shared form pieces: Bootstrap classes, day-first date inputs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """A text input in dd/mm/yyyy: ``type=date`` would follow the browser's locale."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class VNDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 07/02/2022.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"])
        super().__init__(**kwargs)


class BootstrapMixin:
    """Adds Bootstrap classes, and ``is-invalid`` on fields with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)

    def full_clean(self) -> None:
        # Mark invalid fields after validation: reading ``errors`` in __init__ would
        # validate before a subclass has set its querysets.
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} is-invalid"


class BaseForm(BootstrapMixin, forms.Form):
    # ``{{ form }}`` renders ``template_name`` (Django's div layout by default), not
    # ``template_name_div``: both point at the project's field layout.
    template_name = "core/forms/form.html"
    template_name_div = "core/forms/form.html"


class BaseModelForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    template_name = "core/forms/form.html"
    template_name_div = "core/forms/form.html"


class CalendarOverrideForm(BaseForm):
    date = VNDateField(label=_("date"))
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[("day_off", _("Day off")), ("working", _("Working day"))],
    )
    note = forms.CharField(label=_("reason"), max_length=255)
