"""Steps of 'Resolve and reopen a need' (features/block_leader/resolve_and_reopen.feature)."""

from __future__ import annotations

from uuid import UUID

from pytest_bdd import given, parsers, scenarios, then

from tests.acceptance.support import PARTNER, USER, Person, referral_to, someone
from web.bootstrap import Services

scenarios("block_leader/resolve_and_reopen.feature")


@given(parsers.re(USER + r" has resolved the need as (?P<resolution>\w+)"))
def has_resolved(
    services: Services, people: dict[str, Person], need: UUID, username: str, resolution: str
) -> None:
    actor = someone(people, username).username
    services.needs.resolve(need, resolution, "老人已得到照顾", actor=actor)


@then(
    parsers.re(r"the referral to " + PARTNER + r" is completed, with the outcome (?P<result>\w+)")
)
def completed_with(services: Services, need: UUID, partner: str, result: str) -> None:
    referral = referral_to(services, need, partner)
    assert (referral["status"], referral["outcome"]) == ("completed", result)


@then(
    parsers.re(
        r"the need's history ends with the reopening by " + USER + r', because "(?P<reason>[^"]*)"'
    )
)
def reopening_in_history(services: Services, need: UUID, username: str, reason: str) -> None:
    last = services.needs.get_history(need)[-1]
    assert (last["type"], last["actor"], last["data"]["reason"]) == ("Reopened", username, reason)
