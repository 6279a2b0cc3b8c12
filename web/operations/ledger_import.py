"""Importing the committee's Excel ledgers (台账) into the duties: households at their addresses
(with who heads them, the phone and how many live there), watched members in their groups, and
the visits made before the service as past contacts on their own days, all by the importing
user. Every row is read and checked first; a dry run stops there and changes nothing. A row in
error never stops the good ones, unless all or nothing is asked for. Importing the same file
again changes nothing: an address finds its household, a member their group, a visit itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from kernel import checks
from kernel.clock import SHANGHAI
from kernel.community import Community, parse_building
from kernel.errors import DomainError
from web.operations import ledger_values as values
from web.operations.ledger_sheet import Sheet, read_rows
from web.operations.ledger_writer import LedgerWriter, Planned, RowOutcome

if TYPE_CHECKING:
    from web.bootstrap import Services

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500


@dataclass
class ImportSummary:
    """The import's rows, counted, and each row's outcome."""

    kind: str
    dry_run: bool
    outcomes: list[RowOutcome] = field(default_factory=list)
    written: bool = True

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    def line(self) -> str:
        """The one-line summary at the end."""
        note = " (dry run: nothing was changed)" if self.dry_run else ""
        if not self.written and not self.dry_run:
            note = " (all or nothing: nothing was changed)"
        return (
            f"{self.kind}: {len(self.outcomes)} rows — {self.count('created')} created, "
            f"{self.count('added')} added to households already there, "
            f"{self.count('unchanged')} unchanged, {self.count('error')} with errors{note}"
        )


def block_of(community: Community, building: int) -> str | None:
    """The block a building lies in, if any."""
    return next((b.code for b in community.blocks if building in b.buildings), None)


def plan_row(
    community: Community, sheet: Sheet, number: int, cells: Mapping[str, Any], today: date
) -> Planned:
    """One row read and checked: its address and fields, or what is wrong, column by column."""
    planned = Planned(number)

    def check(name: str, read: Callable[[Any], Any]) -> Any:
        try:
            return read(cells.get(name))
        except (values.LedgerValueError, DomainError) as error:
            why = getattr(error, "message", None) or str(error)
            planned.errors.append((sheet.headers.get(name, name), why))
            return None

    if number in sheet.merged:
        why = f"merged cells {sheet.merged[number]}: unmerge them, the value on each row"
        planned.errors.append(("", why))
        return planned
    building = check("building", lambda v: parse_building(values.plain(v)))
    if building is not None:
        block = block_of(community, building)
        if block is None:
            planned.errors.append(
                (sheet.headers["building"], f"building {building} is in no block of the community")
            )
        planned.block, planned.building = block or "", building
    planned.unit = check("unit", _place("unit", ("单元",))) or ""
    planned.room = check("room", _place("room", ("室", "号"))) or ""
    readers = _readers(sheet.kind, today)
    for name, read in readers.items():
        planned.fields[name] = check(name, read)
    return planned


def _place(name: str, suffixes: tuple[str, ...]) -> Callable[[Any], str]:
    """A unit or a room, read as the service keeps it (2单元 is 2, 502室 is 502)."""
    return lambda v: checks.text(values.unit_or_room(v, suffixes), name, required=False, limit=10)


def _readers(kind: str, today: date) -> dict[str, Callable[[Any], Any]]:
    def words(name: str, required: bool, limit: int) -> Callable[[Any], Any]:
        return lambda v: checks.text(values.plain(v), name, required=required, limit=limit)

    if kind == "households":
        return {
            "head": words("head", False, 100),
            "phone": lambda v: checks.phone(values.plain(v)),
            "people": values.people_of,
        }
    if kind == "members":
        return {
            "name": words("name", True, 100),
            "birth_year": lambda v: values.year_of(v, today),
            "group": values.groups_of,
            "since": lambda v: values.day_of(v, today) if values.plain(v) else today,
        }
    return {
        "date": lambda v: values.day_of(v, today),
        "visitor": words("visitor", True, 100),
        "notes": lambda v: checks.text(values.plain(v), "notes", required=False, limit=2000),
    }


def import_ledger(
    running: Services,
    source: str | IO[bytes],
    kind: str,
    *,
    community_id: str,
    actor: str,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    header_map: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Read, check and (unless a dry run) import a ledger; LedgerFileError for a file that
    cannot be read as one, before anything is written."""
    community = running.needs.community(community_id)
    today = running.clock.now().astimezone(SHANGHAI).date()
    sheet, rows = read_rows(source, kind, header_map)
    plans = [plan_row(community, sheet, number, cells, today) for number, cells in rows]
    summary = ImportSummary(kind, dry_run)
    if all_or_nothing and any(p.errors for p in plans):
        summary.written = False
    writer = LedgerWriter(running, community_id, actor, write=summary.written and not dry_run)
    writer.look_up(plans)
    for done, plan in enumerate(plans, start=1):
        if plan.errors:
            summary.outcomes.append(RowOutcome(plan.row, "error", errors=plan.errors))
        else:
            summary.outcomes.extend(writer.apply(kind, plan))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(plans)):
            progress(done, len(plans))
    summary.outcomes.extend(writer.flush())
    summary.outcomes.sort(key=lambda o: o.row)
    return summary
