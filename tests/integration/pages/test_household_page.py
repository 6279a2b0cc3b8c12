"""A household on the phone through the test client: found or registered by address, a life
event that puts a visit on "today", a watched member, a record, and what others may not do."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest
from flask import Flask

from tests.integration.pages.conftest import COMMUNITY, Phone
from web import services


@pytest.fixture
def phone_of(app: Flask) -> Callable[[str], Phone]:
    """Another phone, signed in as the user."""

    def signed_in(username: str) -> Phone:
        phone = Phone(app.test_client())
        assert phone.sign_in(username).status_code == 302
        return phone

    return signed_in


def register(leader: Phone, building: str = "15号楼", room: str = "502") -> str:
    leader.open("/households")
    answer = leader.send("/households", building=building, unit="2", room=room)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return answer.headers["Location"]


def test_an_address_opens_its_household_and_the_same_address_opens_it_again(
    leader: Phone,
) -> None:
    first = register(leader)
    assert register(leader, building="15") == first
    page = leader.open(first).get_data(as_text=True)
    assert "502" in page
    listed = leader.open("/households").get_data(as_text=True)
    assert f'data-household="{first.rsplit("/", 1)[1]}"' in listed


def test_a_life_event_recorded_on_the_page_puts_its_visit_on_today(
    app: Flask, leader: Phone, clock
) -> None:
    home = register(leader)
    leader.open(home)
    answer = leader.send(f"{home}/life-events", prefix="life", type="hospitalised", note="住院")
    assert answer.status_code == 302
    clock.advance(days=2)
    today = leader.open("/today").get_data(as_text=True)
    household_id = UUID(home.rsplit("/", 1)[1])
    with app.app_context():
        (duty,) = services().duties.load_household(household_id).duties
    assert f'data-duty="{duty.id}"' in today


def test_a_watched_member_and_a_record_are_saved_from_the_page(app: Flask, leader: Phone) -> None:
    home = register(leader)
    leader.open(home)
    added = leader.send(f"{home}/groups", prefix="group", member="张阿姨", group="elderly_alone")
    assert added.status_code == 302
    leader.open(home)
    made = leader.send(f"{home}/records", prefix="record", kind="suggestion", text="加装扶手")
    assert made.status_code == 302
    assert "张阿姨" in leader.open(home).get_data(as_text=True)
    with app.app_context():
        rows = services().duties_view.dump()["records_view"]
    assert [(r["kind"], r["household_id"]) for r in rows] == [
        ("suggestion", home.rsplit("/", 1)[1])
    ]


def test_a_form_refused_shows_why_and_keeps_what_was_written(leader: Phone) -> None:
    home = register(leader)
    leader.open(home)
    refused = leader.send(f"{home}/records", prefix="record", kind="suggestion", text="")
    assert refused.status_code == 422
    wrong = leader.send(f"{home}/groups", prefix="group", member="刘伯", group="rich")
    assert wrong.status_code == 422
    assert 'value="刘伯"' in wrong.get_data(as_text=True)


def test_another_blocks_leader_finds_nothing_and_the_auditor_only_reads(
    app: Flask, leader: Phone, phone_of
) -> None:
    home = register(leader)
    other = phone_of("leader5")
    assert other.open(home).status_code == 404
    assert other.send(f"{home}/life-events", prefix="life", type="moved_in").status_code == 404
    auditor = phone_of("auditor")
    page = auditor.open(home)
    assert page.status_code == 200
    assert 'id="life-event"' not in page.get_data(as_text=True)
    with app.app_context():
        assert services().duties_view.list_households(COMMUNITY, ["B3"], 10, 0)[1] == 1


def test_a_suggestion_on_the_page_becomes_a_need_in_one_action(app: Flask, leader: Phone) -> None:
    home = register(leader)
    leader.open(home)
    leader.send(f"{home}/records", prefix="record", kind="suggestion", text="楼道加灯")
    page = leader.open(home).get_data(as_text=True)
    with app.app_context():
        (row,) = services().duties_view.dump()["records_view"]
    assert f'action="/records/{row["record_id"]}/to-need"' in page
    answer = leader.send(
        f"/records/{row['record_id']}/to-need", prefix="need", category="hardship", urgency="low"
    )
    assert answer.status_code == 302
    need_id = answer.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        need = services().needs.get_need(UUID(need_id))
    assert (need["description"], str(need["household"]["id"])) == (
        "楼道加灯",
        home.rsplit("/", 1)[1],
    )
    assert f'href="/needs/{need_id}"' in leader.open(home).get_data(as_text=True)
