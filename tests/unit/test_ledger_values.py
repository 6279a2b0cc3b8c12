"""How the ledger import reads what committees type: dates as text or Excel serials, full-width
digits, years, numbers of people and the watched groups by their Chinese names."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from web.operations.ledger_sheet import LedgerFileError, find_header, parse_map
from web.operations.ledger_values import (
    LedgerValueError,
    day_of,
    groups_of,
    people_of,
    plain,
    unit_or_room,
    year_of,
)

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "typed",
    [
        "2023.5.1",
        "2023年5月1日",
        "2023-05-01",
        "2023/5/1",
        "２０２３．５．１",
        45047,
        45047.0,
        "45047",
        datetime(2023, 5, 1, 9, 30),
        date(2023, 5, 1),
    ],
)
def test_a_day_is_read_however_the_ledger_typed_it(typed: object) -> None:
    assert day_of(typed, TODAY) == date(2023, 5, 1)


@pytest.mark.parametrize("typed", ["2023.13.1", "五月一日", "", "2027.1.1", 0])
def test_a_day_that_is_no_day_says_how_to_write_one(typed: object) -> None:
    with pytest.raises(LedgerValueError):
        day_of(typed, TODAY)


def test_full_width_digits_and_suffixes_are_read_as_the_service_keeps_them() -> None:
    assert plain("１５号楼") == "15号楼"
    assert plain(2.0) == "2"
    assert unit_or_room("２单元", ("单元",)) == "2"
    assert unit_or_room("502室", ("室", "号")) == "502"


def test_years_and_people() -> None:
    assert year_of("1950年", TODAY) == 1950
    assert year_of(1950.0, TODAY) == 1950
    assert year_of(None, TODAY) is None
    assert people_of("3人") == 3
    with pytest.raises(LedgerValueError):
        year_of(1850, TODAY)
    with pytest.raises(LedgerValueError):
        people_of("很多")


def test_the_watched_groups_by_their_chinese_names_several_in_a_cell() -> None:
    assert groups_of("独居老人、重病") == ["elderly_alone", "seriously_ill"]
    assert groups_of("失业人员") == ["unemployed"]
    assert groups_of("统战，优抚") == ["united_front", "special_care"]
    with pytest.raises(LedgerValueError, match="独居老人"):
        groups_of("低保")


def test_the_header_row_is_found_under_a_title_and_a_readers_map_is_used() -> None:
    rows = [("怒江苑住户台账",), (), ("楼 号", "门牌", "户主")]
    sheet = find_header("households", rows, parse_map("门牌=room"))
    assert sheet.header_row == 3
    assert sheet.columns == {0: "building", 1: "room", 2: "head"}
    with pytest.raises(LedgerFileError, match="楼号"):
        find_header("households", [("姓名", "电话")], {})
    with pytest.raises(LedgerFileError, match="fields"):
        parse_map("门牌=door")
