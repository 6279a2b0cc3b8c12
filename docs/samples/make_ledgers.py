"""Writes the sample ledgers (台账) in this folder: invented households, watched members and
visits of the demo community 怒江苑, laid out as a committee's Excel sheets are — a title row
above the headers, full-width digits, dates typed as text or kept as Excel dates.
Run: .venv/bin/python docs/samples/make_ledgers.py"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HOUSEHOLDS = [
    ("１５号楼", "2单元", "502室", "王秀英", "139 1234 5678", 1),
    ("15", "2", "601", "张建国", "13800001111", 3),
    ("7号", "1", "101", "李桂兰", "021-6258 0001", 2),
    ("22号楼", "3", "302", "陈志明", "13912340000", 4),
    ("36", "1", "201", "赵玉珍", "", 1),
    ("3号楼", "2", "402", "周文华", "13600002222", "2人"),
]
MEMBERS = [
    ("15号楼", "2", "502", "王秀英", 1941, "独居老人", date(2023, 5, 1)),
    ("15", "2", "601", "张小军", "1988年", "失业", "2023.5.1"),
    ("7号", "1", "101", "李桂兰", 1950, "重病、独居老人", "2023年5月1日"),
    ("22号楼", "3", "302", "陈志明", 1949, "优抚", 45047),
    ("36", "1", "201", "赵玉珍", 1938, "统战", ""),
]
VISITS = [
    ("15号楼", "2", "502", "2023.5.1", "王丽", "老人身体尚可，需定期看望"),
    ("15号楼", "2", "502", "2023年6月3日", "王丽", "送去防暑用品"),
    ("7号", "1", "101", date(2023, 7, 15), "陈刚", "住院归来，家属照料"),
    ("22号楼", "3", "302", 45200, "刘明", "优抚政策已告知"),
]


def write(name: str, title: str, headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append([f"怒江苑居民区{title}（示例数据，人名均为虚构）"])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    book.save(HERE / name)


if __name__ == "__main__":
    write(
        "ledger-households.xlsx",
        "住户台账",
        ("楼号", "单元", "室", "户主姓名", "联系电话", "人数"),
        HOUSEHOLDS,
    )
    write(
        "ledger-members.xlsx",
        "重点对象台账",
        ("楼号", "单元", "室号", "姓名", "出生年份", "类别", "登记日期"),
        MEMBERS,
    )
    write(
        "ledger-visits.xlsx", "走访台账", ("楼 号", "单元", "室", "日期", "走访人", "情况"), VISITS
    )
