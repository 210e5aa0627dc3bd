"""History on any record page: ``{% load audittrail %}{% history_table entries %}``."""

from __future__ import annotations

import unicodedata
from html import escape as esc
from typing import Any, NamedTuple

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
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


TRUNCATE = 300  # characters of a before or after value shown


class _Labels(NamedTuple):
    """The words of the change list, translated once per page, not once per entry."""

    changed_to: str
    empty: str

    @classmethod
    def now(cls) -> _Labels:
        return cls(_("changed to"), _("empty"))


def _shown(text: str) -> str:
    """``Truncator(text).chars(TRUNCATE)``, without building a Truncator for the usual short
    value: it NFC-normalises, then cuts only past ``TRUNCATE`` characters."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= TRUNCATE else Truncator(text).chars(TRUNCATE)


def _change_items(items: list[selectors.Change], labels: _Labels) -> str:
    """The <li> per change, as ``_change_items.html`` rendered them (built in Python: the
    log page shows 50 entries, and an include per entry was a third of its time). Values
    escaped with ``html.escape``, Django's ``escape`` without its lazy-string wrapper."""
    changed_to, empty = esc(labels.changed_to), esc(labels.empty)
    out: list[str] = []
    for label, before, after in items:
        out.append(f'<li><span class="text-muted">{esc(label)}:</span> ')
        if before:
            out.append(
                f'<del>{esc(_shown(before))}</del> <span aria-hidden="true">\u2192</span>'
                f'<span class="visually-hidden">{changed_to}</span> '
            )
        if after:
            out.append(f"<ins>{esc(_shown(after))}</ins>")
        else:
            out.append(f'<span class="text-muted fst-italic">{empty}</span>')
        out.append("</li>\n")
    return "".join(out)


@register.filter
def changes_html(entry: LogEntry) -> SafeString:
    """The entry's changed fields as a list; past four, the rest folded in <details>."""
    return _changes_html(entry, _Labels.now())


def _changes_html(entry: LogEntry, labels: _Labels) -> SafeString:
    changes = selectors.entry_changes(entry)
    if not changes:
        return mark_safe("")  # noqa: S308 - constant
    if len(changes) <= 4:
        items = _change_items(changes, labels)
        return mark_safe(f'<ul class="history-changes list-unstyled mb-0">{items}</ul>')  # noqa: S308 - escaped above
    n = len(changes) - 3
    more = ngettext("%(n)s more change", "%(n)s more changes", n) % {"n": n}
    return format_html(
        '<ul class="history-changes list-unstyled mb-0">{}</ul>'
        '<details class="history-changes"><summary class="text-muted">{}</summary>'
        '<ul class="list-unstyled mb-0">{}</ul></details>',
        mark_safe(_change_items(changes[:3], labels)),  # noqa: S308 - escaped above
        more,
        mark_safe(_change_items(changes[3:], labels)),  # noqa: S308 - escaped above
    )


def _log_row(entry: LogEntry, system: str, note_label: str, labels: _Labels) -> str:
    """One ``<tr>``; every value escaped with ``html.escape`` (Django's ``escape`` without
    its lazy-string wrapper: a dozen calls a row)."""
    moment = entry.created_at  # as the ``date`` filter shows it: in local time
    if settings.USE_TZ and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    actor = entry.actor
    who = (
        f'{esc(actor.display_name)}<div class="small text-muted">{esc(actor.username)}</div>'
        if actor
        else system
    )
    note = (
        '<div class="small mt-1 text-body-secondary"><i class="bi bi-chat-left-text" '
        f'aria-hidden="true"></i><span class="visually-hidden">{note_label}:</span> '
        f"{linebreaksbr(entry.note)}</div>"
        if entry.note
        else ""
    )
    unit = esc(entry.unit.display_name) if entry.unit else ""
    ip = "" if entry.ip_address is None else esc(entry.ip_address)
    return (
        f'<tr class="log-row"><td class="text-nowrap small"><time datetime="'
        f'{moment.isoformat()}">{moment.day:02d}/{moment.month:02d}/{moment.year:04d} '
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}</time></td>"
        f"<td>{who}</td>"
        f'<td><span title="{esc(entry.action)}">{esc(selectors.action_label(entry.action))}'
        f'</span></td><td><div class="small text-muted">'
        f"{esc(selectors.record_type_label(entry))}</div> {esc(entry.object_repr)} </td>"
        f'<td class="small">{unit}</td>'
        f'<td class="log-changes">{_changes_html(entry, labels)}{note}</td>'
        f'<td class="small text-muted font-monospace">{ip}</td></tr>\n'
    )


@register.filter
def log_rows(entries: Any) -> SafeString:
    """The audit log's ``<tr>`` per entry, as the template loop rendered them (built in
    Python: 50 rows of seven cells through the template engine were half of the page)."""
    system = f'<span class="text-muted">{esc(_("System"))}</span>'
    note_label, labels = esc(_("Note")), _Labels.now()
    return mark_safe(  # noqa: S308 - every value escaped in _log_row
        "".join(_log_row(entry, system, note_label, labels) for entry in entries)
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
