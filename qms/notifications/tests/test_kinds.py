"""The registry of kinds: what the apps registered, in their order, and nothing else."""

from __future__ import annotations

import pytest

from qms.notifications import kinds
from qms.notifications.messages import MessageData, render
from qms.notifications.models import Channel, Notification, NotificationPreference


def test_the_apps_register_their_kinds_in_installed_apps_order() -> None:
    values = [value for value, _label in kinds.choices()]
    assert values.index("task_assigned") < values.index("doc_review_requested")
    assert values[-1] == "digest"  # the only kind the notifications app owns
    switchable = [k.value for k in kinds.switchable()]
    assert "digest" not in switchable and "weekly_summary" not in switchable
    assert switchable[0] == "task_assigned"
    # planning's, documents', the nonconformities', then the audits' (INSTALLED_APPS order)
    assert switchable.index("doc_review_due") < switchable.index("nc_raised")
    assert switchable.index("nc_action_overdue") < switchable.index("audit_plan_team")


def test_model_fields_read_the_registry() -> None:
    for model in (Notification, NotificationPreference):
        field = model._meta.get_field("kind")
        assert [value for value, _label in field.choices or []] == [v for v, _l in kinds.choices()]


def test_defaults_and_unknown_kinds() -> None:
    assert not kinds.default_enabled("progress_posted", Channel.EMAIL)
    assert kinds.default_enabled("progress_posted", Channel.IN_APP)
    assert kinds.default_enabled("task_due_soon", Channel.EMAIL)
    with pytest.raises(LookupError):
        kinds.get("no_such_kind")
    with pytest.raises(LookupError):
        render(MessageData(kind="no_such_kind"), "en")


def test_render_puts_the_subject_on_one_line_in_the_language_asked() -> None:
    with kinds.registry.isolated():
        kinds.register(
            "test_kind",
            "Test kind",
            render=lambda d: (f"Hello\r\n{d.extra['name']}", ["line 1", "line 2"]),
        )
        subject, body = render(MessageData(kind="test_kind", extra={"name": "Lan"}), "vi")
        assert (subject, body) == ("[eISO] Hello Lan", "line 1\nline 2")
    assert "test_kind" not in kinds.registry.entries()
