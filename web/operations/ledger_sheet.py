"""The committee's ledger sheets as rows of named fields: the file checked to be XLSX, the header
row found among the first rows (under a title, perhaps) and its columns named by the usual Chinese
headers, their common variants, or the reader's own map; merged cells found and named. Read in
openpyxl's streaming (read-only) mode, so a long ledger is never held whole."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from web.operations.ledger_values import plain

KINDS = ("households", "members", "visits")
# Each field, with the headers ledgers give it (compared without spaces, full-width made plain).
HEADERS: dict[str, tuple[str, ...]] = {
    "building": ("楼号", "楼", "幢", "栋", "楼栋", "楼幢", "幢号", "楼栋号", "号楼"),
    "unit": ("单元", "单元号"),
    "room": ("室", "室号", "房号", "房间号", "门牌号", "户室"),
    "head": ("户主姓名", "户主", "户主名"),
    "phone": ("联系电话", "电话", "手机", "手机号", "联系方式", "电话号码"),
    "people": ("人数", "户内人数", "家庭人数", "人口", "常住人数", "家庭人口"),
    "name": ("姓名", "名字", "居民姓名"),
    "birth_year": ("出生年份", "出生年", "出生年月", "出生日期", "出生"),
    "group": ("类别", "类型", "对象类别", "重点对象", "人员类别"),
    "since": ("登记日期", "纳入日期", "起始日期"),
    "date": ("日期", "走访日期", "走访时间", "时间"),
    "visitor": ("走访人", "走访干部", "访问人", "走访者"),
    "notes": ("情况", "走访情况", "情况记录", "备注", "内容"),
}
FIELDS = {
    "households": ("building", "unit", "room", "head", "phone", "people"),
    "members": ("building", "unit", "room", "name", "birth_year", "group", "since"),
    "visits": ("building", "unit", "room", "date", "visitor", "notes"),
}
REQUIRED = {
    "households": ("building",),
    "members": ("building", "name", "group"),
    "visits": ("building", "date", "visitor"),
}
HEADER_ROWS = 10  # a header is looked for this far down (titles and notes sit above it)
MAX_ROWS = 100_000
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


class LedgerFileError(ValueError):
    """The file as a whole cannot be read as a ledger; the message says what to fix."""


@dataclass
class Sheet:
    """A ledger sheet: its header row's number, what each column means, the merged rows."""

    kind: str
    header_row: int
    columns: dict[int, str]
    headers: dict[str, str] = field(default_factory=dict)  # field: the header the sheet gives it
    merged: dict[int, str] = field(default_factory=dict)  # row number: the merged range


def header_key(text: Any) -> str:
    return re.sub(r"\s+", "", plain(text)).strip("*：:")


def parse_map(text: str) -> dict[str, str]:
    """A reader's header map, `户主=head, 门牌=room` (one pair a line or comma), checked."""
    found: dict[str, str] = {}
    for pair in re.split(r"[\n,，;；]+", text or ""):
        if not pair.strip():
            continue
        header, sep, name = pair.partition("=")
        if not sep or name.strip() not in HEADERS:
            known = ", ".join(HEADERS)
            raise LedgerFileError(f"{pair.strip()!r} is not 'header=field' (fields: {known})")
        found[header_key(header)] = name.strip()
    return found


def _names(kind: str, extra: Mapping[str, str]) -> dict[str, str]:
    names = {header_key(h): f for f in FIELDS[kind] for h in HEADERS[f]}
    names.update({h: f for h, f in extra.items() if f in FIELDS[kind]})
    return names


def open_ledger(source: str | IO[bytes]) -> Any:
    """The workbook, read-only; LedgerFileError for a file that is not XLSX."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise LedgerFileError(
            f"this is not an Excel workbook (.xlsx): save it from Excel as .xlsx ({error})"
        ) from None


def find_header(kind: str, rows: list[tuple[Any, ...]], extra: Mapping[str, str]) -> Sheet:
    """The first of the top rows that names the kind's required columns."""
    names = _names(kind, extra)
    for number, row in enumerate(rows[:HEADER_ROWS], start=1):
        columns = {i: names[header_key(v)] for i, v in enumerate(row) if header_key(v) in names}
        if set(REQUIRED[kind]) <= set(columns.values()):
            headers = {f: plain(row[i]) for i, f in columns.items()}
            return Sheet(kind, number, columns, headers)
    wanted = "、".join(HEADERS[f][0] for f in REQUIRED[kind])
    raise LedgerFileError(
        f"no header row with the columns {wanted} in the first {HEADER_ROWS} rows: name the "
        "columns as the committee's ledger does, or map your headers to fields"
    )


def merged_rows(source: str | IO[bytes], sheet_index: int = 0) -> dict[int, str]:
    """The rows covered by merged cells of the sheet, each with the range covering it."""
    if not isinstance(source, str):
        source.seek(0)
    with zipfile.ZipFile(source) as archive:
        sheets = sorted(
            n for n in archive.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)
        )
        if not sheets:
            return {}
        data = archive.read(sheets[sheet_index])
    covered: dict[int, str] = {}
    for first_col, first_row, last_col, last_row in _MERGE.findall(data):
        start, end = int(first_row), int(last_row or first_row)
        name = f"{first_col.decode()}{start}:{(last_col or first_col).decode()}{end}"
        for number in range(start, end + 1):
            covered.setdefault(number, name)
    return covered


def read_rows(
    source: str | IO[bytes], kind: str, extra: Mapping[str, str] | None = None
) -> tuple[Sheet, Iterator[tuple[int, dict[str, Any]]]]:
    """The sheet and its data rows as (row number, {field: cell}), blank rows left out."""
    if kind not in KINDS:
        raise LedgerFileError(f"{kind!r} is not a kind of ledger ({', '.join(KINDS)})")
    book = open_ledger(source)
    worksheet = book.worksheets[0]
    top = list(worksheet.iter_rows(max_row=HEADER_ROWS, values_only=True))
    sheet = find_header(kind, top, extra or {})
    if (worksheet.max_row or 0) - sheet.header_row > MAX_ROWS:
        raise LedgerFileError(f"more than {MAX_ROWS:,} rows: split the ledger into smaller files")
    sheet.merged = merged_rows(source)
    if sheet.header_row in sheet.merged:
        raise LedgerFileError(
            f"the header row has merged cells ({sheet.merged[sheet.header_row]}): unmerge them so "
            "each column has its own header"
        )

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            start = sheet.header_row + 1
            for number, row in enumerate(
                worksheet.iter_rows(min_row=start, values_only=True), start=start
            ):
                if number - sheet.header_row > MAX_ROWS:
                    raise LedgerFileError(
                        f"more than {MAX_ROWS:,} rows: split the ledger into smaller files"
                    )
                cells = {f: row[i] for i, f in sheet.columns.items() if i < len(row)}
                if all(plain(v) == "" for v in cells.values()):
                    continue
                yield number, cells
        finally:
            book.close()

    return sheet, rows()
