"""One household's whole story through the API (SQLite and PostgreSQL): every need, open and
closed, beside its life events, watched members, duties and records, newest first; the needs
filtered by household; and each read of it noted in who looked."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.clock import ManualClock

HOUSEHOLD = {"block": "B3", "building": "15号楼", "unit": "2", "room": "502"}


@pytest.fixture
def household(client, as_user) -> dict[str, Any]:
    response = client.post("/api/v1/households", json=HOUSEHOLD, headers=as_user("leader3"))
    assert response.status_code == 201, response.json
    return dict(response.json)


def log_for(log_need, household: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = log_need(household=None, household_id=household["id"], **body)
    assert response.status_code == 201, response.json
    return dict(response.json)


def test_the_household_lists_every_need_open_and_closed_newest_first_with_its_outcome(
    client, as_user, log_need, household, clock: ManualClock
):
    first = log_for(log_need, household, category="hardship", urgency="normal")
    resolved = client.post(
        f"/api/v1/needs/{first['id']}/resolve",
        json={"outcome": "helped", "summary": "邻居帮忙买菜"},
        headers=as_user("leader3"),
    )
    assert resolved.status_code == 200, resolved.json
    clock.advance(hours=2)
    second = log_for(log_need, household, category="emergency")
    clock.advance(minutes=5)
    client.post(
        f"/api/v1/households/{household['id']}/life-events",
        json={"type": "hospitalised", "note": "住院三天"},
        headers=as_user("leader3"),
    )
    shown = client.get(f"/api/v1/households/{household['id']}", headers=as_user("leader3"))
    assert shown.status_code == 200, shown.json
    needs = shown.json["needs"]
    assert [(n["id"], n["status"], n["resolution"]) for n in needs] == [
        (second["id"], "open", None),
        (first["id"], "resolved", "helped"),
    ]
    kinds = [entry["kind"] for entry in shown.json["story"]]
    assert kinds[0] in ("life_event", "duty")
    assert kinds.count("need") == 2
    times = [entry["at"] for entry in shown.json["story"]]
    assert times == sorted(times, reverse=True)


def test_needs_are_filtered_by_household_within_the_callers_scope(
    client, as_user, log_need, household
):
    mine = log_for(log_need, household)
    log_need(household={"building": "16", "unit": "1", "room": "101"})
    path = f"/api/v1/needs?household_id={household['id']}"
    listed = client.get(path, headers=as_user("leader3"))
    assert [n["id"] for n in listed.json["items"]] == [mine["id"]]
    assert client.get(path, headers=as_user("leader5")).json["items"] == []


def test_reading_the_households_story_is_noted_for_each_of_its_needs(
    client, as_user, log_need, household
):
    need = log_for(log_need, household)
    client.get(f"/api/v1/households/{household['id']}", headers=as_user("secretary"))
    reads = client.get(f"/api/v1/needs/{need['id']}/reads", headers=as_user("auditor")).json
    assert [
        r["username"] for r in reads["reads"] if r["via"] == f"/api/v1/households/{household['id']}"
    ] == ["secretary"]
