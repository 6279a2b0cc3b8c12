"""POST /sync/needs, where a phone's queue sends the needs captured with no signal: one need per
Idempotency-Key, refused without the pages' header or from another site, 401 in JSON when the
session has ended (the phone keeps the need), and the capture time kept. The service worker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import Flask
from werkzeug.test import TestResponse

from kernel.clock import SHANGHAI, ManualClock
from tests.integration.pages.conftest import COMMUNITY, Phone
from web import services
from web.operations.casework import NEED_IDS

KEY = "0b5d4a3e-7c1f-4f7e-9a55-3c2d1e0f9a11"
SITE = "http://localhost"
FIELDS = {
    "category": "emergency",
    "block": "B3",
    "building": "15号楼",
    "unit": "2",
    "room": "502",
    "urgency": "high",
    "description": "独居老人摔倒，无法起身",
    "resident_name": "王秀英",
    "consent_to_share": "y",
}


def sync(
    phone: Phone,
    *,
    key: str | None = KEY,
    occurred_at: str | None = None,
    headers: dict[str, str] | None = None,
    **changes: Any,
) -> TestResponse:
    sent = {"X-Requested-With": "needs-offline", "Origin": SITE, "Sec-Fetch-Site": "same-origin"}
    if key is not None:
        sent["Idempotency-Key"] = key
    sent.update(headers or {})
    body: dict[str, Any] = {
        "fields": {**FIELDS, **changes},
        "occurred_at": occurred_at or "2026-03-02T08:15:00+08:00",
        "captured_by": "leader3",
    }
    return phone.client.post("/sync/needs", json=body, headers={k: v for k, v in sent.items() if v})


def total(app: Flask) -> int:
    with app.app_context():
        return int(services().view.list_needs(COMMUNITY)[1])


def need(app: Flask, need_id: str) -> Any:
    with app.app_context():
        return services().needs.get_need(UUID(need_id))


def test_a_waiting_need_is_logged_once_however_often_it_is_sent(app: Flask, leader: Phone) -> None:
    first = sync(leader)
    second = sync(leader)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json == second.json
    assert first.json is not None
    assert first.json["url"] == f"/needs/{first.json['need_id']}"
    assert total(app) == 1


def test_the_need_id_is_the_one_the_api_derives_from_the_same_key(
    app: Flask, leader: Phone
) -> None:
    from uuid import uuid5

    response = sync(leader)
    assert response.json is not None
    assert UUID(response.json["need_id"]) == uuid5(NEED_IDS, f"leader3:{KEY}")


def test_the_need_keeps_the_time_it_was_captured(
    app: Flask, leader: Phone, clock: ManualClock
) -> None:
    captured = clock.now() - timedelta(hours=5)
    response = sync(leader, occurred_at=captured.astimezone(SHANGHAI).isoformat())
    assert response.status_code == 201
    assert response.json is not None
    with app.app_context():
        history = services().needs.get_history(UUID(response.json["need_id"]))
    assert history[0]["occurred_at"] == captured
    assert history[0]["recorded_at"] == clock.now()
    assert history[0]["actor"] == "leader3"


def test_a_capture_time_far_in_the_future_or_without_offset_is_refused(
    app: Flask, leader: Phone, clock: ManualClock
) -> None:
    later = (clock.now() + timedelta(days=3)).isoformat()
    assert sync(leader, occurred_at=later).status_code == 422
    assert sync(leader, occurred_at="2026-03-02T08:15:00").status_code == 422
    assert total(app) == 0


def test_without_the_pages_header_it_is_refused(app: Flask, leader: Phone) -> None:
    response = sync(leader, headers={"X-Requested-With": ""})
    assert response.status_code == 403
    assert response.json is not None
    assert response.json["error"] == "cross_site"
    assert total(app) == 0


def test_from_another_site_it_is_refused(app: Flask, leader: Phone) -> None:
    other = sync(leader, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": ""})
    cross = sync(leader, headers={"Sec-Fetch-Site": "cross-site"})
    neither = sync(leader, headers={"Origin": "", "Sec-Fetch-Site": ""})
    assert (other.status_code, cross.status_code, neither.status_code) == (403, 403, 403)
    assert total(app) == 0


def test_no_form_token_is_needed_so_an_old_capture_still_goes_through(
    app: Flask, phone: Phone
) -> None:
    phone.sign_in("leader3")
    phone.token = "expired"
    assert sync(phone).status_code == 201


def test_an_ended_session_is_a_401_the_script_understands(app: Flask, phone: Phone) -> None:
    response = sync(phone)
    assert response.status_code == 401
    assert response.is_json
    assert response.json is not None
    assert response.json["error"] == "signed_out"
    assert response.json["message"] == "请登录，以发送这部手机上等待中的需求。"
    assert total(app) == 0


def test_signing_out_and_in_again_then_sending_logs_it(app: Flask, phone: Phone) -> None:
    phone.sign_in("leader3")
    phone.send("/sign-out")
    assert sync(phone).status_code == 401
    phone.sign_in("leader3")
    assert sync(phone).status_code == 201
    assert total(app) == 1


def test_a_need_captured_by_someone_else_waits_for_them(app: Flask, phone: Phone) -> None:
    phone.sign_in("secretary")
    response = sync(phone)
    assert response.status_code == 409
    assert response.json is not None
    assert response.json["error"] == "other_user"
    assert total(app) == 0


def test_a_partner_may_not_log_needs(app: Flask, phone: Phone) -> None:
    phone.sign_in("hospital")
    response = phone.client.post(
        "/sync/needs",
        json={"fields": FIELDS, "occurred_at": "2026-03-02T08:15:00+08:00"},
        headers={"X-Requested-With": "needs-offline", "Origin": SITE, "Idempotency-Key": KEY},
    )
    assert response.status_code == 403
    assert total(app) == 0


def test_a_need_that_can_never_be_logged_is_refused_with_the_reason(
    app: Flask, leader: Phone
) -> None:
    not_in_block = sync(leader, building="20号楼")
    missing = sync(leader, key="another", description="")
    assert (not_in_block.status_code, missing.status_code) == (422, 422)
    assert not_in_block.json is not None
    assert "这栋楼不在本块。" in not_in_block.json["message"]
    assert missing.json is not None
    assert missing.json["errors"]["description"] == ["请写下情况。"]
    assert total(app) == 0


def test_a_missing_idempotency_key_is_refused(app: Flask, leader: Phone) -> None:
    assert sync(leader, key=None).status_code == 400
    assert total(app) == 0


def test_the_flash_is_shown_only_when_asked(app: Flask, leader: Phone, clock: ManualClock) -> None:
    # The phone's capture time on the service's own clock (the tests' is hand-wound).
    captured = clock.now().astimezone(SHANGHAI).isoformat()
    response = leader.client.post(
        "/sync/needs?flash=1",
        json={"fields": FIELDS, "occurred_at": captured},
        headers={"X-Requested-With": "needs-offline", "Origin": SITE, "Idempotency-Key": KEY},
    )
    assert response.json is not None
    page = leader.open(response.json["url"]).get_data(as_text=True)
    assert "需求已登记。" in page


def test_the_service_worker_is_served_from_the_root_with_its_version(app: Flask) -> None:
    response = app.test_client().get("/sw.js")
    script = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "__VERSION__" not in script
    assert "var CACHE = PREFIX + VERSION;" in script
    assert '"/static/offline.js"' in script


def test_every_page_loads_the_offline_script_and_its_words(leader: Phone) -> None:
    page = leader.open("/needs/new").get_data(as_text=True)
    assert "/static/offline.js" in page
    assert 'data-user="leader3"' in page
    assert "登录后发送 {count} 条等待中的需求" in page
