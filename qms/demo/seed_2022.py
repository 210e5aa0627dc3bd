"""Kế hoạch 187/KH-SGDĐT (07/02/2022) of Sở GDĐT Hưng Yên, as issued.

Texts are verbatim from the issued document, with line wraps removed; row 3's
"2022- 2023" is a wrap artefact and reads "2022-2023". The signing line keeps the
issued form "KT GIÁM ĐỐC" (NĐ 30 writes "KT."), and "Lưu VT, VP." likewise.
"""

HEADER = {
    "parent_body": "UBND TỈNH HƯNG YÊN",
    "issuer_name": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "number": "187/KH-SGDĐT",
    "serial": 187,
    "place": "Hưng Yên",
    "issued_on": "2022-02-07",
    "title": (
        "Duy trì áp dụng, cải tiến Hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia "
        "TCVN ISO 9001:2015 vào hoạt động của Sở Giáo dục và Đào tạo Hưng Yên năm 2022"
    ),
    "intro": (
        "Sở Giáo dục và Đào tạo xây dựng Kế hoạch duy trì áp dụng, cải tiến Hệ thống quản lý "
        "chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động của Sở năm 2022, "
        "cụ thể như sau:"
    ),
    "contact_email": "vanphong.sohungyen@moet.edu.vn",
    "signer_prefix": "KT.",
    "signer_authority": "GIÁM ĐỐC",
    "signer_line_verbatim": "KT GIÁM ĐỐC",
    "signer_position": "PHÓ GIÁM ĐỐC",
    "signer_name": "Đỗ Văn Khải",
    "appendix_title": "PHỤ LỤC",
    "appendix_subtitle": (
        "CÁC NHIỆM VỤ DUY TRÌ, CẢI TIẾN HTQLCL THEO TIÊU CHUẨN QUỐC GIA TCVN ISO 9001:2015"
    ),
    "appendix_note": "(Kèm theo Kế hoạch số 187/KH-SGDĐT ngày 07/02/2022 của Sở GDĐT)",
}

# (verb, continues previous paragraph, kind, number, date, issuer, text)
BASES = [
    (
        "Thực hiện",
        False,
        "Kế hoạch",
        "196/KH-UBND",
        "2021-12-24",
        "UBND tỉnh Hưng Yên",
        "Kế hoạch số 196/KH-UBND ngày 24/12/2021 của UBND tỉnh Hưng Yên v/v Kế hoạch Cải cách "
        "hành chính nhà nước tỉnh Hưng Yên năm 2022",
    ),
    (
        "Thực hiện",
        True,
        "Kế hoạch",
        "05/KH-SGDĐT",
        "2022-01-04",
        "Sở Giáo dục và Đào tạo",
        "Kế hoạch số 05/KH-SGDĐT ngày 04/01/2022 của Sở Giáo dục và Đào tạo về Kế hoạch cải cách "
        "hành chính của Sở Giáo dục và Đào tạo Hưng Yên năm 2022",
    ),
    (
        "Căn cứ",
        False,
        "Quyết định",
        "19/2014/QĐ-TTg",
        "2014-03-05",
        "Thủ tướng Chính phủ",
        "Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về việc áp dụng Hệ "
        "thống quản lý chất lượng theo Tiêu chuẩn TCVN ISO 9001:2008 (nay là tiêu chuẩn quốc gia "
        "TCVN ISO 9001:2015) vào hoạt động của các cơ quan hành chính nhà nước",
    ),
    (
        "Căn cứ",
        False,
        "Quyết định",
        "2862/QĐ-SGDĐT",
        "2020-11-06",
        "Giám đốc Sở GDĐT",
        "Quyết định số 2862/QĐ-SGDĐT ngày 06/11/2020 của Giám đốc Sở Giáo dục và Đào tạo tỉnh Hưng "
        "Yên về việc ban hành và áp dụng Hệ thống tài liệu quản lý chất lượng theo Tiêu chuẩn Quốc "
        "gia TCVN ISO 9001:2015",
    ),
]

SECTIONS = [
    (
        "I. MỤC ĐÍCH, YÊU CẦU",
        [
            "1. Tiếp tục duy trì áp dụng và cải tiến Hệ thống quản lý chất lượng (HTQLCL) theo tiêu "
            "chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động quản lý nhà nước của cơ quan Sở; xây "
            "dựng và công bố Hệ thống, các quy trình, tài liệu có liên quan đến các công việc hành "
            "chính, các thủ tục hành chính thuộc thẩm quyền giải quyết đã được UBND tỉnh quyết định "
            "công bố.",
            "2. Nâng cao chất lượng công tác kiểm tra việc duy trì, áp dụng, mở rộng và cải tiến "
            "HTQLCL theo tiêu chuẩn quốc gia TCVN ISO 9001:2015; đánh giá chất lượng nội bộ, khắc "
            "phục phòng ngừa và đề xuất cải tiến HTQLCL tại các phòng chuyên môn, nghiệp vụ thuộc Sở "
            "theo quy định; nâng cao hiệu lực, hiệu quả công tác quản lý nhà nước của Sở, góp phần "
            "củng cố chỉ số cải cách hành chính năm 2022 của Sở.",
            "3. Tiếp tục rà soát, bổ sung, chỉnh sửa kịp thời các quy trình giải quyết thủ tục hành "
            "chính, quy trình giải quyết công việc hành chính.",
            "4. Việc duy trì, áp dụng các quy trình theo yêu cầu của HTQLCL theo tiêu chuẩn quốc gia "
            "TCVN ISO 9001:2015 là nhiệm vụ trọng tâm và thường xuyên.",
        ],
    ),
    ("II. NHIỆM VỤ CỤ THỂ", ["(Chi tiết theo Phụ lục đính kèm)."]),
    (
        "III. TỔ CHỨC THỰC HIỆN",
        [
            "## 1. Các phòng thuộc Sở",
            "Trưởng phòng thuộc Sở có trách nhiệm quán triệt, triển khai thực hiện nghiêm Kế hoạch "
            "này đến các cán bộ, công chức, viên chức, người lao động thuộc quyền quản lý. Trên cơ sở "
            "Kế hoạch này, chủ động triển khai lồng ghép với nhiệm vụ công tác năm 2022 để tổ chức "
            "thực hiện đồng bộ và có hiệu quả.",
            "Kiểm tra, giám sát, tổ chức đánh giá và kiểm điểm việc thực hiện; đưa việc thực hiện Kế "
            "hoạch này vào tiêu chí để đánh giá, phân loại hàng năm của cán bộ, công chức, viên chức, "
            "người lao động.",
            "## 2. Các phòng Giáo dục và Đào tạo huyện, thị xã, thành phố, đơn vị trực thuộc Sở, "
            "trung tâm GDNN-GDTX",
            "Các phòng Giáo dục và Đào tạo huyện, thị xã, thành phố, đơn vị trực thuộc Sở, trung tâm "
            "GDNN-GDTX khi triển khai thực hiện các thủ tục hành chính, công việc hành chính thuộc "
            "thẩm quyền giải quyết của Sở Giáo dục và Đào tạo phải thực hiện đúng quy trình xử lý đã "
            "được Sở niêm yết, công khai; lưu ý tất cả hồ sơ giải quyết các thủ tục hành chính nộp "
            "tại bộ phận tiếp nhận và trả kết quả của Sở Giáo dục và Đào tạo tại Trung tâm Phục vụ "
            "hành chính công tỉnh Hưng Yên hoặc trực tuyến trên cổng dịch vụ công trực tuyến của "
            "tỉnh, không nộp tại các phòng chuyên môn thuộc Sở.",
            "## 3. Văn phòng Sở",
            "Văn phòng Sở có trách nhiệm theo dõi, đôn đốc, kiểm tra, tổng hợp tình hình thực hiện "
            "công tác duy trì áp dụng và cải tiến HTQLCL theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 "
            "tại Sở và báo cáo định kỳ, đột xuất theo quy định.",
        ],
    ),
]

CLOSING = (
    "Lãnh đạo Sở Giáo dục và Đào tạo yêu cầu các đơn vị nghiêm túc triển khai thực hiện. Trong "
    "quá trình triển khai thực hiện, những vấn đề phát sinh, vướng mắc, các đơn vị kịp thời phản "
    "ánh về Văn phòng Sở (qua Emai: vanphong.sohungyen@moet.edu.vn) để tổng hợp, báo cáo Lãnh đạo "
    "Sở xem xét, điều chỉnh, bổ sung cho phù hợp./."
)

RECIPIENTS = [
    "Sở Khoa học và Công nghệ;",
    "Sở Nội vụ;",
    "Ban Giám đốc Sở;",
    "Các phòng chức năng Sở;",
    "Phòng GDĐT các huyện/TP/TX;",
    "Các đơn vị trực thuộc Sở;",
    "Lưu VT, VP.",
]

# TT, Nội dung, Đơn vị chủ trì, Đơn vị phối hợp, Thời gian thực hiện — verbatim.
TASKS = [
    (
        1,
        "Xây dựng kế hoạch duy trì và áp dụng HTQLCL tiêu chuẩn quốc gia TCVN ISO 9001:2015 "
        "năm 2022",
        "Ban ISO Sở",
        "Các phòng thuộc Sở",
        "Trước 10/02/2022",
    ),
    (
        2,
        "Đánh giá kết quả thực hiện mục tiêu chất lượng năm học 2021-2022; xây dựng mục tiêu "
        "chất lượng của đơn vị năm học 2022-2023",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Trước 25/8/2022",
    ),
    (
        3,
        "Trên cơ sở mục tiêu chất lượng các phòng, Ban ISO đánh giá kết quả thực hiện mục tiêu "
        "chất lượng năm học 2021-2022, xây dựng mục tiêu chất lượng của Sở năm học 2022-2023",
        "Ban ISO Sở",
        "Các phòng thuộc Sở",
        "Trước 05/09/2022",
    ),
    (
        4,
        "Xây dựng mới một số quy trình ISO (nếu có)",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Thường xuyên",
    ),
    (
        5,
        "Rà soát, bổ sung, sửa đổi các quy trình ISO của Sở",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Thường xuyên",
    ),
    (6, "Đánh giá nội bộ", "Lãnh đạo Sở, Ban ISO", "Các phòng thuộc Sở", "Từ 01/6 đến 30/7/2022"),
    (
        7,
        "Tiến hành khắc phục sau đánh giá nội bộ",
        "Lãnh đạo Sở, Ban ISO",
        "Các phòng thuộc Sở",
        "Tháng 01/8 đến 15/9/2022",
    ),
    (
        8,
        "Tổ chức họp xem xét của Lãnh đạo",
        "Lãnh đạo Sở, Ban ISO",
        "Các phòng thuộc Sở",
        "Trước 30/9/2022",
    ),
    (
        9,
        "Các phòng thuộc Sở rà soát, bổ sung tài liệu bên ngoài của các quy trình ISO",
        "Các phòng thuộc Sở",
        "Ban ISO",
        "Thường xuyên",
    ),
    (
        10,
        "Báo cáo kết quả thực hiện hoạt động duy trì và áp dụng, cải tiến HTQLCL theo tiêu "
        "chuẩn quốc gia TCVN ISO 9001:2015 năm 2022",
        "Ban ISO",
        "Lãnh đạo Sở, Ban ISO, các phòng thuộc Sở",
        "Theo quy định",
    ),
]

# Implicit dependencies (DOMAIN.md §2): 2 → 3; 6 → 7; 2, 3, 6, 7 → 8; all → 10.
DEPENDENCIES = {3: [2], 7: [6], 8: [2, 3, 6, 7], 10: [1, 2, 3, 4, 5, 6, 7, 8, 9]}
