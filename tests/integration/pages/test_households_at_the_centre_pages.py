"""Households at the centre on the phone: a household's whole story, the warning before
logging the same need twice, follow-up visits and handovers that move the caseload."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from tests.integration.conftest import PASSWORD
from tests.integration.pages.conftest import COMMUNITY, Phone, log_need, text
from web import services


@pytest.fixture
def phone_of(app: Flask) -> Any:
    """Another phone, signed in as the user."""

    def signed_in(username: str) -> Phone:
        other = Phone(app.test_client())
        assert other.sign_in(username).status_code == 302
        return other

    return signed_in


NEED_FORM = {
    "category": "emergency",
    "building": "15号楼",
    "unit": "2",
    "room": "502",
    "urgency": "high",
    "description": "独居老人摔倒，无法起身",
    "resident_name": "王秀英",
    "consent_to_share": "y",
}


def test_the_household_page_shows_every_need_open_and_closed_with_its_outcome(
    app: Flask, leader: Phone, clock
) -> None:
    closed = log_need(app, category="hardship", urgency="normal")
    with app.app_context():
        running = services()
        running.needs.resolve(closed, "helped", "邻居帮忙", actor="leader3")
        household_id = running.needs.load(closed).household.id
    clock.advance(hours=1)
    still_open = log_need(app)
    page = text(leader.open(f"/households/{household_id}"))
    assert page.index(f'data-need="{still_open}"') < page.index(f'data-need="{closed}"')
    assert 'data-status="resolved"' in page
    assert 'data-status="open"' in page
    assert page.count('data-story="need"') == 2


def send_need(leader: Phone, **changes: object) -> Any:
    page = text(leader.open("/needs/new"))
    key = re.search(r'name="key" type="hidden" value="(\w+)"', page)
    fields = {"block": "B3", "key": key.group(1) if key else "", **NEED_FORM, **changes}
    return leader.send("/needs/new", **fields)


def test_logging_the_same_open_need_again_warns_and_offers_a_note_then_logs_it_when_confirmed(
    app: Flask, leader: Phone
) -> None:
    first = log_need(app)
    warned = send_need(leader, description="又摔了一次")
    assert warned.status_code == 409
    page = text(warned)
    assert f'data-duplicate-of="{first}"' in page
    assert f'href="/needs/{first}#note"' in page
    key = re.search(r'name="key" type="hidden" value="(\w+)"', page)
    assert key is not None
    fields = {"block": "B3", "key": key.group(1), **NEED_FORM, "description": "又摔了一次"}
    logged = leader.send("/needs/new", **fields, duplicate_ok="y")
    assert logged.status_code == 302, text(logged)
    with app.app_context():
        need = services().needs.get_need(UUID(logged.headers["Location"].rsplit("/", 1)[1]))
    assert (need["duplicate_of"], need["duplicate_flagged"]) == (first, False)


def test_a_need_captured_offline_beside_an_open_one_is_logged_and_flagged_for_the_leader(
    app: Flask, leader: Phone
) -> None:
    first = log_need(app)
    body = {
        "fields": {"block": "B3", **NEED_FORM},
        "occurred_at": "2026-11-30T08:15:00+08:00",
        "captured_by": "leader3",
    }
    headers = {
        "X-Requested-With": "needs-offline",
        "Origin": "http://localhost",
        "Sec-Fetch-Site": "same-origin",
        "Idempotency-Key": "0b5d4a3e-7c1f-4f7e-9a55-3c2d1e0f9a12",
    }
    sent = leader.client.post("/sync/needs", json=body, headers=headers)
    assert sent.status_code == 201, sent.json
    case = text(leader.open(sent.json["url"]))
    assert 'id="duplicate-flag"' in case
    assert f'href="/needs/{first}"' in case


def test_a_follow_up_falls_due_on_the_reminders_and_the_case_records_the_verdict(
    app: Flask, leader: Phone, clock
) -> None:
    need_id = log_need(app)
    with app.app_context():
        services().needs.resolve(need_id, "helped", "已送医", actor="leader3")
    clock.advance(days=7, minutes=1)
    assert leader.sign_in("leader3").status_code == 302
    reminders = text(leader.open("/reminders"))
    assert f'data-follow-up-due="{need_id}"' in reminders
    case = text(leader.open(f"/needs/{need_id}"))
    assert 'id="follow-up"' in case
    answer = leader.send(
        f"/needs/{need_id}/follow-up", prefix="follow_up", verdict="not_satisfied", note="还是疼"
    )
    assert answer.status_code == 302, text(answer)
    case = text(leader.open(f"/needs/{need_id}"))
    assert 'data-follow-up="not_satisfied"' in case
    assert 'id="follow-up"' not in case
    assert f'data-follow-up-due="{need_id}"' not in text(leader.open("/reminders"))


def test_the_secretarys_board_shows_the_share_followed_up_per_block(
    app: Flask, phone: Phone
) -> None:
    need_id = log_need(app)
    with app.app_context():
        services().needs.resolve(need_id, "helped", "", actor="leader3")
        services().needs.record_follow_up(need_id, "satisfied", actor="leader3")
    assert phone.sign_in("secretary").status_code == 302
    board = text(phone.open("/board"))
    row = board[board.index('<tr data-block="B3">') :]
    assert row[: row.index("</tr>")].count("100%") == 2


def assigned(app: Flask, need_id: UUID) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        history = services().needs.get_history(need_id)
    return [
        (e["actor"], e["data"]["assignee"], e["data"]["reason"])
        for e in history
        if e["type"] == "Assigned"
    ]


def test_handing_a_block_over_on_the_people_page_moves_its_open_needs(
    app: Flask, phone: Phone
) -> None:
    need_id = log_need(app)
    with app.app_context():
        services().accounts.register_user(
            community=COMMUNITY,
            username="leader6",
            password=PASSWORD,
            role="block_leader",
            blocks=["B6", "B3"],
            actor="setup",
        )
        services().authenticator.change_role(
            "leader3", role="block_leader", blocks=["B3", "B4"], actor="setup"
        )
    assert phone.sign_in("secretary").status_code == 302
    phone.open("/people")
    answer = phone.send("/people/handover", "handover", block="B3", leader="leader5")
    assert answer.status_code == 302, text(answer)
    assert assigned(app, need_id) == [("secretary", "leader5", "handover")]
    with app.app_context():
        assert services().accounts.get_user("leader3").blocks == ("B4",)


def test_the_secretary_reassigns_ticked_needs_from_the_list(app: Flask, phone: Phone) -> None:
    first = log_need(app)
    second = log_need(app, category="hardship")
    assert phone.sign_in("secretary").status_code == 302
    page = text(phone.open("/needs?block=B3"))
    assert 'id="reassign"' in page
    answer = phone.client.post(
        "/needs/reassign",
        data={
            "reassign-csrf_token": phone.token,
            "reassign-need": [str(first), str(second)],
            "reassign-leader": "leader5",
        },
    )
    assert answer.status_code == 302, text(answer)
    assert assigned(app, first) == [("secretary", "leader5", "handover")]
    assert assigned(app, second) == [("secretary", "leader5", "handover")]


def test_a_leader_forms_the_volunteer_group_and_adds_a_volunteer_on_the_phone(
    app: Flask, leader: Phone, phone_of
) -> None:
    leader.open("/volunteer-groups")
    formed = leader.send(
        "/volunteer-groups", "group", block="B3", name="三块邻里守望组团", leader="陈桂英"
    )
    assert formed.status_code == 302, text(formed)
    with app.app_context():
        (group,) = services().duties.list_volunteer_groups(COMMUNITY)
    page = text(leader.open("/volunteer-groups"))
    assert f'data-group="{group["id"]}"' in page
    added = leader.send(
        f"/volunteer-groups/{group['id']}/members",
        f"v-{group['id']}",
        name="褚家明",
        contact_phone="138 0000 1111",
        skills="陪同就医，修理",
        availability="周末",
    )
    assert added.status_code == 302, text(added)
    page = text(leader.open("/volunteer-groups"))
    assert "褚家明" in page
    assert "陪同就医、修理" in page
    assert "褚家明" not in text(phone_of("leader5").open("/volunteer-groups"))
