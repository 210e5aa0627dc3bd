"""The widgets of qms.core.widgets give Django's own markup, byte for byte."""

from __future__ import annotations

import pytest
from django import forms

from qms.core.forms import DateInput
from qms.core.widgets import DateInput as PythonDateInput
from qms.core.widgets import Select as PythonSelect
from qms.core.widgets import Textarea as PythonTextarea
from qms.core.widgets import TextInput as PythonTextInput

CHOICES = [("", "Tất cả"), ("open", "Đang <mở>"), ("a&b", 'Có "ngoặc"'), (3, "Phòng 3")]


@pytest.mark.parametrize("value", [None, "", "open", "a&b", "3", 3, "missing"])
def test_select_matches_django(value: object) -> None:
    attrs = {"class": "form-select form-select-sm", "id": "id_status", "aria-invalid": True}
    ours = PythonSelect(choices=CHOICES).render("status", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("status", value, attrs=attrs)
    assert ours == django


@pytest.mark.parametrize("value", [None, "", '<b>"x"&', "tìm"])
def test_inputs_match_django(value: object) -> None:
    attrs = {"class": "form-control", "placeholder": "Tìm…", "id": "id_q", "disabled": False}
    assert PythonTextInput().render("q", value, attrs=attrs) == forms.TextInput().render(
        "q", value, attrs=attrs
    )
    assert PythonDateInput().render("d", value, attrs=attrs) == DateInput().render(
        "d", value, attrs=attrs
    )
    area = {"rows": 3, "cols": "40", "class": "form-control", "required": True}
    assert PythonTextarea(attrs=area).render("t", value, attrs={"id": "id_t"}) == (
        forms.Textarea(attrs=area).render("t", value, attrs={"id": "id_t"})
    )


def test_select_with_groups_keeps_the_templates() -> None:
    grouped = [("Nhóm <1>", [("x", "X")]), ("y", "Y")]
    ours = PythonSelect(choices=grouped).render("g", "x")
    assert ours == forms.Select(choices=grouped).render("g", "x")
