"""Change attacks: valid-looking POSTs to records the user may not change are refused and
change nothing (another agency's NC, another unit's, a forged action id, foreign people
or units smuggled into a form)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qms.nonconformities import services
from qms.nonconformities.models import CorrectiveAction, Nonconformity
from qms.nonconformities.tests.conftest import add_action, analyse

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


ANALYSIS = {
    "method": "five_whys",
    "why_1": "Tấn công",
    "root_cause": "Tấn công",
}


def test_another_agency_cannot_touch_the_nc(make_nc, org, personas):
    nc = make_nc()
    outsider = login(personas["outsider"])
    for name, data in (
        ("analysis", ANALYSIS),
        ("correction", {"correction": "Tấn công"}),
        ("edit", {"title": "X", "description": "Y", "unit": org.other_div.pk, "severity": "minor"}),
        ("archive", {"reason": "Tấn công"}),
        ("verify", {"effective": "yes", "note": "Tấn công"}),
    ):
        r = outsider.post(reverse(f"nonconformities:{name}", args=[nc.pk]), data)
        assert r.status_code == 404, name
    fresh = Nonconformity.objects.get(pk=nc.pk)
    assert (fresh.root_cause, fresh.correction, fresh.archived_at) == ("", "", None)


def test_another_unit_head_cannot_analyse(make_nc, personas):
    nc = make_nc()
    r = login(personas["head_b"]).post(reverse("nonconformities:analysis", args=[nc.pk]), ANALYSIS)
    assert r.status_code == 404
    r = login(personas["staff_a"]).post(reverse("nonconformities:analysis", args=[nc.pk]), ANALYSIS)
    assert r.status_code == 403
    assert Nonconformity.objects.get(pk=nc.pk).root_cause == ""


def test_overseer_reads_but_changes_nothing(make_nc, personas):
    nc = make_nc()
    c = login(personas["overseer"])
    assert c.get(reverse("nonconformities:detail", args=[nc.pk])).status_code == 200
    assert c.post(reverse("nonconformities:analysis", args=[nc.pk]), ANALYSIS).status_code == 403
    assert c.post(reverse("nonconformities:raise_direct"), {}).status_code == 403


def test_forged_action_of_another_nc(make_nc, org, personas):
    mine = make_nc()
    other = make_nc(unit=org.div_b)
    analyse(other, personas["head_b"])
    action = add_action(other, personas["head_b"], personas["head_b"], org.div_b)
    services.plan_confirm(actor=personas["head_b"], nc=other)
    # head_a can read `mine` but the action belongs to division B's NC
    r = login(personas["head_a"]).post(
        reverse("nonconformities:action_done", args=[mine.pk, action.pk]), {"result": "Xong"}
    )
    assert r.status_code == 404
    assert CorrectiveAction.objects.get(pk=action.pk).status == "open"


def test_foreign_people_and_units_are_not_choices(make_nc, org, personas):
    nc = make_nc()
    analyse(nc, personas["head_a"])
    due = timezone.localdate().strftime("%d/%m/%Y")
    r = login(personas["head_a"]).post(
        reverse("nonconformities:action_add", args=[nc.pk]),
        {
            "description": "Khắc phục",
            "owner": personas["outsider"].pk,
            "unit": org.other_div.pk,
            "due": due,
        },
    )
    assert r.status_code == 400 and not nc.actions.exists()


def test_raise_for_a_unit_out_of_scope(org, personas):
    head = login(personas["head_a"])
    data = {
        "unit": org.div_b.pk,
        "title": "Lỗi",
        "description": "Mô tả",
        "severity": "minor",
        "raised_on": timezone.localdate().strftime("%d/%m/%Y"),
    }
    assert head.post(reverse("nonconformities:raise_direct"), data).status_code == 400
    data["unit"] = org.other_div.pk
    assert head.post(reverse("nonconformities:raise_direct"), data).status_code == 400
    assert not Nonconformity.objects.exists()


def test_stale_form_is_refused_and_keeps_input(make_nc, personas):
    nc = make_nc()
    head = login(personas["head_a"])
    services.correction_record(actor=personas["iso_office"], nc=nc, correction="Trước")
    r = head.post(
        reverse("nonconformities:correction", args=[nc.pk]),
        {"correction": "Của tôi", "version": 1},
    )
    assert r.status_code == 400 and "Của tôi" in r.content.decode()
    assert Nonconformity.objects.get(pk=nc.pk).correction == "Trước"
