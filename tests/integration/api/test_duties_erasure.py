"""Erasing a household reaches the duties (SQLite and PostgreSQL): its address, members, life
event notes, discharge notes and records read [erased] and leave no byte on disk, while its
duties still count on the compliance board; a household with no needs is erasable too."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from kernel.community import DEMO_COMMUNITY
from store.idempotency import Answer
from tests.integration.test_erasure import key_material, on_disk, restart
from web import create_app, services

UNIT, ROOM, MEMBER = "9单元", "7731室", "欧阳慧敏"
NOTE, NOTES, TEXT = "老伴突发脑梗住院", "上门时情绪低落", "楼道里堆放杂物有火灾隐患"
PERSONAL = (UNIT, ROOM, MEMBER, NOTE, NOTES, TEXT)
CONCERN = {"kind": "concern", "block": "B3"}


class Api:
    """The API as leader3 and the secretary; every POST carries an Idempotency-Key, so the
    answers are remembered (by the record each shows), as a phone's retries would be."""

    def __init__(self, client: Any, as_user: Any) -> None:
        self.client, self.as_user, self.sent = client, as_user, 0

    def post(self, path: str, body: dict[str, Any], user: str = "leader3") -> Any:
        self.sent += 1
        headers = {**self.as_user(user), "Idempotency-Key": f"try-{self.sent}"}
        return self.client.post(f"/api/v1{path}", json=body, headers=headers)

    def get(self, path: str, user: str = "secretary") -> Any:
        response = self.client.get(f"/api/v1{path}", headers=self.as_user(user))
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture
def api(client, as_user) -> Api:
    return Api(client, as_user)


@pytest.fixture
def household(api: Api) -> dict[str, Any]:
    """A household in B3 with a member living alone, a hospitalisation whose visit was made,
    a second one still to visit, and a concern recorded about it: no need logged."""
    body = {"block": "B3", "building": 15, "unit": UNIT, "room": ROOM}
    home = api.post("/households", body).json
    path = f"/households/{home['id']}"
    joined = api.post(f"{path}/groups", {"member": MEMBER, "group": "elderly_alone"})
    assert joined.status_code == 200, joined.json
    assert api.post(f"{path}/life-events", {"type": "hospitalised", "note": NOTE}).status_code in (
        200,
        201,
    )
    duty_id = api.get(path)["duties"][0]["id"]
    discharged = api.post(f"/duties/{duty_id}/discharge", {"notes": NOTES})
    assert discharged.status_code == 200, discharged.json
    assert api.post(f"{path}/life-events", {"type": "disaster_or_theft"}).status_code in (200, 201)
    record = api.post("/records", {**CONCERN, "household_id": home["id"], "text": TEXT})
    assert record.status_code == 201, record.json
    return {**api.get(path), "record_id": record.json["id"]}


def erase(api: Api, household_id: str) -> Any:
    response = api.post(f"/households/{household_id}/erasure", {}, user="secretary")
    assert response.status_code == 200, response.json
    return response.json


def found_in(data: bytes, value: str) -> bool:
    """Whether the value is there as UTF-8 or as JSON spells it (with \\u escapes)."""
    return value.encode() in data or json.dumps(value)[1:-1].encode() in data


def compliance(app) -> list[dict[str, Any]]:
    with app.app_context():
        running = services()
        now = running.clock.now()
        return running.duties_view.compliance(DEMO_COMMUNITY.id, now - timedelta(weeks=4), now)


def test_after_erasure_no_byte_holds_the_household_s_duties_data_or_its_key(
    app, api, household, tmp_path
):
    household_id = UUID(household["id"])
    with app.app_context():
        running = services()
        keys = key_material(running, household_id)
        # Answers remembered with their bodies, as they were before replays read the record
        # again (or a refusal that repeats what was sent): an erasure drops them.
        running.idempotency.claim("leader3", "an-old-try", "hash", running.clock.now())
        old = json.dumps({"id": str(household_id), "version": 9, "said": PERSONAL})
        answer = Answer(200, old.encode(), {"Content-Type": "application/json"})
        running.idempotency.remember("leader3", "an-old-try", answer, str(household_id))
        before = on_disk(running, tmp_path)
    if running.settings.store == "sqlite":
        assert (tmp_path / "needs-duties.sqlite").stat().st_size > 0  # scanned with the rest
    # The control: the remembered answer holds every value, the key store the wrapped key.
    assert [s for s in PERSONAL if not found_in(before, s)] == []
    assert keys[-1] in before
    erased = erase(api, household["id"])
    assert (erased["needs"], erased["records"]) == ([], [household["record_id"]])
    with app.app_context():
        running = services()
        after = on_disk(running, tmp_path)
        assert running.keys.key(household_id) is None
    assert [s for s in PERSONAL if found_in(after, s)] == []
    assert [k for k in keys if k in after] == []


def test_an_erased_household_reads_erased_and_its_duties_still_count(
    app, api, household, database_url, clock
):
    board = compliance(app)
    assert board[0]["due"] == 2
    erase(api, household["id"])
    for shown in (api.get(f"/households/{household['id']}"), reopened(app, database_url, clock)):
        assert shown["unit"] == shown["room"] == "[erased]"
        assert [m["name"] for m in shown["members"]] == ["[erased]"]
        assert [e["note"] for e in shown["life_events"]] == ["[erased]"] * 2
        assert shown["duties"][0]["notes"] == "[erased]"
        assert (shown["block"], shown["building"], len(shown["duties"])) == ("B3", 15, 2)
        assert shown["erased_by"] == "secretary"
    record = api.get(f"/records/{household['record_id']}")
    assert (record["text"], record["kind"], record["block"]) == ("[erased]", "concern", "B3")
    assert compliance(app) == board


def test_nothing_personal_can_be_added_to_an_erased_household(api, household):
    path = f"/households/{household['id']}"
    erase(api, household["id"])
    open_duty = next(d for d in household["duties"] if d["status"] == "open")
    refused = [
        api.post(f"{path}/groups", {"member": "新成员", "group": "unemployed"}),
        api.post(f"{path}/life-events", {"type": "moved_in", "note": "新的情况"}),
        api.post(f"/duties/{open_duty['id']}/discharge", {"notes": "上门了"}),
        api.post("/records", {**CONCERN, "household_id": household["id"], "text": "又有"}),
    ]
    assert [r.status_code for r in refused] == [409] * 4
    assert all("erased" in r.json["message"] for r in refused)
    # Without personal data the work goes on, and counts.
    assert api.post(f"/duties/{open_duty['id']}/discharge", {}).status_code == 200


def test_a_household_with_a_need_is_erased_in_both_contexts(api, household):
    need = {
        "category": "hardship",
        "block": "B3",
        "household": {"building": 15, "unit": UNIT, "room": ROOM},
        "resident_name": MEMBER,
        "contact_phone": "13917730042",
        "description": "独居老人",
        "urgency": "high",
    }
    logged = api.post("/needs", need)
    assert logged.status_code == 201, logged.json
    assert logged.json["household"]["id"] == household["id"]
    erased = erase(api, household["id"])
    assert erased["needs"] == [logged.json["id"]]
    assert api.get(f"/needs/{logged.json['id']}")["resident_name"] == "[erased]"
    assert api.get(f"/households/{household['id']}")["unit"] == "[erased]"


def reopened(app, database_url: str, clock) -> dict[str, Any]:
    """The household as a new process reads it from the store, with no cache to forget."""
    again = create_app({"DATABASE_URL": database_url, "CLOCK": clock})
    with again.app_context():
        fresh = services(again)
        try:
            household_id = fresh.duties_view.list_households(DEMO_COMMUNITY.id, None, 1, 0)[0][0]
            return fresh.duties.get_household(household_id)
        finally:
            fresh.close()


def test_a_restored_key_store_keeps_a_household_erased_in_the_duties_log(
    app, api, household, database_url, clock, tmp_path
):
    backup = tmp_path / "keys-backup.json"
    assert app.test_cli_runner().invoke(args=["keys", "backup", str(backup)]).exit_code == 0
    erase(api, household["id"])
    with app.app_context(), services().keys.store.write() as sql:
        for table in ("household_keys", "erased_households"):
            sql.execute(f"DELETE FROM {table}")  # noqa: S608 - the key store is lost
    again = restart(app, database_url, clock)
    restored = again.test_cli_runner().invoke(args=["keys", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "1 household(s) erased in the event logs stay erased" in restored.output
    assert reopened(again, database_url, clock)["unit"] == "[erased]"


def test_who_looked_at_a_household_s_people_is_recorded_for_the_auditor(api, household):
    path = f"/households/{household['id']}"
    api.get(path, user="leader3")
    api.get(f"/records/{household['record_id']}", user="secretary")
    reads = api.get(f"{path}/reads", user="auditor")["reads"]
    seen = {(r["username"], r["via"]) for r in reads}
    assert ("leader3", f"/api/v1{path}") in seen
    assert ("secretary", f"/api/v1/records/{household['record_id']}") in seen
    shown = next(r for r in reads if r["via"] == f"/api/v1{path}")
    assert {"unit", "room", "members"} <= set(shown["fields"])
    assert api.client.get(f"/api/v1{path}/reads", headers=api.as_user("leader3")).status_code == 403


def test_no_need_can_be_logged_for_an_erased_household(api, household):
    erase(api, household["id"])
    need = {
        "category": "hardship",
        "block": "B3",
        "household_id": household["id"],
        "resident_name": MEMBER,
        "description": "又来求助",
        "urgency": "normal",
    }
    refused = api.post("/needs", need)
    assert refused.status_code == 409, refused.json
    assert "erased" in refused.json["message"]


def test_the_duties_read_models_rebuilt_after_an_erasure_are_the_same(app, api, household):
    erase(api, household["id"])
    with app.app_context():
        running = services()
        live = running.duties_view.dump()
        assert [r["address_digest"] for r in live["duty_households"]] == [""]
        running.duties_follower.rebuild()
        assert running.duties_view.dump() == live
