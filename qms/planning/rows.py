"""Per-row values of the task tables, computed once in Python rather than by template
tags and lookups repeated on every row (a plan's table has hundreds of rows).

``decorate`` sets plain attributes on the tasks it is given and returns them: ``url`` (the
task's page), ``badge`` (the status badge, overdue included) and, where asked,
``lead_names`` / ``partner_names`` (display names of the linked units). The ``*_rows``
functions render a table's rows in Python, the markup the row templates had, every value a
user typed escaped (``_row``, as ``format_html`` does).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from qms.core.templatetags.qms import status_badge, task_status_badge
from qms.core.text import dmy
from qms.planning.models import PlanTask
from qms.planning.selectors import unit_names

if TYPE_CHECKING:
    from qms.planning.models import Plan, ProgressUpdate


# What the task tables read of a task (no plan, no agency, no unused text).
ROW_FIELDS = (
    "id",
    "plan",
    "number",
    "content",
    "lead_text",
    "partner_text",
    "timing_text",
    "timing_kind",
    "timing_flagged",
    "start_date",
    "due_date",
    "percent",
    "status",
)


def task_url_maker() -> str:
    """The task page's URL with ``{}`` for the id: one ``reverse()`` for the whole table."""
    return reverse("planning:task_detail", kwargs={"pk": 0}).removesuffix("0/") + "{}/"


def decorate(
    tasks: Iterable[PlanTask],
    today: datetime.date,
    *,
    leads: bool = False,
    partners: bool = False,
) -> list[PlanTask]:
    """The tasks with ``url`` and ``badge`` set, and the lead or partner units' names if
    asked (one values query each, no unit instances)."""
    url = task_url_maker()
    badges: dict[str, str] = {}
    rows = list(tasks)
    ids = [t.pk for t in rows]
    lead_names = unit_names(PlanTask.lead_units.through, ids) if leads else {}
    partner_names = unit_names(PlanTask.partner_units.through, ids) if partners else {}
    for task in rows:
        key = task.display_status(today)
        if key not in badges:
            badges[key] = task_status_badge(task, today)
        task.badge = badges[key]  # type: ignore[attr-defined]
        task.url = url.format(task.pk)  # type: ignore[attr-defined]
        if leads:
            task.lead_names = lead_names.get(task.pk, [])  # type: ignore[attr-defined]
        if partners:
            task.partner_names = partner_names.get(task.pk, [])  # type: ignore[attr-defined]
    return rows


def _esc(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper (called for every cell):
    safe strings (badges, rendered panels) as they are, anything else escaped."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _row(template: str, *values: Any) -> str:
    """``format_html`` for one row: every value escaped unless already safe."""
    return template.format(*map(_esc, values))


def _flag(task: PlanTask, icon: str) -> str:
    return icon if task.timing_flagged else ""


def _flag_icon() -> SafeString:
    return format_html(
        ' <i class="bi bi-exclamation-triangle text-warning" title="{}"></i>',
        _("Dates need checking"),
    )


def _names(names: list[str], fallback: str) -> SafeString:
    if not names:
        return mark_safe(_esc(fallback))  # noqa: S308 - escaped
    return mark_safe("".join(f'<span class="d-block">{_esc(n)}</span>' for n in names))  # noqa: S308 - escaped


def task_table_rows(tasks: Iterable[Any]) -> SafeString:
    """The plan's task table rows (``_task_table.html``), decorated with lead and partner
    names."""
    flag = _flag_icon()
    parts = []
    for t in tasks:
        due = dmy(t.due_date) or "—"
        dates = f"{dmy(t.start_date)} – {due}" if t.start_date else due
        parts.append(
            _row(
                '<tr><td class="text-center fw-semibold">{}</td>'
                '<td class="min-w-18"><a href="{}">{}</a></td>'
                '<td class="small">{}</td><td class="small">{}</td>'
                '<td class="small">{}{}</td><td class="text-nowrap small">{}</td>'
                '<td class="min-w-7"><div class="d-flex align-items-center gap-2">'
                '<div class="progress flex-grow-1"><div class="progress-bar" data-width="{}">'
                '</div></div><span class="small">{}%</span></div></td><td>{}</td></tr>',
                t.number,
                t.url,
                Truncator(t.content).chars(160),
                _names(t.lead_names, t.lead_text),
                _names(t.partner_names, t.partner_text),
                t.timing_text,
                _flag(t, flag),
                dates,
                t.percent,
                t.percent,
                t.badge,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped by _row


def appendix_rows(tasks: Iterable[Any], panel_row: Callable[[Any], str]) -> SafeString:
    """The plan's appendix rows (``plan_detail.html``); ``panel_row(task)`` gives the other
    areas' lines under a task's content (already rendered, safe)."""
    flag = _flag_icon()
    parts = [
        _row(
            '<tr><td class="text-center">{}</td><td><a class="text-reset" href="{}">{}</a>{}</td>'
            '<td>{}</td><td>{}</td><td class="text-center">{}{}</td>'
            '<td class="no-print">{}</td></tr>',
            t.number,
            t.url,
            t.content,
            panel_row(t),
            t.lead_text,
            t.partner_text,
            t.timing_text,
            _flag(t, flag),
            t.badge,
        )
        for t in tasks
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped by _row


def my_task_rows(tasks: Iterable[Any]) -> SafeString:
    """The rows of "My tasks", decorated with lead names, their plan loaded."""
    parts = [
        _row(
            '<tr><td class="text-nowrap small">{}</td><td class="text-center">{}</td>'
            '<td><a href="{}">{}</a></td><td class="small">{}</td><td class="small">{}</td>'
            '<td class="text-nowrap">{}</td><td>{}%</td><td>{}</td></tr>',
            t.plan.number or t.plan.year,
            t.number,
            t.url,
            Truncator(t.content).chars(140),
            ", ".join(t.lead_names),
            t.timing_text,
            dmy(t.due_date) or "—",
            t.percent,
            t.badge,
        )
        for t in tasks
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped by _row


def _task_link(url: str, task: Any) -> str:
    return _row('<a href="{}">{}. {}</a>', url.format(task.pk), task.number, _chars(task, 90))


def _chars(task: Any, n: int) -> str:
    return Truncator(task.content).chars(n)


def dashboard_lists(
    overdue: list[Any], due_soon: list[Any], awaiting: list[Any], recent: list[ProgressUpdate]
) -> dict[str, SafeString]:
    """The dashboard's lists as ``<li>`` items (``dashboard.html`` wraps them): overdue and
    due soon with their lead units' names (``lead_names``), awaiting confirmation, latest
    progress. Empty lists give empty strings."""
    url = task_url_maker()
    due = _("due")
    li = '<li class="list-group-item small">{}<div class="text-muted">{} · {}</div></li>'
    items = {
        "overdue": [
            _row(li, _safe(_task_link(url, t)), ", ".join(t.lead_names), f"{due} {dmy(t.due_date)}")
            for t in overdue
        ],
        "due_soon": [
            _row(li, _safe(_task_link(url, t)), ", ".join(t.lead_names), dmy(t.due_date))
            for t in due_soon
        ],
        "awaiting": [
            f'<li class="list-group-item small">{_task_link(url, t)}</li>' for t in awaiting
        ],
        "recent": [
            _row(
                '<li class="list-group-item small"><strong>{}</strong> · {} · <a href="{}">{} {}</a>'
                " — {} ({}%)</li>",
                u.author.display_name,
                dateformat.format(timezone.localtime(u.created_at), "d/m/Y H:i"),
                url.format(u.task_id),
                _("Task"),
                u.task.number,
                Truncator(u.comment).chars(120),
                u.percent,
            )
            for u in recent
        ],
    }
    return {k: mark_safe("".join(v)) for k, v in items.items()}  # noqa: S308 - escaped by _row


def _safe(value: str) -> SafeString:
    return mark_safe(value)  # noqa: S308 - built by _row


# What the plan list reads of a plan (its long texts stay in the database).
PLAN_LIST_FIELDS = (
    "id",
    "year",
    "number",
    "title",
    "status",
    "issued_on",
    "agency__name",
    "agency__short_name",
)


def plan_list_rows(plans: Iterable[Plan]) -> SafeString:
    """The plan list's rows (``plan_list.html``), plans annotated with ``task_count`` and
    ``done_count``."""
    url = reverse("planning:plan_detail", kwargs={"pk": 0}).removesuffix("0/") + "{}/"
    bar = (
        '<div class="progress mt-1" role="progressbar" aria-label="{}">'
        '<div class="progress-bar bg-success" data-width="{}"></div></div>'
    )
    done_label = _("Done")
    parts = []
    for p in plans:
        done, total = p.done_count, p.task_count  # type: ignore[attr-defined]
        progress = _row(bar, done_label, round(done / total * 100)) if total else ""
        parts.append(
            _row(
                '<tr><td class="fw-semibold">{}</td><td class="text-nowrap">{}</td>'
                '<td><a href="{}">{}</a></td><td>{}</td>'
                '<td class="text-nowrap"> {}/{} {}</td><td>{}</td><td>{}</td></tr>',
                p.year,
                p.number or "—",
                url.format(p.pk),
                Truncator(p.title).chars(140),
                p.agency.short_name or p.agency.name,
                done,
                total,
                _safe(progress),
                status_badge(p.status, p.get_status_display()),
                dmy(p.issued_on) or "—",
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped by _row
