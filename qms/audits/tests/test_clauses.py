"""The clause library: read once from the app's own data, looked up by number."""

from __future__ import annotations

import json

from qms.audits import clauses


def test_library_has_the_clauses_of_the_standard_in_order() -> None:
    numbers = [c.number for c in clauses.all_clauses()]
    assert numbers[0] == "4"
    assert numbers[-1] == "10.3"
    assert "7.5" in numbers and "9.2" in numbers
    assert numbers == sorted(numbers, key=clauses.sort_key)
    assert {c.level for c in clauses.all_clauses()} == {1, 2}


def test_lookup_by_number_gives_the_vietnamese_title() -> None:
    clause = clauses.get("9.2")
    assert clause is not None
    assert clause.title == "Đánh giá nội bộ"
    assert clause.label == "9.2 Đánh giá nội bộ"
    assert clause.parent == "9"
    assert clauses.title("7.5") == "Thông tin dạng văn bản"
    assert clauses.get(" 7.5 ") == clauses.get("7.5")


def test_unknown_number_is_shown_as_written() -> None:
    assert clauses.get("11.9") is None
    assert not clauses.is_known("11.9")
    assert clauses.label("11.9") == "11.9"
    assert clauses.title("11.9") == ""


def test_sort_key_orders_numbers_as_the_standard() -> None:
    assert sorted(["10.1", "4.2", "9.2", "4.10"], key=clauses.sort_key) == [
        "4.2",
        "4.10",
        "9.2",
        "10.1",
    ]


def test_choices_for_forms() -> None:
    plain = clauses.choices(blank="—")
    assert plain[0] == ("", "—")
    assert ("8.5", "8.5 Sản xuất và cung cấp dịch vụ") in plain
    level2 = clauses.choices(level2_only=True)
    assert ("8", "8 Thực hiện") not in level2
    grouped = clauses.grouped_choices()
    assert grouped[0][0] == "4 Bối cảnh của tổ chức"
    assert ("4.1", "4.1 Hiểu tổ chức và bối cảnh của tổ chức") in grouped[0][1]  # type: ignore[operator]


def test_the_product_reads_its_own_copy_of_the_data() -> None:
    assert clauses.DATA_PATH.parts[-3:] == ("audits", "data", "iso9001_2015_clauses_vi.json")
    data = json.loads(clauses.DATA_PATH.read_text(encoding="utf-8"))
    assert len(data["clauses"]) == len(clauses.all_clauses())
    assert clauses.standard().startswith("TCVN ISO 9001:2015")
