"""LogEntry is append-only from the application."""

from __future__ import annotations

import pytest

from qms.audittrail.models import LogEntry
from qms.audittrail.services import logentry_create


@pytest.mark.django_db
def test_saving_an_existing_entry_raises(org) -> None:
    entry = logentry_create(
        actor=None, action="core.unit.updated", obj=org.div_a, unit=org.div_a, note="gốc"
    )
    entry.note = "đã sửa"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    assert LogEntry.objects.get(pk=entry.pk).note == "gốc"


@pytest.mark.django_db
def test_deleting_an_entry_raises(org) -> None:
    entry = logentry_create(actor=None, action="core.unit.updated", obj=org.div_a, unit=org.div_a)
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_new_entries_can_be_written(org) -> None:
    entry = logentry_create(
        actor=None,
        action="core.unit.updated",
        obj=org.div_a,
        unit=org.div_a,
        before={"name": "A"},
        after={"name": "B"},
    )
    assert entry.pk is not None
    assert entry.changes == {"name": ["A", "B"]}
