"""The needs resource as API.md writes it: fields, codes, headers, lists and past states."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

NEED_FIELDS = {
    "id",
    "version",
    "community",
    "category",
    "block",
    "household",
    "resident_name",
    "contact_phone",
    "description",
    "urgency",
    "status",
    "consent_to_share",
    "assignee",
    "logged_by",
    "logged_at",
    "updated_at",
    "referrals",
    "visits",
    "notes",
}


def test_logging_a_need_answers_201_with_the_record_its_location_and_etag(log_need, clock):
    response = log_need()
    assert response.status_code == 201
    need = response.json
    assert set(need) >= NEED_FIELDS
    assert response.headers["Location"] == f"/api/v1/needs/{need['id']}"
    assert response.headers["ETag"] == '"1"'
    assert (need["status"], need["logged_by"], need["version"]) == ("open", "leader3", 1)
    assert need["household"]["building"] == 15
    assert need["household"]["unit"] == "2"
    assert need["resident_name"] == "王秀英"  # Chinese text round-trips unchanged
    assert need["logged_at"] == "2026-11-30T09:00:00+08:00"  # Shanghai time, with its offset
    UUID(need["id"])


def test_a_phone_that_logged_offline_sends_when_it_happened(log_need, client, as_user, clock):
    earlier = (clock.now() - timedelta(hours=3)).isoformat()
    need = log_need(occurred_at=earlier).json
    assert datetime.fromisoformat(need["logged_at"]) == clock.now() - timedelta(hours=3)
    history = client.get(f"/api/v1/needs/{need['id']}/history", headers=as_user("leader3")).json
    event = history["events"][0]
    assert datetime.fromisoformat(event["occurred_at"]) == clock.now() - timedelta(hours=3)
    assert datetime.fromisoformat(event["recorded_at"]) == clock.now()


def test_a_household_is_named_by_address_or_by_id(log_need):
    first = log_need().json
    second = log_need(household=None, household_id=first["household"]["id"], duplicate_ok=True).json
    assert second["household"] == first["household"]


def test_a_building_outside_the_block_is_a_422_on_that_field(log_need, client, as_user):
    response = log_need(household={"building": "3号楼"})
    assert response.status_code == 422
    assert response.json["errors"]["json"]["household"]["building"] == [
        "building 3 is not in block B3"
    ]
    listed = client.get("/api/v1/needs", headers=as_user("secretary")).json
    assert listed["total"] == 0


def test_the_list_is_most_urgent_then_oldest_first_with_the_envelope(
    log_need, client, as_user, clock
):
    ids = {}
    for name, urgency in [("a", "normal"), ("b", "critical"), ("c", "normal")]:
        clock.advance(minutes=5)
        ids[name] = log_need(urgency=urgency, description=name, duplicate_ok=True).json["id"]
    response = client.get(
        "/api/v1/needs?block=B3&status=open&per_page=2&page=1", headers=as_user("leader3")
    )
    assert response.status_code == 200
    body = response.json
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 2)
    assert [n["id"] for n in body["items"]] == [ids["b"], ids["a"]]
    second_page = client.get(
        "/api/v1/needs?block=B3&per_page=2&page=2", headers=as_user("leader3")
    ).json
    assert [n["id"] for n in second_page["items"]] == [ids["c"]]


def test_a_listed_need_reads_as_its_own_record_after_each_change_and_as_time_passes(
    need, client, as_user, clock
):
    url = f"/api/v1/needs/{need['id']}"

    def listed() -> dict:
        headers = as_user("leader3")
        [item] = client.get("/api/v1/needs?block=B3", headers=headers).json["items"]
        assert item == client.get(url, headers=headers).json
        return item

    assert (listed()["version"], listed()["overdue"]) == (1, False)
    clock.advance(hours=3)  # an emergency is overdue untouched after 2 hours
    assert listed()["overdue"] is True
    client.post(f"{url}/notes", json={"text": "电话联系未接"}, headers=as_user("leader3"))
    after = listed()
    assert (after["version"], after["notes"][0]["text"]) == (2, "电话联系未接")


def test_commands_move_the_status_and_answer_with_the_need(need, client, as_user, world):
    headers = as_user("leader3")
    url = f"/api/v1/needs/{need['id']}"
    assigned = client.post(f"{url}/assign", json={"assignee": "leader3"}, headers=headers)
    assert (assigned.status_code, assigned.json["status"]) == (200, "in_progress")
    assert assigned.headers["ETag"] == '"2"'
    visit = client.post(
        f"{url}/visits",
        json={"visited_at": "2026-11-30T08:30:00+08:00", "notes": "上门查看"},
        headers=headers,
    ).json
    assert visit["visits"] == [
        {"occurred_at": "2026-11-30T08:30:00+08:00", "visitor": "leader3", "notes": "上门查看"}
    ]
    noted = client.post(f"{url}/notes", json={"text": "家属已到"}, headers=headers).json
    assert noted["notes"][-1]["text"] == "家属已到"
    urgent = client.post(
        f"{url}/urgency", json={"urgency": "critical", "reason": "加重"}, headers=headers
    ).json
    assert urgent["urgency"] == "critical"
    resolved = client.post(
        f"{url}/resolve", json={"outcome": "helped", "summary": "已送医"}, headers=headers
    )
    assert (resolved.status_code, resolved.json["status"]) == (200, "resolved")
    again = client.post(f"{url}/resolve", json={"outcome": "helped"}, headers=headers)
    assert again.status_code == 409
    assert "reopen" in again.json["message"]
    reopened = client.post(f"{url}/reopen", json={"reason": "又摔倒了"}, headers=headers)
    assert (reopened.status_code, reopened.json["status"]) == (200, "open")


def test_assigning_to_someone_who_is_not_a_user_here_is_a_422(need, client, as_user):
    response = client.post(
        f"/api/v1/needs/{need['id']}/assign",
        json={"assignee": "nobody"},
        headers=as_user("leader3"),
    )
    assert response.status_code == 422
    assert "assignee" in response.json["errors"]["json"]


def test_if_match_guards_a_command_and_a_stale_one_changes_nothing(need, client, as_user):
    url = f"/api/v1/needs/{need['id']}/urgency"
    ok = client.post(
        url, json={"urgency": "low"}, headers={**as_user("leader3"), "If-Match": '"1"'}
    )
    assert ok.status_code == 200
    stale = client.post(
        url, json={"urgency": "critical"}, headers={**as_user("leader3"), "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    current = client.get(f"/api/v1/needs/{need['id']}", headers=as_user("leader3"))
    assert (current.json["urgency"], current.headers["ETag"]) == ("low", '"2"')


def test_the_secretary_reads_a_past_state_by_version_or_by_moment(need, client, as_user, clock):
    logged = clock.now()
    clock.advance(hours=1)
    client.post(
        f"/api/v1/needs/{need['id']}/urgency", json={"urgency": "low"}, headers=as_user("leader3")
    )
    url = f"/api/v1/needs/{need['id']}"
    first = client.get(f"{url}?version=1", headers=as_user("secretary"))
    assert (first.status_code, first.json["urgency"], first.headers["ETag"]) == (200, "high", '"1"')
    moment = (logged + timedelta(minutes=30)).isoformat().replace("+00:00", "%2B00:00")
    then = client.get(f"{url}?as_of={moment}", headers=as_user("auditor"))
    assert (then.status_code, then.json["version"]) == (200, 1)
    assert client.get(f"{url}?version=9", headers=as_user("secretary")).status_code == 404


def test_the_history_lists_every_event_oldest_first(need, referral, client, as_user):
    history = client.get(f"/api/v1/needs/{need['id']}/history", headers=as_user("auditor")).json
    assert [e["type"] for e in history["events"]] == ["NeedLogged", "Referred"]
    assert [e["version"] for e in history["events"]] == [1, 2]
    assert set(history["events"][1]) == {
        "version",
        "type",
        "occurred_at",
        "recorded_at",
        "actor",
        "chain",
        "data",
    }
    assert len(history["events"][1]["chain"]) == 64
    assert history["events"][1]["actor"] == "leader3"


def test_matches_rank_partners_with_reasons(need, client, as_user):
    matches = client.get(f"/api/v1/needs/{need['id']}/matches", headers=as_user("leader3")).json
    assert {m["name"] for m in matches} == {"利群医院", "长征派出所", "物业公司"}
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    assert all(m["reasons"] for m in matches)


def test_a_referral_is_created_with_its_deadline_and_location(referral, need, clock):
    assert referral["status"] == "sent"
    assert referral["need_id"] == need["id"]
    sent = datetime.fromisoformat(referral["sent_at"])
    assert datetime.fromisoformat(referral["respond_by"]) - sent == timedelta(hours=2)
    assert referral["version"] == 1


def test_the_partner_answers_and_the_need_follows(referral, need, client, as_user):
    headers = as_user("hospital")
    accepted = client.post(
        f"/api/v1/referrals/{referral['id']}/accept",
        json={"note": "马上到"},
        headers={**headers, "If-Match": '"1"'},
    )
    assert (accepted.status_code, accepted.json["status"]) == (200, "accepted")
    assert accepted.headers["ETag"] == '"2"'
    done = client.post(
        f"/api/v1/referrals/{referral['id']}/complete",
        json={"outcome": "helped", "note": "已处理"},
        headers=headers,
    )
    assert (done.status_code, done.json["outcome"]) == (200, "helped")
    case = client.get(f"/api/v1/needs/{need['id']}", headers=as_user("leader3")).json
    assert case["referrals"][0]["status"] == "completed"
    resolved = client.post(
        f"/api/v1/needs/{need['id']}/resolve",
        json={"outcome": "helped"},
        headers=as_user("leader3"),
    )
    assert resolved.status_code == 200


def test_a_decline_needs_one_of_the_reason_codes(referral, client, as_user):
    url = f"/api/v1/referrals/{referral['id']}/decline"
    bad = client.post(url, json={"reason": "busy"}, headers=as_user("hospital"))
    assert bad.status_code == 422
    assert "reason" in bad.json["errors"]["json"]
    good = client.post(
        url, json={"reason": "no_capacity", "note": "本周满了"}, headers=as_user("hospital")
    )
    assert (good.json["status"], good.json["decline_reason"]) == ("declined", "no_capacity")


def test_reference_data_the_menu_and_the_community(client, as_user):
    categories = client.get("/api/v1/categories", headers=as_user("leader3")).json
    emergency = next(c for c in categories if c["code"] == "emergency")
    assert emergency == {
        "code": "emergency",
        "name_zh": "救急",
        "name_en": "Emergency",
        "sla_hours": 2.0,
        "first_contact_hours": 2.0,
        "follow_up_days": 7.0,
    }
    community = client.get("/api/v1/community", headers=as_user("leader3")).json
    assert community["name"] == "怒江苑"
    b3 = next(b for b in community["blocks"] if b["code"] == "B3")
    assert b3["leaders"] == ["leader3"]


def test_health_and_the_openapi_document_need_no_token(client):
    health = client.get("/api/v1/health")
    assert health.status_code == 200
    assert health.json["status"] == "ok"
    assert health.json["store"] in ("sqlite", "postgres")
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/needs/{need_id}/referrals" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.data
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    asset.close()
    assert asset.status_code == 200


def test_the_partner_directory_is_a_paged_list_by_name(client, as_user):
    body = client.get("/api/v1/partners?per_page=3", headers=as_user("hospital")).json
    assert (body["total"], body["page"], body["per_page"]) == (4, 1, 3)
    assert [p["name"] for p in body["items"]] == sorted(p["name"] for p in body["items"])
    assert "webhook_secret" not in body["items"][0]


def test_the_secretary_registers_a_partner_and_sees_its_webhook_secret_once(client, as_user):
    headers = as_user("secretary")
    created = client.post(
        "/api/v1/partners",
        json={
            "name": "社区卫生服务中心",
            "kind": "hospital",
            "categories": ["worry_relief"],
            "blocks": ["B3", "B4"],
            "weekly_capacity": 8,
            "contact": "021-5555 0000",
            "webhook_url": "https://health.example/hooks",
        },
        headers=headers,
    )
    assert created.status_code == 201
    assert len(created.json["webhook_secret"]) == 64
    assert created.headers["Location"] == f"/api/v1/partners/{created.json['id']}"
    again = client.get(created.headers["Location"], headers=headers)
    assert "webhook_secret" not in again.json
    assert again.json["webhook_url"] == "https://health.example/hooks"
    unknown = client.post(
        "/api/v1/partners",
        json={
            "name": "x",
            "kind": "ngo",
            "categories": ["parking"],
            "blocks": ["*"],
            "weekly_capacity": 1,
        },
        headers=headers,
    )
    assert unknown.status_code == 422
    assert "category" in unknown.json["errors"]["json"]


def test_a_suspended_partner_gets_no_referral_until_reactivated(need, client, as_user, world):
    headers = as_user("secretary")
    partner = world.partner_ids["police"]
    suspended = client.post(
        f"/api/v1/partners/{partner}/suspend", json={"reason": "整改"}, headers=headers
    )
    assert (suspended.status_code, suspended.json["active"]) == (200, False)
    refused = client.post(
        f"/api/v1/needs/{need['id']}/referrals",
        json={"partner_id": str(partner)},
        headers=as_user("leader3"),
    )
    assert refused.status_code == 409
    assert "suspended" in refused.json["message"]
    twice = client.post(f"/api/v1/partners/{partner}/suspend", json={}, headers=headers)
    assert twice.status_code == 409
    back = client.post(f"/api/v1/partners/{partner}/reactivate", json={}, headers=headers)
    assert back.json["active"] is True
    referred = client.post(
        f"/api/v1/needs/{need['id']}/referrals",
        json={"partner_id": str(partner)},
        headers=as_user("leader3"),
    )
    assert referred.status_code == 201
