"""Demo document control for the Sở GDĐT Hưng Yên.

The set issued on paper by Quyết định 2862/QĐ-SGDĐT (06/11/2020, DOMAIN.md §4) is registered
as it stands; one system procedure was revised through eISO's workflow in 2022; the register
of external documents holds the texts the procedures cite, with NĐ 61/2018/NĐ-CP replaced by
NĐ 118/2025/NĐ-CP (in force 01/07/2025) so that the three-month alignment shows.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.demo import dating
from qms.documents import services as docs
from qms.documents.models import (
    Document,
    DocumentSettings,
    DocumentVersion,
    ExternalDocument,
    VersionReview,
)
from qms.planning.models import Plan

D = datetime.date
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=TZ)  # before anything the demo writes

EXTERNAL = [
    # number, type, issuer, title, signed, effective, field
    (
        "TCVN ISO 9001:2015",
        "Tiêu chuẩn quốc gia",
        "Bộ Khoa học và Công nghệ",
        "Hệ thống quản lý chất lượng – Các yêu cầu",
        D(2015, 12, 31),
        D(2015, 12, 31),
        "ISO",
    ),
    (
        "19/2014/QĐ-TTg",
        "Quyết định",
        "Thủ tướng Chính phủ",
        "Về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 "
        "vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước",
        D(2014, 3, 5),
        D(2014, 4, 20),
        "ISO",
    ),
    (
        "26/2014/TT-BKHCN",
        "Thông tư",
        "Bộ Khoa học và Công nghệ",
        "Quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg",
        D(2014, 10, 10),
        D(2014, 12, 1),
        "ISO",
    ),
    (
        "30/2020/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về công tác văn thư",
        D(2020, 3, 5),
        D(2020, 3, 5),
        "Văn thư",
    ),
    (
        "61/2018/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
        D(2018, 4, 23),
        D(2018, 6, 21),
        "Thủ tục hành chính",
    ),
    (
        "118/2025/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận Một "
        "cửa và Cổng Dịch vụ công quốc gia",
        D(2025, 6, 9),
        D(2025, 7, 1),
        "Thủ tục hành chính",
    ),
    (
        "46/2017/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Quy định về điều kiện đầu tư và hoạt động trong lĩnh vực giáo dục",
        D(2017, 4, 21),
        D(2017, 4, 21),
        "Giáo dục",
    ),
    (
        "21/2018/TT-BGDĐT",
        "Thông tư",
        "Bộ Giáo dục và Đào tạo",
        "Ban hành Quy chế tổ chức và hoạt động của trung tâm ngoại ngữ, tin học",
        D(2018, 8, 24),
        D(2018, 10, 10),
        "Giáo dục",
    ),
]

ISO_REFS = ["TCVN ISO 9001:2015", "19/2014/QĐ-TTg", "26/2014/TT-BKHCN"]

SYSTEM: list[tuple[str, str, str, list[tuple[str, str, int | None]]]] = [
    # code, title, purpose, records [(name, form, retention years)]
    (
        "QT.ISO.01",
        "Quy trình kiểm soát tài liệu",
        "Quy định thống nhất cách biên soạn, soát xét, phê duyệt, ban hành, phân phối, sửa đổi và "
        "kiểm soát tài liệu của Hệ thống quản lý chất lượng, bảo đảm chỉ tài liệu còn hiệu lực "
        "được sử dụng.",
        [
            ("Danh mục tài liệu nội bộ", "BM.01-QT.ISO.01", 5),
            ("Phiếu đề nghị sửa đổi tài liệu", "BM.02-QT.ISO.01", 3),
        ],
    ),
    (
        "QT.ISO.02",
        "Quy trình kiểm soát hồ sơ",
        "Quy định việc nhận biết, lưu trữ, bảo vệ, sử dụng, thời gian lưu và hủy bỏ hồ sơ của Hệ "
        "thống quản lý chất lượng.",
        [("Danh mục hồ sơ", "BM.01-QT.ISO.02", 5)],
    ),
    (
        "QT.ISO.03",
        "Quy trình đánh giá nội bộ",
        "Quy định cách lập kế hoạch, thực hiện và báo cáo đánh giá nội bộ nhằm xác định Hệ thống "
        "quản lý chất lượng phù hợp và được áp dụng, duy trì có hiệu lực.",
        [
            ("Kế hoạch đánh giá nội bộ", "BM.01-QT.ISO.03", 3),
            ("Báo cáo đánh giá nội bộ", "BM.02-QT.ISO.03", 3),
        ],
    ),
    (
        "QT.ISO.04",
        "Quy trình kiểm soát sự không phù hợp và hành động khắc phục",
        "Quy định cách nhận biết, xử lý sự không phù hợp, tìm nguyên nhân và thực hiện hành động "
        "khắc phục để không tái diễn.",
        [("Phiếu yêu cầu hành động khắc phục", "BM.01-QT.ISO.04", 3)],
    ),
    (
        "QT.ISO.05",
        "Quy trình xem xét của lãnh đạo",
        "Quy định việc Lãnh đạo Sở xem xét định kỳ Hệ thống quản lý chất lượng để bảo đảm luôn "
        "phù hợp, thỏa đáng, có hiệu lực và định hướng chiến lược của Sở.",
        [("Biên bản họp xem xét của lãnh đạo", "BM.01-QT.ISO.05", None)],
    ),
    (
        "QT.ISO.06",
        "Quy trình quản lý rủi ro và cơ hội",
        "Quy định cách nhận diện, đánh giá và xử lý rủi ro, cơ hội trong các quá trình của Sở.",
        [("Sổ theo dõi rủi ro và cơ hội", "BM.01-QT.ISO.06", 3)],
    ),
]

LANGUAGE_CENTRE_STEPS = [
    (
        "Tiếp nhận hồ sơ, kiểm tra tính đầy đủ, hợp lệ; viết Giấy tiếp nhận và hẹn trả kết quả",
        "Bộ phận Một cửa",
        "0,5 ngày",
        "Mẫu 01, Mẫu 05",
    ),
    ("Chuyển hồ sơ đến phòng chuyên môn", "Bộ phận Một cửa", "0,5 ngày", "Mẫu 05"),
    ("Thẩm định hồ sơ", "Chuyên viên phòng GDCN", "04 ngày", "Phiếu thẩm định"),
    (
        "Kiểm tra thực tế điều kiện hoạt động tại trung tâm",
        "Đoàn kiểm tra",
        "05 ngày",
        "Biên bản kiểm tra",
    ),
    (
        "Dự thảo quyết định cho phép hoạt động",
        "Chuyên viên phòng GDCN",
        "02 ngày",
        "Dự thảo quyết định",
    ),
    ("Xem xét, trình ký", "Trưởng phòng GDCN", "01 ngày", "Tờ trình"),
    ("Ký quyết định", "Lãnh đạo Sở", "01 ngày", "Quyết định"),
    ("Vào sổ, trả kết quả cho tổ chức, cá nhân", "Văn thư, Bộ phận Một cửa", "01 ngày", "Mẫu 06"),
]

TRANSFER_STEPS = [
    (
        "Tiếp nhận hồ sơ, kiểm tra, viết Giấy tiếp nhận và hẹn trả kết quả",
        "Bộ phận Một cửa",
        "04 giờ",
        "Mẫu 01",
    ),
    (
        "Thẩm định hồ sơ, dự thảo giấy giới thiệu chuyển trường",
        "Chuyên viên phòng GDTrH",
        "0,5 ngày",
        "Dự thảo giấy giới thiệu",
    ),
    (
        "Ký giấy giới thiệu chuyển trường",
        "Lãnh đạo phòng GDTrH",
        "0,5 ngày",
        "Giấy giới thiệu chuyển trường",
    ),
    ("Trả kết quả", "Bộ phận Một cửa", "0,5 ngày", "Mẫu 06"),
]


def _steps(rows: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    return [{"action": a, "responsible": r, "time": t, "output": o} for a, r, t, o in rows]


def _system_content(purpose: str, title: str) -> dict[str, object]:
    return {
        "purpose": purpose,
        "scope": "Áp dụng đối với Lãnh đạo Sở, Ban ISO, Văn phòng và các phòng thuộc Sở Giáo dục "
        "và Đào tạo Hưng Yên.",
        "definitions": "HTQLCL: Hệ thống quản lý chất lượng.\nBan ISO: Ban chỉ đạo ISO của Sở.",
        "body": f"{title} gồm các bước dưới đây; trách nhiệm và thời hạn ghi tại bảng.",
        "steps": [],
    }


def _tthc_content(
    purpose: str, legal: str, components: str, time: str, steps: list[dict[str, str]], fees: str
) -> dict[str, object]:
    return {
        "purpose": purpose,
        "scope": "Áp dụng đối với tổ chức, cá nhân có yêu cầu và các phòng, bộ phận có liên quan "
        "của Sở Giáo dục và Đào tạo Hưng Yên.",
        "definitions": "TTHC: Thủ tục hành chính.\nBộ phận Một cửa: Bộ phận tiếp nhận và trả kết "
        "quả giải quyết thủ tục hành chính.",
        "legal_basis": legal,
        "dossier_components": components,
        "dossier_count": "01 bộ",
        "processing_time": time,
        "place": "Trung tâm Phục vụ hành chính công tỉnh Hưng Yên hoặc Cổng Dịch vụ công quốc gia",
        "fees": fees,
        "steps": steps,
    }


def load_documents(
    *,
    units: dict[str, OrgUnit],
    users: dict[str, User],
    plan_2022: Plan | None,
    today: datetime.date | None = None,
) -> None:
    """Idempotent: the register once; the drafts of the running year once."""
    agency = units["SGDDT-HY"]
    if not Document.objects.filter(agency=agency).exists():
        _load_register(units, users, plan_2022)
    _load_running_year(users, agency, today or timezone.localdate())


def _load_register(
    units: dict[str, OrgUnit], users: dict[str, User], plan_2022: Plan | None
) -> None:
    agency = units["SGDDT-HY"]
    DocumentSettings.objects.update_or_create(
        agency=agency,
        defaults={
            "code_patterns": {
                "system_procedure": "QT.ISO.{seq:02d}",
                "work_procedure": "QT-SGD-{seq:02d}",
                "form": "BM.{seq:02d}-{parent}",
            }
        },
    )
    ext = _external(agency, users)
    decision = docs.decision_register_paper(
        actor=users["vanphong"],
        agency=agency,
        serial=2862,
        data=docs.DecisionInput(
            issued_on=D(2020, 11, 6),
            effective_on=D(2020, 11, 6),
            title="Về việc ban hành Hệ thống tài liệu quản lý chất lượng theo Tiêu chuẩn quốc gia "
            "TCVN ISO 9001:2015",
            bases=[],
            proposer="Trưởng ban ISO",
            executors="Chánh Văn phòng, Trưởng các phòng thuộc Sở",
            recipients=["Như Điều 3;", "Lưu: VT, Ban ISO."],
            signer_prefix="",
            signer_authority="",
            signer_position="GIÁM ĐỐC",
            signer_name="Nguyễn Văn Hùng",
        ),
    )
    paper_signers = {
        "author": {"name": "Phạm Thị Lan", "position": "Thư ký Ban ISO"},
        "reviewer": {"name": "Lê Minh Tuấn", "position": "Phó Trưởng ban ISO"},
        "approver": {"name": "Nguyễn Văn Hùng", "position": "Giám đốc"},
    }
    iso, divisions = (
        units["SGDDT-ISO"],
        [u for c, u in units.items() if c.startswith("SGDDT-") and u.kind == OrgUnit.Kind.DIVISION],
    )
    everyone = [units["SGDDT-VP"], units["SGDDT-ISO"], *divisions]
    by_code: dict[str, Document] = {}
    policy = _register(
        users,
        agency,
        iso,
        Document.Kind.POLICY,
        "CSCL.01",
        "Chính sách chất lượng",
        decision,
        {
            "body": "Sở Giáo dục và Đào tạo Hưng Yên cam kết cung cấp dịch vụ hành chính công về "
            "giáo dục công khai, minh bạch, đúng hạn; không ngừng cải tiến Hệ thống quản lý chất "
            "lượng để đáp ứng sự hài lòng của tổ chức, công dân.",
            "steps": [],
        },
        paper_signers,
        [],
        everyone,
    )
    by_code[policy.code] = policy
    for code, title, purpose, records in SYSTEM:
        document = _register(
            users,
            agency,
            iso,
            Document.Kind.SYSTEM_PROCEDURE,
            code,
            title,
            decision,
            _system_content(purpose, title),
            paper_signers,
            [ext[n] for n in ISO_REFS],
            everyone,
        )
        by_code[code] = document
        for name, form_code, years in records:
            docs.record_save(
                actor=users["thukyiso"],
                agency=agency,
                data=docs.RecordInput(
                    name=name,
                    owner_unit=iso,
                    document=document,
                    form_code=form_code,
                    keeper="Thư ký Ban ISO",
                    location="Văn phòng Sở",
                    retention_years=years,
                    retention_text="Lâu dài" if years is None else f"{years:02d} năm",
                    disposal_method="Hủy theo quy định về lưu trữ",
                ),
            )
    _work_procedures(users, agency, units, decision, ext, by_code, paper_signers)
    _revise_internal_audit(users, agency, by_code["QT.ISO.03"])
    _schedule_reviews(agency)
    docs.external_mark_changed(
        actor=users["thukyiso"],
        ext=ext["61/2018/NĐ-CP"],
        status=ExternalDocument.Status.REPLACED,
        change_effective_on=D(2025, 7, 1),
        replaced_by=ext["118/2025/NĐ-CP"],
        note="Thay thế bởi Nghị định 118/2025/NĐ-CP từ ngày 01/7/2025.",
    )
    _draft_new_procedure(users, agency, units, ext)
    if plan_2022 is not None:
        _link_plan(users, plan_2022, agency)


def _external(agency: OrgUnit, users: dict[str, User]) -> dict[str, ExternalDocument]:
    out = {}
    for number, doc_type, issuer, title, signed, effective, field in EXTERNAL:
        out[number] = docs.external_create(
            actor=users["thukyiso"],
            agency=agency,
            data=docs.ExternalInput(
                number=number,
                doc_type=doc_type,
                issuer=issuer,
                title=title,
                signed_on=signed,
                effective_on=effective,
                field=field,
            ),
        )
    return out


def _register(
    users: dict[str, User],
    agency: OrgUnit,
    owner: OrgUnit,
    kind: str,
    code: str,
    title: str,
    decision: object,
    content: dict[str, object],
    signers: dict[str, dict[str, str]],
    references: list[ExternalDocument],
    distribution: list[OrgUnit],
    parent: Document | None = None,
    is_tthc: bool = False,
    tthc_code: str = "",
    tthc_field: str = "",
) -> Document:
    document = Document.objects.create(
        agency=agency,
        owner_unit=owner,
        kind=kind,
        code=code,
        title=title,
        parent=parent,
        is_tthc=is_tthc,
        tthc_code=tthc_code,
        tthc_field=tthc_field,
        created_by=users["thukyiso"],
    )
    document.references.set(references)
    document.distribution_units.set(distribution)
    docs.version_register_paper(
        actor=users["thukyiso"],
        document=document,
        issue_no=1,
        decision=decision,  # type: ignore[arg-type]
        content=content,
        signers=signers,
    )
    return document


def _work_procedures(
    users: dict[str, User],
    agency: OrgUnit,
    units: dict[str, OrgUnit],
    decision: object,
    ext: dict[str, ExternalDocument],
    by_code: dict[str, Document],
    signers: dict[str, dict[str, str]],
) -> None:
    centre = _register(
        users,
        agency,
        units["SGDDT-GDCN"],
        Document.Kind.WORK_PROCEDURE,
        "QT-SGD-01",
        "Quy trình cấp phép hoạt động trung tâm ngoại ngữ, tin học",
        decision,
        _tthc_content(
            "Quy định trình tự, thời hạn giải quyết thủ tục cho phép trung tâm ngoại ngữ, tin học "
            "hoạt động giáo dục.",
            "Nghị định số 46/2017/NĐ-CP ngày 21/4/2017 của Chính phủ.\nThông tư số "
            "21/2018/TT-BGDĐT ngày 24/8/2018 của Bộ Giáo dục và Đào tạo.",
            "Tờ trình đề nghị cho phép hoạt động giáo dục.\nQuyết định thành lập trung tâm.\n"
            "Danh sách cán bộ quản lý, giáo viên kèm văn bằng, chứng chỉ.\nChương trình, tài liệu "
            "giảng dạy.",
            "15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
            _steps(LANGUAGE_CENTRE_STEPS),
            "Không",
        ),
        signers,
        [ext["46/2017/NĐ-CP"], ext["21/2018/TT-BGDĐT"], ext["61/2018/NĐ-CP"]],
        [units["SGDDT-GDCN"], units["SGDDT-VP"]],
        is_tthc=True,
        tthc_code="1.005063",
        tthc_field="Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân",
    )
    transfer = _register(
        users,
        agency,
        units["SGDDT-GDTRH"],
        Document.Kind.WORK_PROCEDURE,
        "QT-SGD-02",
        "Quy trình chuyển trường đối với học sinh trung học phổ thông",
        decision,
        _tthc_content(
            "Quy định trình tự giải quyết việc chuyển trường đối với học sinh trung học phổ thông.",
            "Quyết định số 51/2002/QĐ-BGDĐT ngày 25/12/2002 của Bộ Giáo dục và Đào tạo.",
            "Đơn xin chuyển trường của cha mẹ hoặc người giám hộ.\nHọc bạ (bản chính).\nGiấy "
            "chứng nhận trúng tuyển vào lớp 10.",
            "02 ngày làm việc",
            _steps(TRANSFER_STEPS),
            "Không",
        ),
        signers,
        [ext["61/2018/NĐ-CP"]],
        [units["SGDDT-GDTRH"], units["SGDDT-VP"]],
        is_tthc=True,
        tthc_code="1.001088",
        tthc_field="Giáo dục trung học",
    )
    by_code[centre.code], by_code[transfer.code] = centre, transfer
    for parent, forms in (
        (centre, ["Tờ trình đề nghị cho phép hoạt động giáo dục", "Phiếu thẩm định hồ sơ"]),
        (transfer, ["Đơn xin chuyển trường"]),
    ):
        for seq, title in enumerate(forms, 1):
            _register(
                users,
                agency,
                parent.owner_unit,
                Document.Kind.FORM,
                f"BM.{seq:02d}-{parent.code}",
                title,
                decision,
                {},
                signers,
                [],
                [parent.owner_unit],
                parent=parent,
            )


def _revise_internal_audit(users: dict[str, User], agency: OrgUnit, document: Document) -> None:
    """Issue 02 of QT.ISO.03 went through eISO: drafted, reviewed, approved, issued in 2022."""
    version = docs.version_start(actor=users["thukyiso"], document=document)
    content = dict(version.content)
    content["body"] = (
        "Ban ISO lập kế hoạch đánh giá nội bộ hằng năm, trình Giám đốc phê duyệt trước ngày "
        "15/5.\nĐoàn đánh giá thực hiện từ 01/6 đến 30/7; mỗi phòng được đánh giá ít nhất một "
        "lần trong năm.\nBáo cáo đánh giá gửi Lãnh đạo Sở trong 10 ngày làm việc sau đánh giá."
    )
    docs.version_save(
        actor=users["thukyiso"],
        version=version,
        content=content,
        change_request="Ban ISO",
        change_part="Mục 5",
        change_description="Bổ sung thời hạn đánh giá nội bộ theo Kế hoạch 187/KH-SGDĐT.",
        lock_version=version.lock_version,
    )
    docs.version_submit(actor=users["thukyiso"], version=version)
    docs.version_review(actor=users["vanphong"], version=version, forward=True)
    docs.version_approve(actor=users["giamdoc"], version=version, approve=True)
    docs.decision_issue(
        actor=users["vanphong"],
        agency=agency,
        versions=[version],
        data=docs.DecisionInput(
            issued_on=D(2022, 5, 16),
            effective_on=D(2022, 5, 16),
            title=docs.default_decision_title([version]),
            bases=["Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ;"],
            proposer="Trưởng ban ISO",
            executors="Chánh Văn phòng, Trưởng các phòng thuộc Sở",
            recipients=["Như Điều 3;", "Lưu: VT, Ban ISO."],
            signer_prefix="",
            signer_authority="",
            signer_position="GIÁM ĐỐC",
            signer_name="Nguyễn Văn Hùng",
        ),
    )
    _date_the_trail(version)


def _date_the_trail(version: DocumentVersion) -> None:
    """The demo runs today; the revision it replays happened in May 2022."""
    when = {
        VersionReview.Step.SUBMITTED: datetime.datetime(2022, 5, 9, 9, 0, tzinfo=TZ),
        VersionReview.Step.REVIEWED: datetime.datetime(2022, 5, 11, 14, 30, tzinfo=TZ),
        VersionReview.Step.APPROVED: datetime.datetime(2022, 5, 13, 10, 15, tzinfo=TZ),
        VersionReview.Step.ISSUED: datetime.datetime(2022, 5, 16, 8, 0, tzinfo=TZ),
    }
    for step, moment in when.items():
        version.trail.filter(step=step).update(created_at=moment)
    # What the steps notified (review, approval, issue) is old news too.
    issued = when[VersionReview.Step.ISSUED]
    dating.date_object(version, since=EPOCH, moment=issued)
    decision = DocumentVersion.objects.get(pk=version.pk).decision
    if decision is not None:
        dating.date_object(decision, since=EPOCH, moment=issued)
    DocumentVersion.objects.filter(pk=version.pk).update(
        submitted_at=when[VersionReview.Step.SUBMITTED],
        reviewed_at=when[VersionReview.Step.REVIEWED],
        approved_at=when[VersionReview.Step.APPROVED],
    )


def _schedule_reviews(agency: OrgUnit) -> None:
    """Yearly reviews were done on time, except QT.ISO.06's, which is overdue."""
    today = timezone.localdate()
    in_force = Document.objects.filter(agency=agency, status=Document.Status.IN_FORCE)
    in_force.update(next_review_on=docs.add_months(today, 5))
    in_force.filter(code="QT.ISO.06").update(next_review_on=today - datetime.timedelta(days=12))


def _draft_new_procedure(
    users: dict[str, User],
    agency: OrgUnit,
    units: dict[str, OrgUnit],
    ext: dict[str, ExternalDocument],
) -> None:
    """Task 4 of the plan: a new work procedure being drafted by Phòng KT&KĐ."""
    owner = units["SGDDT-KTKD"]
    document = docs.document_create(
        actor=users["thukyiso"],
        agency=agency,
        data=docs.DocumentInput(
            kind=Document.Kind.WORK_PROCEDURE,
            code=docs.propose_code(
                agency=agency, kind=Document.Kind.WORK_PROCEDURE, owner_unit=owner, parent=None
            ),
            title="Quy trình cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            owner_unit=owner,
            is_tthc=True,
            tthc_field="Văn bằng, chứng chỉ",
            references=[ext["118/2025/NĐ-CP"]],
            distribution_units=[owner, units["SGDDT-VP"]],
        ),
    )
    version = document.versions.get()
    docs.version_save(
        actor=users["thukyiso"],
        version=version,
        content=_tthc_content(
            "Quy định trình tự cấp bản sao văn bằng, chứng chỉ từ sổ gốc.",
            "Nghị định số 118/2025/NĐ-CP của Chính phủ.",
            "Đơn đề nghị cấp bản sao.\nBản sao giấy tờ tùy thân.",
            "03 ngày làm việc",
            _steps(
                [
                    ("Tiếp nhận hồ sơ", "Bộ phận Một cửa", "0,5 ngày", "Mẫu 01"),
                    (
                        "Đối chiếu sổ gốc, in bản sao",
                        "Chuyên viên phòng KT&KĐ",
                        "01 ngày",
                        "Bản sao",
                    ),
                    ("Ký bản sao", "Lãnh đạo phòng", "0,5 ngày", "Bản sao"),
                ]
            ),
            "Theo quy định",
        ),
        change_request="",
        change_part="",
        change_description="",
        lock_version=version.lock_version,
    )


def _link_plan(users: dict[str, User], plan: Plan, agency: OrgUnit) -> None:
    tasks = {t.number: t for t in plan.tasks.filter(number__in=[4, 5, 9])}
    codes = {
        4: ["QT-SGD-03"],
        5: ["QT.ISO.03", "QT.ISO.01"],
        9: ["QT-SGD-01", "QT-SGD-02"],
    }
    for number, wanted in codes.items():
        task = tasks.get(number)
        if task is None:
            continue
        documents = list(Document.objects.filter(agency=agency, code__in=wanted))
        docs.task_link_set(actor=users["thukyiso"], task=task, documents=documents)


# --------------------------------------------------------------------------- the running year
# Relative to the day the demo is loaded: the document-control procedure revised and issued
# a month ago, the language-centre procedure aligned with NĐ 118/2025 by the office (which
# runs the one-stop desk) waiting for the Ban ISO's review, the new copy procedure (task 4) reviewed and waiting for the director's approval.
ISSUE_DAYS = {"started": 44, "submitted": 40, "reviewed": 37, "approved": 35, "issued": 30}
CENTRE_118 = (
    "Nghị định số 46/2017/NĐ-CP ngày 21/4/2017 của Chính phủ.\nThông tư số 21/2018/TT-BGDĐT "
    "ngày 24/8/2018 của Bộ Giáo dục và Đào tạo.\nNghị định số 118/2025/NĐ-CP ngày 09/6/2025 "
    "của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông."
)


def _load_running_year(users: dict[str, User], agency: OrgUnit, today: datetime.date) -> None:
    control = Document.objects.filter(agency=agency, code="QT.ISO.01").first()
    if control is None or control.versions.count() > 1:
        return
    ago = {step: today - datetime.timedelta(days=n) for step, n in ISSUE_DAYS.items()}
    _revise_document_control(users, agency, control, ago)
    centre = Document.objects.get(agency=agency, code="QT-SGD-01")
    _submit_alignment(users, centre, today)
    new = Document.objects.filter(agency=agency, code="QT-SGD-03").first()
    if new is not None:
        _review_new_procedure(users, new, today)


def _step(
    version: DocumentVersion, step: str, since: datetime.datetime, moment: datetime.datetime
) -> None:
    """Date a workflow step written since ``since``: its trail row, log and notifications."""
    version.trail.filter(step=step, created_at__gte=since).update(created_at=moment)
    dating.date_object(version, since=since, moment=moment)
    fields: dict[str, str] = {
        VersionReview.Step.SUBMITTED: "submitted_at",
        VersionReview.Step.REVIEWED: "reviewed_at",
        VersionReview.Step.APPROVED: "approved_at",
    }
    if field := fields.get(step):
        DocumentVersion.objects.filter(pk=version.pk).update(**{field: moment})


def _revise_document_control(
    users: dict[str, User],
    agency: OrgUnit,
    document: Document,
    ago: dict[str, datetime.date],
) -> None:
    """Issue 02 of QT.ISO.01: digital signatures on documents, issued a month ago."""
    since = timezone.now()
    version = docs.version_start(actor=users["thukyiso"], document=document)
    content = dict(version.content)
    content["body"] = (
        f"{content.get('body', '')}\nTài liệu ban hành trên eISO được ký số theo Nghị định "
        "30/2020/NĐ-CP; bản giấy chỉ dùng khi có yêu cầu."
    )
    docs.version_save(
        actor=users["thukyiso"],
        version=version,
        content=content,
        change_request="Văn phòng Sở",
        change_part="Mục 5",
        change_description="Bổ sung quy định ký số tài liệu ban hành trên eISO.",
        lock_version=version.lock_version,
    )
    dating.date_object(version, since=since, moment=dating.at(ago["started"], 9))
    steps = [
        (VersionReview.Step.SUBMITTED, "thukyiso", ago["submitted"]),
        (VersionReview.Step.REVIEWED, "vanphong", ago["reviewed"]),
        (VersionReview.Step.APPROVED, "giamdoc", ago["approved"]),
    ]
    for step, who, day in steps:
        since = timezone.now()
        if step == VersionReview.Step.SUBMITTED:
            docs.version_submit(actor=users[who], version=version)
        elif step == VersionReview.Step.REVIEWED:
            docs.version_review(actor=users[who], version=version, forward=True)
        else:
            docs.version_approve(actor=users[who], version=version, approve=True)
        _step(version, step, since, dating.at(day, 10))
    since = timezone.now()
    decision = docs.decision_issue(
        actor=users["vanphong"],
        agency=agency,
        versions=[version],
        data=docs.DecisionInput(
            issued_on=ago["issued"],
            effective_on=ago["issued"],
            title=docs.default_decision_title([version]),
            bases=["Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ;"],
            proposer="Trưởng ban ISO",
            executors="Chánh Văn phòng, Trưởng các phòng thuộc Sở",
            recipients=["Như Điều 3;", "Lưu: VT, Ban ISO."],
            signer_prefix="",
            signer_authority="",
            signer_position="GIÁM ĐỐC",
            signer_name="Nguyễn Văn Hùng",
        ),
    )
    issued = dating.at(ago["issued"], 8)
    _step(version, VersionReview.Step.ISSUED, since, issued)
    dating.date_object(decision, since=since, moment=issued)


def _submit_alignment(users: dict[str, User], document: Document, today: datetime.date) -> None:
    """Issue 02 of QT-SGD-01 cites NĐ 118/2025: the office submitted it three days ago."""
    author = users["vanphong"]
    since = timezone.now()
    version = docs.version_start(actor=author, document=document)
    content = dict(version.content)
    content["legal_basis"] = CENTRE_118
    content["place"] = (
        "Trung tâm Phục vụ hành chính công tỉnh Hưng Yên hoặc Cổng Dịch vụ công quốc gia"
    )
    docs.version_save(
        actor=author,
        version=version,
        content=content,
        change_request="Ban ISO (rà soát văn bản pháp luật)",
        change_part="Mục 5.1",
        change_description="Thay Nghị định 61/2018/NĐ-CP bằng Nghị định 118/2025/NĐ-CP.",
        lock_version=version.lock_version,
    )
    dating.date_object(version, since=since, moment=dating.at(today - datetime.timedelta(5), 14))
    since = timezone.now()
    docs.version_submit(actor=author, version=version)
    _step(
        version,
        VersionReview.Step.SUBMITTED,
        since,
        dating.at(today - datetime.timedelta(days=3), 10),
    )


def _review_new_procedure(users: dict[str, User], document: Document, today: datetime.date) -> None:
    """The new copy procedure (task 4): submitted a week ago, reviewed two days ago,
    waiting for the director."""
    version = document.versions.get()
    if version.status != DocumentVersion.Status.DRAFT:
        return
    since = timezone.now()
    docs.version_submit(actor=users["thukyiso"], version=version)
    _step(
        version,
        VersionReview.Step.SUBMITTED,
        since,
        dating.at(today - datetime.timedelta(days=7), 9),
    )
    since = timezone.now()
    docs.version_review(
        actor=users["vanphong"],
        version=version,
        forward=True,
        comment="Đã soát xét, đề nghị Giám đốc phê duyệt.",
    )
    _step(
        version,
        VersionReview.Step.REVIEWED,
        since,
        dating.at(today - datetime.timedelta(days=2), 15),
    )
