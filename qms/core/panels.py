"""Panels: what one area shows on another area's page (NetBox's template extensions, small).

A page offers named *slots*; an area fills them from its ``AppConfig.ready()``, so that the
page's own app imports nothing of it. Two kinds:

- ``Panel``: one block per object (or per page), ``context(request, obj)`` returns the
  template's variables, or ``None`` to show nothing. ``{% panels "slot" obj %}`` renders
  every panel of the slot in order.
- ``RowPanel``: a bulk contribution to each row of a table. ``rows(request, owner, objects)``
  reads the data of all rows at once (a fixed number of queries, never one per row) and
  returns it by ``obj.pk``; the view calls ``panels.rows(slot, request, owner, objects)``
  once and the row template renders ``{% panel_row that obj %}``.

Panel templates are rendered in the page's context (``csrf_token``, ``request``, ``user``)
with the panel's variables pushed on top, as ``{% include %}`` does; ``object`` is the
object the slot was given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from qms.core.registry import Registry

PanelContext = Callable[[HttpRequest, Any], Mapping[str, Any] | None]
RowData = Callable[[HttpRequest, Any, Sequence[Any]], Mapping[Any, Any]]


@dataclass(frozen=True)
class Panel:
    key: str
    slot: str
    template: str
    context: PanelContext
    order: int = 100


@dataclass(frozen=True)
class RowPanel:
    key: str
    slot: str
    template: str
    rows: RowData
    order: int = 100


page_panels: Registry[Panel] = Registry()
row_panels: Registry[RowPanel] = Registry()


def register(panel: Panel) -> None:
    """Add (or replace, by key) a panel to its slot."""
    page_panels.add(panel.key, panel)


def register_rows(panel: RowPanel) -> None:
    """Add (or replace, by key) a bulk row contribution to its slot."""
    row_panels.add(panel.key, panel)


P = TypeVar("P", Panel, RowPanel)


def _in_slot(registry: Registry[P], slot: str) -> list[P]:
    found = [p for p in registry.entries().values() if p.slot == slot]
    return sorted(found, key=lambda p: (p.order, p.key))


def _render(context: Context, template: str, variables: Mapping[str, Any]) -> SafeString:
    engine = context.template.engine if context.template else None
    if engine is None:
        raise ValueError("panels render inside a template")
    with context.push(**variables):
        return mark_safe(engine.get_template(template).render(context))  # noqa: S308 - rendered


def _joined(parts: list[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered, escaped template


def render(slot: str, context: Context, obj: Any) -> SafeString:
    """Every panel of ``slot`` for ``obj``, in order, rendered in the page's ``context``."""
    request: HttpRequest = context["request"]
    parts = []
    for panel in _in_slot(page_panels, slot):
        variables = panel.context(request, obj)
        if variables is not None:
            parts.append(_render(context, panel.template, {**variables, "object": obj}))
    return _joined(parts)


@dataclass(frozen=True)
class Rows:
    """The row contributions of one slot for one table, read once (``rows()``)."""

    slot: str
    data: list[tuple[RowPanel, Mapping[Any, Any]]]

    def render(self, context: Context, obj: Any) -> SafeString:
        parts = [
            _render(context, panel.template, {"object": obj, "data": data[obj.pk]})
            for panel, data in self.data
            if obj.pk in data
        ]
        return _joined(parts)


def rows(slot: str, request: HttpRequest, owner: Any, objects: Sequence[Any]) -> Rows:
    """Read every contribution to ``slot`` for the rows ``objects`` of ``owner``'s table."""
    return Rows(slot, [(p, p.rows(request, owner, objects)) for p in _in_slot(row_panels, slot)])
