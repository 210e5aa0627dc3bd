"""Keyset pages over any ordering: every row once, both ways, whatever ties and NULLs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F

from qms.core import keyset
from qms.core.models import OrgUnit
from qms.core.services import orgunit_create


@pytest.fixture
def units(org) -> list[OrgUnit]:
    """The test organisation plus units sharing names, some with a parent and some without."""
    K = OrgUnit.Kind
    made = []
    for i in range(7):
        made.append(orgunit_create(actor=None, code=f"TIE-{i}", name="Cùng tên", kind=K.PROVINCE))
        made.append(
            orgunit_create(
                actor=None, code=f"TIE-C{i}", name="Cùng tên", kind=K.DIVISION, parent=org.div_a
            )
        )
    return made


def walk(qs, ordering, size):
    pages = [keyset.keyset_page(qs, ordering, size=size)]
    while pages[-1].older_cursor and len(pages) < 100:
        pages.append(keyset.keyset_page(qs, ordering, older=pages[-1].older_cursor, size=size))
    return pages


ORDERINGS: dict[str, tuple[tuple[str, ...], tuple[Any, ...]]] = {
    "plain": (("name", "id"), ("name", "id")),
    "mixed": (("-name", "id"), (F("name").desc(), "id")),
    "nullable": (
        ("parent", "-name", "-id"),
        (F("parent").asc(nulls_last=True), "-name", "-id"),
    ),
    "nullable desc": (
        ("-parent", "code"),
        (F("parent").desc(nulls_first=True), "code"),
    ),
    "related": (("parent__name", "pk"), (F("parent__name").asc(nulls_last=True), "pk")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ORDERINGS)
def test_pages_cover_every_row_once_forward_and_back(units, case) -> None:
    ordering, expected_order = ORDERINGS[case]
    qs = OrgUnit.objects.all()
    expected = list(qs.order_by(*expected_order).values_list("pk", flat=True))

    pages = walk(qs, ordering, size=4)
    assert [u.pk for p in pages for u in p] == expected
    assert pages[0].newer_cursor is None
    assert all(len(p) == 4 for p in pages[:-1])

    # Back with the "newer" cursors, page for page.
    for later, earlier in zip(pages[::-1], pages[-2::-1], strict=False):
        back = keyset.keyset_page(qs, ordering, newer=later.newer_cursor, size=4)
        assert [u.pk for u in back] == [u.pk for u in earlier]
    top = keyset.keyset_page(qs, ordering, newer=pages[1].newer_cursor, size=4)
    assert top.newer_cursor is None


@pytest.mark.django_db
def test_one_query_per_page_even_across_a_relation(units, django_assert_num_queries) -> None:
    qs = OrgUnit.objects.all()
    first = keyset.keyset_page(qs, ("parent__name", "id"), size=5)
    with django_assert_num_queries(1):
        page = keyset.keyset_page(qs, ("parent__name", "id"), older=first.older_cursor, size=5)
        assert page.older_cursor and page.newer_cursor


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad", ["", "12", "a-1", "1-b", "-1-2", "1-2-3", "x4-1", "z-1", "9" * 40 + "-1"]
)
def test_malformed_cursor_reads_as_the_first_page(units, bad) -> None:
    qs = OrgUnit.objects.all()
    first = keyset.keyset_page(qs, ("name", "id"), size=3)
    page = keyset.keyset_page(qs, ("name", "id"), older=bad, newer=bad, size=3)
    assert [u.pk for u in page] == [u.pk for u in first]
    assert page.newer_cursor is None


def test_cursor_round_trips_each_kind() -> None:
    moment = datetime.datetime(1969, 12, 31, 23, 59, 59, 5, tzinfo=datetime.UTC)
    unit = OrgUnit(pk=7, name="Sở – “GDĐT”-1", parent_id=None, depth=3, archived_at=moment)
    ordering = ("-name", "parent", "depth", "archived_at", "id")
    cursor = keyset.cursor_for(unit, ordering)
    assert cursor.count("-") == 4  # one token per field, nothing else
    assert keyset.parse_cursor(cursor, ordering, OrgUnit) == ("Sở – “GDĐT”-1", None, 3, moment, 7)
    token = keyset._CODECS["datetime"].encode(moment)
    assert keyset._CODECS["datetime"].decode(token) == moment
    day = datetime.date(2026, 3, 2)
    assert keyset._CODECS["date"].decode(keyset._CODECS["date"].encode(day)) == day


def test_the_last_field_must_be_unique() -> None:
    with pytest.raises(ImproperlyConfigured):
        keyset.keyset_page(OrgUnit.objects.all(), ("name",))
    with pytest.raises(ImproperlyConfigured):
        keyset.keyset_page(OrgUnit.objects.all(), ("id", "name"))
    keyset.cursor_for(OrgUnit(pk=1, code="A"), ("code",))  # a unique field will do
