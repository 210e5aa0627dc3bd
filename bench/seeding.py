"""Seeding shared by the benchmarks (imported after ``django.setup()``).

Each seeder adds one area's rows to the province that :func:`province` builds, so a bench
of one area and the HTTP bench of every area seed the same data the same way.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

from qms.accounts.models import User
from qms.audits.models import Audit, Finding, Programme
from qms.audittrail.models import LogEntry
from qms.core.models import OrgUnit
from qms.core.services import orgunit_create
from qms.core.text import fold
from qms.documents.models import Document, DocumentVersion, ExternalDocument, IssuingDecision
from qms.nonconformities.models import CorrectiveAction, NCCounter, Nonconformity, Verification
from qms.notifications.models import Channel, Notification, State
from qms.objectives import rules
from qms.objectives.models import Measurement, Objective, ObjectiveSet, Period, period_bounds
from qms.planning.models import Plan, PlanTask

MONTHS, BATCH = 12, 5000
D, Agg, Dir = Decimal, Objective.Aggregation, Objective.Direction
M = TypeVar("M", bound=models.Model)


def _chunks(items: Iterable[M], size: int = BATCH) -> Iterator[list[M]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _bulk(model: type[M], items: Iterable[M]) -> list[M]:
    """bulk_create in batches without building every row first; returns them with pks."""
    created: list[M] = []
    for chunk in _chunks(items):
        created.extend(model._default_manager.bulk_create(chunk))
    return created


def fresh_database() -> None:
    """Migrate, then empty every table."""
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def province(
    agencies: int, years: tuple[int, ...], divisions: int = 6
) -> tuple[list[OrgUnit], dict[int, list[OrgUnit]]]:
    """A province of ``agencies`` agencies, each with ``divisions`` divisions and one
    issued plan (no tasks yet) per year."""
    top = orgunit_create(actor=None, code="P", name="Tỉnh", kind=OrgUnit.Kind.PROVINCE)
    created: list[OrgUnit] = []
    units: dict[int, list[OrgUnit]] = {}
    plans: list[Plan] = []
    for a in range(agencies):
        agency = orgunit_create(
            actor=None,
            code=f"A{a}",
            name=f"Sở {a}",
            kind=OrgUnit.Kind.AGENCY,
            parent=top,
            doc_symbol=f"S{a}",
        )
        created.append(agency)
        units[agency.pk] = [
            orgunit_create(
                actor=None,
                code=f"A{a}-D{d}",
                name=f"Phòng {d} Sở {a}",
                kind=OrgUnit.Kind.DIVISION,
                parent=agency,
            )
            for d in range(divisions)
        ]
        plans.extend(
            Plan(
                agency=agency,
                year=y,
                status="issued",
                issuer_name=f"SỞ {a}",
                title=f"Kế hoạch {y}",
                number=f"{a}-{y}/KH-S{a}",
                issued_on=datetime.date(y, 2, 7),
            )
            for y in years
        )
    Plan.objects.bulk_create(plans, batch_size=1000)
    return created, units


def province_with_issued_plans(
    agencies: int, years: tuple[int, ...], divisions: int = 6
) -> tuple[list[OrgUnit], dict[int, list[OrgUnit]]]:
    """An empty database with :func:`province` in it."""
    fresh_database()
    return province(agencies, years, divisions)


# Planning ---------------------------------------------------------------------------------

TASK_STATUSES = ["not_started", "in_progress", "done_reported", "done", "done", "cancelled"]


def plan_tasks(divisions: dict[int, list[OrgUnit]], tasks: int, big: int) -> Plan:
    """``tasks`` tasks on every plan, ``big`` on the first one, each led by one of the
    agency's first six divisions; returns the first (big) plan."""
    rows, links = [], []
    plans = list(Plan.objects.select_related("agency").order_by("pk"))
    for plan in plans:
        count = big if plan is plans[0] else tasks
        for n in range(1, count + 1):
            rows.append(
                PlanTask(
                    plan=plan,
                    number=n,
                    content=f"Nhiệm vụ {n} của kế hoạch {plan.year}",
                    lead_text="Phòng",
                    timing_text=f"Trước {1 + n % 28:02d}/{1 + n % 12:02d}/{plan.year}",
                    timing_kind="deadline",
                    status=TASK_STATUSES[n % len(TASK_STATUSES)],
                    percent=(n * 7) % 100,
                    due_date=datetime.date(plan.year, 1 + n % 12, 1 + n % 28),
                )
            )
    PlanTask.objects.bulk_create(rows, batch_size=2000)
    through = PlanTask.lead_units.through
    for task in PlanTask.objects.select_related("plan").only("id", "number", "plan__agency_id"):
        division = divisions[task.plan.agency_id][task.number % 6]
        links.append(through(plantask_id=task.pk, orgunit_id=division.pk))
    through.objects.bulk_create(links, batch_size=5000)
    return plans[0]


def small_plan(agency: OrgUnit, division: OrgUnit, tasks: int = 20) -> Plan:
    """A plan of ``tasks`` continuous tasks (2023), led by ``division``."""
    small = Plan.objects.create(
        agency=agency,
        year=2023,
        status="issued",
        issuer_name="S",
        title="Kế hoạch nhỏ",
        number="small/KH",
    )
    created = PlanTask.objects.bulk_create(
        PlanTask(
            plan=small,
            number=n,
            content=f"Việc {n}",
            timing_text="Thường xuyên",
            timing_kind="continuous",
            status="in_progress",
        )
        for n in range(1, tasks + 1)
    )
    through = PlanTask.lead_units.through
    through.objects.bulk_create(through(plantask_id=t.pk, orgunit_id=division.pk) for t in created)
    return small


def log_entries(actor: User, agencies: list[OrgUnit], count: int) -> None:
    """``count`` task updates in the audit log, spread over the agencies."""
    ct = ContentType.objects.get_for_model(PlanTask)
    LogEntry.objects.bulk_create(
        (
            LogEntry(
                actor=actor,
                action="planning.task.updated",
                content_type=ct,
                object_id=str(i),
                object_repr=f"Nhiệm vụ {i}",
                unit=agencies[i % len(agencies)],
                changes={"status": ["not_started", "in_progress"]},
            )
            for i in range(count)
        ),
        batch_size=5000,
    )


def notifications(recipients: list[User], agency: OrgUnit, count: int) -> None:
    """``count`` in-app notifications for each recipient, one in three unread."""
    now = timezone.now()
    _bulk(
        Notification,
        (
            Notification(
                recipient=user,
                agency=agency,
                kind="task_confirmed",
                channel=Channel.IN_APP,
                subject=f"Nhiệm vụ {i} đã được xác nhận hoàn thành",
                body=f"Lãnh đạo đã xác nhận nhiệm vụ {i}.",
                url="/plans/",
                state=State.SENT,
                created_at=now - datetime.timedelta(minutes=i),
                sent_at=now - datetime.timedelta(minutes=i),
                read_at=None if i % 3 == 0 else now,
            )
            for user in recipients
            for i in range(count)
        ),
    )


# Documents --------------------------------------------------------------------------------

TOPICS = [
    "đánh giá nội bộ",
    "kiểm soát tài liệu",
    "kiểm soát hồ sơ",
    "xem xét của lãnh đạo",
    "cấp phép trung tâm ngoại ngữ, tin học",
    "chuyển trường học sinh trung học phổ thông",
    "công nhận trường đạt chuẩn quốc gia",
    "cấp bản sao văn bằng, chứng chỉ",
]
FILLER = (
    "Bộ phận Một cửa tiếp nhận hồ sơ, kiểm tra tính đầy đủ, hợp lệ và chuyển phòng chuyên môn "
    "thẩm định; lãnh đạo phòng xem xét, trình Giám đốc Sở ký quyết định; văn thư vào sổ, trả kết "
    "quả cho tổ chức, cá nhân theo đúng thời hạn quy định. "
)


def _text(a: int, d: int, v: int) -> str:
    topic = TOPICS[d % len(TOPICS)]
    return f"Quy trình {topic} của Sở {a}, lần ban hành {v}. " + FILLER * 12


def _decisions(agencies: list[OrgUnit], versions: int) -> dict[tuple[int, int], IssuingDecision]:
    decisions = IssuingDecision.objects.bulk_create(
        IssuingDecision(
            agency=agency,
            number=f"{v}/QĐ-S{a}",
            issued_on=datetime.date(2022 + v, 3, 1),
            effective_on=datetime.date(2022 + v, 3, 1),
            title="Ban hành tài liệu",
            issuer_name=f"SỞ {a}",
            signer_position="GIÁM ĐỐC",
            signer_name="Giám đốc",
            registered_from_paper=True,
        )
        for a, agency in enumerate(agencies)
        for v in range(1, versions + 1)
    )
    return {(d.agency_id, int(d.number.split("/")[0])): d for d in decisions}


def _versions(
    docs: list[Document],
    agency_index: dict[int, int],
    decision: dict[tuple[int, int], IssuingDecision],
    per_agency: int,
    versions: int,
) -> Iterator[DocumentVersion]:
    for n, doc in enumerate(docs):
        a, d = agency_index[doc.agency_id], n % per_agency
        for v in range(1, versions + 1):
            yield DocumentVersion(
                document=doc,
                issue_no=v,
                status="in_force" if v == versions else "obsolete",
                content={"purpose": f"Mục đích {d}", "steps": []},
                file_name=f"QT-{d + 1:03d}-{v}.pdf",
                file_type="application/pdf",
                file_text=_text(a, d, v),
                approved_on_paper=True,
                decision=decision[(doc.agency_id, v)],
                issued_on=datetime.date(2022 + v, 3, 1),
                effective_on=datetime.date(2022 + v, 3, 1),
            )


def documents(
    agencies: list[OrgUnit],
    divisions: dict[int, list[OrgUnit]],
    per_agency: int = 200,
    versions: int = 4,
    external: int = 20,
) -> tuple[Document, Document]:
    """``per_agency`` documents per agency, each with ``versions`` versions (the last in
    force, about 3 KB of extracted text each), ``external`` external documents per agency,
    and one document of a single version in the first agency. Returns the first document
    and the single-version one."""
    decision = _decisions(agencies, versions)
    docs = Document.objects.bulk_create(
        (
            Document(
                agency=agency,
                owner_unit=divisions[agency.pk][d % 6],
                kind="work_procedure" if d % 5 else "system_procedure",
                code=f"QT-{d + 1:03d}",
                title=f"Quy trình {TOPICS[d % len(TOPICS)]} ({d + 1})",
                is_tthc=bool(d % 2),
                tthc_field="Giáo dục" if d % 2 else "",
            )
            for agency in agencies
            for d in range(per_agency)
        ),
        batch_size=2000,
    )
    agency_index = {agency.pk: a for a, agency in enumerate(agencies)}
    _bulk(DocumentVersion, _versions(docs, agency_index, decision, per_agency, versions))
    current = dict(
        DocumentVersion.objects.filter(status="in_force").values_list("document_id", "pk")
    )
    for n, doc in enumerate(docs):
        doc.current_version_id = current[doc.pk]
        doc.status = "in_force"
        doc.next_review_on = datetime.date(2027, 3, 1)
        a = agency_index[doc.agency_id]
        doc.search_text = fold(f"{doc.code}\n{doc.title}\n{_text(a, n % per_agency, versions)}")
    Document.objects.bulk_update(
        docs, ["current_version", "status", "next_review_on", "search_text"], batch_size=2000
    )
    ExternalDocument.objects.bulk_create(
        (
            ExternalDocument(
                agency=agency,
                number=f"{e}/2018/NĐ-CP",
                title=f"Nghị định {e}",
                search_text=fold(f"{e}/2018/NĐ-CP Nghị định {e}"),
            )
            for agency in agencies
            for e in range(external)
        ),
        batch_size=2000,
    )
    return docs[0], _single_document(agencies[0], divisions[agencies[0].pk][0], decision)


def _single_document(
    agency: OrgUnit, division: OrgUnit, decision: dict[tuple[int, int], IssuingDecision]
) -> Document:
    single = Document.objects.create(
        agency=agency,
        owner_unit=division,
        kind="guideline",
        code="HD-ONE",
        title="Hướng dẫn một lần ban hành",
    )
    only = DocumentVersion.objects.create(
        document=single,
        issue_no=1,
        status="in_force",
        content={"body": "x"},
        approved_on_paper=True,
        decision=decision[(agency.pk, 1)],
        issued_on=datetime.date(2023, 3, 1),
    )
    Document.objects.filter(pk=single.pk).update(status="in_force", current_version=only)
    single.refresh_from_db()
    return single


# Objectives -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One of the 8 objectives every unit and agency sets, in order."""

    indicator: str
    unit_of_measure: str
    direction: str
    target: Decimal
    baseline: Decimal
    aggregation: str  # how the agency rolls the units up


SPECS = [
    Spec("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "%", Dir.AT_LEAST, D(95), D(88), Agg.MEAN),
    Spec("Số hồ sơ TTHC trễ hạn", "hồ sơ", Dir.AT_MOST, D(4), D(9), Agg.SUM),
    Spec("Tỷ lệ tổ chức, công dân hài lòng", "%", Dir.AT_LEAST, D(90), D(82), Agg.WEIGHTED_MEAN),
    Spec("Tỷ lệ nhiệm vụ kế hoạch đúng hạn", "%", Dir.AT_LEAST, D(90), D(78), Agg.MINIMUM),
    Spec("Số phản ánh, kiến nghị", "lượt", Dir.AT_MOST, D(3), D(7), Agg.SUM),
    Spec("Số ngày xử lý một hồ sơ", "ngày", Dir.AT_MOST, D(5), D(8), Agg.MEAN),
    Spec("Tỷ lệ tài liệu xem xét đúng kỳ", "%", Dir.AT_LEAST, D(100), D(85), Agg.MINIMUM),
    Spec("Số lớp bồi dưỡng tổ chức", "lớp", Dir.AT_LEAST, D(4), D(1), Agg.WEIGHTED_MEAN),
]
CENT = D("0.01")


def _final(spec: Spec, a: int, u: int, o: int, y: int) -> Decimal:
    """A unit's value at the end of the year: about 3 units in 10 miss the target."""
    missed = (a * 7 + u * 3 + o * 5 + y) % 10 < 3
    spread = abs(spec.target - spec.baseline) * D((a + u + o) % 4 + 1) / D(5)
    ahead = spread if spec.direction == Dir.AT_LEAST else -spread
    value = spec.target - ahead if missed else spec.target + ahead
    if spec.unit_of_measure == "%":
        value = min(value, D(100))
    return max(value, D(0)).quantize(CENT)


def _monthly(
    spec: Spec, final: Decimal, start: datetime.date, u: int
) -> Iterator[tuple[datetime.date, Decimal]]:
    """(date, value) on the 25th of each month of the period, from the baseline to final."""
    wobble = abs(final - spec.baseline) / D(10)
    for m in range(MONTHS):
        month = (start.month - 1 + m) % 12 + 1
        year = start.year + (start.month - 1 + m) // 12
        value = spec.baseline + (final - spec.baseline) * D(m + 1) / D(MONTHS)
        if m < MONTHS - 1:
            value += wobble * D((m * 7 + u) % 3 - 1)
        yield datetime.date(year, month, 25), max(value, D(0)).quantize(CENT)


def _evaluation(spec: Spec, target: Decimal, result: Decimal | None) -> dict[str, Any]:
    if result is None:
        return {}
    achieved = rules.is_met(spec.direction, result, target)
    return {
        "result": result.quantize(CENT),
        "achieved": achieved,
        "cause": "" if achieved else "Chưa bố trí đủ nhân lực; số hồ sơ tăng đột biến.",
        "proposed_action": "" if achieved else "Rà soát quy trình, bổ sung người xử lý.",
    }


def _objective(spec: Spec, o: int, objective_set: ObjectiveSet, **fields: Any) -> Objective:
    sign = "≥" if spec.direction == Dir.AT_LEAST else "≤"
    target = fields.pop("target", spec.target)
    return Objective(
        objective_set=objective_set,
        order=o + 1,
        statement=f"{spec.indicator} {sign} {target.normalize():f} {spec.unit_of_measure}",
        indicator=spec.indicator,
        unit_of_measure=spec.unit_of_measure,
        direction=spec.direction,
        target=target,
        frequency=Objective.Frequency.MONTHLY,
        owner_unit_id=objective_set.unit_id,
        **fields,
    )


@dataclass
class Org:
    agencies: list[OrgUnit]
    units: dict[int, list[OrgUnit]]
    leader: User


def _sets(org: Org, years: list[int]) -> dict[tuple[int, int], ObjectiveSet]:
    """The periods and every (unit, year) set: approved now, evaluated before."""
    current = years[-1]
    periods = _bulk(
        Period,
        (
            Period(agency=agency, kind=Period.Kind.SCHOOL_YEAR, start=s, end=e, label=label)
            for agency in org.agencies
            for s, e, label in (period_bounds(Period.Kind.SCHOOL_YEAR, y) for y in years)
        ),
    )

    def at(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))

    def one(period: Period, unit_id: int) -> ObjectiveSet:
        done = period.start.year < current
        return ObjectiveSet(
            agency_id=period.agency_id,
            unit_id=unit_id,
            period=period,
            status=ObjectiveSet.Status.EVALUATED if done else ObjectiveSet.Status.APPROVED,
            submitted_by=org.leader,
            submitted_at=at(period.start + datetime.timedelta(days=20)),
            approved_by=org.leader,
            approved_at=at(period.start + datetime.timedelta(days=30)),
            evaluated_by=org.leader if done else None,
            evaluated_at=at(period.end) if done else None,
        )

    sets = _bulk(
        ObjectiveSet,
        (
            one(period, unit_id)
            for period in periods
            for unit_id in [period.agency_id, *(u.pk for u in org.units[period.agency_id])]
        ),
    )
    return {(s.unit_id, s.period.start.year): s for s in sets}


def objectives(org: Org, years: list[int]) -> None:
    """Year by year: the agencies' objectives, the units' (contributing to them and carried
    over from the year before), then the units' monthly measurements."""
    sets = _sets(org, years)
    previous: dict[tuple[int, int], int] = {}
    for y, year in enumerate(years):
        evaluated = year < years[-1]
        finals = {
            (unit.pk, o): _final(spec, a, u, o, y)
            for a, agency in enumerate(org.agencies)
            for u, unit in enumerate(org.units[agency.pk])
            for o, spec in enumerate(SPECS)
        }
        tops = _bulk(
            Objective, _agency_objectives(org, sets, year, finals, previous, evaluated=evaluated)
        )
        parents = {(t.objective_set.unit_id, t.order - 1): t.pk for t in tops}
        mine = _bulk(
            Objective,
            (
                _objective(
                    spec,
                    o,
                    sets[unit.pk, year],
                    baseline=spec.baseline,
                    weight=D(1 + u % 3),
                    contributes_to_id=parents[agency.pk, o],
                    carried_from_id=previous.get((unit.pk, o)),
                    **_evaluation(spec, spec.target, finals[unit.pk, o] if evaluated else None),
                )
                for agency in org.agencies
                for u, unit in enumerate(org.units[agency.pk])
                for o, spec in enumerate(SPECS)
            ),
        )
        previous = {**parents, **{(m.owner_unit_id, m.order - 1): m.pk for m in mine}}
        _bulk(Measurement, _measurements(org, mine, finals))


def _agency_objectives(
    org: Org,
    sets: dict[tuple[int, int], ObjectiveSet],
    year: int,
    finals: dict[tuple[int, int], Decimal],
    previous: dict[tuple[int, int], int],
    *,
    evaluated: bool,
) -> Iterator[Objective]:
    for agency in org.agencies:
        n = D(len(org.units[agency.pk]))
        for o, spec in enumerate(SPECS):
            scale = n if spec.aggregation == Agg.SUM else D(1)
            target = spec.target * scale
            values = [(finals[u.pk, o], D(1 + i % 3)) for i, u in enumerate(org.units[agency.pk])]
            rollup = rules.aggregate(spec.aggregation, values) if evaluated else None
            yield _objective(
                spec,
                o,
                sets[agency.pk, year],
                target=target,
                baseline=spec.baseline * scale,
                aggregation=spec.aggregation,
                carried_from_id=previous.get((agency.pk, o)),
                **_evaluation(spec, target, rollup),
            )


def _measurements(
    org: Org, objectives: list[Objective], finals: dict[tuple[int, int], Decimal]
) -> Iterator[Measurement]:
    position = {unit.pk: u for units in org.units.values() for u, unit in enumerate(units)}
    for objective in objectives:
        o = objective.order - 1
        start = objective.objective_set.period.start
        final = finals[objective.owner_unit_id, o]
        for on, value in _monthly(SPECS[o], final, start, position[objective.owner_unit_id]):
            yield Measurement(
                objective=objective, measured_on=on, value=value, entered_by=org.leader
            )


# Internal audit and nonconformities ----------------------------------------------------

AUDIT_CLAUSES = ["4.4", "5.3", "6.1", "7.1", "7.2", "7.5", "8.1", "8.2", "8.5", "9.1", "10.2"]
FINDING_KINDS = ["conformity", "observation", "improvement", "nonconformity"]
NC_SOURCE_KEY = "audits.finding"
# An NC of an earlier year is closed; this year's are spread over the workflow.
NC_STATUSES_NOW = ["open", "analysed", "planned", "in_progress", "awaiting_verification", "closed"]


@dataclass
class AuditPeople:
    lead: User  # lead auditor of every audit, approves the reports
    leader: User  # approves the programmes
    owner: User  # owner of the NCs and their actions
    verifier: User  # verifies them (not the owner)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _nc_state(status: str, raised: datetime.date, k: int) -> dict[str, Any]:
    """The fields of an NC in ``status`` raised on ``raised`` (the gates' invariants kept)."""
    analysed = raised + datetime.timedelta(days=3 + k % 9)
    fields: dict[str, Any] = {"status": status, "root_cause": "", "analysed_at": None}
    if status != "open":
        fields |= {
            "root_cause": "Quy trình chưa quy định người kiểm tra hồ sơ trước khi lưu.",
            "cause_method": "five_whys",
            "whys": ["Hồ sơ thiếu thành phần", "Không ai kiểm tra trước khi lưu"],
            "analysed_at": _at(analysed),
        }
    if status in {"planned", "in_progress", "awaiting_verification", "closed"}:
        fields |= {"planned_at": _at(analysed + datetime.timedelta(days=2))}
    if status == "closed":
        closed = analysed + datetime.timedelta(days=30 + k % 40)
        fields |= {"closed_at": _at(closed), "verified_at": _at(closed)}
    return fields


def audits(
    agencies: list[OrgUnit],
    units: dict[int, list[OrgUnit]],
    years: list[int],
    people: AuditPeople,
    *,
    findings: int = 40,
    audits_per_programme: int = 2,
    scale: dict[int, int] | None = None,
) -> None:
    """Each agency's audit programme of each year, ``audits_per_programme`` audits (three
    units each, the lead auditor, reported), ``findings`` findings a year (× ``scale`` of
    the agency) of every kind; every nonconformity raises an NC (numbered through
    ``NCCounter``) with one or two corrective actions; earlier years' NCs are closed after
    a verification by someone other than the owner, this year's spread over the states."""
    scale = scale or {}
    current = years[-1]
    programmes = _bulk(
        Programme,
        (
            Programme(
                agency=agency,
                year=y,
                title=f"Chương trình đánh giá nội bộ năm {y}",
                scope="Các phòng thuộc Sở",
                clauses=AUDIT_CLAUSES,
                start=datetime.date(y, 6, 1),
                end=datetime.date(y, 7, 30),
                status="approved" if y == current else "closed",
                approved_by=people.leader,
                approved_at=_at(datetime.date(y, 5, 20)),
            )
            for agency in agencies
            for y in years
        ),
    )
    audit_rows = _bulk(
        Audit,
        (
            Audit(
                programme=p,
                agency_id=p.agency_id,
                sequence=s + 1,
                title=f"Đánh giá nội bộ {p.year} — cuộc {s + 1}",
                scope="Hồ sơ, quy trình của đơn vị",
                clauses=AUDIT_CLAUSES,
                start_date=datetime.date(p.year, 6, 2) + datetime.timedelta(days=2 * (s % 25)),
                end_date=datetime.date(p.year, 6, 3) + datetime.timedelta(days=2 * (s % 25)),
                lead_auditor=people.lead,
                status="reported",
                report_approved_by=people.lead,
                report_approved_at=_at(datetime.date(p.year, 7, 25)),
                report_sent_at=_at(datetime.date(p.year, 7, 26)),
            )
            for p in programmes
            for s in range(audits_per_programme * scale.get(p.agency_id, 1))
        ),
    )
    audit_units: list[Any] = []
    for audit in audit_rows:
        pool = units[audit.agency_id]
        picked = {pool[(audit.sequence * 3 + i) % len(pool)].pk for i in range(3)}
        audit_units.extend(Audit.units.through(audit_id=audit.pk, orgunit_id=u) for u in picked)
    _bulk(Audit.units.through, audit_units)
    by_programme: dict[int, list[Audit]] = {}
    for audit in audit_rows:
        by_programme.setdefault(audit.programme_id, []).append(audit)

    def finding_rows() -> Iterator[Finding]:
        for p in programmes:
            pool, rows = by_programme[p.pk], findings * scale.get(p.agency_id, 1)
            for i in range(rows):
                audit = pool[i % len(pool)]
                unit_pool = units[audit.agency_id]
                kind = FINDING_KINDS[i % 4] if i % 2 == 0 else "nonconformity"
                yield Finding(
                    audit=audit,
                    agency_id=audit.agency_id,
                    unit=unit_pool[(audit.sequence * 3 + i) % len(unit_pool)],
                    kind=kind,
                    severity=("major" if i % 10 == 1 else "minor")
                    if kind == "nonconformity"
                    else "",
                    clause=AUDIT_CLAUSES[i % len(AUDIT_CLAUSES)],
                    description=f"Phát hiện {i + 1} của cuộc đánh giá {audit.sequence}",
                    evidence="Hồ sơ lưu tại đơn vị",
                    status="issued",
                    created_by=people.lead,
                )

    found = _bulk(Finding, finding_rows())
    ct = ContentType.objects.get_for_model(Finding)
    audit_year = {a.pk: p.year for p in programmes for a in by_programme[p.pk]}
    serials: dict[tuple[int, int], int] = {}

    def nc_rows() -> Iterator[Nonconformity]:
        for k, f in enumerate(x for x in found if x.kind == "nonconformity"):
            year = audit_year[f.audit_id]
            key = (f.agency_id, year)
            serials[key] = serial = serials.get(key, 0) + 1
            raised = datetime.date(year, 6, 5) + datetime.timedelta(days=k % 50)
            status = NC_STATUSES_NOW[k % 6] if year == current else "closed"
            state = _nc_state(status, raised, k)
            yield Nonconformity(
                agency_id=f.agency_id,
                year=year,
                serial=serial,
                number=f"KPH-{year}-{serial:03d}",
                source_key=NC_SOURCE_KEY,
                source_type=ct,
                source_id=f.pk,
                source_label=f"Phát hiện số {k + 1} — Đánh giá nội bộ {year}",
                title=f"Không phù hợp điều {f.clause}",
                description=f.description,
                clause=f.clause,
                unit_id=f.unit_id,
                owner=people.owner,
                severity=f.severity,
                raised_by=people.lead,
                raised_on=raised,
                correction="Đã bổ sung hồ sơ còn thiếu.",
                actions_total=0 if status in {"open", "analysed"} else 1 + k % 2,
                actions_open=(1 + k % 2) if status in {"planned", "in_progress"} else 0,
                verified_by=people.verifier if status == "closed" else None,
                **state,
            )

    ncs = _bulk(Nonconformity, nc_rows())
    NCCounter.objects.bulk_create(
        [NCCounter(agency_id=a, year=y, last=n) for (a, y), n in serials.items()],
        batch_size=1000,
    )

    def action_rows() -> Iterator[CorrectiveAction]:
        for nc in ncs:
            done = nc.status in {"awaiting_verification", "closed"}
            for j in range(nc.actions_total):
                due = nc.raised_on + datetime.timedelta(days=30 + 15 * j)
                yield CorrectiveAction(
                    nc=nc,
                    description=f"Hành động khắc phục {j + 1}",
                    owner=people.owner,
                    unit_id=nc.unit_id,
                    due=due,
                    status="done" if done else "open",
                    done_on=due - datetime.timedelta(days=3) if done else None,
                    done_by=people.owner if done else None,
                    result="Đã thực hiện" if done else "",
                    created_by=people.owner,
                )

    _bulk(CorrectiveAction, action_rows())
    _bulk(
        Verification,
        (
            Verification(
                nc=nc,
                verified_by=people.verifier,
                verified_on=nc.closed_at.date(),
                effective=True,
                note="Hành động khắc phục có hiệu lực.",
            )
            for nc in ncs
            if nc.status == "closed" and nc.closed_at
        ),
    )
