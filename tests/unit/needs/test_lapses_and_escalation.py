"""The referral clock's rules on the case itself: an unanswered referral lapses, the case moves on
to the next partner or is escalated, and a notice that never reached the partner is recorded."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from needs.exceptions import InvalidTransitionError
from tests.unit.needs.conftest import terms


def statuses(needs, need_id):
    return [(r["partner_name"], r["status"]) for r in needs.get_need(need_id)["referrals"]]


def test_a_lapsed_referral_expires_and_the_case_goes_to_the_first_candidate_at_once(
    needs, log, hospital, police, clock
):
    need_id = log(category="emergency")
    first = needs.refer(need_id, hospital, "请医生上门", actor="leader3")
    clock.advance(hours=2, minutes=1)
    lapse = needs.lapse_referral(need_id, first, [police], actor="clock")
    assert statuses(needs, need_id) == [("利群医院", "expired"), ("长征派出所", "sent")]
    second = needs.get_need(need_id)["referrals"][1]
    assert lapse.next_referral_id == second["id"]
    assert not lapse.escalated
    assert second["respond_by"] == clock.now() + timedelta(hours=2)
    history = needs.get_history(need_id)
    assert [e["type"] for e in history[-2:]] == ["ReferralExpired", "Referred"]
    assert {e["actor"] for e in history[-2:]} == {"clock"}
    assert {e["recorded_at"] for e in history[-2:]} == {clock.now()}


def test_the_next_partner_is_told_what_the_block_leader_wrote_for_the_first(
    needs, log, hospital, police
):
    need_id = log()
    first = needs.refer(need_id, hospital, "请医生上门", actor="leader3")
    needs.lapse_referral(need_id, first, [police], actor="clock")
    assert needs.get_need(need_id)["referrals"][1]["note"] == "请医生上门"


def test_candidates_that_may_not_take_the_case_are_passed_over(needs, log, hospital, police):
    suspended = terms("物业公司", {"emergency"}, active=False)
    need_id = log()
    first = needs.refer(need_id, hospital, actor="leader3")
    needs.lapse_referral(need_id, first, [suspended, hospital, police], actor="clock")
    assert statuses(needs, need_id) == [("利群医院", "expired"), ("长征派出所", "sent")]


def test_with_nobody_left_the_case_is_escalated(needs, log, hospital, clock):
    need_id = log()
    first = needs.refer(need_id, hospital, actor="leader3")
    lapse = needs.lapse_referral(need_id, first, [], actor="clock")
    assert lapse.escalated
    assert lapse.next_referral_id is None
    need = needs.get_need(need_id)
    assert need["escalated"] is True
    assert need["escalated_at"] == clock.now()
    assert "利群医院 did not answer in time" in need["escalation_reason"]
    assert needs.get_history(need_id)[-1]["type"] == "Escalated"


def test_while_another_partner_holds_the_case_a_lapse_only_expires_the_referral(
    needs, log, hospital, police
):
    property_company = terms("物业公司", {"emergency"})
    need_id = log()
    first = needs.refer(need_id, hospital, actor="leader3")
    needs.refer(need_id, police, actor="leader3")
    lapse = needs.lapse_referral(need_id, first, [property_company], actor="clock")
    assert (lapse.next_referral_id, lapse.escalated) == (None, False)
    assert statuses(needs, need_id) == [("利群医院", "expired"), ("长征派出所", "sent")]


def test_a_referral_already_answered_does_not_lapse_and_nothing_is_recorded(
    needs, log, hospital, police
):
    need_id = log()
    first = needs.refer(need_id, hospital, actor="leader3")
    needs.accept_referral(need_id, first, actor="hospital")
    version = needs.get_need(need_id)["version"]
    with pytest.raises(InvalidTransitionError):
        needs.lapse_referral(need_id, first, [police], actor="clock")
    assert needs.get_need(need_id)["version"] == version


def test_lapsing_twice_is_refused_the_second_time(needs, log, hospital, police):
    need_id = log()
    first = needs.refer(need_id, hospital, actor="leader3")
    needs.lapse_referral(need_id, first, [police], actor="clock")
    with pytest.raises(InvalidTransitionError):
        needs.lapse_referral(need_id, first, [police], actor="clock")
    assert len(needs.get_need(need_id)["referrals"]) == 2


def test_a_new_referral_or_resolving_takes_the_case_off_the_board(needs, log, hospital, police):
    need_id = log()
    first = needs.refer(need_id, hospital, actor="leader3")
    needs.lapse_referral(need_id, first, [], actor="clock")
    needs.refer(need_id, police, actor="secretary")
    assert needs.get_need(need_id)["escalated"] is False
    other = log()
    lapsed = needs.refer(other, hospital, actor="leader3")
    needs.lapse_referral(other, lapsed, [], actor="clock")
    needs.resolve(other, "unreachable", actor="leader3")
    assert needs.get_need(other)["escalated"] is False


def test_a_failed_delivery_is_recorded_once_and_leaves_the_referrals_version(needs, log, hospital):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    delivery_id = uuid4()
    for _ in range(2):
        needs.record_delivery_failure(
            need_id, referral_id, delivery_id, 14, "the webhook answered 500", actor="notifier"
        )
    need = needs.get_need(need_id)
    assert need["referrals"][0]["delivery_failed"] is True
    assert need["referrals"][0]["version"] == 1
    failures = [e for e in needs.get_history(need_id) if e["type"] == "ReferralDeliveryFailed"]
    assert len(failures) == 1
    assert failures[0]["data"] == {
        "referral_id": str(referral_id),
        "delivery_id": str(delivery_id),
        "attempts": 14,
        "last_error": "the webhook answered 500",
    }


def test_an_overlong_error_is_cut_short_rather_than_refused(needs, log, hospital):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    needs.record_delivery_failure(need_id, referral_id, uuid4(), 3, "x" * 5000, actor="notifier")
    history = needs.get_history(need_id)
    assert len(history[-1]["data"]["last_error"]) == 500
