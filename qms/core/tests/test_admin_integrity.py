"""Django admin cannot bypass the services: no add, change or delete (issue 12, L3)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from qms.accounts.models import User
from qms.audittrail.models import LogEntry


@pytest.fixture
def root(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.vn", "x"))
    return client


def _admin_url(model: type, view: str, *args: object) -> str:
    meta = model._meta  # type: ignore[attr-defined]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.django_db
def test_unit_parent_and_path_cannot_change_through_admin(root, org) -> None:
    school = org.school
    before = (school.parent_id, school.path, school.agency_id)
    url = _admin_url(type(school), "change", school.pk)
    assert root.get(url).status_code == 200  # shown, read-only
    data = {"code": school.code, "name": school.name, "kind": school.kind}
    data |= {"parent": org.other_agency.pk, "path": "/1/", "agency": org.other_agency.pk}
    response = root.post(url, data)
    assert response.status_code == 403
    school.refresh_from_db()
    assert (school.parent_id, school.path, school.agency_id) == before


@pytest.mark.django_db
def test_no_model_in_admin_can_be_added_changed_or_deleted(root, org) -> None:
    request = root.get(reverse("admin:index")).wsgi_request
    assert admin.site._registry, "admin has registered models"
    for model, model_admin in admin.site._registry.items():
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), (model, inline)
            assert not inline.has_change_permission(request), (model, inline)
            assert not inline.has_delete_permission(request), (model, inline)


@pytest.mark.django_db
def test_admin_saves_of_audited_models_are_refused_and_nothing_changes(root, org, personas) -> None:
    user = personas["school_iso"]
    entries = LogEntry.objects.count()
    user_url = _admin_url(User, "change", user.pk)
    response = root.post(user_url, {"username": user.username, "email": "evil@example.com"})
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[user.pk]).replace(
        "auth/user", "accounts/user"
    )
    assert (
        root.post(
            password, {"password1": "N3w-pass-2026!", "password2": "N3w-pass-2026!"}
        ).status_code
        == 403
    )
    assert root.get(_admin_url(User, "add")).status_code == 403
    assert root.post(_admin_url(User, "delete", user.pk), {"post": "yes"}).status_code == 403
    user.refresh_from_db()
    assert user.email == "school_iso@example.vn"
    assert user.check_password("Eiso-test-2026!")
    assert LogEntry.objects.count() == entries


@pytest.mark.django_db
def test_admin_is_for_superusers_only(org) -> None:
    staff = User.objects.create_user("staff", "staff@example.vn", "x", is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get(_admin_url(type(org.school), "changelist"))
    assert response.status_code == 403
