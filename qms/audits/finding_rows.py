"""The findings table's rows (``audits/checklist/_finding_table.html``) built in Python:
the same markup as the row template and its badges include, values escaped with
``html.escape`` as the template does, one ``reverse()`` per table instead of one per cell."""

from __future__ import annotations

from html import escape
from typing import Any

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from qms.audits.models import Finding

_ID = 987654321
_KIND_CLASS: dict[str, str] = {
    Finding.Kind.NONCONFORMITY: "text-bg-danger",
    Finding.Kind.IMPROVEMENT: "text-bg-primary",
    Finding.Kind.OBSERVATION: "text-bg-info",
}
_STATUS_CLASS: dict[str, str] = {
    Finding.Status.DRAFT: "text-bg-light border text-dark",
    Finding.Status.ISSUED: "text-bg-warning text-dark",
}


def _url_maker(name: str) -> str:
    return reverse(name, args=[_ID]).replace(str(_ID), "{}")


class _Labels:
    """The choices' labels in the active language, translated once per table."""

    def __init__(self) -> None:
        self.kind = {k: str(v) for k, v in Finding.Kind.choices}
        self.severity = {k: str(v) for k, v in Finding.Severity.choices}
        self.status = {k: str(v) for k, v in Finding.Status.choices}


def _label(labels: dict[Any, str], value: Any) -> str:
    return labels.get(value, value)


def badges_html(f: Finding, labels: _Labels | None = None) -> str:
    """``audits/checklist/_finding_badges.html`` for ``f``, as the include renders it."""
    labels = labels or _Labels()
    kind = escape(str(f.kind))
    severity = f" · {escape(str(_label(labels.severity, f.severity)))}" if f.severity else ""
    return (
        f'<span class="badge finding-kind kind-{kind} '
        f'{_KIND_CLASS.get(f.kind, "text-bg-success")}">'
        f"{escape(str(_label(labels.kind, f.kind)))}{severity}</span>\n"
        f'<span class="badge rounded-pill {_STATUS_CLASS.get(f.status, "text-bg-success")}">'
        f"{escape(str(_label(labels.status, f.status)))}</span>\n"
    )


def with_html(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row (``{"f": finding, "no": n, "ncs": [nc, ...]}``) gets its ``<tr>`` as
    ``html``; returns the rows."""
    if not rows:
        return rows
    labels = _Labels()
    finding_url = _url_maker("audits:finding_detail")
    nc_url = _url_maker("nonconformities:detail")
    for row in rows:
        f = row["f"]
        unit = f.unit
        document = f.document
        doc = (
            f' <span class="small text-muted">({escape(str(document.code))})</span>'
            if document
            else ""
        )
        ncs = ", ".join(
            f'<a href="{nc_url.format(nc.pk)}">{escape(str(nc.number))}</a>' for nc in row["ncs"]
        )
        row["html"] = mark_safe(  # noqa: S308 - every value escaped above
            "<tr>\n"
            f"          <td>{escape(str(row['no']))}</td>\n"
            f"          <td>{escape(str(unit.display_name)) if unit else ''}</td>\n"
            f"          <td>{badges_html(f, labels)}</td>\n"
            f"          <td>{escape(str(f.clause))}</td>\n"
            f'          <td><a href="{finding_url.format(f.pk)}">'
            f"{escape(Truncator(f.description).chars(140))}</a>{doc}</td>\n"
            f"          <td>{ncs or '—'}</td>\n"
            "        </tr>"
        )
    return rows
