"""Form widgets that give Django's default markup built in Python.

Filter bars are drawn on every request of a list: Django's default widget templates
(``django/forms/widgets/select.html``, ``select_option.html``, ``input.html``,
``textarea.html``, ``attrs.html``; the project overrides none of them) cost a template include per option
and per attribute. These widgets build the same markup, character for character
(``qms/core/tests/test_widgets.py`` compares them with Django's own), escaping every value.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from qms.core.forms import DateInput as _DateInput


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """``forms.Select``, option groups included."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            out.extend(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value escaped above


class _InputMixin:
    """An input widget whose default template (text or date) is built in Python."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        if template_name not in {
            "django/forms/widgets/text.html",
            "django/forms/widgets/date.html",
        }:
            return super()._render(template_name, context, renderer)  # type: ignore[misc]
        w = context["widget"]
        value = "" if w["value"] is None else f' value="{escape(w["value"])}"'
        return mark_safe(  # noqa: S308 - every value escaped
            f'<input type="{conditional_escape(w["type"])}" name="{conditional_escape(w["name"])}"'
            f"{value}{_attrs(w['attrs'])}>"
        )


class TextInput(_InputMixin, forms.TextInput):
    pass


class DateInput(_InputMixin, _DateInput):
    pass


class Textarea(forms.Textarea):
    """``forms.Textarea`` (``textarea.html``: the value on the line after the tag)."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        if template_name != "django/forms/widgets/textarea.html":
            return super()._render(template_name, context, renderer)  # type: ignore[misc]
        w = context["widget"]
        value = conditional_escape(w["value"]) if w["value"] else ""
        return mark_safe(  # noqa: S308 - every value escaped
            f'<textarea name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>\n'
            f"{value}</textarea>"
        )
