"""Steps of 'A command sent against a stale version is refused'
(features/block_leader/stale_command.feature)."""

from __future__ import annotations

from uuid import UUID

from pytest_bdd import given, parsers, scenarios, then, when

from kernel.community import Community
from tests.acceptance.support import (
    PARTNER,
    USER,
    Outcome,
    Person,
    RegisteredPartner,
    attempt,
    clerk_of,
    someone,
)
from web.bootstrap import Services

scenarios("block_leader/stale_command.feature")


@given(parsers.re(USER + r' has recorded a visit: "(?P<notes>[^"]*)"'))
def has_visited(
    services: Services, people: dict[str, Person], need: UUID, username: str, notes: str
) -> None:
    services.needs.record_visit(need, notes, actor=someone(people, username).username)


@given(parsers.re(USER + r' has added a note: "(?P<note>[^"]*)"'))
def has_noted(
    services: Services, people: dict[str, Person], need: UUID, username: str, note: str
) -> None:
    services.needs.add_note(need, note, actor=someone(people, username).username)


@given(parsers.re(USER + r' has withdrawn the referral, saying "(?P<reason>[^"]*)"'))
def has_withdrawn(
    services: Services, people: dict[str, Person], referral: UUID, username: str, reason: str
) -> None:
    actor = someone(people, username).username
    services.casework.act_on_referral(referral, "withdraw", reason, actor=actor)


@given(
    parsers.re(
        r"(?P<first>[a-z][a-z0-9._]*) and (?P<second>[a-z][a-z0-9._]*) "
        r"have both loaded the need at version (?P<version>\d+)"
    )
)
def both_loaded(
    services: Services,
    people: dict[str, Person],
    loaded_versions: dict[str, int],
    need: UUID,
    first: str,
    second: str,
    version: str,
) -> None:
    for username in (first, second):
        loaded = services.needs.get_need(need)["version"]
        assert loaded == int(version)
        loaded_versions[someone(people, username).username] = loaded


@given(
    parsers.re(r"the clerk of " + PARTNER + r" has loaded the referral at version (?P<version>\d+)")
)
def clerk_loaded(
    services: Services,
    partners: dict[str, RegisteredPartner],
    loaded_versions: dict[str, int],
    referral: UUID,
    partner: str,
    version: str,
) -> None:
    clerk = clerk_of(services, partners, partner, referral)
    loaded = services.casework.get_referral(referral)["version"]
    assert loaded == int(version)
    loaded_versions[clerk] = loaded


@when(
    parsers.re(USER + r" changes the urgency to (?P<urgency>\w+), sending the version they loaded"),
    target_fixture="outcome",
)
def change_urgency(
    services: Services,
    community: Community,
    refusals: list[Outcome],
    loaded_versions: dict[str, int],
    need: UUID,
    username: str,
    urgency: str,
) -> Outcome:
    return attempt(
        services,
        community,
        refusals,
        lambda: services.needs.change_urgency(
            need,
            urgency,
            "看望后重新评估",
            actor=username,
            expected_version=loaded_versions[username],
        ),
    )


@then(parsers.re(r"the need's history shows one urgency change: to (?P<urgency>\w+), by " + USER))
def one_urgency_change(services: Services, need: UUID, urgency: str, username: str) -> None:
    changes = [
        (e["data"]["urgency"], e["actor"])
        for e in services.needs.get_history(need)
        if e["type"] == "UrgencyChanged"
    ]
    assert changes == [(urgency, username)]
