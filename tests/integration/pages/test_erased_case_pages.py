"""What the pages show of an erased household's case: [erased] where the resident was, the
erasure in the timeline, and a readable refusal when someone adds a note."""

from __future__ import annotations

from uuid import UUID

from flask import Flask

from kernel.clock import ManualClock
from tests.integration.pages.conftest import Phone, log_need, text
from web import services
from web.operations.erasure import erase_household


def erased_case(app: Flask, clock: ManualClock) -> UUID:
    need_id = log_need(app)
    with app.app_context():
        running = services()
        running.needs.add_note(need_id, "女儿在杭州工作", actor="leader3")
        clock.advance(minutes=30)
        household_id = running.needs.load(need_id).household.id
        erase_household(running, household_id, "secretary")
    return need_id


def test_the_auditor_s_history_shows_erased_and_who_erased_it(
    app: Flask, phone: Phone, clock: ManualClock
) -> None:
    need_id = erased_case(app, clock)
    assert phone.sign_in("auditor").status_code == 302
    for page in (
        text(phone.open(f"/needs/{need_id}/history")),
        text(phone.open(f"/needs/{need_id}/history?at=1")),
        text(phone.open(f"/needs/{need_id}")),
    ):
        assert "王秀英" not in page
        assert "女儿在杭州工作" not in page
        assert "139 1234 5678" not in page
    case_page = text(phone.open(f"/needs/{need_id}"))
    assert "[erased]" in case_page
    assert "个人信息已由secretary于2026-11-30 09:30删除" in case_page


def test_a_note_on_an_erased_case_is_refused_in_words(
    app: Flask, leader: Phone, clock: ManualClock
) -> None:
    need_id = erased_case(app, clock)
    response = leader.send(f"/needs/{need_id}/notes", prefix="note", text="再次回访")
    assert response.status_code == 409
    assert "该户的个人信息已删除" in text(response)
