"""Referrals: the closed loop with partners, and who may be referred to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.errors import InvalidInputError, VersionConflictError
from needs.exceptions import (
    DeclineReasonRequiredError,
    InvalidTransitionError,
    OverrideNotAllowedError,
    PartnerAlreadyEngagedError,
    PartnerExcludedError,
    PartnerOutOfScopeError,
    PartnerSuspendedError,
)
from tests.unit.needs.conftest import terms


def referral_of(needs, need_id, referral_id):
    return next(r for r in needs.get_need(need_id)["referrals"] if r["id"] == referral_id)


def test_a_referral_is_sent_with_the_categorys_deadline_and_starts_the_work(
    needs, log, hospital, clock
):
    need_id = log(category="emergency")
    referral_id = needs.refer(need_id, hospital, "请上门查看", actor="leader3")
    referral = referral_of(needs, need_id, referral_id)
    assert referral["status"] == "sent"
    assert referral["sent_at"] == clock.now()
    assert referral["respond_by"] == clock.now() + timedelta(hours=2)
    assert referral["version"] == 1
    assert needs.get_need(need_id)["status"] == "in_progress"


def test_the_deadline_runs_from_when_the_service_recorded_the_referral(needs, log, hospital, clock):
    need_id = log(category="hardship")
    offline = clock.now() - timedelta(hours=5)
    referral_id = needs.refer(need_id, hospital, actor="leader3", occurred_at=offline)
    assert referral_of(needs, need_id, referral_id)["respond_by"] == clock.now() + timedelta(
        hours=48
    )


def test_a_referrals_version_counts_only_its_own_events(needs, log, hospital):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    needs.add_note(need_id, "家属已到", actor="leader3")
    needs.accept_referral(need_id, referral_id, "马上到", actor="hospital")
    assert referral_of(needs, need_id, referral_id)["version"] == 2
    assert needs.get_need(need_id)["version"] == 4


def test_a_suspended_partner_gets_no_referral(needs, log):
    suspended = terms("物业公司", {"emergency"}, active=False)
    need_id = log()
    with pytest.raises(PartnerSuspendedError, match="suspended"):
        needs.refer(need_id, suspended, actor="leader3")
    assert needs.get_need(need_id)["version"] == 1


@pytest.mark.parametrize("ending", ["decline", "expire"])
def test_a_partner_that_declined_or_let_the_referral_expire_is_not_referred_again(
    needs, log, hospital, ending
):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    if ending == "decline":
        needs.decline_referral(need_id, referral_id, "no_capacity", actor="hospital")
    else:
        needs.expire_referral(need_id, referral_id, actor="clock")
    with pytest.raises(PartnerExcludedError):
        needs.refer(need_id, hospital, actor="leader3")


def test_a_partner_already_holding_the_case_is_not_sent_it_twice(needs, log, hospital):
    need_id = log()
    needs.refer(need_id, hospital, actor="leader3")
    with pytest.raises(PartnerAlreadyEngagedError):
        needs.refer(need_id, hospital, actor="leader3")


def test_a_partner_outside_its_scope_is_refused_to_a_block_leader(needs, log):
    training = terms("市劳动局职业培训中心", {"poverty_relief", "study_aid"})
    need_id = log(category="emergency")
    with pytest.raises(PartnerOutOfScopeError, match="does not serve emergency"):
        needs.refer(need_id, training, actor="leader3")


def test_a_partner_outside_its_blocks_is_refused(needs, log):
    greening = terms("绿化市容", {"hardship"}, {"B1", "B2"})
    need_id = log(category="hardship", block="B3")
    with pytest.raises(PartnerOutOfScopeError, match="block B3"):
        needs.refer(need_id, greening, actor="leader3")


def test_the_secretary_may_override_the_scope_with_a_recorded_reason(needs, log):
    training = terms("市劳动局职业培训中心", {"poverty_relief"})
    need_id = log(category="emergency")
    with pytest.raises(OverrideNotAllowedError, match="override reason"):
        needs.refer(need_id, training, actor="secretary", may_override=True)
    referral_id = needs.refer(
        need_id, training, actor="secretary", may_override=True, override_reason="培训中心有急救员"
    )
    assert referral_of(needs, need_id, referral_id)["override_reason"] == "培训中心有急救员"
    assert needs.get_history(need_id)[-1]["data"]["override_reason"] == "培训中心有急救员"


def test_only_the_secretary_may_give_an_override_reason(needs, log, hospital):
    need_id = log()
    with pytest.raises(OverrideNotAllowedError):
        needs.refer(need_id, hospital, actor="leader3", override_reason="just because")


def test_a_decline_needs_a_reason_code(needs, log, hospital):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    with pytest.raises(DeclineReasonRequiredError):
        needs.decline_referral(need_id, referral_id, None, actor="hospital")
    with pytest.raises(InvalidInputError, match="no_capacity"):
        needs.decline_referral(need_id, referral_id, "too busy", actor="hospital")
    assert referral_of(needs, need_id, referral_id)["status"] == "sent"
    needs.decline_referral(need_id, referral_id, "not_eligible", "不符合条件", actor="hospital")
    declined = referral_of(needs, need_id, referral_id)
    assert (declined["status"], declined["decline_reason"]) == ("declined", "not_eligible")


# The closed loop: which step is allowed from which state.
STEPS = {
    "accept": lambda n, nid, rid: n.accept_referral(nid, rid, actor="hospital"),
    "decline": lambda n, nid, rid: n.decline_referral(nid, rid, "other", actor="hospital"),
    "expire": lambda n, nid, rid: n.expire_referral(nid, rid, actor="clock"),
    "withdraw": lambda n, nid, rid: n.withdraw_referral(nid, rid, "不需要了", actor="leader3"),
    "complete": lambda n, nid, rid: n.complete_referral(nid, rid, "helped", actor="hospital"),
}
REACH = {
    "sent": [],
    "accepted": ["accept"],
    "declined": ["decline"],
    "expired": ["expire"],
    "withdrawn": ["withdraw"],
    "completed": ["accept", "complete"],
}
ALLOWED = {
    "sent": {"accept", "decline", "expire", "withdraw"},
    "accepted": {"withdraw", "complete"},
}


@pytest.mark.parametrize("state", list(REACH))
@pytest.mark.parametrize("step", list(STEPS))
def test_only_the_transitions_of_the_closed_loop_are_allowed(needs, log, hospital, state, step):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    for earlier in REACH[state]:
        STEPS[earlier](needs, need_id, referral_id)
    version = needs.get_need(need_id)["version"]
    if step in ALLOWED.get(state, set()):
        STEPS[step](needs, need_id, referral_id)
        assert needs.get_need(need_id)["version"] == version + 1
    else:
        with pytest.raises(
            InvalidTransitionError, match=f"cannot {step} a referral that is {state}"
        ):
            STEPS[step](needs, need_id, referral_id)
        assert needs.get_need(need_id)["version"] == version


def test_a_stale_referral_version_is_refused_and_changes_nothing(needs, log, hospital):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    needs.add_note(need_id, "a note does not make the partner's version stale", actor="leader3")
    needs.accept_referral(need_id, referral_id, actor="hospital", expected_referral_version=1)
    with pytest.raises(VersionConflictError):
        needs.complete_referral(
            need_id, referral_id, "helped", actor="hospital", expected_referral_version=1
        )
    assert referral_of(needs, need_id, referral_id)["status"] == "accepted"
