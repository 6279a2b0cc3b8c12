"""The household ledger (台账) as the committee keeps it in Excel: one row a household, in its
own columns (which the ledger import reads back), written in openpyxl's write-only mode. It is
personal data: the secretary alone exports it, and each household's read is recorded in who
looked."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from duties.domain import Household
from duties.rules import GROUPS
from web.operations.ledger_values import GROUP_NAMES

if TYPE_CHECKING:
    from web.bootstrap import Services

COLUMNS = (
    "序号",
    "块",
    "楼号",
    "单元",
    "室",
    "户主姓名",
    "联系电话",
    "人数",
    "重点对象",
    "最近走访",
)
WIDTHS = (6, 8, 8, 6, 8, 12, 16, 6, 30, 12)
FIELDS = ("unit", "room", "head", "phone", "members", "contacts")
_GROUP_WORDS = {group: next(n for n, g in GROUP_NAMES.items() if g == group) for group in GROUPS}
_PAGE = 500


def ledger_row(number: int, household: Household, block_name: str) -> list[Any]:
    """A household as the ledger's row: its address, head, phone, people, watched members."""
    members = [
        f"{m.member}（{_GROUP_WORDS.get(m.group, m.group)}）"
        for m in household.memberships
        if m.ends_on is None
    ]
    last = max((c["on"] for c in household.contacts), default=None)
    return [
        number,
        block_name,
        household.building,
        str(household.unit),
        str(household.room),
        str(household.head),
        str(household.phone),
        household.people,
        "、".join(members),
        last,
    ]


def export_households(
    running: Services, community_id: str, actor: str, target: Path | IO[bytes]
) -> int:
    """Write the community's household ledger; returns how many households it holds."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    community = running.needs.community(community_id)
    names = {b.code: b.name for b in community.blocks}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("住户台账")
    sheet.freeze_panes = "A2"
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count, offset, reads = 0, 0, []
    now = running.clock.now()
    while True:
        ids, total = running.duties_view.list_households(community_id, None, _PAGE, offset)
        for household_id in ids:
            household = running.duties.load_household(household_id)
            count += 1
            row = ledger_row(count, household, names.get(household.block, household.block))
            cells = [WriteOnlyCell(sheet, value=v) for v in row]
            cells[-1].number_format = "yyyy-mm-dd"
            sheet.append(cells)
            reads.append(
                {
                    "username": actor,
                    "need_id": str(household_id),
                    "fields": ",".join(FIELDS),
                    "via": "ledger export",
                    "read_at": now,
                }
            )
        offset += _PAGE
        if offset >= total:
            break
    book.save(target)
    for start in range(0, len(reads), _PAGE):
        running.access_log.record(reads[start : start + _PAGE])
    return count
