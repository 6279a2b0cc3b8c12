"""A case from open to resolved and back, and what its history keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.errors import InvalidInputError, VersionConflictError
from needs.exceptions import (
    NeedNotFoundError,
    NeedNotResolvedError,
    NeedResolvedError,
    OpenReferralsError,
)


@pytest.mark.parametrize(
    "work",
    [
        lambda n, nid: n.assign(nid, "leader3", actor="secretary"),
        lambda n, nid: n.record_visit(nid, "上门了解情况", actor="leader3"),
    ],
    ids=["assigning", "a visit"],
)
def test_assigning_or_a_visit_puts_the_need_in_progress(needs, log, work):
    need_id = log()
    work(needs, need_id)
    assert needs.get_need(need_id)["status"] == "in_progress"


def test_a_note_alone_leaves_the_need_open(needs, log):
    need_id = log()
    needs.add_note(need_id, "电话联系未接", actor="leader3")
    assert needs.get_need(need_id)["status"] == "open"


@pytest.mark.parametrize("partner_step", ["sent", "accepted"])
def test_a_need_is_not_resolved_while_a_referral_is_open(needs, log, hospital, partner_step):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    if partner_step == "accepted":
        needs.accept_referral(need_id, referral_id, actor="hospital")
    with pytest.raises(OpenReferralsError, match=f"利群医院 \\({partner_step}\\)"):
        needs.resolve(need_id, "helped", "已解决", actor="leader3")
    assert needs.get_need(need_id)["status"] == "in_progress"


def test_a_need_resolves_once_the_partner_reports_and_reopens_with_a_reason(needs, log, hospital):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, actor="leader3")
    needs.accept_referral(need_id, referral_id, actor="hospital")
    needs.complete_referral(need_id, referral_id, "helped", "已送医", actor="hospital")
    needs.resolve(need_id, "helped", "老人已住院治疗", actor="leader3")
    resolved = needs.get_need(need_id)
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "helped")
    needs.reopen(need_id, "出院后需要照护", actor="leader3")
    assert needs.get_need(need_id)["status"] == "open"


def test_only_a_resolved_need_can_be_reopened(needs, log):
    with pytest.raises(NeedNotResolvedError, match="open"):
        needs.reopen(log(), "why", actor="leader3")


@pytest.mark.parametrize(
    "command",
    [
        lambda n, nid, p: n.assign(nid, "leader3", actor="leader3"),
        lambda n, nid, p: n.record_visit(nid, "again", actor="leader3"),
        lambda n, nid, p: n.change_urgency(nid, "critical", actor="leader3"),
        lambda n, nid, p: n.refer(nid, p, actor="leader3"),
        lambda n, nid, p: n.resolve(nid, "helped", actor="leader3"),
    ],
    ids=["assign", "visit", "urgency", "refer", "resolve again"],
)
def test_a_resolved_need_refuses_work_until_reopened(needs, log, hospital, command):
    need_id = log()
    needs.resolve(need_id, "no_longer_needed", actor="leader3")
    with pytest.raises(NeedResolvedError, match="reopen"):
        command(needs, need_id, hospital)
    assert needs.get_need(need_id)["version"] == 2


def test_a_note_is_welcome_on_a_resolved_need(needs, log):
    need_id = log()
    needs.resolve(need_id, "helped", actor="leader3")
    needs.add_note(need_id, "回访：一切安好", actor="leader3")
    assert needs.get_need(need_id)["notes"][-1]["text"] == "回访：一切安好"


@pytest.mark.parametrize(
    "command",
    [
        lambda n, nid: n.assign(nid, "  ", actor="leader3"),
        lambda n, nid: n.add_note(nid, "", actor="leader3"),
        lambda n, nid: n.change_urgency(nid, "very", actor="leader3"),
        lambda n, nid: n.resolve(nid, "done", actor="leader3"),
        lambda n, nid: n.reopen(nid, "x", actor=""),
        lambda n, nid: n.record_visit(nid, "x" * 5000, actor="leader3"),
    ],
    ids=["blank assignee", "empty note", "bad urgency", "bad outcome", "no actor", "long notes"],
)
def test_bad_input_to_a_command_is_named_and_leaves_the_case_unchanged(needs, log, command):
    need_id = log()
    before = needs.get_need(need_id)
    with pytest.raises(InvalidInputError) as raised:
        command(needs, need_id)
    assert raised.value.field
    assert needs.get_need(need_id) == before


def test_a_command_on_an_unknown_need_is_refused(needs):
    from uuid import uuid4

    with pytest.raises(NeedNotFoundError):
        needs.add_note(uuid4(), "hello", actor="leader3")


def test_a_command_against_a_stale_version_is_refused_and_changes_nothing(needs, log):
    need_id = log()
    needs.change_urgency(need_id, "critical", "情况恶化", actor="leader3", expected_version=1)
    with pytest.raises(VersionConflictError, match="version 2, not 1"):
        needs.change_urgency(need_id, "low", "误报", actor="leader5", expected_version=1)
    need = needs.get_need(need_id)
    assert (need["urgency"], need["version"]) == ("critical", 2)


def test_consent_is_recorded_with_who_and_when_and_can_be_withdrawn(needs, log, clock):
    need_id = log(consent_to_share=False)
    clock.advance(minutes=5)
    needs.record_consent(need_id, True, actor="leader3")
    needs.record_consent(need_id, False, actor="leader4")
    history = needs.get_history(need_id)
    assert [e["type"] for e in history[1:]] == ["ConsentGiven", "ConsentWithdrawn"]
    assert history[1]["actor"] == "leader3"
    assert history[1]["recorded_at"] == clock.now()
    assert needs.get_need(need_id)["consent_to_share"] is False


def test_the_history_keeps_when_it_happened_and_when_it_was_recorded(needs, log, clock):
    need_id = log()
    clock.advance(hours=2)
    on_the_stairs = clock.now() - timedelta(hours=1)
    needs.record_visit(need_id, "楼道里没信号，补录", actor="leader3", occurred_at=on_the_stairs)
    visit = needs.get_history(need_id)[-1]
    assert visit["type"] == "VisitRecorded"
    assert (visit["occurred_at"], visit["recorded_at"]) == (on_the_stairs, clock.now())
    assert needs.get_need(need_id)["visits"][0]["occurred_at"] == on_the_stairs


def test_the_case_can_be_read_as_it_was_after_any_event_or_at_any_moment(needs, log, clock):
    need_id = log(urgency="normal")
    logged = clock.now()
    clock.advance(hours=1)
    needs.change_urgency(need_id, "critical", actor="leader3")
    assert needs.get_need(need_id, version=1)["urgency"] == "normal"
    assert needs.get_need_as_of(need_id, logged + timedelta(minutes=30))["urgency"] == "normal"
    assert needs.get_need_as_of(need_id, clock.now())["urgency"] == "critical"
    with pytest.raises(NeedNotFoundError):
        needs.get_need_as_of(need_id, logged - timedelta(seconds=1))
