"""The objectives pages' repeated cells rendered in Python: the traffic light, the target,
a set row's contributions and measurements.

Each gives exactly the markup its template gave (``partials/_light.html``,
``partials/_target.html`` and the loops of ``set_detail.html`` did), whitespace included;
rendering them through the template engine, an include or a filter per cell, was most of
the set and matrix pages' time (bench/http.py --profile). Everything users typed goes
through ``format_html``/``conditional_escape``; translated literals are marked safe, as
``{% translate %}`` leaves them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, getcontext
from decimal import Context as DecimalContext
from typing import Any

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from qms.core.text import dmy

register = template.Library()

DASH = "—"
LIGHT_CLASSES = {
    "on_track": "text-bg-success",
    "at_risk": "text-bg-warning",
    "off_track": "text-bg-danger",
}
HUNDREDTH = Decimal("0.01")
esc = conditional_escape
SHOWN_PLAIN = {"approved", "evaluated"}  # a unit's set in these states gets no status note


def _translated(text: str) -> SafeString:
    """A string of our catalogue, safe as ``{% translate %}`` leaves a literal's."""
    return mark_safe(text)  # noqa: S308 - our own catalogue, not user input


def _joined(parts: Sequence[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - each part built by format_html


def number(value: Any) -> str:
    """``value|floatformat:"-2"``."""
    return floatformat(value, "-2")


class Numbers:
    """``value|floatformat:"-2"`` for the many values of one cell: the decimal separator
    looked up once (Django looks up three formats per value, most of a badge's time), the
    rest Django's own steps for a finite Decimal without thousand grouping; anything else
    goes to ``floatformat`` itself (tests/test_cells.py compares them)."""

    def __init__(self) -> None:
        self.fast = not settings.USE_THOUSAND_SEPARATOR
        self.separator = str(formats.get_format("DECIMAL_SEPARATOR", get_language(), True))

    def __call__(self, value: Any) -> str:
        if not self.fast or type(value) is not Decimal or not value.is_finite():
            return number(value)
        _sign, digits, exponent = value.as_tuple()
        if len(digits) + abs(int(exponent)) > 200:
            return number(value)
        whole = int(value)
        m = whole - value
        if not m:
            return SafeString(f"{whole:d}")
        units = len(digits) - int(exponent)
        rounded = value.quantize(
            HUNDREDTH, ROUND_HALF_UP, DecimalContext(prec=max(getcontext().prec, units + 3))
        )
        sign, digits, exponent = rounded.as_tuple()
        chars = [str(digit) for digit in reversed(digits)]
        while len(chars) <= abs(int(exponent)):
            chars.append("0")
        chars.insert(-int(exponent), ".")
        if sign and rounded:
            chars.append("-")
        return SafeString("".join(reversed(chars)).replace(".", self.separator))


def _light_label(light: str) -> str:
    if light == "on_track":
        return _("On track")
    if light == "at_risk":
        return _("At risk")
    if light == "off_track":
        return _("Off track")
    return _("Not measured yet")


@register.simple_tag
def light_badge(light: str) -> SafeString:
    """What ``{% include "objectives/partials/_light.html" %}`` gave."""
    return format_html(
        '\n<span class="badge light-{} {}">\n  \n    {}\n  \n</span>\n',
        light,
        LIGHT_CLASSES.get(light, "text-bg-light border"),
        _translated(_light_label(light)),
    )


@register.simple_tag
def target(o: Any) -> SafeString:
    """What ``{% include "objectives/partials/_target.html" %}`` gave for objective ``o``."""
    if o.direction == "by_date":
        return format_html("{} {}\n", _translated(_("by")), dmy(o.target_date))
    sign = "≥" if o.direction == "gte" else "≤" if o.direction == "lte" else "="
    return format_html("{} {} {}\n", sign, number(o.target), o.unit_of_measure)


@register.simple_tag
def contributions(r: Any) -> SafeString:
    """A set row's units' contributions and their roll-up (an agency objective)."""
    if not r.contributions:
        return SafeString("")
    num = Numbers()
    badges: list[str] = []
    for c in r.contributions:
        objective_set = c.objective.objective_set
        note = (
            ""
            if objective_set.status in SHOWN_PLAIN
            else format_html(" ({})", str(objective_set.get_status_display()).lower())
        )
        # format_html's escaping, without its formatting per badge
        badges.append(
            f' <span class="badge text-bg-light border contribution light-{esc(c.light)}">'
            f"{esc(objective_set.unit.display_name)}: {esc(num(c.value) or DASH)}{note}</span>"
        )
    rollup = ""
    if r.rollup is not None:
        rollup = format_html(
            ' · {}: <strong class="rollup">{}</strong>',
            r.objective.get_aggregation_display(),
            num(r.rollup),
        )
    return format_html(
        '<div class="small mt-1 contributions">{}:{}{}</div>',
        _translated(_("Units")),
        _joined(badges),
        rollup,
    )


@register.simple_tag
def measurements(o: Any) -> SafeString:
    """An objective's measurements, folded: date, value, comment, evidence, who entered."""
    ms = o.measurements.all()
    if not ms:
        return SafeString("")
    head, _zero, tail = reverse("objectives:evidence", args=[0]).rpartition("/0/")
    evidence_url = head + "/{}/" + tail  # reversed once, not per measurement
    computed = _translated(_("computed by eISO"))
    num = Numbers()
    items: list[str] = []
    for m in ms:
        parts: list[str] = [
            format_html("<li>{}: <strong>{}</strong>", dmy(m.measured_on), num(m.value))
        ]
        if m.computed:
            parts.append(format_html(' <span class="text-muted">({})</span>', computed))
        if m.comment:
            parts.append(format_html(" — {}", m.comment))
        if m.evidence:
            parts.append(
                format_html(
                    ' · <a href="{}"><i class="bi bi-paperclip"></i> {}</a>',
                    evidence_url.format(m.pk),
                    m.evidence_name,
                )
            )
        if m.entered_by and not m.computed:
            parts.append(
                format_html(' <span class="text-muted">· {}</span>', m.entered_by.display_name)
            )
        parts.append("</li>")
        items.append(_joined(parts))
    n = len(ms)
    summary = ngettext("%(n)s measurement", "%(n)s measurements", n) % {
        "n": conditional_escape(formats.localize(n))
    }
    return format_html(
        '<details class="small mt-1 measurements"><summary>{}</summary>'
        '<ul class="list-unstyled mb-0 ms-2">{}</ul></details>',
        _translated(summary),
        _joined(items),
    )
