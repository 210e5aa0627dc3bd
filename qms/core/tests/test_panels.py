"""The panels registry: slots filled by other apps, in order, rows read once per contributor."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory

from qms.core import panels
from qms.core.panels import Panel, RowPanel

SLOT = "zz.page"


def _request() -> Any:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def _render(source: str, **context: Any) -> str:
    request = _request()
    return engines["django"].from_string("{% load panels %}" + source).render(context, request)


def test_a_slot_renders_its_panels_in_order_with_their_variables(settings, tmp_path) -> None:
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / "panel.html").write_text("[{{ label }}:{{ object.name }}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with panels.page_panels.isolated():
        panels.register(Panel("zz.b", SLOT, "zz/panel.html", lambda r, o: {"label": "b"}, 2))
        panels.register(Panel("zz.a", SLOT, "zz/panel.html", lambda r, o: {"label": "a"}, 1))
        panels.register(Panel("zz.none", SLOT, "zz/panel.html", lambda r, o: None, 0))
        html = _render('{% panels "zz.page" thing %}', thing=SimpleNamespace(name="T"))
    assert html == "[a:T][b:T]"


def test_a_slot_nobody_fills_renders_nothing() -> None:
    assert _render('{% panels "zz.empty" None %}') == ""


def test_row_contributions_are_read_once_for_the_whole_table(settings, tmp_path) -> None:
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / "row.html").write_text("<{{ object.pk }}={{ data }}>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    calls: list[list[int]] = []

    def read(request: Any, owner: Any, objects: Sequence[Any]) -> dict[int, str]:
        calls.append([o.pk for o in objects])
        return {o.pk: f"{owner}-{o.pk}" for o in objects if o.pk != 2}

    objects = [SimpleNamespace(pk=i) for i in (1, 2, 3)]
    with panels.row_panels.isolated():
        panels.register_rows(RowPanel("zz.rows", "zz.rows", "zz/row.html", read))
        rows = panels.rows("zz.rows", _request(), "P", objects)
        html = _render(
            "{% for o in objects %}{% panel_row rows o %}|{% endfor %}", rows=rows, objects=objects
        )
    assert calls == [[1, 2, 3]]
    assert html == "<1=P-1>||<3=P-3>|"
