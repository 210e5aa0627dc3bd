"""The foundation sources: an NC raised from an overdue task, an objective not achieved,
a document past its review links back to it, and the source page shows it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qms.documents.tests.conftest import document_make
from qms.nonconformities import foundation_sources as fs
from qms.nonconformities import selectors, services, sources
from qms.nonconformities.models import Nonconformity
from qms.objectives import services as objectives
from qms.objectives.models import Objective
from qms.objectives.tests.test_actions import make_objective
from qms.planning.models import PlanTask

D = datetime.date


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_three_sources_are_registered():
    keys = dict(sources.choices())
    assert {fs.TASK_OVERDUE, fs.OBJECTIVE_NOT_ACHIEVED, fs.DOCUMENT_REVIEW_OVERDUE} <= set(keys)
    assert sources.get(fs.TASK_OVERDUE).model is PlanTask
    with pytest.raises(LookupError):
        sources.get("nope")


def _raise_through_the_page(user, key: str, obj, expect_in_description: str = "") -> Nonconformity:
    c = login(user)
    url = reverse("nonconformities:raise", kwargs={"source_key": key, "object_id": obj.pk})
    r = c.get(url)
    assert r.status_code == 200
    form = r.context["form"]
    if expect_in_description:
        assert expect_in_description in form.initial["description"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["raised_on"] = timezone.localdate().strftime("%d/%m/%Y")
    r = c.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    return Nonconformity.objects.get(source_key=key, source_id=obj.pk)


def test_overdue_task(make_task, org, personas):
    task = make_task("Tháng 3/2026", year=2026)
    PlanTask.objects.filter(pk=task.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=5)
    )
    task.refresh_from_db()
    facts = sources.get(fs.TASK_OVERDUE).describe(task)
    assert facts.unit == org.div_a and "Đánh giá nội bộ" in facts.title
    task_url = reverse("planning:task_detail", kwargs={"pk": task.pk})
    # the task's page offers the button to the unit head
    head = login(personas["head_a"])
    body = head.get(task_url).content.decode()
    assert "btn-raise-nc" in body
    nc = _raise_through_the_page(personas["head_a"], fs.TASK_OVERDUE, task, "Đánh giá nội bộ")
    assert nc.unit == org.div_a and nc.source == task
    body = head.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert f'href="{task_url}"' in body
    body = head.get(task_url).content.decode()
    assert nc.number in body and reverse("nonconformities:detail", args=[nc.pk]) in body
    # a staff member sees the NC but has no button (may not raise)
    body = login(personas["staff_a"]).get(task_url).content.decode()
    assert nc.number in body and "btn-raise-nc" not in body


def test_task_not_overdue_has_no_button(make_task, personas):
    task = make_task("Tháng 12/2026", year=2026)
    PlanTask.objects.filter(pk=task.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=5)
    )
    body = (
        login(personas["head_a"])
        .get(reverse("planning:task_detail", args=[task.pk]))
        .content.decode()
    )
    assert "btn-raise-nc" not in body


def test_objective_not_achieved(org, personas):
    period = objectives.period_for(agency=org.agency, year=2022)
    objective = make_objective(org, personas, period)
    Objective.objects.filter(pk=objective.pk).update(
        achieved=False,
        result=85,
        cause="Thiếu cán bộ xử lý hồ sơ",
        proposed_action="Bổ sung 01 chuyên viên",
    )
    objective.refresh_from_db()
    nc = _raise_through_the_page(
        personas["head_a"], fs.OBJECTIVE_NOT_ACHIEVED, objective, "Thiếu cán bộ xử lý hồ sơ"
    )
    assert "Bổ sung 01 chuyên viên" in nc.description and nc.unit == org.div_a
    set_url = reverse("objectives:set_detail", args=[objective.objective_set_id])
    head = login(personas["head_a"])
    body = head.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert f'href="{set_url}#objective-{objective.pk}"' in body
    body = head.get(set_url).content.decode()
    assert 'id="nc-panel-objectives"' in body and nc.number in body


def test_achieved_objective_offers_nothing(org, personas):
    period = objectives.period_for(agency=org.agency, year=2022)
    objective = make_objective(org, personas, period)
    Objective.objects.filter(pk=objective.pk).update(achieved=True)
    set_url = reverse("objectives:set_detail", args=[objective.objective_set_id])
    body = login(personas["head_a"]).get(set_url).content.decode()
    assert 'id="nc-panel-objectives"' not in body


def test_document_review_overdue(org, personas):
    document = document_make(org, personas)
    type(document).objects.filter(pk=document.pk).update(next_review_on=D(2024, 1, 1))
    document.refresh_from_db()
    nc = _raise_through_the_page(personas["iso_office"], fs.DOCUMENT_REVIEW_OVERDUE, document)
    assert nc.clause == "7.5.3" and document.code in nc.title
    doc_url = reverse("documents:document_detail", args=[document.pk])
    c = login(personas["iso_office"])
    body = c.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert f'href="{doc_url}"' in body
    body = c.get(doc_url).content.decode()
    assert nc.number in body
    assert selectors.ncs_for_sources(fs.DOCUMENT_REVIEW_OVERDUE, [document.pk])[document.pk] == [nc]


def test_raise_from_a_source_is_refused_to_who_may_not(make_task, personas):
    task = make_task("Tháng 3/2026", year=2026)
    url = reverse(
        "nonconformities:raise", kwargs={"source_key": fs.TASK_OVERDUE, "object_id": task.pk}
    )
    assert login(personas["staff_a"]).get(url).status_code == 403
    assert login(personas["outsider"]).post(url, {}).status_code == 403
    assert (
        login(personas["head_a"])
        .get(reverse("nonconformities:raise", kwargs={"source_key": "nope", "object_id": 1}))
        .status_code
        == 404
    )
    with pytest.raises(services.NCError):
        services.raise_nc(actor=personas["outsider"], source_key=fs.TASK_OVERDUE, source_obj=task)
