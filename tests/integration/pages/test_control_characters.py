"""Text with a control character (but tab and line breaks) or a lone surrogate is refused by the
pages as by the API: the form comes back with a readable message in Chinese and the text as
written less those characters — nothing saved, nothing invisible echoed, nothing else lost.
The offline queue's endpoint says so in JSON, and never answers a 500."""

from __future__ import annotations

import re
from uuid import UUID

from flask import Flask

from tests.integration.pages.conftest import Phone, log_need, text
from tests.integration.pages.test_block_leader_pages import get, send_need
from tests.integration.pages.test_offline_sync import sync, total
from web import services

REFUSED = "这段文字含有无法保存的不可见控制字符"


def test_a_note_with_a_nul_is_refused_readably_keeping_the_rest_of_the_text(
    app: Flask, leader: Phone
) -> None:
    need_id = log_need(app)
    leader.open(f"/needs/{need_id}")
    response = leader.send(f"/needs/{need_id}/notes", prefix="note", text="家属\x00明天到")
    page = text(response)
    assert response.status_code == 422
    assert REFUSED in page
    assert "家属明天到</textarea>" in page
    assert "\x00" not in page
    assert get(app, need_id)["notes"] == []


def test_a_need_with_an_escape_sequence_in_its_description_is_refused_on_the_form(
    app: Flask, leader: Phone
) -> None:
    response = send_need(leader, description="独居老人\x1b[2J摔倒", resident_name="王\x07秀英")
    page = text(response)
    assert response.status_code == 422
    assert page.count(REFUSED) == 2
    assert "独居老人[2J摔倒</textarea>" in page
    assert 'value="王秀英"' in page
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", page)


def test_line_breaks_and_tabs_from_a_textarea_are_text(app: Flask, leader: Phone) -> None:
    need_id = log_need(app)
    leader.open(f"/needs/{need_id}")
    response = leader.send(f"/needs/{need_id}/notes", prefix="note", text="第一行\r\n\t第二行\x0c")
    assert response.status_code == 422
    sent = leader.send(f"/needs/{need_id}/notes", prefix="note", text="第一行\r\n\t第二行")
    assert sent.status_code == 302
    assert [n["text"] for n in get(app, need_id)["notes"]] == ["第一行\r\n\t第二行"]


def test_a_queued_need_with_a_lone_surrogate_or_a_nul_is_refused_naming_the_field(
    app: Flask, leader: Phone
) -> None:
    for key, value in (("k-surrogate", "摔倒\ud800"), ("k-nul", "摔倒\x00")):
        response = sync(leader, key=key, description=value)
        assert response.status_code == 422
        assert response.json is not None
        assert response.json["errors"]["description"][0].startswith(REFUSED)
    assert total(app) == 0


def test_a_queued_need_nested_five_thousand_deep_is_a_400(app: Flask, leader: Phone) -> None:
    response = leader.client.post(
        "/sync/needs",
        data='{"fields": ' + "[" * 5000 + "]" * 5000 + "}",
        content_type="application/json",
        headers={"X-Requested-With": "needs-offline", "Origin": "http://localhost"},
    )
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["error"] == "body"


def test_a_duty_discharged_with_a_control_character_in_its_notes_says_why(
    app: Flask, leader: Phone
) -> None:
    household_id = UUID(str(get(app, log_need(app))["household"]["id"]))
    with app.app_context():
        duty_id = services().duties.record_life_event(
            household_id, "hospitalised", "住院", actor="leader3"
        )
    leader.open("/today")
    response = leader.send(f"/duties/{duty_id}/discharge", notes="已\x00看望")
    assert response.status_code == 302
    page = text(leader.open(response.headers["Location"]))
    assert REFUSED in page
    with app.app_context():
        assert services().duties.get_duty(duty_id)["status"] == "open"
