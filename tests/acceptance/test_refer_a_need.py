"""Steps of 'Refer a need to a co-building partner' (features/block_leader/refer_a_need.feature)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from pytest_bdd import parsers, scenarios, then

from tests.acceptance.support import PARTNER, USER, referral_to, shanghai
from web.bootstrap import Services

scenarios("block_leader/refer_a_need.feature")


@then(
    parsers.re(
        PARTNER + r" must answer by (?P<deadline>.+) Shanghai time, "
        r"(?P<hours>\d+) hours after it was sent"
    )
)
def answer_by(services: Services, need: UUID, partner: str, deadline: str, hours: str) -> None:
    referral = referral_to(services, need, partner)
    assert referral["respond_by"] == shanghai(deadline)
    assert referral["respond_by"] - referral["sent_at"] == timedelta(hours=int(hours))


@then(parsers.re(r"the referral records " + USER + r"'s override reason \"(?P<reason>[^\"]*)\""))
def override_recorded(services: Services, need: UUID, username: str, reason: str) -> None:
    (referred,) = [e for e in services.needs.get_history(need) if e["type"] == "Referred"]
    assert referred["actor"] == username
    assert referred["data"]["override_reason"] == reason
    referral = services.casework.get_referral(UUID(referred["data"]["referral_id"]))
    assert (referral["sent_by"], referral["override_reason"]) == (username, reason)
