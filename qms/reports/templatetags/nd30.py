"""NĐ 30/2020 dates in templates: ``{% load nd30 %}`` then ``{{ day|written_date }}``."""

from __future__ import annotations

import datetime

from django import template

from qms.reports import nd30

register = template.Library()


@register.filter
def written_date(value: datetime.date | None) -> str:
    """ "ngày 07 tháng 02 năm 2022" (:func:`qms.reports.nd30.written_date`); "" for none."""
    return nd30.written_date(value) if value else ""
