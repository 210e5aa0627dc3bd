"""The audit log page: keyset pages, filters, htmx fragment, flat query count."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms.audittrail import selectors
from qms.audittrail.models import LogEntry
from qms.audittrail.services import logentry_create
from qms.core.models import OrgUnit

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/audit-log/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def make_entries(n: int, *, unit, actor=None, action="planning.task.confirmed", note="bulk"):
    return [
        logentry_create(actor=actor, action=action, obj=unit, unit=unit, note=f"{note} {i}")
        for i in range(n)
    ]


def test_url_name() -> None:
    assert reverse("audittrail:log_list") == URL
    assert reverse("audittrail:log_export") == "/audit-log/export.xlsx"


# ---------------------------------------------------------------- keyset pagination


@pytest.mark.django_db
def test_keyset_pages_return_every_row_once_when_times_tie(org, personas) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=HCM), tick=False):
        tied = make_entries(137, unit=org.div_a, note="tied")
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=HCM), tick=False):
        later = make_entries(3, unit=org.div_a, note="later")
    qs = selectors.logentry_list(user=personas["leader"], filters={"q": "tied"})
    assert qs.count() == 137

    seen: list[int] = []
    pages = []
    page = selectors.logentry_page(qs, size=50)
    while True:
        pages.append(page)
        seen.extend(e.pk for e in page)
        if not page.older_cursor:
            break
        page = selectors.logentry_page(qs, older=page.older_cursor, size=50)

    assert [len(p) for p in pages] == [50, 50, 37]
    assert len(seen) == len(set(seen)) == 137
    assert seen == sorted((e.pk for e in tied), reverse=True)
    assert pages[0].newer_cursor is None
    assert not {e.pk for e in later} & set(seen)

    # …and back again with the "Newer" cursors, page for page.
    back = selectors.logentry_page(qs, newer=pages[-1].newer_cursor, size=50)
    assert [e.pk for e in back] == [e.pk for e in pages[1]]
    top = selectors.logentry_page(qs, newer=back.newer_cursor, size=50)
    assert [e.pk for e in top] == [e.pk for e in pages[0]]
    assert top.newer_cursor is None


@pytest.mark.django_db
def test_keyset_pages_through_the_view_with_older_and_newer_links(client_as, org) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=HCM), tick=False):
        make_entries(120, unit=org.div_a, note="tied")
    client = client_as("leader")
    first = client.get(URL, {"q": "tied"})
    page1 = first.context["page"]
    assert len(page1) == 50
    assert f"older={page1.older_cursor}" in first.content.decode()
    assert "offset" not in first.content.decode().lower()

    ids: list[int] = [e.pk for e in page1]
    response = first
    while response.context["page"].older_cursor:
        response = client.get(URL, {"q": "tied", "older": response.context["page"].older_cursor})
        assert response.status_code == 200
        ids.extend(e.pk for e in response.context["page"])
    assert len(ids) == len(set(ids)) == 120

    newer = client.get(URL, {"q": "tied", "newer": response.context["page"].newer_cursor})
    assert [e.pk for e in newer.context["page"]] == ids[50:100]


@pytest.mark.django_db
def test_malformed_cursor_shows_the_first_page(client_as, org) -> None:
    make_entries(3, unit=org.div_a, note="x")
    response = client_as("leader").get(URL, {"older": "not-a-cursor"})
    assert response.status_code == 200
    assert response.context["page"].newer_cursor is None


def test_cursor_round_trip() -> None:
    entry = LogEntry(
        pk=42, created_at=datetime.datetime(2026, 3, 2, 2, 0, 0, 123456, tzinfo=datetime.UTC)
    )
    assert selectors.parse_cursor(selectors.cursor_for(entry)) == (entry.created_at, 42)
    for bad in ("", "12", "a-1", "1-b", "-1-2", "9" * 30 + "-1"):
        assert selectors.parse_cursor(bad) is None


# ---------------------------------------------------------------- filters


@pytest.mark.django_db
def test_date_filter_uses_local_days(client_as, org) -> None:
    # 23:30 in Hà Nội on 01/03 is 16:30 UTC: it belongs to 01/03, not 02/03.
    with time_machine.travel(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=HCM), tick=False):
        late = make_entries(1, unit=org.div_a, note="dated late")[0]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 0, 30, tzinfo=HCM), tick=False):
        early = make_entries(1, unit=org.div_a, note="dated early")[0]
    client = client_as("leader")

    def shown(**params):
        return {e.pk for e in client.get(URL, {"q": "dated", **params}).context["page"]}

    assert shown(date_from="01/03/2026", date_to="01/03/2026") == {late.pk}
    assert shown(date_from="02/03/2026", date_to="02/03/2026") == {early.pk}
    assert shown(date_from="01/03/2026", date_to="02/03/2026") == {late.pk, early.pk}
    assert early.pk not in shown(date_to="01/03/2026")


@pytest.mark.django_db
def test_invalid_dates_show_an_error_and_keep_the_page(client_as, org) -> None:
    make_entries(2, unit=org.div_a, note="kept")
    client = client_as("leader")
    response = client.get(URL, {"date_from": "31/02/2026"}, **EN)
    assert response.status_code == 200
    assert "Enter a date as dd/mm/yyyy" in response.content.decode()

    response = client.get(URL, {"date_from": "05/03/2026", "date_to": "01/03/2026"}, **EN)
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.django_db
def test_text_filter_matches_record_note_action_and_user(client_as, org, personas) -> None:
    actor = personas["iso_office"]
    logentry_create(
        actor=actor,
        action="planning.task.confirmed",
        obj=org.div_a,
        unit=org.div_a,
        note="Đã kiểm tra hồ sơ minh chứng",
    )
    logentry_create(
        actor=personas["leader"],
        action="planning.plan.issued",
        obj=org.div_b,
        unit=org.div_b,
        note="Ban hành kế hoạch",
    )
    client = client_as("leader")

    def notes(q: str) -> set[str]:
        return {e.note for e in client.get(URL, {"q": q}, **EN).context["page"] if e.note}

    assert notes("minh chứng") == {"Đã kiểm tra hồ sơ minh chứng"}
    assert notes("Phòng TCCB") == {"Ban hành kế hoạch"}  # record text
    assert notes("plan.issued") == {"Ban hành kế hoạch"}  # action code
    assert notes("confirmed the task") == {"Đã kiểm tra hồ sơ minh chứng"}  # action label
    assert notes("iso_office") == {"Đã kiểm tra hồ sơ minh chứng"}  # username
    assert notes("Nguyễn Leader") == {"Ban hành kế hoạch"}  # family + given name
    assert notes("không có gì") == set()


@pytest.mark.django_db
def test_actor_app_and_unit_filters(client_as, org, personas) -> None:
    iso = personas["iso_office"]
    a = logentry_create(actor=iso, action="planning.task.confirmed", obj=org.div_a, unit=org.div_a)
    b = logentry_create(
        actor=personas["leader"], action="core.unit.updated", obj=org.div_b, unit=org.div_b
    )
    client = client_as("leader")

    def shown(**params):
        return {e.pk for e in client.get(URL, params).context["page"]}

    assert shown(actor=iso.pk) == {a.pk}
    assert a.pk in shown(app="planning") and b.pk not in shown(app="planning")
    assert b.pk in shown(app="core") and a.pk not in shown(app="core")
    assert a.pk in shown(unit=org.div_a.pk) and b.pk not in shown(unit=org.div_a.pk)
    # An agency includes its divisions.
    assert {a.pk, b.pk} <= shown(unit=org.agency.pk)


@pytest.mark.django_db
def test_filter_choices_are_limited_to_the_scope(client_as, org, personas) -> None:
    logentry_create(
        actor=personas["outsider"],
        action="core.unit.updated",
        obj=org.other_div,
        unit=org.other_div,
    )
    form = client_as("leader").get(URL).context["form"]
    units = set(form.fields["unit"].queryset)
    assert org.div_a in units and org.agency in units
    assert org.other_div not in units and org.province not in units
    assert personas["outsider"] not in set(form.fields["actor"].queryset)


# ---------------------------------------------------------------- rendering


@pytest.mark.django_db
def test_page_shows_time_label_changes_and_ip(client_as, org, personas) -> None:
    with time_machine.travel(datetime.datetime(2026, 2, 7, 8, 5, 9, tzinfo=HCM), tick=False):
        LogEntry.objects.create(
            actor=personas["iso_office"],
            action="planning.task.confirmed",
            content_type=ContentType.objects.get_for_model(OrgUnit),
            object_id=str(org.div_a.pk),
            object_repr="Nhiệm vụ 1",
            unit=org.div_a,
            changes={"name": ["Phòng cũ", "Phòng mới"]},
            ip_address="10.1.2.3",
        )
        logentry_create(actor=None, action="custom.thing.done", obj=org.div_a, unit=org.div_a)
    content = client_as("leader").get(URL, **EN).content.decode()
    assert "07/02/2026 08:05:09" in content  # local time, dd/mm/yyyy
    assert "confirmed the task" in content
    assert "custom.thing.done" in content  # unknown codes as they are
    assert "<del>Phòng cũ</del>" in content
    assert "<ins>Phòng mới</ins>" in content
    assert "Full name" in content  # the field's verbose name
    assert "10.1.2.3" in content


@pytest.mark.django_db
def test_htmx_request_gets_only_the_rows(client_as, org) -> None:
    make_entries(2, unit=org.div_a, note="frag")
    response = client_as("leader").get(URL, {"q": "frag"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "audittrail/partials/_log_rows.html"
    content = response.content.decode()
    assert "<html" not in content
    assert "log-table" in content
    assert "/audit-log/export.xlsx?q=frag" in content


@pytest.mark.django_db
def test_full_page_uses_the_page_template(client_as, org) -> None:
    response = client_as("leader").get(URL)
    assert [t.name for t in response.templates][0] == "audittrail/log_list.html"
    assert 'hx-target="#log-rows"' in response.content.decode()


# ---------------------------------------------------------------- queries


@pytest.mark.django_db
def test_query_count_is_flat_in_rows(client_as, org, personas, django_assert_max_num_queries):
    actors = [personas["iso_office"], personas["head_a"], personas["leader"]]
    units = [org.div_a, org.div_b, org.agency]

    def add(n: int) -> None:
        for i in range(n):
            logentry_create(
                actor=actors[i % 3],
                action="planning.task.updated",
                obj=units[i % 3],
                unit=units[i % 3],
                before={"name": "a"},
                after={"name": "b"},
                note="qc",
            )

    client = client_as("leader")
    add(5)
    client.get(URL, {"q": "qc"})  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as five:
        response = client.get(URL, {"q": "qc"})
    assert len(response.context["page"]) == 5
    add(45)
    with django_assert_max_num_queries(len(five)):
        response = client.get(URL, {"q": "qc"})
    assert len(response.context["page"]) == 50
