"""Writes to the organisation tree. Every change is logged with before and after."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.audittrail.services import logentry_create, snapshot
from qms.core.models import CalendarOverride, OrgUnit, OrgUnitName, UnitAlias
from qms.core.numbering import serial_mode_locked
from qms.core.text import fold

if TYPE_CHECKING:
    from qms.accounts.models import User

UNIT_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "email",
    "doc_symbol",
    "shared_serial",
    "parent_body_name",
    "place_name",
    "sort_order",
)


class OrgUnitError(Exception):
    """A change to the tree was refused; the message is for users."""


def _place(unit: OrgUnit) -> None:
    """Set path, depth and agency from the parent (the unit must have a pk)."""
    parent = unit.parent
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    if unit.kind == OrgUnit.Kind.AGENCY:
        unit.agency = unit
    else:
        unit.agency = parent.agency if parent else None


def orgunit_create(*, actor: User | None, **fields: Any) -> OrgUnit:
    """Create a unit under ``parent`` (None for a root such as a province)."""
    with transaction.atomic():
        unit = OrgUnit.objects.create(path="/", **fields)
        _place(unit)
        unit.save(update_fields=["path", "depth", "agency"])
        logentry_create(
            actor=actor,
            action="core.unit.created",
            obj=unit,
            unit=unit,
            before={},
            after=snapshot(unit, UNIT_FIELDS),
        )
    return unit


def _replace_subtree(unit: OrgUnit, old_path: str) -> None:
    for child in (
        OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth")
    ):
        child.refresh_from_db(fields=["parent"])
        _place(child)
        child.save(update_fields=["path", "depth", "agency"])


def _check_serial_mode(unit: OrgUnit, data: dict[str, Any]) -> None:
    """Refuse to switch the serial mode once the year's register has numbers (issue 12 L1)."""
    if "shared_serial" not in data or data["shared_serial"] == unit.shared_serial:
        return
    year = serial_mode_locked(unit)
    if year is not None:
        raise OrgUnitError(
            _(
                "Numbers have already been issued in %(year)s: the serial mode can change "
                "only before the first number of a year, or document numbers would repeat."
            )
            % {"year": year}
        )


def orgunit_update(*, actor: User, unit: OrgUnit, data: dict[str, Any]) -> OrgUnit:
    """Change a unit. A rename keeps the former name; a move re-parents the subtree.

    Raises OrgUnitError when the new parent is inside the unit's own subtree.
    """
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        before = snapshot(unit, UNIT_FIELDS)
        old_name, old_short, old_path = unit.name, unit.short_name, unit.path
        new_parent = data.get("parent", unit.parent)
        if new_parent is not None and new_parent.path.startswith(unit.path):
            raise OrgUnitError(_("A unit cannot be moved under itself or its own subunits."))
        _check_serial_mode(unit, data)
        for key, value in data.items():
            setattr(unit, key, value)
        _place(unit)
        unit.save()
        if (old_name, old_short) != (unit.name, unit.short_name):
            OrgUnitName.objects.create(
                unit=unit,
                name=old_name,
                short_name=old_short,
                valid_until=timezone.localdate(),
                changed_by=actor,
            )
        if unit.path != old_path or "kind" in data:
            _replace_subtree(unit, old_path)
        logentry_create(actor=actor, action="core.unit.updated", obj=unit, unit=unit, before=before)
    return unit


def orgunit_archive(*, actor: User, unit: OrgUnit, merged_into: OrgUnit | None = None) -> OrgUnit:
    """Archive a unit (optionally as merged into another). Its records keep their names.

    Raises OrgUnitError if active subunits remain or the unit is merged into itself.
    """
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        if unit.archived_at:
            raise OrgUnitError(_("This unit is already archived."))
        if merged_into is not None and merged_into.path.startswith(unit.path):
            raise OrgUnitError(_("A unit cannot be merged into itself or its own subunits."))
        if OrgUnit.objects.filter(parent=unit, archived_at__isnull=True).exists():
            raise OrgUnitError(_("Archive or move its subunits first."))
        before = snapshot(unit, ["archived_at", "merged_into"])
        unit.archived_at = timezone.now()
        unit.archived_by = actor
        unit.merged_into = merged_into
        unit.save(update_fields=["archived_at", "archived_by", "merged_into"])
        action = "core.unit.merged" if merged_into else "core.unit.archived"
        logentry_create(actor=actor, action=action, obj=unit, unit=unit, before=before)
    return unit


def unitalias_set(
    *, actor: User | None, agency: OrgUnit, name: str, units: list[OrgUnit]
) -> UnitAlias:
    """Create or replace the alias ``name`` for ``units`` in ``agency``."""
    with transaction.atomic():
        alias, _created = UnitAlias.objects.get_or_create(
            agency=agency, folded=fold(name), defaults={"name": name}
        )
        before = snapshot(alias, ["name", "units"])
        alias.name = name
        alias.save(update_fields=["name"])
        alias.units.set(units)
        logentry_create(
            actor=actor, action="core.unitalias.saved", obj=alias, unit=agency, before=before
        )
    return alias


def match_unit_names(*, agency: OrgUnit, names: list[str]) -> tuple[list[OrgUnit], list[str]]:
    """Units for names as written, through aliases then unit names (folded).

    Returns (matched units in order, without repeats; names that matched nothing).
    """
    aliases = {
        a.folded: a for a in UnitAlias.objects.filter(agency=agency).prefetch_related("units")
    }
    units_by_name: dict[str, OrgUnit] = {}
    for u in OrgUnit.objects.active().filter(path__startswith=agency.path):
        for key in (u.name, u.short_name, u.code):
            if key:
                units_by_name.setdefault(fold(key), u)
    matched: list[OrgUnit] = []
    unmatched: list[str] = []
    for name in names:
        key = fold(name)
        if key in aliases:
            found = sorted(aliases[key].units.all(), key=lambda u: (u.sort_order, u.name))
        elif key in units_by_name:
            found = [units_by_name[key]]
        else:
            unmatched.append(name)
            continue
        matched.extend(u for u in found if u not in matched)
    return matched, unmatched


def calendar_override_set(
    *, actor: User, date: datetime.date, kind: str, note: str
) -> CalendarOverride:
    """Declare a day a working day or a day off, whatever the national calendar says."""
    with transaction.atomic():
        existing = CalendarOverride.objects.select_for_update().filter(date=date).first()
        before = snapshot(existing, ["kind", "note"]) if existing else {}
        override = existing or CalendarOverride(date=date, created_by=actor)
        override.kind, override.note = kind, note.strip()
        override.save()
        logentry_create(
            actor=actor,
            action="core.calendar.set",
            obj=override,
            unit=None,
            before=before,
            after=snapshot(override, ["kind", "note"]),
        )
    return override


def calendar_override_remove(*, actor: User, override: CalendarOverride) -> None:
    """Back to the national calendar for that day (the change stays in the audit log)."""
    with transaction.atomic():
        logentry_create(
            actor=actor,
            action="core.calendar.removed",
            obj=override,
            unit=None,
            before=snapshot(override, ["date", "kind", "note"]),
            after={},
        )
        override.delete()
