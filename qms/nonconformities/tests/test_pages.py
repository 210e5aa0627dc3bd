"""The NC pages: list (filters, keyset pages, flat query count), detail in each state,
raising, each step's form (shown to who may, keeps input on errors)."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qms.nonconformities import services
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.tests.conftest import add_action, analyse

S = Nonconformity.Status


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_list_and_menu(make_nc, personas):
    nc = make_nc()
    c = login(personas["iso_office"])
    r = c.get(reverse("nonconformities:list"))
    body = r.content.decode()
    assert r.status_code == 200 and nc.number in body
    assert "nonconformities/" in body  # the menu entry
    assert 'id="btn-raise"' in body


def test_list_filters(make_nc, org, personas):
    a = make_nc(title="Lỗi A")
    b = make_nc(unit=org.div_b, title="Lỗi B", severity="major")
    c = login(personas["iso_office"])
    body = c.get(reverse("nonconformities:list"), {"unit": org.div_b.pk}).content.decode()
    assert b.number in body and f"nc-{a.pk}" not in body
    body = c.get(reverse("nonconformities:list"), {"severity": "major"}).content.decode()
    assert f'id="nc-{b.pk}"' in body and f'id="nc-{a.pk}"' not in body
    body = c.get(reverse("nonconformities:list"), {"status": "closed"}).content.decode()
    assert f'id="nc-{b.pk}"' not in body
    body = c.get(reverse("nonconformities:list"), {"year": "abc", "mine": "on"}).content.decode()
    assert f'id="nc-{a.pk}"' in body  # raised by the ISO office; a bad year is ignored
    body = c.get(reverse("nonconformities:list"), {"source": "direct"}).content.decode()
    assert f'id="nc-{a.pk}"' in body
    r = c.get(
        reverse("nonconformities:list"),
        {"unit": org.div_b.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="nc-rows",
    )
    assert b"<html" not in r.content and b"nc-table" in r.content


def test_list_query_count_is_flat(make_nc, org, personas, django_assert_max_num_queries):
    c = login(personas["iso_office"])
    make_nc()
    c.get(reverse("nonconformities:list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        c.get(reverse("nonconformities:list"))
    for i in range(12):
        nc = make_nc(title=f"Lỗi {i}", owner=personas["head_a"])
        if i % 2:
            analyse(nc, personas["head_a"])
            add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    with CaptureQueriesContext(connection) as many:
        r = c.get(reverse("nonconformities:list"))
    assert r.content.decode().count('class="nc-row"') == 13
    assert len(many) == len(few)


def test_list_query_count(make_nc, personas, django_assert_num_queries):
    c = login(personas["iso_office"])
    make_nc()
    c.get(reverse("nonconformities:list"))
    # session, user, roles, years, units, page, counts, raise units, unread (the agency
    # to raise in is the user's own, read with the user)
    with django_assert_num_queries(9):
        c.get(reverse("nonconformities:list"))


def test_detail_query_count_is_flat(make_nc, org, personas, django_assert_num_queries):
    """The page reads the NC, its actions, verifications, evidence and history once each,
    whatever their number; the verifier's independence is checked on the actions read."""
    nc = make_nc(owner=personas["head_a"])
    analyse(nc, personas["head_a"])
    add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    c = login(personas["iso_office"])
    url = reverse("nonconformities:detail", args=[nc.pk])
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for _ in range(3):
        add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    with CaptureQueriesContext(connection) as many:
        r = c.get(url)
    assert r.content.decode().count('class="nc-action') >= 4
    assert len(many) == len(few)


def test_list_pages_by_keyset(make_nc, personas):
    for i in range(55):
        make_nc(title=f"Lỗi {i}")
    c = login(personas["iso_office"])
    r = c.get(reverse("nonconformities:list"))
    assert r.context["page"].older_cursor
    r2 = c.get(reverse("nonconformities:list"), {"older": r.context["page"].older_cursor})
    assert len(r2.context["rows"]) == 5


def test_detail_stages_and_forms_by_role(make_nc, org, personas):
    nc = make_nc(owner=personas["head_a"])
    head = login(personas["head_a"])
    body = head.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert 'id="analysis-form"' in body and 'id="correction-form"' in body
    assert 'id="verify-form"' not in body
    staff = login(personas["staff_a"])
    body = staff.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert 'id="analysis-form"' not in body and nc.title in body


def test_analysis_form_keeps_input_on_errors(make_nc, personas):
    nc = make_nc()
    head = login(personas["head_a"])
    r = head.post(
        reverse("nonconformities:analysis", args=[nc.pk]),
        {"method": "five_whys", "why_1": "Thiếu mẫu", "root_cause": "", "version": nc.version},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert 'value="Thiếu mẫu"' in body and "error-summary" in body
    r = head.post(
        reverse("nonconformities:analysis", args=[nc.pk]),
        {
            "method": "both",
            "why_1": "Thiếu mẫu",
            "why_2": "Quy trình không quy định",
            "fb_method": "Quy trình thiếu bước\nKhông có biểu mẫu",
            "root_cause": "Quy trình thiếu bước lập biên bản",
            "version": nc.version,
        },
    )
    assert r.status_code == 302
    nc.refresh_from_db()
    assert nc.status == S.ANALYSED
    assert nc.fishbone == {"method": ["Quy trình thiếu bước", "Không có biểu mẫu"]}
    body = head.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert 'id="fishbone-table"' in body and "Không có biểu mẫu" in body


def test_full_walk_through_pages(make_nc, org, personas):
    services.settings_save(
        actor=personas["iso_office"], agency=org.agency, verification_delay_days=0
    )
    nc = make_nc(owner=personas["head_a"])
    head = login(personas["head_a"])
    detail = reverse("nonconformities:detail", args=[nc.pk])
    r = head.post(
        reverse("nonconformities:correction", args=[nc.pk]),
        {
            "correction": "Lập biên bản bổ sung",
            "correction_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert r.status_code == 302
    analyse(nc, personas["head_a"])
    r = head.post(
        reverse("nonconformities:action_add", args=[nc.pk]),
        {"description": "", "owner": personas["staff_a"].pk, "unit": org.div_a.pk, "due": "xx"},
    )
    assert r.status_code == 400
    due = (timezone.localdate() + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    r = head.post(
        reverse("nonconformities:action_add", args=[nc.pk]),
        {
            "description": "Bổ sung quy trình",
            "owner": personas["staff_a"].pk,
            "unit": org.div_a.pk,
            "due": due,
        },
    )
    assert r.status_code == 302
    action = nc.actions.get()
    r = head.get(reverse("nonconformities:action_edit", args=[nc.pk, action.pk]))
    assert r.status_code == 200
    r = head.post(reverse("nonconformities:plan_confirm", args=[nc.pk]))
    assert Nonconformity.objects.get(pk=nc.pk).status == S.PLANNED
    staff = login(personas["staff_a"])
    body = staff.get(detail).content.decode()
    assert "done-form" in body
    from qms.core.tests.files import pdf_upload

    r = staff.post(
        reverse("nonconformities:action_done", args=[nc.pk, action.pk]),
        {"result": "Đã sửa quy trình", "evidence": pdf_upload()},
    )
    assert r.status_code == 302
    nc.refresh_from_db()
    assert nc.status == S.AWAITING_VERIFICATION
    auditor = login(personas["auditor"])
    from qms.nonconformities.models import NCSettings

    kept = services.settings_for(nc.agency).verification_delay_days
    NCSettings.objects.update_or_create(agency=nc.agency, defaults={"verification_delay_days": 365})
    r = auditor.get(detail)
    body = r.content.decode()  # too early: said, and the form is not built
    assert 'id="verification-early"' in body and 'id="verify-form"' not in body
    assert "verify_form" not in r.context
    NCSettings.objects.filter(agency=nc.agency).update(verification_delay_days=kept)
    body = auditor.get(detail).content.decode()
    assert 'id="verify-form"' in body
    r = auditor.post(
        reverse("nonconformities:verify", args=[nc.pk]), {"effective": "yes", "note": ""}
    )
    assert r.status_code == 400
    r = auditor.post(
        reverse("nonconformities:verify", args=[nc.pk]),
        {"effective": "yes", "note": "Đã kiểm tra hồ sơ", "version": nc.version},
    )
    assert r.status_code == 302
    nc.refresh_from_db()
    assert nc.status == S.CLOSED
    body = auditor.get(detail).content.decode()
    assert 'id="closed-note"' in body and 'id="card-history"' in body
    ev = nc.evidence.get()
    r = auditor.get(reverse("nonconformities:evidence", args=[ev.pk]))
    assert r.status_code == 200
    from conftest import close_response

    close_response(r)


def test_raise_direct_page(org, personas):
    head = login(personas["head_a"])
    r = head.get(reverse("nonconformities:raise_direct"))
    assert r.status_code == 200
    units = list(r.context["form"].fields["unit"].queryset)
    assert units == [org.div_a]
    r = head.post(
        reverse("nonconformities:raise_direct"),
        {
            "unit": org.div_a.pk,
            "title": "Lỗi",
            "description": "",
            "severity": "minor",
            "raised_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert r.status_code == 400 and 'value="Lỗi"' in r.content.decode()
    r = head.post(
        reverse("nonconformities:raise_direct"),
        {
            "unit": org.div_a.pk,
            "title": "Lỗi",
            "description": "Mô tả",
            "severity": "minor",
            "raised_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert r.status_code == 302
    assert Nonconformity.objects.get().raised_by == personas["head_a"]
    assert (
        login(personas["staff_a"]).get(reverse("nonconformities:raise_direct")).status_code == 403
    )


def test_settings_page(org, personas):
    c = login(personas["iso_office"])
    assert c.get(reverse("nonconformities:settings")).status_code == 200
    r = c.post(
        reverse("nonconformities:settings"),
        {"agency": org.agency.pk, "verification_delay_days": "500"},
    )
    assert r.status_code == 400 and 'value="500"' in r.content.decode()
    r = c.post(
        reverse("nonconformities:settings"),
        {"agency": org.agency.pk, "verification_delay_days": "14"},
    )
    assert r.status_code == 302
    assert services.settings_for(org.agency).verification_delay_days == 14
    assert login(personas["head_a"]).get(reverse("nonconformities:settings")).status_code == 403


def test_detail_query_count_is_flat_in_actions(make_nc, org, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(nc) -> int:
        c = login(personas["head_a"])
        c.get(reverse("nonconformities:detail", args=[nc.pk]))
        with CaptureQueriesContext(connection) as q:
            r = c.get(reverse("nonconformities:detail", args=[nc.pk]))
        assert r.status_code == 200
        return len(q)

    one = make_nc(owner=personas["head_a"])
    analyse(one, personas["head_a"])
    add_action(one, personas["head_a"], personas["staff_a"], org.div_a)
    services.plan_confirm(actor=personas["head_a"], nc=one)
    many = make_nc(owner=personas["head_a"])
    analyse(many, personas["head_a"])
    for _ in range(6):
        add_action(many, personas["head_a"], personas["staff_a"], org.div_a)
    services.plan_confirm(actor=personas["head_a"], nc=many)
    for action in list(many.actions.all())[:3]:
        services.action_done(actor=personas["staff_a"], action=action, result="Xong")
    assert count(many) == count(one)


def test_one_done_form_per_action_with_its_own_ids(make_nc, org, personas):
    nc = make_nc(owner=personas["head_a"])
    analyse(nc, personas["head_a"])
    a = add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    b = add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    services.plan_confirm(actor=personas["head_a"], nc=nc)
    c = login(personas["staff_a"])
    r = c.post(reverse("nonconformities:action_done", args=[nc.pk, b.pk]), {"result": ""})
    body = r.content.decode()
    assert r.status_code == 400
    assert f'id="id_done{a.pk}_result"' in body and f'id="id_done{b.pk}_result"' in body


def test_my_open_actions_on_my_tasks(make_nc, org, personas):
    nc = make_nc(owner=personas["head_a"])
    analyse(nc, personas["head_a"])
    action = add_action(nc, personas["head_a"], personas["staff_a"], org.div_a)
    services.plan_confirm(actor=personas["head_a"], nc=nc)
    body = login(personas["staff_a"]).get(reverse("planning:my_tasks")).content.decode()
    assert 'id="my-corrective-actions"' in body and f"#action-{action.pk}" in body
    body = login(personas["head_b"]).get(reverse("planning:my_tasks")).content.decode()
    assert 'id="my-corrective-actions"' not in body
    services.action_done(actor=personas["staff_a"], action=action, result="Xong")
    body = login(personas["staff_a"]).get(reverse("planning:my_tasks")).content.decode()
    assert 'id="my-corrective-actions"' not in body


def test_archived_leave_the_list_but_stay_readable(make_nc, personas):
    nc = make_nc()
    services.nc_archive(actor=personas["iso_office"], nc=nc, reason="Trùng")
    c = login(personas["iso_office"])
    assert f'id="nc-{nc.pk}"' not in c.get(reverse("nonconformities:list")).content.decode()
    body = c.get(reverse("nonconformities:list"), {"archived": "on"}).content.decode()
    assert f'id="nc-{nc.pk}"' in body
    body = c.get(reverse("nonconformities:detail", args=[nc.pk])).content.decode()
    assert 'id="archived-badge"' in body and 'id="analysis-form"' not in body


def test_edit_the_nc_through_its_page(make_nc, org, personas):
    nc = make_nc()
    head = login(personas["head_a"])
    r = head.post(
        reverse("nonconformities:edit", args=[nc.pk]),
        {
            "title": "Tiêu đề đã sửa",
            "description": "Mô tả đã sửa",
            "unit": org.div_a.pk,
            "owner": personas["head_a"].pk,
            "clause": "7.5.3",
            "severity": "major",
            "version": nc.version,
        },
    )
    assert r.status_code == 302
    nc.refresh_from_db()
    assert (nc.title, nc.owner, nc.severity) == ("Tiêu đề đã sửa", personas["head_a"], "major")
    r = head.post(
        reverse("nonconformities:edit", args=[nc.pk]),
        {
            "title": "Cũ",
            "description": "x",
            "unit": org.div_a.pk,
            "severity": "minor",
            "version": 1,
        },
    )
    assert r.status_code == 400 and 'value="Cũ"' in r.content.decode()
