"""Each event names the command it came from (when its sender named it with an Idempotency-Key),
so a command sent again finds itself done; events stored before they named their commands
still load, and their chain still verifies."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from uuid import uuid4

from needs.domain import Need
from store.chain import GENESIS, link_of
from store.commands import CommandKey


def stored_as_before(stored: Any) -> Any:
    """A stored event as it was written before events named their command: no `command_id`,
    and each class at the version it had then (a decline at 2, the others at 1)."""
    state = json.loads(stored.state)
    assert "command_id" in state
    del state["command_id"]
    version = state.pop("class_version")
    if version == 3:
        state["class_version"] = 2
    return replace(stored, state=json.dumps(state).encode())


def test_events_stored_before_they_named_their_command_still_load_and_their_chain_verifies(
    needs, log, hospital
):
    need_id = log()
    referral_id = needs.refer(need_id, hospital, "请医生上门", actor="leader3")
    needs.decline_referral(need_id, referral_id, "no_capacity", "本周已满", actor="hospital")
    needs.add_note(need_id, "已联系家属", actor="leader3")

    old = [stored_as_before(s) for s in needs.recorder.select_events(need_id)]
    events = [needs.mapper.to_domain_event(stored) for stored in old]
    assert [type(e).__name__ for e in events] == [
        "NeedLogged",
        "Referred",
        "ReferralDeclined",
        "NoteAdded",
    ]
    assert [e.command_id for e in events] == [None] * 4
    head = GENESIS
    for event in events:
        assert link_of(event, head) == event.chain
        head = event.chain
    case: Any = None
    for event in events:
        case = event.mutate(case)
    assert (case.referral(referral_id).decline_reason.value, case.notes[0].text) == (
        "no_capacity",
        "已联系家属",
    )


def test_an_event_names_its_command_and_its_chain_covers_the_name(needs, log):
    need_id = log()
    key = CommandKey(uuid4())
    needs.add_note(need_id, "已联系家属", actor="leader3", key=key)
    (_, noted) = list(needs.events.get(need_id))
    assert noted.command_id == key.id
    assert link_of(noted, needs.load(need_id, version=1).chain_head) == noted.chain
    forged = replace(noted, command_id=uuid4())
    assert link_of(forged, needs.load(need_id, version=1).chain_head) != noted.chain


def test_a_command_sent_again_finds_itself_done_and_changes_nothing(needs, log):
    need_id = log()
    first = CommandKey(uuid4())
    needs.add_note(need_id, "已联系家属", actor="leader3", key=first)
    again = CommandKey(first.id)
    needs.add_note(need_id, "已联系家属", actor="leader3", key=again, expected_version=1)
    assert (first.repeated, again.repeated) == (False, True)
    need = needs.get_need(need_id)
    assert ([n["text"] for n in need["notes"]], need["version"]) == (["已联系家属"], 2)
    assert isinstance(needs.load(need_id), Need)


def test_a_referral_sent_again_answers_the_referral_it_made(needs, log, hospital):
    need_id = log()
    key, referral_id = CommandKey(uuid4()), uuid4()
    made = needs.refer(
        need_id, hospital, "请医生上门", actor="leader3", referral_id=referral_id, key=key
    )
    again = CommandKey(key.id)
    found = needs.refer(
        need_id,
        hospital,
        "请医生上门",
        actor="leader3",
        referral_id=referral_id,
        key=again,
        expected_version=1,
    )
    assert (made, found, again.repeated) == (referral_id, referral_id, True)
    assert len(needs.get_need(need_id)["referrals"]) == 1
