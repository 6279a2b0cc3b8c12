"""Steps of 'Decline a referral' (features/partner/decline_a_referral.feature)."""

from __future__ import annotations

from uuid import UUID

from pytest_bdd import given, parsers, scenarios, then

from tests.acceptance.support import PARTNER, USER, names, referral_to
from web.bootstrap import Services

scenarios("partner/decline_a_referral.feature")

OFFERED = r"the partners offered for the need are, best first: (?P<offered>.+)"


@given(parsers.re(OFFERED))
@then(parsers.re(OFFERED))
def partners_offered(services: Services, need: UUID, offered: str) -> None:
    assert [match.name for match in services.casework.matches(need)] == names(offered)


@then(parsers.re(r"the referral to " + PARTNER + r" is declined, for the reason (?P<reason>\w+)"))
def declined_for(services: Services, need: UUID, partner: str, reason: str) -> None:
    referral = referral_to(services, need, partner)
    assert (referral["status"], referral["decline_reason"]) == ("declined", reason)


@then(
    parsers.re(
        r"the need's history records the decline by " + USER + r", for the reason (?P<reason>\w+)"
    )
)
def decline_in_history(services: Services, need: UUID, username: str, reason: str) -> None:
    history = services.needs.get_history(need)
    assert history[-1]["type"] == "ReferralDeclined"
    assert (history[-1]["actor"], history[-1]["data"]["reason"]) == (username, reason)


@then(parsers.re(r"the need still has just one referral: to " + PARTNER + r", (?P<status>\w+)"))
def just_one_referral(services: Services, need: UUID, partner: str, status: str) -> None:
    referrals = services.needs.get_need(need)["referrals"]
    assert [(r["partner_name"], r["status"]) for r in referrals] == [(partner, status)]
