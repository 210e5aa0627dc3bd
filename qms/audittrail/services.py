"""Write log entries. Services call these inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from qms.audittrail.middleware import current_ip
from qms.audittrail.models import LogEntry

if TYPE_CHECKING:
    from qms.accounts.models import User
    from qms.core.models import OrgUnit

Snapshot = dict[str, Any]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> Snapshot:
    """The current values of ``fields`` (default: every concrete field) as JSON-ready data.

    A foreign key is recorded by the related object's text, so the history reads
    "Văn phòng" rather than "7" even after the unit is renamed.
    """
    names = (
        list(fields)
        if fields is not None
        else [f.name for f in obj._meta.concrete_fields if f.name not in {"id", "path", "depth"}]
    )
    out: Snapshot = {}
    for name in names:
        field: Any = obj._meta.get_field(name)
        if field.many_to_many:
            out[name] = sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
        elif field.is_relation:
            out[name] = str(getattr(obj, name)) if getattr(obj, field.attname) else None
        else:
            out[name] = _jsonable(getattr(obj, name))
    return out


def diff(before: Snapshot | None, after: Snapshot | None) -> dict[str, list[Any]]:
    before = before or {}
    after = after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def logentry_create(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    unit: OrgUnit | None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    note: str = "",
) -> LogEntry:
    """Append one entry. ``after`` defaults to a fresh snapshot of the fields in ``before``."""
    if after is None and before is not None:
        after = snapshot(obj, before.keys())
    return LogEntry.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        unit=unit,
        changes=diff(before, after),
        note=note,
        ip_address=current_ip.get(),
    )
