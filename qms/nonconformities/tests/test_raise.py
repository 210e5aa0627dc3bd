"""Raising NCs: numbering per agency and year (race-free), facts from a source, checks."""

from __future__ import annotations

import datetime
import threading
from dataclasses import replace

import pytest
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone, translation

from qms.nonconformities import selectors, services, sources
from qms.nonconformities.models import NCCounter, Nonconformity
from qms.notifications.models import Notification
from qms.planning.models import Plan

D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_numbers_per_agency_and_year(make_nc, org, personas):
    a = make_nc(raised_on=D(2022, 3, 1))
    b = make_nc(raised_on=D(2022, 4, 1))
    c = make_nc(raised_on=D(2023, 1, 5))
    other = services.raise_nc(
        actor=personas["outsider"],
        unit=org.other_div,
        title="Khác",
        description="Sở khác",
        raised_on=D(2022, 3, 1),
    )
    assert (a.number, b.number, c.number) == ("KPH-2022-001", "KPH-2022-002", "KPH-2023-001")
    assert other.number == "KPH-2022-001" and other.agency == org.other_agency
    assert a.agency == org.agency and a.status == Nonconformity.Status.OPEN
    assert NCCounter.objects.get(agency=org.agency, year=2022).last == 2


def test_raise_needs_the_raise_role_on_the_unit(make_nc, org, personas):
    with pytest.raises(services.NCError, match="may not raise"):
        make_nc(actor=personas["staff_a"])
    with pytest.raises(services.NCError, match="may not raise"):
        make_nc(actor=personas["head_b"])
    with pytest.raises(services.NCError, match="may not raise"):
        make_nc(actor=personas["overseer"])
    assert make_nc(actor=personas["head_a"]).unit == org.div_a


def test_raise_checks_its_input(make_nc, personas, org):
    with pytest.raises(services.NCError, match="title"):
        make_nc(title="  ")
    with pytest.raises(services.NCError, match="Describe"):
        make_nc(description="")
    with pytest.raises(services.NCError, match="future"):
        make_nc(raised_on=timezone.localdate() + datetime.timedelta(days=2))
    with pytest.raises(services.NCError, match="severity"):
        make_nc(severity="huge")
    with pytest.raises(services.NCError, match="agency"):
        make_nc(owner=personas["outsider"])
    assert not Nonconformity.objects.exists()


def test_raise_is_logged_and_tells_the_unit_head(make_nc, personas):
    from qms.audittrail.models import LogEntry

    nc = make_nc()
    entry = LogEntry.objects.get(action="nonconformities.nc.raised", object_id=nc.pk)
    assert entry.actor == personas["iso_office"]
    assert Notification.objects.filter(
        recipient=personas["head_a"], kind="nc_raised", object_id=nc.pk
    ).exists()


@pytest.fixture
def plan_source(org):
    """A registered source of plans, to test the registry without another area."""

    def describe(plan: Plan) -> sources.SourceFacts:
        return sources.SourceFacts(
            agency=plan.agency,
            unit=org.div_a,
            title=f"Kế hoạch {plan.year} chậm",
            description="Kế hoạch chưa thực hiện đúng hạn.",
            url=f"/planning/{plan.pk}/",
            label=f"Kế hoạch {plan.year}",
            clause="6.2",
            severity="major",
        )

    with sources.registry.isolated():
        sources.register(sources.Source("test.plan", "Kế hoạch", Plan, describe))
        yield


def test_raise_from_a_source_takes_its_facts(plan_source, make_nc, org):
    plan = Plan.objects.create(agency=org.agency, year=2022, title="Kế hoạch ISO 2022")
    nc = make_nc(source_key="test.plan", source_obj=plan, title="", description="", unit=None)
    assert (nc.title, nc.clause, nc.severity) == ("Kế hoạch 2022 chậm", "6.2", "major")
    assert nc.source == plan and nc.source_label == "Kế hoạch 2022"
    found = selectors.ncs_for_sources("test.plan", [plan.pk, plan.pk + 1000])
    assert found[plan.pk] == [nc] and found[plan.pk + 1000] == []
    with pytest.raises(services.NCError):
        make_nc(source_key="test.plan", source_obj=org.div_a)
    with pytest.raises(services.NCError):
        make_nc(source_key="nope", source_obj=plan)


def test_ncs_for_sources_is_one_query(plan_source, make_nc, org, django_assert_num_queries):
    plans = [
        Plan.objects.create(agency=org.agency, year=2020 + i, title=f"KH {i}") for i in range(3)
    ]
    for p in plans:
        make_nc(source_key="test.plan", source_obj=p)
    sources.get("test.plan")
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Plan)
    with django_assert_num_queries(1):
        found = selectors.ncs_for_sources("test.plan", [p.pk for p in plans])
        assert all(len(v) == 1 and v[0].unit.code for v in found.values())


def test_nc_counts(make_nc, org):
    make_nc()
    make_nc()
    counts = selectors.nc_counts(Q(agency=org.agency))
    assert counts["open"] == 2 and counts["closed"] == 0
    assert set(counts) == set(Nonconformity.Status.values)


def test_source_facts_are_frozen(org):
    facts = sources.SourceFacts(
        agency=org.agency, unit=org.div_a, title="t", description="d", url="/", label="l"
    )
    assert replace(facts, title="x").title == "x" and facts.severity == "minor"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_raises_get_fifty_distinct_numbers(org, personas):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is measured on PostgreSQL (SQLite serialises writers)")
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)
    actor = personas["iso_office"]

    def worker() -> None:
        try:
            barrier.wait()
            for i in range(5):
                services.raise_nc(
                    actor=actor,
                    unit=org.div_a,
                    title=f"KPH {i}",
                    description="Đồng thời",
                    raised_on=D(2024, 5, 1),
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(
        Nonconformity.objects.filter(agency=org.agency, year=2024).values_list("number", flat=True)
    )
    assert numbers == [f"KPH-2024-{i:03d}" for i in range(1, 51)]
