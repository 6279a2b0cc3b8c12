"""The referral clock in the service's own process (SQLite and PostgreSQL): an unanswered
referral expires at its deadline and the case moves on to the next partner or onto the
secretary's board; the sweep is safe to run twice. Also what the board and reminders show."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from tests.integration.tasks.conftest import SQLITE_ONLY
from web.tasks.referral_clock import check_referral_clocks, lapse


def referrals(running, need_id):
    return [(r["partner_name"], r["status"]) for r in running.needs.get_need(need_id)["referrals"]]


def test_an_emergency_referral_unanswered_for_two_hours_expires_and_the_next_partner_gets_it(
    running, partners, log_need, clock
):
    need_id = log_need(category="emergency")
    running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    best_after_the_hospital = running.casework.matches(need_id)[0].name
    clock.advance(hours=1, minutes=59)
    assert check_referral_clocks(running, clock.now()) == {}
    clock.advance(minutes=2)
    assert check_referral_clocks(running, clock.now()) == {"re-offered": 1}
    assert referrals(running, need_id) == [
        ("利群医院", "expired"),
        (best_after_the_hospital, "sent"),
    ]
    history = running.needs.get_history(need_id)
    assert [(e["type"], e["actor"]) for e in history[-2:]] == [
        ("ReferralExpired", "clock"),
        ("Referred", "clock"),
    ]


def test_running_the_clock_twice_moves_the_case_on_once(running, partners, log_need, clock):
    need_id = log_need(category="emergency")
    running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    clock.advance(hours=2, minutes=1)
    check_referral_clocks(running, clock.now())
    assert check_referral_clocks(running, clock.now()) == {}
    assert len(referrals(running, need_id)) == 2


@SQLITE_ONLY
def test_a_referral_answered_after_the_view_was_read_is_skipped_not_failed(
    running, partners, log_need, clock
):
    need_id = log_need(category="emergency")
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    clock.advance(hours=2, minutes=1)
    due = running.board.list_due_referrals(clock.now())
    assert [UUID(r["referral_id"]) for r in due] == [referral_id]
    running.casework.act_on_referral(referral_id, "accept", "马上到", actor="hospital")
    assert lapse(running, referral_id) == "skipped"
    assert referrals(running, need_id) == [("利群医院", "accepted")]


def test_each_partner_in_turn_then_the_secretarys_board(
    running, partners, log_need, clock, client, as_user
):
    need_id = log_need(category="emergency")
    running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    outcomes = []
    for _ in range(3):
        clock.advance(hours=2, minutes=1)
        outcomes.append(check_referral_clocks(running, clock.now()))
    assert outcomes == [{"re-offered": 1}, {"re-offered": 1}, {"escalated": 1}]
    assert [status for _, status in referrals(running, need_id)] == ["expired"] * 3
    need = client.get(f"/api/v1/needs/{need_id}", headers=as_user("secretary")).json
    assert need["escalated"] is True
    assert need["escalation_reason"].endswith("no other partner may take the case")
    board = running.board.list_escalated(running.settings.communities[0].id)
    assert [row["need_id"] for row in board] == [str(need_id)]


def test_a_need_nobody_has_contacted_in_time_is_overdue_until_someone_visits(
    running, partners, log_need, clock
):
    community = running.settings.communities[0]
    hours = {c.code: c.first_contact_hours for c in community.categories}
    late = log_need(category="emergency")
    log_need(category="hardship")
    clock.advance(hours=2, minutes=1)
    overdue = running.board.list_overdue_needs(community.id, hours, clock.now())
    assert [row["need_id"] for row in overdue] == [str(late)]
    assert overdue[0]["due_at"] == clock.now() - timedelta(minutes=1)
    running.needs.record_visit(late, "已上门", actor="leader3")
    assert running.board.list_overdue_needs(community.id, hours, clock.now()) == []
