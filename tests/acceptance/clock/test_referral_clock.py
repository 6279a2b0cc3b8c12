"""Steps of 'The referral clock' (features/secretary/referral_clock.feature)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from pytest_bdd import given, parsers, scenarios, then

from tests.acceptance.support import PARTNER, local, names, referral_to
from web.bootstrap import Services

scenarios("secretary/referral_clock.feature")


@given(parsers.re(r"the next best partners for the need are: (?P<offered>.+)"))
def next_best(services: Services, need: UUID, offered: str) -> None:
    assert [match.name for match in services.casework.matches(need)] == names(offered)


@then(
    parsers.re(
        PARTNER + r" must answer by (?P<deadline>\d\d:\d\d), two hours after the clock "
        r"referred the need"
    )
)
def answer_by(services: Services, need: UUID, partner: str, deadline: str) -> None:
    referral = referral_to(services, need, partner)
    assert local(referral["respond_by"])[11:] == deadline
    assert referral["respond_by"] - referral["sent_at"] == timedelta(hours=2)
    assert referral["sent_by"] == "clock"


@then("the need's history ends with the expiry and the new referral, both by the clock")
def history_ends(services: Services, need: UUID) -> None:
    last = services.needs.get_history(need)[-2:]
    assert [(e["type"], e["actor"]) for e in last] == [
        ("ReferralExpired", "clock"),
        ("Referred", "clock"),
    ]
    assert last[0]["recorded_at"] == last[1]["recorded_at"]


@then(parsers.re(r"the need's referrals are: (?P<listed>.+)"))
def referrals_are(services: Services, need: UUID, listed: str) -> None:
    found = [
        f"{r['partner_name']} {r['status']}" for r in services.needs.get_need(need)["referrals"]
    ]
    assert found == names(listed)
