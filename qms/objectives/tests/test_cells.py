"""The cells rendered in Python (templatetags/objectives_cells.py) give exactly the markup
the templates gave, in both languages, escaping what users typed."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from types import SimpleNamespace as NS
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from qms.objectives.templatetags import objectives_cells as cells

HOSTILE = "<b>\"x\" & 'y'</b>"

# The loops of set_detail.html before they moved to Python.
CONTRIBUTIONS = (
    '{% load i18n %}{% with o=r.objective %}{% if r.contributions %}<div class="small mt-1 '
    'contributions">{% translate "Units" %}:{% for c in r.contributions %} <span class="badge '
    'text-bg-light border contribution light-{{ c.light }}">{{ c.objective.objective_set.unit.'
    'display_name }}: {{ c.value|floatformat:"-2"|default:"—" }}{% if c.objective.objective_set'
    '.status != "approved" and c.objective.objective_set.status != "evaluated" %} ({{ c.objective'
    ".objective_set.get_status_display|lower }}){% endif %}</span>{% endfor %}{% if r.rollup is "
    'not None %} · {{ o.get_aggregation_display }}: <strong class="rollup">{{ r.rollup|'
    'floatformat:"-2" }}</strong>{% endif %}</div>{% endif %}{% endwith %}'
)
MEASUREMENTS = (
    '{% load i18n %}{% with ms=o.measurements.all %}{% if ms %}<details class="small mt-1 '
    'measurements"><summary>{% blocktranslate count n=ms|length %}{{ n }} measurement'
    '{% plural %}{{ n }} measurements{% endblocktranslate %}</summary><ul class="list-unstyled '
    'mb-0 ms-2">{% for m in ms %}<li>{{ m.measured_on|date:"d/m/Y" }}: <strong>{{ m.value|'
    'floatformat:"-2" }}</strong>{% if m.computed %} <span class="text-muted">({% translate '
    '"computed by eISO" %})</span>{% endif %}{% if m.comment %} — {{ m.comment }}{% endif %}'
    '{% if m.evidence %} · <a href="{% url \'objectives:evidence\' m.pk %}"><i class="bi '
    'bi-paperclip"></i> {{ m.evidence_name }}</a>{% endif %}{% if m.entered_by and not '
    'm.computed %} <span class="text-muted">· {{ m.entered_by.display_name }}</span>{% endif %}'
    "</li>{% endfor %}</ul></details>{% endif %}{% endwith %}"
)


def _old(source: str, **context: Any) -> str:
    return Template(source).render(Context(context))


class Many:
    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def all(self) -> list[Any]:
        return self.items


def _objective(**kw: Any) -> NS:
    base = {
        "direction": "gte",
        "target": D("95.5000"),
        "target_date": None,
        "unit_of_measure": HOSTILE,
        "measurements": Many([]),
        "get_aggregation_display": lambda: HOSTILE,
    }
    return NS(**{**base, **kw})


def _unit_objective(status: str, name: str) -> NS:
    return NS(
        objective_set=NS(
            status=status,
            get_status_display=lambda: f"Đã {status} {HOSTILE}",
            unit=NS(display_name=name),
        )
    )


@pytest.fixture(params=["vi", "en"])
def language(request: Any) -> Any:
    with translation.override(request.param):
        yield request.param


@pytest.mark.parametrize("light", ["on_track", "at_risk", "off_track", "unknown", "<x>"])
def test_light_badge_is_the_partial(language: str, light: str) -> None:
    old = _old('{% include "objectives/partials/_light.html" %}', light=light)
    assert cells.light_badge(light) == old


@pytest.mark.parametrize(
    "kw",
    [
        {"direction": "gte"},
        {"direction": "lte", "target": D("60.0000")},
        {"direction": "eq", "target": D("0.1250")},
        {"direction": "by_date", "target": None, "target_date": datetime.date(2027, 3, 5)},
        {"direction": "by_date", "target": None, "target_date": None},
        {"direction": "gte", "target": None},
    ],
)
def test_target_is_the_partial(language: str, kw: dict[str, Any]) -> None:
    o = _objective(**kw)
    assert cells.target(o) == _old('{% include "objectives/partials/_target.html" %}', o=o)


@pytest.mark.parametrize("rollup", [None, D("95.8500"), D("0")])
def test_contributions_are_the_loop(language: str, rollup: D | None) -> None:
    contributions = [
        NS(light="on_track", value=D("100.0000"), objective=_unit_objective("approved", HOSTILE)),
        NS(light="off_track", value=None, objective=_unit_objective("submitted", "Phòng 1")),
        NS(light="<x>", value=D("0"), objective=_unit_objective("evaluated", "P2")),
        NS(light="at_risk", value=D("-3.1416"), objective=_unit_objective("draft", "P3")),
    ]
    for items in ([], contributions):
        r = NS(objective=_objective(), contributions=items, rollup=rollup)
        assert cells.contributions(r) == _old(CONTRIBUTIONS, r=r)


def test_measurements_are_the_loop(language: str) -> None:
    user = NS(display_name=HOSTILE)
    ms = [
        NS(pk=7, measured_on=datetime.date(2026, 8, 25), value=D("87.9100"), computed=False,
           comment="", evidence="", evidence_name="", entered_by=user),
        NS(pk=8, measured_on=datetime.date(2026, 9, 5), value=D("88.0000"), computed=True,
           comment=HOSTILE, evidence="objectives/x.pdf", evidence_name=HOSTILE, entered_by=user),
        NS(pk=9, measured_on=datetime.date(2026, 10, 5), value=D("-1.5000"), computed=False,
           comment="đạt", evidence="objectives/y.pdf", evidence_name="y.pdf", entered_by=None),
    ]  # fmt: skip
    for items in ([], ms[:1], ms):
        o = _objective(measurements=Many(items))
        assert cells.measurements(o) == _old(MEASUREMENTS, o=o)


def _decimals() -> list[Any]:
    import random

    rng = random.Random(14)
    values: list[Any] = [
        D("0"), D("-0"), D("0.0000"), D("-0.0040"), D("0.0050"), D("-0.0050"), D("0.0049"),
        D("1"), D("1.5"), D("1.50"), D("1.005"), D("1.0049"), D("-1.995"), D("99.9950"),
        D("100.0000"), D("-100"), D("123456789.1234"), D("1E+3"), D("1.2E+2"), D("5E-7"),
        D("NaN"), D("Infinity"), D("-Infinity"), D("1E+250"), None, "", 3, 2.675, "x",
    ]  # fmt: skip
    for _ in range(400):
        digits = rng.randint(0, 10 ** rng.randint(1, 12))
        values.append(D(digits).scaleb(-rng.randint(0, 6)) * rng.choice([1, -1]))
    return values


def test_numbers_are_floatformat(language: str) -> None:
    from django.template.defaultfilters import floatformat

    num = cells.Numbers()
    for value in _decimals():
        assert num(value) == floatformat(value, "-2"), value


def test_numbers_with_thousand_grouping_are_floatformat(language: str, settings: Any) -> None:
    from django.template.defaultfilters import floatformat

    settings.USE_THOUSAND_SEPARATOR = True
    num = cells.Numbers()
    for value in _decimals():
        assert num(value) == floatformat(value, "-2"), value
