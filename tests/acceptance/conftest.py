"""Steps shared by the acceptance specifications: the community, its people and partners, a
need and its referral, the clock, and how a refused command is captured and checked.

Everything runs against a real SQLite store in the test's own directory; time moves only when a
step moves the hand-wound clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, then, when

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY, Community
from tests.acceptance.support import (
    DESCRIPTIONS,
    PARTNER,
    REFERRAL_NOTE,
    REFUSALS,
    USER,
    WEEKLY_CAPACITY,
    Outcome,
    Person,
    RegisteredPartner,
    attempt,
    clerk_of,
    names,
    open_needs,
    referral_to,
    shanghai,
    someone,
)
from web.bootstrap import Services, build_services
from web.config import load_settings

# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def clock() -> ManualClock:
    """Midnight at the start of Monday 30 November 2026 in Shanghai; the Background winds it on."""
    return ManualClock(datetime(2026, 11, 29, 16, 0, tzinfo=UTC))


@pytest.fixture
def services(tmp_path: Path, clock: ManualClock) -> Iterator[Services]:
    """The service as deployed, on a fresh SQLite store of the test's own."""
    settings = load_settings(
        str(tmp_path), {"DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite"}, environ={}
    )
    built = build_services(settings, clock=clock, create_tables=True)
    yield built
    built.close()


@pytest.fixture
def community() -> Community:
    return DEMO_COMMUNITY


@pytest.fixture
def people() -> dict[str, Person]:
    return {}


@pytest.fixture
def loaded_versions() -> dict[str, int]:
    """The version each person last loaded, by username: what their next command will send."""
    return {}


@pytest.fixture(autouse=True)
def refusals() -> Iterator[list[Outcome]]:
    """Every command's outcome; a refusal that no step expected fails the scenario."""
    outcomes: list[Outcome] = []
    yield outcomes
    unexpected = [o.error for o in outcomes if o.error is not None and not o.heard]
    assert not unexpected, f"refused, though no step expected it: {unexpected!r}"


# --- the community, its people and its partners ----------------------------------------------


@given(parsers.parse("the demo community {name} with blocks {first} to {last}"))
def demo_community(
    services: Services, community: Community, name: str, first: str, last: str
) -> None:
    assert services.needs.communities == {community.id: community}
    assert community.name == name
    expected = [f"B{n}" for n in range(int(first[1:]), int(last[1:]) + 1)]
    assert [block.code for block in community.blocks] == expected


@given(parsers.parse("block {block} holds buildings {first:d} to {last:d}"))
def block_buildings(community: Community, block: str, first: int, last: int) -> None:
    assert community.block(block).buildings == frozenset(range(first, last + 1))


@given(parsers.parse("it is {time} on {weekday} {day} in Shanghai"))
def it_is(clock: ManualClock, time: str, weekday: str, day: str) -> None:
    moment = shanghai(f"{day} {time}")
    assert moment.strftime("%A") == weekday
    ahead = moment - clock.now()
    assert ahead >= timedelta(0), "the clock only moves forward"
    clock.advance(seconds=ahead.total_seconds())


@given(parsers.re(r"(?P<amount>\d+|an|a) (?P<unit>minutes?|hours?) (?:has|have) passed"))
def time_passes(clock: ManualClock, amount: str, unit: str) -> None:
    count = 1 if amount in ("a", "an") else int(amount)
    clock.advance(**{unit.rstrip("s") + "s": count})


@given(parsers.re(USER + r" is the block leader of (?P<block>B\d+)"))
def block_leader(
    people: dict[str, Person], community: Community, username: str, block: str
) -> None:
    community.block(block)
    people[username] = Person(username, "block_leader", block)


@given(
    parsers.re(r"the secretary " + USER + r" has registered these co-building partners:"),
    target_fixture="partners",
)
def registered_partners(
    services: Services,
    community: Community,
    people: dict[str, Person],
    username: str,
    datatable: list[list[str]],
) -> dict[str, RegisteredPartner]:
    people[username] = Person(username, "secretary")
    header, *rows = datatable
    registered = {}
    for row in rows:
        partner = dict(zip(header, row, strict=True))
        partner_id = services.partners.register_partner(
            community=community.id,
            name=partner["partner"],
            kind=partner["kind"],
            categories=names(partner["serves"]),
            blocks=["*"] if partner["blocks"] == "all" else names(partner["blocks"]),
            weekly_capacity=WEEKLY_CAPACITY,
            actor=username,
        )
        registered[partner["partner"]] = RegisteredPartner(
            partner_id, partner["partner"], partner["clerk"]
        )
    return registered


@given(parsers.re(USER + r" has suspended " + PARTNER + r', saying "(?P<reason>[^"]*)"'))
def suspended(
    services: Services,
    partners: dict[str, RegisteredPartner],
    people: dict[str, Person],
    username: str,
    partner: str,
    reason: str,
) -> None:
    assert someone(people, username).role == "secretary"
    services.partners.suspend_partner(partners[partner].partner_id, reason=reason, actor=username)
    assert not services.partners.get_partner(partners[partner].partner_id).active


# --- a need and its referral -------------------------------------------------------------------


@given(
    parsers.re(
        r"a (?P<urgency>low|normal|high|critical) (?P<category>[a-z_]+) need logged by "
        + USER
        + r" in block (?P<block>B\d+), building (?P<building>\S+)"
    ),
    target_fixture="need",
)
def logged_need(
    services: Services,
    community: Community,
    people: dict[str, Person],
    urgency: str,
    category: str,
    username: str,
    block: str,
    building: str,
) -> UUID:
    return services.casework.log_need(
        community=community.id,
        category=category,
        block=block,
        building=building,
        unit="2",
        room="502",
        description=DESCRIPTIONS[category],
        urgency=urgency,
        actor=someone(people, username).username,
    )


@given(parsers.re(USER + r" has referred the need to " + PARTNER), target_fixture="referral")
def referred(
    services: Services,
    partners: dict[str, RegisteredPartner],
    people: dict[str, Person],
    need: UUID,
    username: str,
    partner: str,
) -> UUID:
    who = someone(people, username)
    return services.casework.refer(
        need,
        partners[partner].partner_id,
        REFERRAL_NOTE,
        actor=who.username,
        may_override=who.may_override,
    )


@given(parsers.re(PARTNER + r" has not yet answered the referral"))
def not_yet_answered(services: Services, referral: UUID, partner: str) -> None:
    found = services.casework.get_referral(referral)
    assert (found["partner_name"], found["status"]) == (partner, "sent")


@given(parsers.re(PARTNER + r" has accepted the referral"))
def has_accepted(
    services: Services, partners: dict[str, RegisteredPartner], referral: UUID, partner: str
) -> None:
    clerk = clerk_of(services, partners, partner, referral)
    services.casework.act_on_referral(referral, "accept", "明天上午上门", actor=clerk)


@given(parsers.re(PARTNER + r" has declined the referral because of (?P<reason>\w+)"))
def has_declined(
    services: Services,
    partners: dict[str, RegisteredPartner],
    referral: UUID,
    partner: str,
    reason: str,
) -> None:
    clerk = clerk_of(services, partners, partner, referral)
    services.casework.act_on_referral(referral, "decline", reason, actor=clerk)


# --- commands, each captured into the outcome --------------------------------------------------


@when(
    parsers.re(
        USER
        + r" refers the need to "
        + PARTNER
        + r'(?:, overriding with the reason "(?P<reason>[^"]*)")?'
    ),
    target_fixture="outcome",
)
def refer(
    services: Services,
    community: Community,
    partners: dict[str, RegisteredPartner],
    people: dict[str, Person],
    refusals: list[Outcome],
    need: UUID,
    username: str,
    partner: str,
    reason: str | None,
) -> Outcome:
    who = someone(people, username)
    return attempt(
        services,
        community,
        refusals,
        lambda: services.casework.refer(
            need,
            partners[partner].partner_id,
            REFERRAL_NOTE,
            actor=who.username,
            may_override=who.may_override,
            override_reason=reason,
        ),
    )


@when(
    parsers.re(
        r"the clerk of "
        + PARTNER
        + r" accepts the referral(?P<pinned>, sending the version they loaded)?"
    ),
    target_fixture="outcome",
)
def accept(
    services: Services,
    community: Community,
    partners: dict[str, RegisteredPartner],
    refusals: list[Outcome],
    loaded_versions: dict[str, int],
    referral: UUID,
    partner: str,
    pinned: str | None,
) -> Outcome:
    clerk = clerk_of(services, partners, partner, referral)
    version = loaded_versions[clerk] if pinned else None
    return attempt(
        services,
        community,
        refusals,
        lambda: services.casework.act_on_referral(
            referral, "accept", "明天上午上门", actor=clerk, expected_referral_version=version
        ),
    )


@when(
    parsers.re(
        r"the clerk of "
        + PARTNER
        + r" declines the referral"
        + r'(?: because of (?P<code>\w+)|, giving the reason "(?P<given>[^"]*)")'
    ),
    target_fixture="outcome",
)
def decline(
    services: Services,
    community: Community,
    partners: dict[str, RegisteredPartner],
    refusals: list[Outcome],
    referral: UUID,
    partner: str,
    code: str | None,
    given: str | None,
) -> Outcome:
    clerk = clerk_of(services, partners, partner, referral)
    reason = code if code is not None else given
    return attempt(
        services,
        community,
        refusals,
        lambda: services.casework.act_on_referral(referral, "decline", reason, actor=clerk),
    )


@when(
    parsers.re(r"the clerk of " + PARTNER + r" reports the outcome (?P<result>\w+)"),
    target_fixture="outcome",
)
def complete(
    services: Services,
    community: Community,
    partners: dict[str, RegisteredPartner],
    refusals: list[Outcome],
    referral: UUID,
    partner: str,
    result: str,
) -> Outcome:
    clerk = clerk_of(services, partners, partner, referral)
    return attempt(
        services,
        community,
        refusals,
        lambda: services.casework.act_on_referral(
            referral, "complete", result, "已送医，老人情况稳定", actor=clerk
        ),
    )


@when(parsers.re(USER + r" resolves the need as (?P<resolution>\w+)"), target_fixture="outcome")
def resolve(
    services: Services,
    community: Community,
    people: dict[str, Person],
    refusals: list[Outcome],
    need: UUID,
    username: str,
    resolution: str,
) -> Outcome:
    actor = someone(people, username).username
    return attempt(
        services,
        community,
        refusals,
        lambda: services.needs.resolve(need, resolution, "老人已得到照顾", actor=actor),
    )


@when(
    parsers.re(USER + r' reopens the need because "(?P<reason>[^"]*)"'),
    target_fixture="outcome",
)
def reopen(
    services: Services,
    community: Community,
    people: dict[str, Person],
    refusals: list[Outcome],
    need: UUID,
    username: str,
    reason: str,
) -> Outcome:
    actor = someone(people, username).username
    return attempt(
        services, community, refusals, lambda: services.needs.reopen(need, reason, actor=actor)
    )


# --- what the block leader sees afterwards -------------------------------------------------------


@then(parsers.re(r"it is refused: (?P<kind>.+)"))
def refused(outcome: Outcome, kind: str) -> None:
    outcome.heard = True
    assert kind in REFUSALS, f"no refusal called {kind!r}; one of {sorted(REFUSALS)}"
    assert outcome.error is not None, f"the command was carried out: {outcome.result!r}"
    assert type(outcome.error) is REFUSALS[kind], repr(outcome.error)


@then(parsers.re(r'the refusal says "(?P<words>[^"]*)"'))
def refusal_says(outcome: Outcome, words: str) -> None:
    assert outcome.error is not None
    assert words in outcome.error.message


@then(
    parsers.re(
        r"the need is (?:still )?(?P<status>open|in progress|resolved)"
        r"(?:, at version (?P<version>\d+))?"
    )
)
def need_status(services: Services, need: UUID, status: str, version: str | None) -> None:
    found = services.needs.get_need(need)
    assert found["status"] == status.replace(" ", "_")
    if version is not None:
        assert found["version"] == int(version)


@then(parsers.parse("the need is at version {version:d}, with urgency {urgency}"))
def need_urgency(services: Services, need: UUID, version: int, urgency: str) -> None:
    found = services.needs.get_need(need)
    assert (found["version"], found["urgency"]) == (version, urgency)


@then(
    parsers.re(
        r"the referral to "
        + PARTNER
        + r" is (?:still )?(?P<status>sent|accepted|declined|expired|withdrawn|completed)"
        r"(?:, at version (?P<version>\d+))?"
    )
)
def referral_status(
    services: Services, need: UUID, partner: str, status: str, version: str | None
) -> None:
    found = referral_to(services, need, partner)
    assert found["status"] == status
    if version is not None:
        assert found["version"] == int(version)


@then("the need has no referrals")
def no_referrals(services: Services, need: UUID) -> None:
    assert services.needs.get_need(need)["referrals"] == []
    assert not [e for e in services.needs.get_history(need) if e["type"] == "Referred"]


@then(parsers.re(r"block (?P<block>B\d+) has no open needs"))
def no_open_needs(services: Services, community: Community, block: str) -> None:
    assert open_needs(services, community, block) == []


@then(parsers.re(r"the need is among block (?P<block>B\d+)'s open needs"))
def among_open_needs(services: Services, community: Community, need: UUID, block: str) -> None:
    assert str(need) in [row["need_id"] for row in open_needs(services, community, block)]
