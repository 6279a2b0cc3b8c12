"""Steps shared by the referral clock's and the reminders' specifications: the clock ticking at a
moment (as beat's task does, in the test's process), the secretary's board, and a leader's
reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, then, when

from kernel.clock import ManualClock
from kernel.community import Community
from tests.acceptance.support import (
    PARTNER,
    USER,
    WEEKLY_CAPACITY,
    Person,
    RegisteredPartner,
    local,
    names,
    shanghai,
    someone,
)
from web.bootstrap import Services
from web.operations.reminders import reminders_for
from web.tasks.referral_clock import check_referral_clocks


@pytest.fixture
def ticks() -> list[dict[str, int]]:
    """What each tick of the clock reported, in order."""
    return []


def tick_at(services: Services, clock: ManualClock, ticks: list[dict[str, int]], time: str) -> None:
    day = local(clock.now())[:10]
    ahead = shanghai(f"{day} {time}") - clock.now()
    assert ahead.total_seconds() >= 0, "the clock only moves forward"
    clock.advance(seconds=ahead.total_seconds())
    ticks.append(check_referral_clocks(services, clock.now()))


@when(parsers.re(r"the referral clock ticks (?:again )?at (?P<time>\d\d:\d\d)"))
def clock_ticks(
    services: Services, clock: ManualClock, ticks: list[dict[str, int]], time: str
) -> None:
    tick_at(services, clock, ticks, time)


@given(parsers.re(r"the referral clock has run through every partner by (?P<time>\d\d:\d\d)"))
def clock_ran_through(
    services: Services, clock: ManualClock, ticks: list[dict[str, int]], need: UUID, time: str
) -> None:
    by = shanghai(f"{local(clock.now())[:10]} {time}")
    while not services.needs.get_need(need)["escalated"]:
        sent = [r for r in services.needs.get_need(need)["referrals"] if r["status"] == "sent"]
        late = sent[0]["respond_by"] + timedelta(minutes=1) - clock.now()
        clock.advance(seconds=max(late.total_seconds(), 0))
        ticks.append(check_referral_clocks(services, clock.now()))
    assert clock.now() <= by


@given(
    parsers.re(
        r"(?P<username>[a-z][a-z0-9._]*) has registered the partner (?P<name>\S+), "
        r"serving (?P<serves>[a-z_, ]+) in all blocks"
    )
)
def registered_one_more(
    services: Services,
    community: Community,
    partners: dict[str, RegisteredPartner],
    people: dict[str, Person],
    username: str,
    name: str,
    serves: str,
) -> None:
    assert someone(people, username).role == "secretary"
    partner_id = services.partners.register_partner(
        community=community.id,
        name=name,
        kind="government",
        categories=names(serves),
        blocks=["*"],
        weekly_capacity=WEEKLY_CAPACITY,
        actor=username,
    )
    partners[name] = RegisteredPartner(partner_id, name, f"{name}.clerk")


@given(parsers.re(USER + r" has visited the household"))
def visited(services: Services, people: dict[str, Person], need: UUID, username: str) -> None:
    services.needs.record_visit(need, "已上门看望", actor=someone(people, username).username)


@then(parsers.re(r"the clock reports (?P<count>\d+) cases? (?P<outcome>re-offered|escalated)"))
def clock_reports(ticks: list[dict[str, int]], count: str, outcome: str) -> None:
    assert ticks[-1] == {outcome: int(count)}


@then("the clock reports nothing done")
def clock_reports_nothing(ticks: list[dict[str, int]]) -> None:
    assert ticks[-1] == {}


@then(parsers.re(r"the need has (?P<count>\d+) referrals?"))
def referral_count(services: Services, need: UUID, count: str) -> None:
    assert len(services.needs.get_need(need)["referrals"]) == int(count)


@then(parsers.re(r'the need is escalated, because "(?P<reason>[^"]*)"'))
def escalated(services: Services, need: UUID, reason: str) -> None:
    found = services.needs.get_need(need)
    assert found["escalated"] is True
    assert found["escalation_reason"] == reason
    assert services.needs.get_history(need)[-1]["type"] == "Escalated"


@then("the need is not escalated")
def not_escalated(services: Services, need: UUID) -> None:
    assert services.needs.get_need(need)["escalated"] is False


@then("the need is on the secretary's board")
def on_the_board(services: Services, community: Community, need: UUID) -> None:
    board = services.board.list_escalated(community.id)
    assert [row["need_id"] for row in board] == [str(need)]


@then("the secretary's board is empty")
def board_empty(services: Services, community: Community) -> None:
    assert services.board.list_escalated(community.id) == []


def reminders(
    services: Services, community: Community, people: dict[str, Person], username: str
) -> list[dict[str, Any]]:
    block = someone(people, username).block
    return reminders_for(services, community.id, [block] if block else None, services.clock.now())


@then(
    parsers.re(
        USER
        + r" is reminded that (?:the need (?P<state>was escalated|is overdue)|"
        + PARTNER
        + r" declined the referral, for the reason (?P<reason>\w+))"
    )
)
def reminded(
    services: Services,
    community: Community,
    people: dict[str, Person],
    need: UUID,
    username: str,
    state: str | None,
    partner: str | None,
    reason: str | None,
) -> None:
    found = reminders(services, community, people, username)
    kind = {"was escalated": "escalated", "is overdue": "overdue"}.get(state or "")
    expected = kind or "referral_declined"
    assert [(r["kind"], r["need_id"]) for r in found] == [(expected, str(need))]
    if partner is not None:
        assert (found[0]["partner_name"], found[0]["detail"]) == (partner, reason)


@then(parsers.re(USER + r" has no reminders"))
def no_reminders(
    services: Services, community: Community, people: dict[str, Person], username: str
) -> None:
    assert reminders(services, community, people, username) == []
