"""History on any record page: ``{% load audittrail %}{% history_table entries %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qms.audittrail import selectors
from qms.audittrail.models import LogEntry

register = template.Library()


@register.inclusion_tag("audittrail/partials/history_table.html")
def history_table(entries: Any, show_record: bool | None = None) -> dict[str, Any]:
    """A History table of ``entries`` (queryset, slice, page or list), newest first as given.

    The record column appears when the entries concern more than one record (a plan
    with its tasks) or when ``show_record`` says so.
    """
    rows = list(entries)
    if show_record is None:
        show_record = selectors.distinct_objects(rows) > 1
    return {"entries": rows, "show_record": show_record}


@register.filter
def action_label(code: str) -> str:
    """ "planning.task.confirmed" → "confirmed the task" (translated); unknown codes as-is."""
    return selectors.action_label(code)


@register.filter
def entry_changes(entry: LogEntry) -> list[selectors.Change]:
    """[(label, before, after)] with the model's verbose names and readable values."""
    return selectors.entry_changes(entry)


def _change_items(items: list[selectors.Change]) -> str:
    """The <li> per change, as ``_change_items.html`` rendered them (built in Python: the
    log page shows 50 entries, and an include per entry was a third of its time)."""
    changed_to, empty = _("changed to"), _("empty")
    out: list[str] = []
    for label, before, after in items:
        out.append(format_html('<li><span class="text-muted">{}:</span> ', label))
        if before:
            out.append(
                format_html(
                    '<del>{}</del> <span aria-hidden="true">\u2192</span>'
                    '<span class="visually-hidden">{}</span> ',
                    Truncator(before).chars(300),
                    changed_to,
                )
            )
        if after:
            out.append(format_html("<ins>{}</ins>", Truncator(after).chars(300)))
        else:
            out.append(format_html('<span class="text-muted fst-italic">{}</span>', empty))
        out.append("</li>\n")
    return "".join(out)


@register.filter
def changes_html(entry: LogEntry) -> SafeString:
    """The entry's changed fields as a list; past four, the rest folded in <details>."""
    changes = selectors.entry_changes(entry)
    if not changes:
        return mark_safe("")  # noqa: S308 - constant
    if len(changes) <= 4:
        items = _change_items(changes)
        return mark_safe(f'<ul class="history-changes list-unstyled mb-0">{items}</ul>')  # noqa: S308 - escaped above
    n = len(changes) - 3
    more = ngettext("%(n)s more change", "%(n)s more changes", n) % {"n": n}
    return format_html(
        '<ul class="history-changes list-unstyled mb-0">{}</ul>'
        '<details class="history-changes"><summary class="text-muted">{}</summary>'
        '<ul class="list-unstyled mb-0">{}</ul></details>',
        mark_safe(_change_items(changes[:3])),  # noqa: S308 - escaped above
        more,
        mark_safe(_change_items(changes[3:])),  # noqa: S308 - escaped above
    )


@register.filter
def record_type(entry: LogEntry) -> str:
    return selectors.record_type_label(entry)


def _model_of(source: Any) -> type[models.Model] | None:
    if isinstance(source, LogEntry):
        return ContentType.objects.get_for_id(source.content_type_id).model_class()
    if isinstance(source, ContentType):
        return source.model_class()
    if isinstance(source, models.Model):
        return type(source)
    if isinstance(source, type) and issubclass(source, models.Model):
        return source
    return None


@register.filter
def field_label(name: str, source: Any) -> str:
    """``{{ "due_date"|field_label:entry }}`` → "Hạn": the field's verbose name.

    ``source`` is a log entry, a content type, a model instance or a model class; the
    name comes back unchanged when the model has no such field.
    """
    return selectors.field_label_for(_model_of(source), name)
