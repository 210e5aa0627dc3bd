"""History on any record page: ``{% load audittrail %}{% history_table entries %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models

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
