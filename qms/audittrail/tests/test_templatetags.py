"""The History table and its filters, usable on any record page."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from qms.accounts.models import User
from qms.audittrail.models import LogEntry
from qms.audittrail.services import logentry_create
from qms.audittrail.templatetags.audittrail import action_label, entry_changes, field_label
from qms.core.models import OrgUnit


def render(source: str, **context) -> str:
    with translation.override("en"):
        return Template("{% load audittrail %}" + source).render(Context(context))


def test_action_label_translates_known_codes_and_keeps_unknown() -> None:
    with translation.override("en"):
        assert action_label("planning.task.confirmed") == "confirmed the task"
        assert action_label("planning.something.new") == "planning.something.new"


@pytest.mark.django_db
def test_field_label_uses_verbose_names(org) -> None:
    entry = logentry_create(actor=None, action="core.unit.updated", obj=org.div_a, unit=org.div_a)
    with translation.override("en"):
        assert field_label("short_name", entry) == "Short name"
        assert field_label("short_name", OrgUnit) == "Short name"
        assert field_label("short_name", org.div_a) == "Short name"
        assert field_label("unknown_field", entry) == "unknown_field"
        assert field_label("name", None) == "name"


@pytest.mark.django_db
def test_entry_changes_reads_choices_dates_lists_and_booleans(org) -> None:
    entry = logentry_create(
        actor=None,
        action="core.unit.updated",
        obj=org.div_a,
        unit=org.div_a,
        before={"kind": "division", "archived_at": None, "name": "Cũ"},
        after={"kind": "office", "archived_at": "2026-02-07T03:04:00+00:00", "name": "Mới"},
    )
    with translation.override("en"):
        changes = entry_changes(entry)
    assert [tuple(c) for c in changes] == [
        ("Type", "Division", "Office"),
        (changes[1].label, "", "07/02/2026 10:04"),  # shown in Hà Nội time
        ("Full name", "Cũ", "Mới"),
    ]
    user_entry = logentry_create(
        actor=None,
        action="accounts.user.updated",
        obj=User.objects.create(username="u1"),
        unit=org.div_a,
        before={"is_active": True, "groups": ["A", "B"]},
        after={"is_active": False, "groups": []},
    )
    with translation.override("en"):
        assert [tuple(c)[1:] for c in entry_changes(user_entry)] == [("Yes", "No"), ("A, B", "")]


@pytest.mark.django_db
def test_history_table_renders_changes_with_del_and_ins(org, personas) -> None:
    logentry_create(
        actor=personas["iso_office"],
        action="core.unit.updated",
        obj=org.div_a,
        unit=org.div_a,
        before={"name": "Phòng cũ"},
        after={"name": "Phòng mới"},
        note="Theo quyết định",
    )
    html = render("{% history_table entries %}", entries=LogEntry.objects.for_object(org.div_a))
    assert "<del>Phòng cũ</del>" in html
    assert "<ins>Phòng mới</ins>" in html
    assert "updated the unit" in html
    assert "Nguyễn Iso_Office" in html
    assert "Theo quyết định" in html
    assert "Record" not in html  # one record only: no record column


@pytest.mark.django_db
def test_history_table_shows_the_record_when_entries_span_records(org) -> None:
    for unit in (org.div_a, org.div_b):
        logentry_create(actor=None, action="core.unit.updated", obj=unit, unit=unit)
    entries = LogEntry.objects.filter(action="core.unit.updated")
    html = render("{% history_table entries %}", entries=entries)
    assert "Record" in html
    assert "Phòng TCCB" in html and "Phòng GDTrH" in html
    assert "System" in html  # no actor


def test_history_table_says_when_empty() -> None:
    assert "No changes recorded yet." in render("{% history_table entries %}", entries=[])


@pytest.mark.django_db
def test_history_table_folds_long_change_lists(org) -> None:
    before = {f"field_{i}": "a" for i in range(6)}
    after = {f"field_{i}": "b" for i in range(6)}
    logentry_create(
        actor=None,
        action="core.unit.updated",
        obj=org.div_a,
        unit=org.div_a,
        before=before,
        after=after,
    )
    html = render(
        "{% history_table entries %}", entries=LogEntry.objects.filter(action="core.unit.updated")
    )
    assert "<details" in html
    assert "3 more changes" in html


@pytest.mark.django_db
def test_entry_changes_skips_fields_that_read_the_same(org) -> None:
    entry = logentry_create(
        actor=None,
        action="core.unit.created",
        obj=org.div_a,
        unit=org.div_a,
        before={},
        after={"short_name": "", "email": "", "code": "X"},
    )
    with translation.override("en"):
        assert [tuple(c) for c in entry_changes(entry)] == [("Code", "", "X")]


@pytest.mark.django_db
def test_changes_html_escapes_what_users_typed(org) -> None:
    entry = logentry_create(
        actor=None,
        action="core.unit.updated",
        obj=org.div_a,
        unit=org.div_a,
        before={"name": "<script>alert(1)</script>"},
        after={"name": '"><img src=x onerror=alert(2)>'},
    )
    html = render("{{ entry|changes_html }}", entry=entry)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<del>" in html and "<ins>" in html
