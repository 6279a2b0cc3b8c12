"""Steps of features/secretary/monthly_report.feature; the household, its life events and the
passing days are the three fives' steps (this folder's conftest.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import parsers, scenarios, then, when

from kernel.community import Community
from tests.acceptance.support import USER, Person
from web.bootstrap import Services
from web.operations.report import monthly_report, period_of

scenarios("secretary/monthly_report.feature")


@pytest.fixture
def asked() -> dict[str, Any]:
    """The report asked for, and its period."""
    return {}


@when(
    parsers.re(
        r"(?:the secretary|" + USER + r") asks for the report from (?P<first>\S+) to (?P<last>\S+)"
    )
)
def ask(
    services: Services,
    community: Community,
    people: dict[str, Person],
    asked: dict[str, Any],
    first: str,
    last: str,
    username: str | None = None,
) -> None:
    person = people.get(username or "")
    blocks = [person.block] if person is not None and person.block else None
    days = (date.fromisoformat(first), date.fromisoformat(last))
    asked.update(
        report=monthly_report(services, community.id, *days, blocks),
        period=period_of(*days, services.clock.now()),
    )


def cell(asked: dict[str, Any], block: str, category: str) -> dict[str, Any]:
    return next(
        c for c in asked["report"]["needs"] if (c["block"], c["category"]) == (block, category)
    )


@then(
    parsers.re(
        r"the report shows for (?P<block>B\d+) (?P<category>[a-z_]+): (?P<logged>\d+) logged, "
        r"(?P<resolved>\d+) resolved as helped, (?P<open>\d+) open at the end"
    )
)
def shows_cell(
    asked: dict[str, Any], block: str, category: str, logged: str, resolved: str, open: str
) -> None:
    found = cell(asked, block, category)
    assert found["logged"] == int(logged)
    assert found["outcomes"].get("helped", 0) == int(resolved)
    assert found["open_at_end"] == int(open)


@then(
    parsers.re(
        r"the report shows (?P<due>\d+) visit due in (?P<block>B\d+) and (?P<late>\d+) overdue"
    )
)
def shows_visits(asked: dict[str, Any], due: str, block: str, late: str) -> None:
    row = next(r for r in asked["report"]["duties"] if (r["block"], r["kind"]) == (block, "visit"))
    assert (row["due"], row["overdue"]) == (int(due), int(late))


@then(parsers.re(r"the report shows (?P<n>\d+) need in (?P<block>B\d+) overdue for first contact"))
def shows_overdue(asked: dict[str, Any], n: str, block: str) -> None:
    overdue = sum(c["overdue_at_end"] for c in asked["report"]["needs"] if c["block"] == block)
    assert overdue == int(n)


@then("the report's totals are the board's and the compliance page's")
def same_as_board(services: Services, community: Community, asked: dict[str, Any]) -> None:
    now = services.clock.now()
    totals = asked["report"]["needs_totals"]
    counts = services.view.counts(community.id)
    assert totals["open_at_end"] == sum(r["n"] for r in counts if r["status"] != "resolved")
    hours = {c.code: c.first_contact_hours for c in community.categories}
    overdue = services.board.list_overdue_needs(community.id, hours, now)
    assert totals["overdue_at_end"] == len(overdue)
    compliance = services.duties_view.compliance(community.id, asked["period"].start, now)
    for key in ("due", "on_time", "late", "overdue"):
        assert asked["report"]["duties_totals"][key] == sum(r[key] for r in compliance)


@when(parsers.re(USER + r" follows the need up: the resident is (?P<verdict>[a-z_]+)"))
def follows_up(
    services: Services, people: dict[str, Person], need: UUID, username: str, verdict: str
) -> None:
    services.needs.record_follow_up(need, verdict, "回访", actor=people[username].username)


@then(
    parsers.re(
        r"the report shows for (?P<block>B\d+) (?P<resolved>\d+) needs? resolved, "
        r"(?P<followed>\d+) followed up, (?P<satisfied>\d+) satisfied"
    )
)
def shows_follow_ups(
    asked: dict[str, Any], block: str, resolved: str, followed: str, satisfied: str
) -> None:
    row = next(r for r in asked["report"]["follow_ups"] if r["block"] == block)
    found = (row["resolved"], row["followed_up"], row["verdicts"]["satisfied"])
    assert found == (int(resolved), int(followed), int(satisfied))


@then("the report's follow-ups are the follow-up board's")
def follow_ups_as_board(services: Services, community: Community, asked: dict[str, Any]) -> None:
    from web.operations.follow_ups import follow_up_board

    board = follow_up_board(services, community.id, None, services.clock.now())
    keys = ("resolved", "followed_up", "confirmed_helped")
    totals = asked["report"]["follow_ups_totals"]
    assert {k: totals[k] for k in keys} == {k: sum(r[k] for r in board["blocks"]) for k in keys}


@then("the report names no resident")
def names_nobody(asked: dict[str, Any]) -> None:
    text = repr(asked["report"])
    for word in ("502", "resident_name", "contact_phone", "description"):
        assert word not in text


@then(parsers.re(r"the report covers block (?P<block>B\d+) only"))
def covers_only(asked: dict[str, Any], block: str) -> None:
    assert asked["report"]["blocks"] == [block]
    assert {c["block"] for c in asked["report"]["needs"]} == {block}
    assert asked["report"]["needs_totals"]["logged"] == 1
    assert timedelta(0) <= asked["period"].end - asked["period"].start
