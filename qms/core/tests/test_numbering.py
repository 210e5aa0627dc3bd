"""Document numbers: consecutive, per year, shared or per type, and race-free."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import close_old_connections, connection

from qms.core.models import IssuedNumber
from qms.core.numbering import NumberingError, number_issue, number_register_external

D = datetime.date


@pytest.mark.django_db
def test_numbers_are_consecutive_padded_and_restart_each_year(org):
    symbols = [
        number_issue(
            agency=org.agency, doc_type=t, issued_on=D(2022, 1, 4), subject="x", actor=None
        ).symbol
        for t in ("KH", "QĐ", "KH")
    ]
    assert symbols == ["01/KH-SGDĐT", "02/QĐ-SGDĐT", "03/KH-SGDĐT"]
    assert (
        number_issue(
            agency=org.agency, doc_type="KH", issued_on=D(2023, 1, 3), subject="x", actor=None
        ).symbol
        == "01/KH-SGDĐT"
    )


@pytest.mark.django_db
def test_per_type_registers_when_configured(org):
    org.agency.shared_serial = False
    org.agency.save()
    a = number_issue(
        agency=org.agency, doc_type="KH", issued_on=D(2022, 1, 4), subject="", actor=None
    )
    b = number_issue(
        agency=org.agency, doc_type="QĐ", issued_on=D(2022, 1, 4), subject="", actor=None
    )
    assert (a.serial, b.serial) == (1, 1)


@pytest.mark.django_db
def test_external_number_moves_the_register_on_and_cannot_repeat(org):
    number_register_external(
        agency=org.agency,
        doc_type="KH",
        serial=187,
        issued_on=D(2022, 2, 7),
        subject="KH 187",
        actor=None,
    )
    with pytest.raises(NumberingError):
        number_register_external(
            agency=org.agency,
            doc_type="KH",
            serial=187,
            issued_on=D(2022, 2, 7),
            subject="again",
            actor=None,
        )
    nxt = number_issue(
        agency=org.agency, doc_type="KH", issued_on=D(2022, 3, 1), subject="", actor=None
    )
    assert nxt.symbol == "188/KH-SGDĐT"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_issues_get_fifty_consecutive_numbers(org):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is measured on PostgreSQL (SQLite serialises writers)")
    agency = org.agency
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                number_issue(
                    agency=agency, doc_type="KH", issued_on=D(2024, 5, 1), subject="c", actor=None
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
    serials = sorted(
        IssuedNumber.objects.filter(agency=agency, year=2024).values_list("serial", flat=True)
    )
    assert serials == list(range(1, 51))
