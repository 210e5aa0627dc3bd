"""The official-document header (qms.core.models.OfficialDocumentHeader) shared by plans
and issuing decisions."""

from __future__ import annotations

from typing import Any

from qms.core.models import OfficialDocumentHeader, OrgUnit
from qms.documents.models import IssuingDecision
from qms.planning.models import Plan
from qms.planning.services import plan_create

HEADER = [
    "parent_body",
    "issuer_name",
    "number",
    "place",
    "issued_on",
    "signer_prefix",
    "signer_authority",
    "signer_position",
    "signer_name",
]


def test_plans_and_decisions_carry_the_same_header_fields() -> None:
    for model in (Plan, IssuingDecision):
        assert issubclass(model, OfficialDocumentHeader)
        names = {f.name for f in model._meta.get_fields()}
        assert set(HEADER) <= names


def test_a_decision_exists_only_signed_a_plan_may_be_a_draft() -> None:
    def required(model: Any, name: str) -> bool:
        return not model._meta.get_field(name).blank

    for name in ("number", "issued_on", "signer_position", "signer_name"):
        assert required(IssuingDecision, name)
        assert not required(Plan, name)
    assert IssuingDecision._meta.get_field("issued_on").null is False
    assert Plan._meta.get_field("issued_on").null is True


def test_the_header_is_taken_from_the_agency_as_printed(org: Any) -> None:
    agency: OrgUnit = org.agency
    assert OfficialDocumentHeader.header_for(agency) == {
        "parent_body": "UBND TỈNH HƯNG YÊN",
        "issuer_name": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "place": "Hưng Yên",
    }
    plan = plan_create(actor=None, agency=agency, year=2026, title="Kế hoạch ISO")
    assert (plan.parent_body, plan.issuer_name, plan.place) == (
        "UBND TỈNH HƯNG YÊN",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Hưng Yên",
    )
    # What the caller gives wins over the agency's current header.
    other = plan_create(
        actor=None, agency=agency, year=2027, title="Kế hoạch ISO", place="Phố Hiến"
    )
    assert (other.issuer_name, other.place) == ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Phố Hiến")


def test_number_and_symbol_split_at_the_first_slash() -> None:
    assert IssuingDecision(number="05/QĐ-SGDĐT").number_parts == ("05", "QĐ-SGDĐT")
    assert Plan(number="187/KH-SGDĐT").number_parts == ("187", "KH-SGDĐT")
    assert Plan(number="").number_parts == ("", "")


def test_the_signing_line_joins_form_and_authority() -> None:
    def line(**signer: str) -> str:
        return IssuingDecision(**signer).signing_line

    assert line(signer_prefix="KT.", signer_authority="GIÁM ĐỐC") == "KT. GIÁM ĐỐC"
    assert line(signer_prefix="", signer_authority="GIÁM ĐỐC") == "GIÁM ĐỐC"
    # A signing form without the authority it signs for prints nothing rather than "KT.".
    assert line(signer_prefix="KT.", signer_authority="") == ""


def test_a_plan_registered_from_paper_keeps_its_signing_line_verbatim() -> None:
    plan = Plan(
        signer_prefix="KT.", signer_authority="GIÁM ĐỐC", signer_line_verbatim="KT GIÁM ĐỐC"
    )
    assert plan.signing_line == "KT GIÁM ĐỐC"
    plan.signer_line_verbatim = ""
    assert plan.signing_line == "KT. GIÁM ĐỐC"


def test_issued_on_keeps_its_label_per_document() -> None:
    assert str(IssuingDecision._meta.get_field("issued_on").verbose_name) == "date signed"
    assert str(Plan._meta.get_field("issued_on").verbose_name) == "date issued"
