"""Document codes from an agency's patterns, and the next free one.

A pattern is literal text with placeholders: ``{seq}`` (the running number, optionally
formatted: ``{seq:02d}``), ``{unit}`` (the owner unit's symbol) and ``{parent}`` (the code of
the procedure a form belongs to). ``QT.ISO.{seq:02d}`` gives QT.ISO.01, QT.ISO.02…;
``BM.{seq:02d}-{parent}`` gives BM.01-QT.05.
"""

from __future__ import annotations

import re
import string

from django.utils.translation import gettext as _

_FORMATTER = string.Formatter()
PLACEHOLDERS = {"seq", "unit", "parent"}


class PatternError(ValueError):
    """The pattern cannot be used; the message is for users."""


def validate_pattern(pattern: str) -> None:
    """Raise PatternError unless ``pattern`` has exactly one ``{seq}`` and known names."""
    try:
        fields = [f for _t, f, _s, _c in _FORMATTER.parse(pattern) if f is not None]
    except ValueError as exc:
        raise PatternError(_("Unbalanced braces in the code pattern.")) from exc
    unknown = set(fields) - PLACEHOLDERS
    if unknown:
        raise PatternError(
            _("Unknown placeholder %(names)s; use {seq}, {unit} or {parent}.")
            % {"names": ", ".join(sorted("{" + u + "}" for u in unknown))}
        )
    if fields.count("seq") != 1:
        raise PatternError(_("The code pattern must contain {seq} exactly once."))
    try:
        format_code(pattern, seq=1, unit="X", parent="Y")
    except (ValueError, KeyError) as exc:
        raise PatternError(_("The number format in {seq} is not valid.")) from exc


def format_code(pattern: str, *, seq: int, unit: str = "", parent: str = "") -> str:
    return pattern.format(seq=seq, unit=unit, parent=parent)


def pattern_regex(pattern: str, *, unit: str = "", parent: str = "") -> re.Pattern[str]:
    """A regex matching codes made by ``pattern`` for this unit/parent; group 1 = seq."""
    out = []
    for literal, name, _spec, _conv in _FORMATTER.parse(pattern):
        out.append(re.escape(literal))
        if name == "seq":
            out.append(r"(\d+)")
        elif name == "unit":
            out.append(re.escape(unit))
        elif name == "parent":
            out.append(re.escape(parent))
    return re.compile("^" + "".join(out) + "$", re.IGNORECASE)


def next_code(pattern: str, existing: list[str], *, unit: str = "", parent: str = "") -> str:
    """The code after the highest one of ``existing`` that ``pattern`` produced."""
    regex = pattern_regex(pattern, unit=unit, parent=parent)
    taken = {c.casefold() for c in existing}
    numbers = [int(m.group(1)) for c in existing if (m := regex.match(c))]
    seq = max(numbers, default=0) + 1
    code = format_code(pattern, seq=seq, unit=unit, parent=parent)
    while code.casefold() in taken:  # a hand-made code may already hold it
        seq += 1
        code = format_code(pattern, seq=seq, unit=unit, parent=parent)
    return code
