"""Steps of the three fives (features/block_leader/must_*.feature): a household, its life events
and watched members, the duties clock as beat runs it, the block leader's "today", and records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, then, when

from duties.exceptions import DutiesError
from duties.values import day_end, local_day
from kernel.clock import ManualClock
from kernel.community import Community
from tests.acceptance.support import USER, Person, local, shanghai, someone
from web.bootstrap import Services
from web.operations.proactive import turn_record_into_need
from web.tasks.duties import fall_due


@pytest.fixture
def fallen() -> list[int]:
    """How many asks each run of the duties clock made fall due."""
    return []


@pytest.fixture
def refused() -> list[DutiesError]:
    """The errors the rules refused commands with."""
    return []


@pytest.fixture
def discharged() -> list[UUID]:
    """The duties discharged, in order."""
    return []


def duties_due(services: Services, block: str | None, due: str = "today") -> list[dict[str, Any]]:
    """Open duties as the leader's "today" lists them (due: today, overdue or all)."""
    now = services.clock.now()
    community = next(iter(services.duties.communities))
    blocks = [block] if block else None
    rows, _ = services.duties_view.list_duties(community, blocks, due, now, day_end(local_day(now)))
    return [services.duties.get_duty(UUID(row["duty_id"])) for row in rows]


@given(
    parsers.re(
        r"a household at building (?P<building>\S+), unit (?P<unit>\S+), room (?P<room>\S+) "
        r"in block (?P<block>B\d+)"
    ),
    target_fixture="household",
)
def a_household(
    services: Services, community: Community, building: str, unit: str, room: str, block: str
) -> UUID:
    return services.duties.register_household(
        community=community.id, block=block, building=building, unit=unit, room=room, actor="setup"
    )


@given(
    parsers.re(USER + r" has recorded that someone in the household is (?P<event>hospitalised)"),
    target_fixture="duty",
)
@when(
    parsers.re(USER + r" records that someone in the household is (?P<event>hospitalised)"),
    target_fixture="duty",
)
@when(parsers.re(USER + r" records that the household (?P<event>[a-z_]+)"), target_fixture="duty")
def life_event(
    services: Services, people: dict[str, Person], household: UUID, username: str, event: str
) -> UUID:
    actor = someone(people, username).username
    return services.duties.record_life_event(household, event, "", actor=actor)


@given(
    parsers.re(
        r"(?P<member>\S+) of the household belongs to (?P<group>[a-z_]+) from (?P<day>[\d-]+)"
    )
)
def member_in_group(services: Services, household: UUID, member: str, group: str, day: str) -> None:
    services.duties.join_group(household, member, group, date.fromisoformat(day), actor="setup")


@when(parsers.re(r"(?P<days>\d+) days? and (?P<hours>\d+) hours? pass"))
def days_pass(clock: ManualClock, days: str, hours: str) -> None:
    clock.advance(days=int(days), hours=int(hours))


@when(parsers.re(r"the duties clock runs at (?P<time>\d\d:\d\d) on (?P<day>[\d-]+)"))
def duties_clock_runs(
    services: Services, clock: ManualClock, fallen: list[int], time: str, day: str
) -> None:
    ahead = shanghai(f"{day} {time}") - clock.now()
    assert ahead >= timedelta(0), "the clock only moves forward"
    clock.advance(seconds=ahead.total_seconds())
    fallen.append(fall_due(services, clock.now()))


@when(parsers.re(USER + r' discharges the duty with the notes "(?P<notes>[^"]*)"'))
def discharge(
    services: Services,
    people: dict[str, Person],
    discharged: list[UUID],
    username: str,
    notes: str,
) -> None:
    user = someone(people, username)
    duty = duties_due(services, user.block, "all")[0]
    services.duties.discharge_duty(duty["id"], notes, actor=user.username)
    discharged.append(duty["id"])


@then(parsers.re(r"a visit to the household is due by (?P<time>\d\d:\d\d) on (?P<day>[\d-]+)"))
def visit_due(services: Services, household: UUID, duty: UUID, time: str, day: str) -> None:
    found = services.duties.get_duty(duty)
    assert (found["kind"], found["household_id"], found["status"]) == ("visit", household, "open")
    assert local(found["due_at"]) == f"{day} {time}"


@then(parsers.re(USER + r" has nothing overdue today"))
def nothing_overdue(services: Services, people: dict[str, Person], username: str) -> None:
    assert duties_due(services, someone(people, username).block, "overdue") == []


@then(parsers.re(USER + r"'s today is empty"))
def today_empty(services: Services, people: dict[str, Person], username: str) -> None:
    assert duties_due(services, someone(people, username).block) == []


@then(
    parsers.re(
        USER + r"'s today shows the (?P<kind>visit|ask)(?: after (?P<member>\S+))? for "
        r"(?P<reason>[a-z_]+)(?:,| as) (?P<state>due today|overdue)"
    )
)
def today_shows(
    services: Services,
    people: dict[str, Person],
    username: str,
    kind: str,
    member: str | None,
    reason: str,
    state: str,
) -> None:
    (duty,) = duties_due(services, someone(people, username).block)
    assert (duty["kind"], duty["reason"], duty["member"]) == (kind, reason, member)
    assert duty["overdue"] is (state == "overdue")
    if state == "due today":
        assert local_day(duty["due_at"] - timedelta(microseconds=1)) == local_day(
            services.clock.now()
        )


@then(parsers.re(r"the duty is discharged by " + USER))
def duty_discharged(services: Services, discharged: list[UUID], username: str) -> None:
    found = services.duties.get_duty(discharged[-1])
    assert (found["status"], found["discharged_by"]) == ("discharged", username)
    assert found["notes"]


@then(parsers.re(r"the clock made (?P<count>\d+) asks? fall due in all"))
def asks_fallen(fallen: list[int], count: str) -> None:
    assert sum(fallen) == int(count)


@given(
    parsers.re(
        USER + r' has recorded an? (?P<kind>[a-z_]+) about the household: "(?P<text>[^"]*)"'
    ),
    target_fixture="record",
)
def recorded(
    services: Services,
    community: Community,
    people: dict[str, Person],
    household: UUID,
    username: str,
    kind: str,
    text: str,
) -> UUID:
    user = someone(people, username)
    return services.duties.make_record(
        community=community.id,
        kind=kind,
        block=user.block or "",
        household_id=household,
        text=text,
        actor=user.username,
    )


@when(
    parsers.re(
        USER + r" turns the record into an? (?P<category>[a-z_]+) need of (?P<urgency>[a-z]+) "
        r"urgency"
    )
)
def to_need(
    services: Services,
    refused: list[DutiesError],
    record: UUID,
    username: str,
    category: str,
    urgency: str,
) -> None:
    try:
        turn_record_into_need(services, record, category=category, urgency=urgency, actor=username)
    except DutiesError as error:
        refused.append(error)


@then(
    parsers.re(
        r"the household has an open (?P<category>[a-z_]+) need in block (?P<block>B\d+) "
        r'saying "(?P<text>[^"]*)"'
    )
)
def household_need(
    services: Services, household: UUID, record: UUID, category: str, block: str, text: str
) -> None:
    need = services.needs.get_need(services.duties.get_record(record)["need_id"])
    assert (UUID(str(need["household"]["id"])), need["category"], need["block"]) == (
        household,
        category,
        block,
    )
    assert (need["status"], need["description"]) == ("open", text)


@then("the record names the need and the need names the record")
def linked(services: Services, record: UUID) -> None:
    need_id = services.duties.get_record(record)["need_id"]
    notes = services.needs.get_need(need_id)["notes"]
    assert [n["text"] for n in notes] == [f"record:{record} (suggestion)"]


@then(parsers.re(r'it is refused because "(?P<words>[^"]*)"'))
def refused_because(refused: list[DutiesError], words: str) -> None:
    assert [error.message for error in refused] == [words]
