"""Demo quality policy and objectives of the Sở GDĐT Hưng Yên, school years 2020-2021 to
2022-2023 and the two school years around the day the demo is loaded.

- 2020-2021: the first objectives, set in November 2020 once the QMS was issued (QĐ
  2862/QĐ-SGDĐT, 06/11/2020); a COVID-19 year: several missed, with their cause and action.
- 2021-2022: carried over (the Sở's set first, so the divisions' objectives contribute to the
  Sở's of the new year), evaluated in August 2022 (tasks 2 and 3 of Kế hoạch 187/KH-SGDĐT).
- 2022-2023: set by the divisions by 25/8/2022 and by the Ban ISO for the Sở by 05/9/2022,
  approved, measured from 09/2022 to 02/2023. Of the objectives measured by hand, two are at
  risk and one off track, the others on track; the Sở's share of plan tasks done on time is
  what eISO computes from the plans (``measurement_compute``), so it follows the demo plans.
- The running years (``load_running_years``), dated relative to the day the demo is
  loaded, from the agency's school-year start: the year that ended before (e.g. 2025-2026
  on 03/12/2026) set from the standing objectives, approved, measured and evaluated by
  15/8 (two missed, with cause and action); the running one (2026-2027) carried over from
  it, approved by 05/9 and measured for the periods already passed.

Phòng GDTH and Phòng KT-KĐCLGD never set objectives: task 2 shows them missing. Everything
goes through ``qms.objectives.services``; the log entries and timestamps the services write
"now" are then dated when each step happened, so the history reads 2020–2023.
"""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qms.accounts.models import User
from qms.audittrail.models import LogEntry
from qms.core.models import OrgUnit
from qms.demo import dating
from qms.objectives import services
from qms.objectives.models import (
    Measurement,
    Objective,
    ObjectiveSet,
    PlanStage,
    QualityPolicy,
)
from qms.objectives.services import ObjectiveInput
from qms.planning.models import Plan

D = Decimal
DAY = datetime.date
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = "SGDDT-HY"
F = Objective.Frequency

POLICY = (
    "Sở Giáo dục và Đào tạo Hưng Yên cam kết: giải quyết thủ tục hành chính công khai, minh "
    "bạch, đúng hạn; không ngừng nâng cao chất lượng giáo dục và đào tạo; duy trì và cải tiến "
    "Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 để đáp ứng sự hài lòng của tổ chức, "
    "công dân."
)


@dataclass(frozen=True)
class Goal:
    """One objective as first set (``since``: the year its period starts)."""

    key: str
    unit: str
    since: int
    statement: str
    indicator: str
    uom: str
    target: Decimal | None
    direction: str = Objective.Direction.AT_LEAST
    frequency: str = F.QUARTERLY
    contributes: str = ""  # key of the Sở's objective it rolls up into
    weight: Decimal = D(1)  # weighted roll-up: the number of dossiers a year
    continuing: bool = True
    source: str = Objective.Source.MANUAL
    aggregation: str = Objective.Aggregation.MANUAL
    owner_unit: str = ""  # default: the set's unit
    owner: str = ""
    target_date: datetime.date | None = None
    baseline: Decimal | None = None


GOALS = [
    # --- the Sở (agency set: drafted by the Thư ký ISO, approved by the Giám đốc)
    Goal(
        "so.tthc",
        AGENCY,
        2020,
        "Giải quyết hồ sơ thủ tục hành chính đúng và trước hạn",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        "%",
        D(98),
        aggregation=Objective.Aggregation.WEIGHTED_MEAN,
        owner_unit="SGDDT-VP",
    ),
    Goal(
        "so.inspect",
        AGENCY,
        2020,
        "Thanh tra, kiểm tra các cơ sở giáo dục theo kế hoạch năm học",
        "Số trường được thanh tra, kiểm tra",
        "trường",
        D(55),
        aggregation=Objective.Aggregation.SUM,
        owner_unit="SGDDT-TTRA",
    ),
    Goal(
        "so.satisfaction",
        AGENCY,
        2020,
        "Nâng cao sự hài lòng của tổ chức, công dân khi giải quyết thủ tục hành chính",
        "Tỷ lệ tổ chức, công dân hài lòng",
        "%",
        D(90),
        frequency=F.SEMESTER,
        owner_unit="SGDDT-VP",
    ),
    Goal(
        "so.plan",
        AGENCY,
        2020,
        "Hoàn thành đúng hạn các nhiệm vụ của kế hoạch duy trì, cải tiến HTQLCL",
        "Tỷ lệ nhiệm vụ kế hoạch đúng hạn",
        "%",
        D(90),
        frequency=F.MONTHLY,
        source=Objective.Source.PLAN_ON_TIME,
        owner_unit="SGDDT-ISO",
        owner="thukyiso",
    ),
    Goal(
        "so.announce",
        AGENCY,
        2020,
        "Công bố Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015 trước 31/12/2020",
        "Mức độ hoàn thành",
        "%",
        None,
        direction=Objective.Direction.BY_DATE,
        target_date=DAY(2020, 12, 31),
        frequency=F.MONTHLY,
        continuing=False,
        owner_unit="SGDDT-ISO",
        owner="thukyiso",
    ),
    Goal(
        "so.nc",
        AGENCY,
        2021,
        "Giảm sự không phù hợp phát hiện qua đánh giá nội bộ",
        "Số điểm không phù hợp",
        "điểm",
        D(5),
        direction=Objective.Direction.AT_MOST,
        frequency=F.YEARLY,
        continuing=False,
        owner_unit="SGDDT-ISO",
    ),
    Goal(
        "so.eiso",
        AGENCY,
        2022,
        "Vận hành ISO điện tử: 100 % quy trình nội bộ được áp dụng trên phần mềm eISO "
        "trước 31/12/2022",
        "Tỷ lệ quy trình vận hành trên eISO",
        "%",
        None,
        direction=Objective.Direction.BY_DATE,
        target_date=DAY(2022, 12, 31),
        frequency=F.MONTHLY,
        owner_unit="SGDDT-ISO",
        owner="thukyiso",
    ),
    # --- Văn phòng Sở
    Goal(
        "vp.docs",
        "SGDDT-VP",
        2020,
        "Phát hành văn bản đi đúng thời hạn, đúng thể thức theo Nghị định 30/2020/NĐ-CP",
        "Tỷ lệ văn bản phát hành đúng hạn, đúng thể thức",
        "%",
        D(98),
        frequency=F.MONTHLY,
        owner="vanphong",
    ),
    Goal(
        "vp.complaints",
        "SGDDT-VP",
        2020,
        "Giảm phản ánh, kiến nghị của tổ chức, công dân về thủ tục hành chính",
        "Số phản ánh, kiến nghị có cơ sở",
        "phản ánh",
        D(3),
        direction=Objective.Direction.AT_MOST,
    ),
    Goal(
        "vp.incoming",
        "SGDDT-VP",
        2020,
        "Chuyển văn bản đến cho lãnh đạo và các phòng xử lý kịp thời",
        "Thời gian trung bình chuyển xử lý văn bản đến",
        "ngày",
        D(1),
        direction=Objective.Direction.AT_MOST,
    ),
    # --- Phòng Tổ chức cán bộ
    Goal(
        "tccb.tthc",
        "SGDDT-TCCB",
        2020,
        "Giải quyết đúng hạn hồ sơ TTHC về tổ chức (thành lập, sáp nhập, giải thể trường; "
        "công nhận hội đồng trường)",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        "%",
        D(100),
        contributes="so.tthc",
        weight=D(30),
        owner="tp.tccb",
    ),
    Goal(
        "tccb.training",
        "SGDDT-TCCB",
        2020,
        "Bồi dưỡng thường xuyên cán bộ quản lý, giáo viên theo chương trình của Bộ GDĐT",
        "Tỷ lệ cán bộ quản lý, giáo viên hoàn thành bồi dưỡng",
        "%",
        D(95),
    ),
    Goal(
        "tccb.database",
        "SGDDT-TCCB",
        2020,
        "Cập nhật đầy đủ hồ sơ cán bộ, công chức, viên chức vào cơ sở dữ liệu ngành",
        "Tỷ lệ hồ sơ được cập nhật",
        "%",
        D(100),
        continuing=False,
    ),
    Goal(
        "tccb.standard",
        "SGDDT-TCCB",
        2022,
        "Nâng tỷ lệ giáo viên THPT đạt chuẩn trình độ đào tạo theo Luật Giáo dục 2019",
        "Tỷ lệ giáo viên THPT đạt chuẩn trình độ đào tạo",
        "%",
        D(90),
        baseline=D("85.9"),
    ),
    # --- Phòng Kế hoạch - Tài chính
    Goal(
        "khtc.budget",
        "SGDDT-KHTC",
        2020,
        "Tham mưu giao dự toán ngân sách cho các đơn vị trực thuộc đúng thời hạn",
        "Tỷ lệ đơn vị được giao dự toán đúng hạn",
        "%",
        D(100),
        frequency=F.YEARLY,
    ),
    Goal(
        "khtc.settle",
        "SGDDT-KHTC",
        2020,
        "Rút ngắn thời gian thẩm định quyết toán ngân sách của các đơn vị trực thuộc",
        "Thời gian trung bình thẩm định một hồ sơ quyết toán",
        "ngày",
        D(10),
        direction=Objective.Direction.AT_MOST,
    ),
    Goal(
        "khtc.disburse",
        "SGDDT-KHTC",
        2020,
        "Giải ngân kế hoạch vốn đầu tư công được giao cho các dự án trường học",
        "Tỷ lệ vốn đầu tư công đã giải ngân",
        "%",
        D(95),
    ),
    # --- Phòng Giáo dục Mầm non
    Goal(
        "gdmn.tthc",
        "SGDDT-GDMN",
        2020,
        "Giải quyết đúng hạn hồ sơ cho phép thành lập, hoạt động cơ sở giáo dục mầm non ngoài "
        "công lập",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        "%",
        D(100),
        contributes="so.tthc",
        weight=D(35),
    ),
    Goal(
        "gdmn.inspect",
        "SGDDT-GDMN",
        2020,
        "Kiểm tra công tác quản lý, nuôi dưỡng, chăm sóc, giáo dục trẻ tại các trường mầm non",
        "Số trường mầm non được kiểm tra",
        "trường",
        D(15),
        contributes="so.inspect",
    ),
    Goal(
        "gdmn.standard",
        "SGDDT-GDMN",
        2020,
        "Tham mưu công nhận mới trường mầm non đạt chuẩn quốc gia",
        "Số trường được công nhận mới",
        "trường",
        D(8),
    ),
    # --- Phòng Giáo dục Trung học
    Goal(
        "gdtrh.transfer",
        "SGDDT-GDTRH",
        2020,
        "Giải quyết đúng hạn hồ sơ chuyển trường, tiếp nhận học sinh trung học phổ thông",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        "%",
        D("99.5"),
        frequency=F.MONTHLY,
        contributes="so.tthc",
        weight=D(420),
        owner="cb.gdtrh",
    ),
    Goal(
        "gdtrh.inspect",
        "SGDDT-GDTRH",
        2020,
        "Kiểm tra chuyên môn, việc thực hiện chương trình giáo dục phổ thông tại các trường THPT",
        "Số trường THPT được kiểm tra chuyên môn",
        "trường",
        D(12),
        contributes="so.inspect",
        owner="tp.gdtrh",
    ),
    Goal(
        "gdtrh.online",
        "SGDDT-GDTRH",
        2021,
        "Tăng hồ sơ chuyển trường nộp trực tuyến qua Cổng dịch vụ công",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        "%",
        D(50),
        continuing=False,
        owner="cb.gdtrh",
    ),
    # --- Phòng GDCN-GDTX
    Goal(
        "gdcn.tthc",
        "SGDDT-GDCN",
        2020,
        "Giải quyết đúng hạn hồ sơ cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        "%",
        D(100),
        contributes="so.tthc",
        weight=D(45),
    ),
    Goal(
        "gdcn.centres",
        "SGDDT-GDCN",
        2020,
        "Kiểm tra hoạt động của các trung tâm ngoại ngữ, tin học",
        "Tỷ lệ trung tâm được kiểm tra trong năm học",
        "%",
        D(30),
    ),
    # --- Thanh tra Sở
    Goal(
        "ttra.inspect",
        "SGDDT-TTRA",
        2020,
        "Thanh tra các cơ sở giáo dục theo kế hoạch thanh tra năm học",
        "Số trường được thanh tra",
        "trường",
        D(30),
        contributes="so.inspect",
    ),
    Goal(
        "ttra.complaints",
        "SGDDT-TTRA",
        2020,
        "Giải quyết đơn khiếu nại, tố cáo thuộc thẩm quyền đúng thời hạn luật định",
        "Tỷ lệ đơn giải quyết đúng hạn",
        "%",
        D(100),
    ),
]
BY_KEY = {g.key: g for g in GOALS}
UNITS = [
    "SGDDT-VP",
    "SGDDT-TCCB",
    "SGDDT-KHTC",
    "SGDDT-GDMN",
    "SGDDT-GDTRH",
    "SGDDT-GDCN",
    "SGDDT-TTRA",
]
# Who edits, submits and evaluates a unit's set: its head, else the Thư ký ISO (an ISO
# officer may edit any unit's set); who enters its measurements.
HEADS = {"SGDDT-VP": "vanphong", "SGDDT-TCCB": "tp.tccb", "SGDDT-GDTRH": "tp.gdtrh"}
MEASURERS = {"SGDDT-GDTRH": "cb.gdtrh"}


@dataclass(frozen=True)
class Result:
    """A past period: the value mid-year (31/01, None: not measured), the result (30/06;
    None: the roll-up of the units), and the cause and action when missed."""

    mid: Decimal | None
    result: Decimal | None
    cause: str = ""
    action: str = ""


COVID = "Dịch COVID-19: tạm dừng kiểm tra trực tiếp từ 02 đến 04/2021."
PAST: dict[int, dict[str, Result]] = {
    2020: {
        "so.tthc": Result(None, None),
        "so.inspect": Result(
            None,
            None,
            COVID,
            "Kết hợp kiểm tra trực tuyến hồ sơ, sổ sách; "
            "bổ sung cộng tác viên thanh tra cho năm học 2021-2022.",
        ),
        "so.satisfaction": Result(
            D(82),
            D("88.5"),
            "Khảo sát chủ yếu bằng phiếu giấy, ít phiếu phản hồi; một số hồ sơ phải bổ sung "
            "nhiều lần.",
            "Khảo sát qua mã QR tại Bộ phận Một cửa và trên Cổng dịch vụ công; hướng dẫn thành "
            "phần hồ sơ đầy đủ ngay từ lần đầu.",
        ),
        "so.plan": Result(
            None,
            D(80),
            "Đánh giá nội bộ lần đầu chậm 01 tháng do dịch COVID-19; họp xem xét của lãnh đạo "
            "lùi sang tháng 10/2021.",
            "Ban hành kế hoạch năm trước 10/02; theo dõi, nhắc hạn nhiệm vụ trên eISO.",
        ),
        "vp.docs": Result(
            D("94.1"),
            D(95),
            "Thiếu 01 cán bộ văn thư trong 03 tháng; một số văn bản sai thể thức phải phát hành "
            "lại.",
            "Bổ sung văn thư; tập huấn thể thức văn bản theo Nghị định 30/2020/NĐ-CP cho chuyên "
            "viên các phòng.",
        ),
        "vp.complaints": Result(D(2), D(3)),
        "vp.incoming": Result(D("1.1"), D("0.9")),
        "tccb.tthc": Result(D(100), D(100)),
        "tccb.training": Result(
            D(41),
            D("93.5"),
            "Các lớp bồi dưỡng trực tiếp phải hoãn do dịch COVID-19 (02–04/2021).",
            "Chuyển sang bồi dưỡng trực tuyến trên hệ thống LMS của Bộ; theo dõi tiến độ theo "
            "học kỳ.",
        ),
        "tccb.database": Result(D(72), D(100)),
        "khtc.budget": Result(None, D(100)),
        "khtc.settle": Result(
            D(14),
            D(12),
            "Hồ sơ quyết toán của các đơn vị gửi dồn vào cuối năm; thiếu 01 kế toán.",
            "Giao lịch gửi quyết toán theo từng nhóm đơn vị; thẩm định trên phần mềm kế toán.",
        ),
        "khtc.disburse": Result(D(52), D("95.8")),
        "gdmn.tthc": Result(D(100), D(100)),
        "gdmn.inspect": Result(D(6), D(15)),
        "gdmn.standard": Result(D(3), D(9)),
        "gdtrh.transfer": Result(
            D("98.9"),
            D("98.6"),
            "06 hồ sơ chậm do học bạ, giấy chứng nhận trúng tuyển lớp 10 gửi bổ sung muộn.",
            "Hướng dẫn phụ huynh nộp đủ hồ sơ ngay từ đầu; Bộ phận Một cửa kiểm tra tính đầy "
            "đủ khi tiếp nhận.",
        ),
        "gdtrh.inspect": Result(
            D(4),
            D(10),
            "Dừng kiểm tra trực tiếp 02 tháng do dịch COVID-19; 02 trường chuyển sang năm học sau.",
            "Ưu tiên kiểm tra 02 trường còn lại trong học kỳ I năm học 2021-2022.",
        ),
        "gdcn.tthc": Result(
            D(100),
            D("97.6"),
            "01 hồ sơ chậm 02 ngày do đoàn kiểm tra thực tế chưa bố trí được lịch.",
            "Lập lịch kiểm tra thực tế ngay khi hồ sơ đủ điều kiện; cảnh báo hạn trên eISO.",
        ),
        "gdcn.centres": Result(D(12), D(32)),
        "ttra.inspect": Result(
            D(11),
            D(26),
            "Dừng thanh tra trực tiếp do dịch COVID-19; tập trung thanh tra kỳ thi tốt nghiệp "
            "THPT.",
            "Chuyển một số cuộc sang kiểm tra hồ sơ; bổ sung cộng tác viên thanh tra.",
        ),
        "ttra.complaints": Result(D(100), D(100)),
    },
    2021: {
        "so.tthc": Result(None, None),
        "so.inspect": Result(None, None),
        "so.satisfaction": Result(D("89.6"), D("91.2")),
        "so.plan": Result(None, D("90.9")),
        "vp.docs": Result(
            D("96.8"),
            D("97.2"),
            "23 văn bản phát hành chậm 01 ngày do chờ ký bản giấy; chưa ký số đồng bộ.",
            "Ký số 100 % văn bản đi trên hệ thống quản lý văn bản và điều hành từ 10/2022.",
        ),
        "vp.complaints": Result(D(1), D(2)),
        "vp.incoming": Result(D("0.8"), D("0.8")),
        "tccb.tthc": Result(D(100), D(100)),
        "tccb.training": Result(D(48), D(96)),
        "khtc.budget": Result(None, D(100)),
        "khtc.settle": Result(D(10), D(9)),
        "khtc.disburse": Result(D("48.5"), D("96.2")),
        "gdmn.tthc": Result(D(100), D(100)),
        "gdmn.inspect": Result(D(7), D(16)),
        "gdmn.standard": Result(D(4), D(10)),
        "gdtrh.transfer": Result(D("99.5"), D("99.6")),
        "gdtrh.inspect": Result(D(6), D(13)),
        "gdtrh.online": Result(
            D(31),
            D("38.5"),
            "Phụ huynh chưa quen nộp hồ sơ trực tuyến; Cổng dịch vụ công chưa tích hợp ký số.",
            "Hướng dẫn qua các trường THPT; Bộ phận Một cửa hỗ trợ nộp trực tuyến tại chỗ.",
        ),
        "gdcn.tthc": Result(
            D(100),
            D("97.8"),
            "01 hồ sơ chậm do ra Phiếu yêu cầu bổ sung hồ sơ giáo viên nước ngoài quá 03 ngày "
            "làm việc.",
            "Kiểm tra hồ sơ và ra Phiếu yêu cầu bổ sung trong 03 ngày làm việc theo quy định.",
        ),
        "gdcn.centres": Result(D(15), D(35)),
        "ttra.inspect": Result(D(15), D(33)),
        "ttra.complaints": Result(D(100), D(100)),
    },
}
# Measured once or twice by date (the Sở's milestone objectives).
MILESTONES: dict[str, list[tuple[datetime.date, Decimal, str]]] = {
    "so.announce": [
        (
            DAY(2020, 11, 30),
            D(60),
            "Đã ban hành hệ thống tài liệu (Quyết định 2862/QĐ-SGDĐT ngày 06/11/2020).",
        ),
        (
            DAY(2020, 12, 18),
            D(100),
            "Đã công bố HTQLCL phù hợp TCVN ISO 9001:2015 và thông báo Sở Khoa học và Công nghệ.",
        ),
    ],
    "so.nc": [
        (
            DAY(2022, 7, 29),
            D(3),
            "Đánh giá nội bộ (06–07/2022): 03 điểm không phù hợp, không lặp lại điểm "
            "của năm trước.",
        )
    ],
}
REACHED = {"so.announce": DAY(2020, 12, 18)}
SUMMED = "Tổng hợp từ báo cáo của các phòng."

# 2022-2023, measured from 09/2022 to 02/2023: (date, value, comment).
NOW: dict[str, list[tuple[datetime.date, Decimal, str]]] = {
    "so.satisfaction": [
        (
            DAY(2023, 1, 15),
            D("92.4"),
            "Học kỳ I: 412 phiếu khảo sát tại Bộ phận Một cửa và trên Cổng dịch vụ công.",
        )
    ],
    "so.eiso": [
        (DAY(2022, 9, 30), D(40), ""),
        (DAY(2022, 10, 31), D(55), ""),
        (DAY(2022, 11, 30), D(80), ""),
        (DAY(2022, 12, 26), D(100), "25/25 quy trình nội bộ đã vận hành trên eISO."),
    ],
    "vp.docs": [
        (DAY(2022, 9, 30), D("97.6"), ""),
        (DAY(2022, 10, 31), D("97.9"), "Từ 01/10/2022 ký số 100 % văn bản đi."),
        (DAY(2022, 11, 30), D("98.2"), ""),
        (DAY(2022, 12, 31), D("98.4"), ""),
        (DAY(2023, 1, 31), D("98.5"), ""),
        (DAY(2023, 2, 28), D("98.7"), ""),
    ],
    "vp.complaints": [
        (DAY(2022, 10, 31), D(0), ""),
        (
            DAY(2022, 12, 31),
            D(1),
            "01 phản ánh về thời gian trả kết quả chuyển trường; đã trả lời trong 05 ngày "
            "làm việc.",
        ),
        (DAY(2023, 2, 28), D(1), ""),
    ],
    "vp.incoming": [
        (DAY(2022, 10, 31), D("0.7"), ""),
        (DAY(2023, 1, 31), D("0.6"), "Văn bản đến được số hóa và chuyển xử lý trong ngày."),
    ],
    "tccb.tthc": [(DAY(2022, 10, 31), D(100), ""), (DAY(2023, 1, 31), D(100), "")],
    "tccb.training": [
        (DAY(2022, 10, 31), D(22), ""),
        (DAY(2023, 1, 31), D("52.5"), "Hoàn thành các mô-đun bồi dưỡng học kỳ I."),
    ],
    "tccb.standard": [
        (DAY(2022, 10, 31), D("87.4"), ""),
        (
            DAY(2023, 1, 31),
            D("88.2"),
            "Thêm 07 giáo viên nhận bằng cử nhân; còn 52 giáo viên đang học nâng chuẩn, phần "
            "lớn tốt nghiệp sau 07/2023.",
        ),
    ],
    "khtc.budget": [
        (DAY(2023, 1, 31), D(100), "Giao dự toán năm 2023 cho 42/42 đơn vị trước 31/12/2022.")
    ],
    "khtc.settle": [
        (DAY(2022, 10, 31), D("9.5"), ""),
        (DAY(2022, 12, 31), D(11), ""),
        (
            DAY(2023, 2, 28),
            D("12.5"),
            "Quyết toán năm 2022 của 42 đơn vị dồn vào tháng 01–02/2023; 01 kế toán nghỉ thai "
            "sản từ 12/2022.",
        ),
    ],
    "khtc.disburse": [
        (DAY(2022, 9, 30), D(68), ""),
        (DAY(2022, 12, 31), D(93), ""),
        (
            DAY(2023, 1, 31),
            D("96.8"),
            "Hết thời gian giải ngân kế hoạch vốn năm 2022 (31/01/2023).",
        ),
    ],
    "gdmn.tthc": [
        (DAY(2022, 9, 30), D(100), ""),
        (
            DAY(2022, 12, 31),
            D("94.1"),
            "01 hồ sơ cho phép nhóm trẻ độc lập tư thục hoạt động chậm 02 ngày do phải kiểm "
            "tra thực tế lại.",
        ),
        (DAY(2023, 2, 28), D("94.7"), ""),
    ],
    "gdmn.inspect": [
        (DAY(2022, 10, 31), D(4), ""),
        (DAY(2022, 12, 31), D(9), ""),
        (DAY(2023, 2, 28), D(11), ""),
    ],
    "gdmn.standard": [(DAY(2022, 12, 31), D(3), ""), (DAY(2023, 2, 28), D(6), "")],
    "gdtrh.transfer": [
        (
            DAY(2022, 9, 30),
            D("99.6"),
            "Cao điểm chuyển trường đầu năm học: 212 hồ sơ, 01 hồ sơ chậm 04 giờ.",
        ),
        (DAY(2022, 10, 31), D("99.7"), ""),
        (DAY(2022, 11, 30), D("99.7"), ""),
        (DAY(2022, 12, 31), D("99.8"), ""),
        (DAY(2023, 1, 31), D("99.8"), ""),
        (DAY(2023, 2, 28), D("99.8"), ""),
    ],
    "gdtrh.inspect": [
        (DAY(2022, 10, 31), D(3), ""),
        (DAY(2022, 12, 31), D(7), ""),
        (DAY(2023, 2, 28), D(9), ""),
    ],
    "gdtrh.online": [
        (DAY(2022, 9, 30), D(44), ""),
        (DAY(2022, 12, 31), D("51.5"), ""),
        (
            DAY(2023, 2, 28),
            D("55.2"),
            "Bộ phận Một cửa hỗ trợ phụ huynh nộp hồ sơ trực tuyến tại chỗ.",
        ),
    ],
    "gdcn.tthc": [(DAY(2022, 12, 31), D(100), ""), (DAY(2023, 2, 28), D(100), "")],
    "gdcn.centres": [(DAY(2022, 12, 31), D(18), ""), (DAY(2023, 2, 28), D(24), "")],
    "ttra.inspect": [
        (DAY(2022, 10, 31), D(8), ""),
        (DAY(2022, 12, 31), D(17), ""),
        (DAY(2023, 2, 28), D(22), ""),
    ],
    "ttra.complaints": [(DAY(2022, 12, 31), D(100), ""), (DAY(2023, 2, 28), D(100), "")],
}
# eISO computes the share of plan tasks done on time from the plans at these dates.
COMPUTED_ON = [DAY(2022, 9, 30), DAY(2022, 11, 30), DAY(2023, 1, 31), DAY(2023, 2, 28)]
# Changed in the 2022-2023 drafts, after the carry-over.
REVISED_2022: dict[str, dict[str, Any]] = {
    "so.inspect": {"target": D(60)},
    "ttra.inspect": {"target": D(33)},
}


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


class Trail:
    """Dates what the services just wrote "now" (log entries, measurements, set
    transitions): the demo replays 2020–2023 whenever it is loaded."""

    def __init__(self) -> None:
        self.since = timezone.now()
        self.first_log = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def stamp(self, moment: datetime.datetime, *, sets: bool = False) -> None:
        fresh = {"created_at__gte": self.since}
        LogEntry.objects.filter(pk__gt=self.first_log, **fresh).update(created_at=moment)
        Measurement.objects.filter(**fresh).update(created_at=moment)
        if not sets:
            return
        QualityPolicy.objects.filter(**fresh).update(created_at=moment)
        for field in ("created_at", "submitted_at", "approved_at", "evaluated_at"):
            ObjectiveSet.objects.filter(**{f"{field}__gte": self.since}).update(**{field: moment})


@dataclass
class Loader:
    units: dict[str, OrgUnit]
    users: dict[str, User]
    trail: Trail = dataclasses.field(default_factory=Trail)
    # key → objective, per period start year
    objectives: dict[int, dict[str, Objective]] = dataclasses.field(default_factory=dict)
    sets: dict[int, dict[str, ObjectiveSet]] = dataclasses.field(default_factory=dict)

    # ------------------------------------------------------------------ helpers

    def head(self, code: str) -> User:
        return self.users[HEADS.get(code, "thukyiso")]

    def measurer(self, code: str) -> User:
        return self.users[MEASURERS.get(code) or HEADS.get(code, "thukyiso")]

    def add_goal(self, year: int, goal: Goal) -> Objective:
        objective_set = self.sets[year][goal.unit]
        parent = self.objectives[year].get(goal.contributes) if goal.contributes else None
        objective = services.objective_save(
            actor=self.head(goal.unit),
            objective_set=objective_set,
            data=ObjectiveInput(
                statement=goal.statement,
                indicator=goal.indicator,
                owner_unit=self.units[goal.owner_unit or goal.unit],
                direction=goal.direction,
                target=goal.target,
                target_date=goal.target_date,
                unit_of_measure=goal.uom,
                baseline=goal.baseline,
                frequency=goal.frequency,
                source=goal.source,
                owner=self.users[goal.owner] if goal.owner else None,
                contributes_to=parent,
                aggregation=goal.aggregation,
                weight=goal.weight,
                continuing=goal.continuing,
            ),
        )
        self.objectives[year][goal.key] = objective
        return objective

    def revise(self, year: int, key: str, **changes: Any) -> None:
        o = self.objectives[year][key]
        data = ObjectiveInput(
            statement=o.statement,
            indicator=o.indicator,
            owner_unit=o.owner_unit,
            direction=o.direction,
            target=o.target,
            target_date=o.target_date,
            unit_of_measure=o.unit_of_measure,
            baseline=o.baseline,
            frequency=o.frequency,
            source=o.source,
            owner=o.owner,
            contributes_to=o.contributes_to,
            aggregation=o.aggregation,
            weight=o.weight,
            order=o.order,
            continuing=o.continuing,
        )
        services.objective_save(
            actor=self.head(BY_KEY[key].unit),
            objective_set=o.objective_set,
            data=dataclasses.replace(data, **changes),
            objective=o,
        )

    def measure(
        self, year: int, key: str, on: datetime.date, value: Decimal, comment: str = ""
    ) -> None:
        services.measurement_add(
            actor=self.measurer(BY_KEY[key].unit),
            objective=self.objectives[year][key],
            measured_on=on,
            value=value,
            comment=comment,
        )
        # Entered the next working morning.
        entered = on + datetime.timedelta(days=1 if on.weekday() < 4 else 7 - on.weekday())
        self.trail.stamp(at(entered, 8, 30))

    def submit_approve(
        self,
        objective_set: ObjectiveSet,
        submitted: datetime.datetime,
        approved: datetime.datetime,
    ) -> None:
        code = objective_set.unit.code
        services.set_submit(actor=self.head(code), objective_set=objective_set)
        self.trail.stamp(submitted, sets=True)
        approver = self.users["giamdoc" if code == AGENCY else "phogiamdoc"]
        services.set_approve(actor=approver, objective_set=objective_set)
        self.trail.stamp(approved, sets=True)

    def index(self, year: int, objective_set: ObjectiveSet) -> None:
        """Remember the carried-over objectives of a new set by their key."""
        previous = {o.pk: k for k, o in self.objectives[year - 1].items()}
        for objective in objective_set.objectives.all():
            key = previous[objective.carried_from_id or 0]
            self.objectives[year][key] = objective

    # ------------------------------------------------------------------ the years

    def first_year(self, agency: OrgUnit) -> None:
        """2020-2021: set in November 2020, once the QMS is issued (06/11/2020)."""
        policy = services.policy_draft(actor=self.users["thukyiso"], agency=agency, text=POLICY)
        self.trail.stamp(at(DAY(2020, 10, 26), 14), sets=True)
        services.policy_approve(actor=self.users["giamdoc"], policy=policy, on=DAY(2020, 11, 6))
        self.trail.stamp(at(DAY(2020, 11, 6), 10), sets=True)
        period = services.period_for(agency=agency, year=2020)
        self.objectives[2020], self.sets[2020] = {}, {}
        for i, code in enumerate([AGENCY, *UNITS]):
            self.sets[2020][code] = services.set_create(
                actor=self.head(code), unit=self.units[code], period=period
            )
            for goal in GOALS:
                if goal.unit == code and goal.since == 2020:
                    self.add_goal(2020, goal)
            self.trail.stamp(at(DAY(2020, 11, 9 + i // 3), 8 + 2 * (i % 3)), sets=True)
        for i, code in enumerate([AGENCY, *UNITS]):
            self.submit_approve(
                self.sets[2020][code],
                at(DAY(2020, 11, 12), 8 + i),
                at(DAY(2020, 11, 16 if code == AGENCY else 17), 8 + i),
            )

    def carry_over(self, year: int, agency: OrgUnit, dates: dict[str, datetime.date]) -> None:
        """The Sở's set first (its objectives become what the units' contribute to), then
        each unit's; new objectives added, some changed; submitted and approved."""
        period = services.period_for(agency=agency, year=year)
        self.objectives[year], self.sets[year] = {}, {}
        for i, code in enumerate([AGENCY, *UNITS]):
            new = services.set_copy_forward(
                actor=self.head(code), objective_set=self.sets[year - 1][code], period=period
            )
            self.sets[year][code] = new
            self.index(year, new)
            for goal in GOALS:
                if goal.unit == code and goal.since == year:
                    self.add_goal(year, goal)
            if year == 2022:
                for key, changes in REVISED_2022.items():
                    if BY_KEY[key].unit == code:
                        self.revise(year, key, **changes)
            self.trail.stamp(at(dates["copied"], 8 + i), sets=True)
        for i, code in enumerate(UNITS):
            new = self.sets[year][code]
            submitted = at(dates["units_submitted"], 8 + i)
            if year == 2022 and code == "SGDDT-GDTRH":
                self.returned_once(new)
                submitted = at(DAY(2022, 8, 26), 10)
            self.submit_approve(new, submitted, at(dates["units_approved"], 8 + i))
        self.submit_approve(
            self.sets[year][AGENCY],
            at(dates["agency_submitted"], 15),
            at(dates["agency_approved"], 10),
        )

    def returned_once(self, objective_set: ObjectiveSet) -> None:
        """2022-2023: the Ban ISO returns Phòng GDTrH's set for the weight of its
        on-time objective, which the Sở's roll-up needs."""
        head = self.head("SGDDT-GDTRH")
        services.set_submit(actor=head, objective_set=objective_set)
        self.trail.stamp(at(DAY(2022, 8, 25), 9), sets=True)
        services.set_return(
            actor=self.users["thukyiso"],
            objective_set=objective_set,
            comment="Đề nghị cập nhật trọng số mục tiêu 1 theo số hồ sơ chuyển trường dự kiến "
            "năm học 2022-2023 (khoảng 450 hồ sơ) để tổng hợp chỉ tiêu của Sở.",
        )
        self.trail.stamp(at(DAY(2022, 8, 25), 15), sets=True)
        self.revise(2022, "gdtrh.transfer", weight=D(450))
        self.trail.stamp(at(DAY(2022, 8, 26), 8), sets=True)

    def measure_past(self, year: int) -> None:
        for key, objective in self.objectives[year].items():
            for on, value, comment in MILESTONES.get(key, []):
                self.measure(year, key, on, value, comment)
            past = PAST[year].get(key)
            if past is None or BY_KEY[key].aggregation != Objective.Aggregation.MANUAL:
                continue
            if objective.source != Objective.Source.MANUAL:
                continue  # computed by eISO, evaluated by hand at the end
            if past.mid is not None:
                self.measure(year, key, DAY(year + 1, 1, 31), past.mid)
            if past.result is not None:
                self.measure(year, key, DAY(year + 1, 6, 30), past.result)
        # The Ban ISO records the Sở's sum of inspections from the units' reports.
        units = [PAST[year][g.key] for g in self.parts("so.inspect")]
        for on, values in (
            (DAY(year + 1, 1, 31), [u.mid for u in units]),
            (DAY(year + 1, 6, 30), [u.result for u in units]),
        ):
            self.measure(year, "so.inspect", on, sum((v or D(0) for v in values), D(0)), SUMMED)

    def parts(self, key: str) -> list[Goal]:
        return [g for g in GOALS if g.contributes == key]

    def evaluate(self, year: int, on: datetime.date) -> None:
        """The units evaluate their objectives (before 25/8), then the Ban ISO the Sở's
        from the units' results, and closes."""
        for i, code in enumerate([*UNITS, AGENCY]):
            actor = self.head(code)
            for key, objective in self.objectives[year].items():
                if BY_KEY[key].unit != code:
                    continue
                past = PAST[year].get(key)
                if key in REACHED:
                    services.objective_evaluate(
                        actor=actor, objective=objective, result=D(100), reached_on=REACHED[key]
                    )
                    continue
                if key in MILESTONES:
                    result = MILESTONES[key][-1][1]
                elif past is None or past.result is None:
                    # The Sở's roll-up of the units' results (evaluated just before).
                    result = (services.rollup(objective) or D(0)).quantize(D("0.1"))
                else:
                    result = past.result
                services.objective_evaluate(
                    actor=actor,
                    objective=objective,
                    result=result,
                    cause=past.cause if past else "",
                    proposed_action=past.action if past else "",
                )
            day = on + datetime.timedelta(days=4 if code == AGENCY else i // 4)
            self.trail.stamp(at(day, 8 + i % 4 * 2), sets=True)
            services.set_evaluate(actor=actor, objective_set=self.sets[year][code])
            self.trail.stamp(at(day, 16), sets=True)

    def measure_now(self) -> None:
        for key, rows in NOW.items():
            for on, value, comment in rows:
                self.measure(2022, key, on, value, comment)
        # The Sở's inspections: the sum of the units' at each date they report.
        totals: dict[datetime.date, Decimal] = {}
        for goal in self.parts("so.inspect"):
            for on, value, _comment in NOW[goal.key]:
                totals[on] = totals.get(on, D(0)) + value
        for on, total in sorted(totals.items()):
            self.measure(2022, "so.inspect", on, total, SUMMED)
        plan = self.objectives[2022]["so.plan"]
        for on in COMPUTED_ON:
            services.measurement_compute(objective=plan, as_of=on)
            self.trail.stamp(at(on, 23, 0))


def load_objectives(
    *, units: dict[str, OrgUnit], users: dict[str, User], plan_2022: Plan | None = None
) -> None:
    """Idempotent: does nothing once the agency has objective sets."""
    agency = units[AGENCY]
    if ObjectiveSet.objects.filter(agency=agency).exists():
        return
    loader = Loader(units=units, users=users)
    loader.first_year(agency)
    loader.measure_past(2020)
    loader.evaluate(2020, DAY(2021, 8, 9))
    loader.carry_over(
        2021,
        agency,
        {
            "copied": DAY(2021, 8, 23),
            "units_submitted": DAY(2021, 8, 25),
            "units_approved": DAY(2021, 8, 27),
            "agency_submitted": DAY(2021, 8, 31),
            "agency_approved": DAY(2021, 9, 6),
        },
    )
    loader.measure_past(2021)
    loader.evaluate(2021, DAY(2022, 8, 15))
    loader.carry_over(
        2022,
        agency,
        {
            "copied": DAY(2022, 8, 24),
            "units_submitted": DAY(2022, 8, 25),
            "units_approved": DAY(2022, 8, 30),
            "agency_submitted": DAY(2022, 8, 31),
            "agency_approved": DAY(2022, 9, 5),
        },
    )
    loader.measure_now()
    if plan_2022 is not None:
        # Tasks 2 and 3 of Kế hoạch 187: the divisions, then the ISO committee for the Sở.
        for number, stage in ((2, PlanStage.Stage.UNITS), (3, PlanStage.Stage.AGENCY)):
            task = plan_2022.tasks.filter(number=number).first()
            if task is not None:
                services.stage_link(actor=users["thukyiso"], task=task, stage=stage, year=2022)
        loader.trail.stamp(at(DAY(2022, 2, 10), 10))


# --------------------------------------------------------------------------- the running years
# The school year that ended before the day the demo is loaded (evaluated by 15/8) and the
# one running (set by 25/8 and 05/9, approved, measured for the months already passed).
# Standing objectives only (continuing, not reached by a date): what a Sở keeps each year.
RUNNING_FINAL: dict[str, tuple[str, Decimal]] = {
    # key: (profile, value at the end of the year). "rate" stays near its value all year,
    # "count" adds up over the year, "mean" is an average (days).
    "so.satisfaction": ("rate", D("93.1")),
    "vp.docs": ("rate", D("99.1")),
    "vp.complaints": ("count", D(1)),
    "vp.incoming": ("mean", D("0.5")),
    "tccb.tthc": ("rate", D(100)),
    "tccb.training": ("count", D(97)),
    "tccb.standard": ("rate", D("93.5")),
    "khtc.budget": ("rate", D(100)),
    "khtc.settle": ("mean", D("11.5")),
    "khtc.disburse": ("count", D("96.4")),
    "gdmn.tthc": ("rate", D("97.1")),
    "gdmn.inspect": ("count", D(16)),
    "gdmn.standard": ("count", D(9)),
    "gdtrh.transfer": ("rate", D("99.8")),
    "gdtrh.inspect": ("count", D(13)),
    "gdcn.tthc": ("rate", D(100)),
    "gdcn.centres": ("count", D(34)),
    "ttra.inspect": ("count", D(35)),
    "ttra.complaints": ("rate", D(100)),
}
# The running year does better where last year's action worked.
RUNNING_NOW: dict[str, Decimal] = {"gdmn.tthc": D(100), "khtc.settle": D("9.5")}
RUNNING_MISSED: dict[str, tuple[str, str]] = {
    "gdmn.tthc": (
        "02 hồ sơ cho phép cơ sở giáo dục mầm non độc lập hoạt động chậm do kiểm tra thực tế "
        "phải bố trí lại lịch.",
        "Lập lịch kiểm tra thực tế ngay khi tiếp nhận hồ sơ; theo dõi hạn xử lý trên eISO.",
    ),
    "khtc.settle": (
        "Hồ sơ quyết toán của các đơn vị sau sáp nhập tỉnh (01/7/2025) gửi dồn vào quý I.",
        "Giao lịch gửi quyết toán theo nhóm đơn vị; thẩm định trên phần mềm kế toán dùng chung.",
    ),
}
RUNNING_TARGETS: dict[str, dict[str, Any]] = {
    **REVISED_2022,
    "gdtrh.transfer": {"weight": D(450)},
}
MONTHS: dict[str, int] = {F.MONTHLY: 1, F.QUARTERLY: 3, F.SEMESTER: 6, F.YEARLY: 12}


def _month_end(day: datetime.date) -> datetime.date:
    first_next = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_next - datetime.timedelta(days=1)


def measuring_days(start: datetime.date, end: datetime.date, every: int) -> list[datetime.date]:
    """The last day of every ``every``-th month of the period, from ``start``, up to ``end``."""
    days, month = [], start
    for n in range(1, 13):
        month = _month_end(month) + datetime.timedelta(days=1)
        if n % every == 0:
            day = month - datetime.timedelta(days=1)
            if day > end:
                break
            days.append(day)
    return days


def running_value(key: str, share: Decimal, *, current: bool) -> Decimal:
    """The value of ``key`` when ``share`` (0–1) of the school year has passed."""
    profile, final = RUNNING_FINAL[key]
    if current:
        final = RUNNING_NOW.get(key, final)
    if profile == "count":
        value = final * share
        return value.quantize(D(1) if final == final.to_integral() else D("0.1"))
    if profile == "rate" and final < 100:
        return min(D(100), final - D("0.6") * (1 - share)).quantize(D("0.1"))
    return final


class RunningYears:
    """The previous and the running school year of the day the demo is loaded."""

    def __init__(
        self, units: dict[str, OrgUnit], users: dict[str, User], today: datetime.date
    ) -> None:
        self.loader = Loader(units=units, users=users)
        self.today = today
        self.agency = units[AGENCY]
        self.current = services.current_year(self.agency, today)

    def load(self) -> None:
        previous = self.current - 1
        if previous <= 2022:
            return  # the history already holds that year
        sets = ObjectiveSet.objects.filter(agency=self.agency)
        if not sets.filter(period__start__year=previous).exists():
            self.set_previous(previous)
        if not sets.filter(period__start__year=self.current).exists():
            self.set_current(previous)

    def moment(self, day: datetime.date, hour: int) -> datetime.datetime | None:
        """When a step on ``day`` happened, or None if that day has not come yet."""
        return at(day, hour) if day <= self.today else None

    def stamp(self, moment: datetime.datetime, sets: bool = True) -> None:
        # A step of today happened just before the demo was loaded.
        latest = self.loader.trail.since - datetime.timedelta(seconds=1)
        self.loader.trail.stamp(min(moment, latest), sets=sets)

    def set_previous(self, year: int) -> None:
        """Set fresh from the standing objectives, approved on time, measured all year and
        evaluated (when 15/8 has come)."""
        loader = self.loader
        period = services.period_for(agency=self.agency, year=year)
        loader.objectives[year], loader.sets[year] = {}, {}
        for i, code in enumerate([AGENCY, *UNITS]):
            loader.sets[year][code] = services.set_create(
                actor=loader.head(code), unit=loader.units[code], period=period
            )
            for goal in GOALS:
                if (
                    goal.unit == code
                    and goal.continuing
                    and goal.direction != Objective.Direction.BY_DATE
                ):
                    last = NOW.get(goal.key)
                    changes: dict[str, Any] = {"baseline": last[-1][1] if last else goal.baseline}
                    loader.add_goal(
                        year,
                        dataclasses.replace(goal, **changes, **RUNNING_TARGETS.get(goal.key, {})),
                    )
            self.stamp(at(period.start + datetime.timedelta(days=19 + i // 4), 8 + i))
        self.approve(year)
        self.measure(year, period.start, period.end, current=False)
        evaluated = self.moment(period.end + datetime.timedelta(days=15), 9)
        if evaluated is not None:
            self.evaluate(year, evaluated)

    def set_current(self, previous: int) -> None:
        """Carried over from last year (last year's results as baselines), then approved
        and measured as far as the day allows."""
        loader = self.loader
        if previous not in loader.sets:
            self.index(previous)
        period = services.period_for(agency=self.agency, year=self.current)
        loader.objectives[self.current], loader.sets[self.current] = {}, {}
        copied = self.moment(period.start + datetime.timedelta(days=17), 8)
        if copied is None:
            return  # last year is being evaluated; the new set is not started yet
        for i, code in enumerate([AGENCY, *UNITS]):
            new = services.set_copy_forward(
                actor=loader.head(code), objective_set=loader.sets[previous][code], period=period
            )
            loader.sets[self.current][code] = new
            self.stamp(copied + datetime.timedelta(hours=i))
        self.approve(self.current)
        self.index(self.current)
        self.measure(
            self.current, period.start, self.today - datetime.timedelta(days=1), current=True
        )

    def index(self, year: int) -> None:
        """Find a year's sets and objectives (key by statement) in the database."""
        by_statement = {g.statement: g.key for g in GOALS}
        self.loader.sets[year], self.loader.objectives[year] = {}, {}
        for objective_set in ObjectiveSet.objects.filter(
            agency=self.agency, period__start__year=year
        ).select_related("unit"):
            self.loader.sets[year][objective_set.unit.code] = objective_set
            for objective in objective_set.objectives.all():
                self.loader.objectives[year][by_statement[objective.statement]] = objective

    def approve(self, year: int) -> None:
        """The units submit by 25/8 and are approved by 30/8; the Sở's set by 05/9 (days
        after the start of the school year, 1/8 unless the agency set another)."""
        start = services.period_for(agency=self.agency, year=year).start
        for i, code in enumerate([*UNITS, AGENCY]):
            agency_set = code == AGENCY
            submitted = self.moment(
                start + datetime.timedelta(days=30 if agency_set else 24), 8 + i
            )
            approved = self.moment(start + datetime.timedelta(days=35 if agency_set else 29), 8 + i)
            objective_set = self.loader.sets[year][code]
            if submitted is None:
                continue
            services.set_submit(actor=self.loader.head(code), objective_set=objective_set)
            self.stamp(submitted)
            if approved is None:
                continue
            approver = self.loader.users["giamdoc" if agency_set else "phogiamdoc"]
            services.set_approve(actor=approver, objective_set=objective_set)
            self.stamp(approved)

    def measure(
        self, year: int, start: datetime.date, until: datetime.date, *, current: bool
    ) -> None:
        """Each objective at the end of each of its periods up to ``until`` (measured the
        next working morning); the Sở's sum from the units; the computed one by eISO."""
        loader = self.loader
        approved = set(
            ObjectiveSet.objects.filter(
                agency=self.agency, period__start__year=year, status=ObjectiveSet.Status.APPROVED
            ).values_list("pk", flat=True)
        )
        sums: dict[datetime.date, Decimal] = {}
        for key, objective in loader.objectives[year].items():
            if objective.objective_set_id not in approved:
                continue
            if key not in RUNNING_FINAL:
                continue
            for day in measuring_days(start, until, MONTHS[objective.frequency]):
                share = D((day.year - start.year) * 12 + day.month - start.month + 1) / 12
                value = running_value(key, share, current=current)
                if BY_KEY[key].contributes == "so.inspect":
                    sums[day] = sums.get(day, D(0)) + value
                services.measurement_add(
                    actor=loader.measurer(BY_KEY[key].unit),
                    objective=objective,
                    measured_on=day,
                    value=value,
                )
                self.stamp(at(dating.next_working_day(day), 8, 30), sets=False)
        inspections = loader.objectives[year].get("so.inspect")
        if inspections is not None and inspections.objective_set_id in approved:
            for day, total in sorted(sums.items()):
                services.measurement_add(
                    actor=loader.users["thukyiso"],
                    objective=inspections,
                    measured_on=day,
                    value=total,
                    comment=SUMMED,
                )
                self.stamp(at(dating.next_working_day(day), 10), sets=False)
        plan = loader.objectives[year].get("so.plan")
        if plan is not None and plan.objective_set_id in approved:
            for day in sorted({*measuring_days(start, until, 1), until}):
                services.measurement_compute(objective=plan, as_of=day)
                self.stamp(at(day, 23), sets=False)

    def evaluate(self, year: int, when: datetime.datetime) -> None:
        """Each unit evaluates from its last value, then the Ban ISO the Sở's set."""
        loader = self.loader
        for code in [*UNITS, AGENCY]:
            actor = loader.head(code)
            for key, objective in loader.objectives[year].items():
                if BY_KEY[key].unit != code:
                    continue
                objective.refresh_from_db()
                if objective.aggregation != Objective.Aggregation.MANUAL:
                    result = services.rollup(objective)
                else:
                    last = objective.measurements.order_by("-measured_on", "-id").first()
                    result = last.value if last else None
                if result is None:
                    result = objective.target
                cause, action = RUNNING_MISSED.get(key, ("", ""))
                services.objective_evaluate(
                    actor=actor,
                    objective=objective,
                    result=(result or D(0)).quantize(D("0.1")),
                    cause=cause,
                    proposed_action=action,
                )
            services.set_evaluate(actor=actor, objective_set=loader.sets[year][code])
            self.stamp(when + datetime.timedelta(hours=6 if code == AGENCY else 0))


def load_running_years(
    *, units: dict[str, OrgUnit], users: dict[str, User], today: datetime.date
) -> None:
    """Idempotent per school year: a year already set is left as it is."""
    RunningYears(units, users, today).load()
