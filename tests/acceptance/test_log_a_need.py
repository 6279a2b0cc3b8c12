"""Steps of 'Log a need' (features/block_leader/log_a_need.feature)."""

from __future__ import annotations

from uuid import UUID

from pytest_bdd import given, parsers, scenarios, then, when

from kernel.clock import ManualClock
from kernel.community import Community
from tests.acceptance.support import (
    DESCRIPTIONS,
    USER,
    Outcome,
    Person,
    attempt,
    local,
    log_position,
    needs_listed,
    open_needs,
    shanghai,
    someone,
)
from web.bootstrap import Services

scenarios("block_leader/log_a_need.feature")


@given(parsers.parse("these needs have been logged, an hour apart from {start}:"))
def logged_an_hour_apart(
    services: Services,
    community: Community,
    people: dict[str, Person],
    clock: ManualClock,
    start: str,
    datatable: list[list[str]],
) -> None:
    assert local(clock.now()).endswith(f" {start}")
    header, *rows = datatable
    for row in rows:
        need = dict(zip(header, row, strict=True))
        services.casework.log_need(
            community=community.id,
            category=need["category"],
            block=need["block"],
            building=need["building"],
            description=DESCRIPTIONS[need["category"]],
            urgency=need["urgency"],
            actor=someone(people, need["logged by"]).username,
        )
        clock.advance(hours=1)


@when(parsers.re(USER + r" logs a need in block (?P<block>B\d+):"), target_fixture="outcome")
def log_need(
    services: Services,
    community: Community,
    people: dict[str, Person],
    refusals: list[Outcome],
    username: str,
    block: str,
    datatable: list[list[str]],
) -> Outcome:
    fields = {name: value for name, value in datatable}
    actor = someone(people, username).username
    return attempt(
        services,
        community,
        refusals,
        lambda: services.casework.log_need(
            community=community.id, block=block, actor=actor, **fields
        ),
    )


@then("the need is logged", target_fixture="need")
def need_logged(services: Services, outcome: Outcome) -> UUID:
    assert outcome.error is None, repr(outcome.error)
    assert isinstance(outcome.result, UUID)
    assert services.needs.get_need(outcome.result)["id"] == outcome.result
    return outcome.result


@then(
    parsers.re(
        r"the need is in " + USER + r"'s block (?P<block>B\d+), building (?P<building>\d+), "
        r"unit (?P<unit>\S+), room (?P<room>\S+)"
    )
)
def need_address(
    services: Services,
    people: dict[str, Person],
    need: UUID,
    username: str,
    block: str,
    building: str,
    unit: str,
    room: str,
) -> None:
    assert someone(people, username).block == block
    found = services.needs.get_need(need)
    assert found["block"] == block
    household = found["household"]
    assert (household["building"], household["unit"], household["room"]) == (
        int(building),
        unit,
        room,
    )


@then(parsers.re(r"the need was logged by " + USER + r" at (?P<moment>.+), Shanghai time"))
def need_logged_by(services: Services, need: UUID, username: str, moment: str) -> None:
    found = services.needs.get_need(need)
    assert found["logged_by"] == username
    assert found["logged_at"] == shanghai(moment)


@then(parsers.re(r"the open needs of block (?P<block>B\d+) are, most urgent first:"))
def block_list(
    services: Services, community: Community, block: str, datatable: list[list[str]]
) -> None:
    header, *rows = datatable
    listed = [
        {
            "building": str(row["building"]),
            "category": row["category"],
            "urgency": row["urgency"],
            "logged at": local(row["logged_at"]),
        }
        for row in open_needs(services, community, block)
    ]
    assert listed == [dict(zip(header, row, strict=True)) for row in rows]


@then("no need has been logged")
def nothing_logged(services: Services, community: Community, outcome: Outcome) -> None:
    assert log_position(services) == outcome.log_position
    assert needs_listed(services, community) == outcome.needs_listed


@then("the refusal lists the categories of the menu")
def refusal_lists_menu(community: Community, outcome: Outcome) -> None:
    assert outcome.error is not None
    for category in community.categories:
        assert category.code in outcome.error.message
