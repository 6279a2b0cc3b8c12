"""Steps of features/secretary/ledger_import.feature."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from pytest_bdd import given, parsers, scenarios, then, when

from duties.domain import Household
from kernel.community import Community
from web.bootstrap import Services
from web.operations.ledger_import import ImportSummary, import_ledger

scenarios("secretary/ledger_import.feature")
SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"
KINDS = ("households", "members", "visits")


@pytest.fixture
def imports() -> list[ImportSummary]:
    """Every import run, in order."""
    return []


@pytest.fixture
def ledger() -> dict[str, Any]:
    """The ledger a scenario writes: its kind and the workbook's bytes."""
    return {}


def run(
    services: Services, community: Community, source: Any, kind: str, **options: Any
) -> ImportSummary:
    return import_ledger(
        services, source, kind, community_id=community.id, actor="secretary", **options
    )


def household(services: Services, community: Community, address: str) -> Household:
    match = re.fullmatch(r"(\d+)号楼 (\S+)-(\S+)", address)
    assert match is not None
    building = int(match.group(1))
    block = next(b.code for b in community.blocks if building in b.buildings)
    found = services.duties.find_household(community.id, block, building, *match.group(2, 3))
    assert found is not None, address
    return services.duties.load_household(found)


@when(parsers.re(r"the secretary imports the sample ledger of (?P<kind>\w+)"))
def import_sample(
    services: Services, community: Community, imports: list[ImportSummary], kind: str
) -> None:
    imports.append(run(services, community, str(SAMPLES / f"ledger-{kind}.xlsx"), kind))


@when("the secretary imports the three sample ledgers again", target_fixture="recorded")
def import_again(services: Services, community: Community, imports: list[ImportSummary]) -> int:
    before = services.duties.recorder.max_notification_id() or 0
    imports.clear()
    for kind in KINDS:
        import_sample(services, community, imports, kind)
    return before


@when(parsers.re(r"the secretary checks the sample ledger of (?P<kind>\w+) in a dry run"))
def dry_run(
    services: Services, community: Community, imports: list[ImportSummary], kind: str
) -> None:
    path = str(SAMPLES / f"ledger-{kind}.xlsx")
    imports.append(run(services, community, path, kind, dry_run=True))


@given(parsers.re(r"a ledger of (?P<kind>\w+) with these rows:"))
def a_ledger(ledger: dict[str, Any], kind: str, datatable: list[list[str]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for i, row in enumerate(datatable):
        sheet.append([int(v) if i and v.isdigit() and len(v) == 5 else v for v in row])
    out = io.BytesIO()
    book.save(out)
    ledger.update(kind=kind, content=out.getvalue())


@when(parsers.re(r"the secretary imports it(?P<all> all or nothing)?"))
def import_it(
    services: Services,
    community: Community,
    imports: list[ImportSummary],
    ledger: dict[str, Any],
    all: str | None,
) -> None:
    source = io.BytesIO(ledger["content"])
    imports.append(run(services, community, source, ledger["kind"], all_or_nothing=bool(all)))


@then(parsers.re(r"(?P<n>\d+|no) households? (?:is|are) registered"))
def registered(services: Services, community: Community, n: str) -> None:
    count = services.duties_view.list_households(community.id, None, 1, 0)[1]
    assert count == (0 if n == "no" else int(n))


@then(
    parsers.re(
        r"the household at (?P<address>\S+ \S+) is headed by (?P<head>\S+) "
        r"with (?P<people>\d+) persons?"
    )
)
def headed_by(
    services: Services, community: Community, address: str, head: str, people: str
) -> None:
    found = household(services, community, address)
    assert (found.head, found.people) == (head, int(people))


@then(
    parsers.re(
        r"(?P<name>\S+) of (?P<address>\S+ \S+) is watched as (?P<group>\w+) since (?P<day>\S+)"
    )
)
def watched(
    services: Services, community: Community, name: str, address: str, group: str, day: str
) -> None:
    found = household(services, community, address)
    membership = found.membership(found.member_id(name), group)
    assert membership is not None
    assert membership.starts_on == date.fromisoformat(day)


@then(
    parsers.re(
        r"the household at (?P<address>\S+ \S+) was visited by (?P<visitor>\S+) on (?P<days>.+)"
    )
)
def visited(
    services: Services, community: Community, address: str, visitor: str, days: str
) -> None:
    found = household(services, community, address)
    expected = [date.fromisoformat(d) for d in re.split(r",\s*|\s+and\s+", days)]
    assert sorted(c["on"] for c in found.contacts if c["visitor"] == visitor) == expected


@then("every row is unchanged and nothing new is recorded")
def unchanged(services: Services, imports: list[ImportSummary], recorded: int) -> None:
    assert all(o.action == "unchanged" for s in imports for o in s.outcomes)
    assert (services.duties.recorder.max_notification_id() or 0) == recorded


@then(parsers.re(r"rows (?P<first>\d+) to (?P<last>\d+) would each create a household"))
def would_create(imports: list[ImportSummary], first: str, last: str) -> None:
    outcomes = imports[-1].outcomes
    assert [o.row for o in outcomes] == list(range(int(first), int(last) + 1))
    assert {o.action for o in outcomes} == {"created"}


@then(
    parsers.re(r"row (?P<row>\d+) is refused in column (?P<column>\S+?)(?:: \"(?P<why>[^\"]*)\")?$")
)
def refused(imports: list[ImportSummary], row: str, column: str, why: str | None) -> None:
    outcome = next(o for o in imports[-1].outcomes if o.row == int(row))
    assert outcome.action == "error"
    assert outcome.errors[0][0] == column
    if why:
        assert outcome.errors[0][1] == why


@then(parsers.re(r'the summary reads "(?P<line>[^"]*)"'))
def summary_reads(imports: list[ImportSummary], line: str) -> None:
    assert imports[-1].line() == line
