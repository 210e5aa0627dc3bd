"""Django admin shows the log read-only, and only to superusers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qms.accounts.models import User
from qms.audittrail.services import logentry_create


@pytest.fixture
def entry(org):
    return logentry_create(
        actor=None,
        action="core.unit.updated",
        obj=org.div_a,
        unit=org.div_a,
        before={"name": "A"},
        after={"name": "B"},
    )


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.vn", "x"))
    return client


@pytest.mark.django_db
def test_superuser_can_list_and_view(superuser_client, entry) -> None:
    assert superuser_client.get(reverse("admin:audittrail_logentry_changelist")).status_code == 200
    url = reverse("admin:audittrail_logentry_change", args=[entry.pk])
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content


@pytest.mark.django_db
def test_nobody_can_add_change_or_delete(superuser_client, entry) -> None:
    assert superuser_client.get(reverse("admin:audittrail_logentry_add")).status_code == 403
    delete = reverse("admin:audittrail_logentry_delete", args=[entry.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:audittrail_logentry_change", args=[entry.pk])
    assert superuser_client.post(change, {"note": "x"}).status_code == 403


@pytest.mark.django_db
def test_staff_without_superuser_is_refused(entry) -> None:
    staff = User.objects.create_user("staff", "staff@example.vn", "x", is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("admin:audittrail_logentry_changelist"))
    assert response.status_code == 403
