"""POST /api/v1/households/{id}/erasure: only the secretary erases; answers are not kept."""

from __future__ import annotations

from uuid import UUID

from web import services


def test_the_secretary_erases_a_household_and_its_cases_read_erased(app, client, as_user, log_need):
    logged = log_need(headers={"Idempotency-Key": "first-visit"})
    need_id, household_id = logged.json["id"], logged.json["household"]["id"]
    path = f"/api/v1/households/{household_id}/erasure"
    assert client.post(path, headers=as_user("leader3")).status_code == 403
    assert client.post(path, headers=as_user("auditor")).status_code == 403
    response = client.post(path, headers=as_user("secretary"))
    assert response.status_code == 200, response.json
    assert response.json["household_id"] == household_id
    assert response.json["needs"] == [need_id]
    shown = client.get(f"/api/v1/needs/{need_id}", headers=as_user("secretary")).json
    assert shown["resident_name"] == shown["contact_phone"] == "[erased]"
    with app.app_context(), services().idempotency.store.read() as sql:
        kept = sql.execute("SELECT body, shows FROM idempotency_keys").fetchall()
    # The key stays taken, remembered by the need it showed: no personal data is kept.
    assert [(row["body"], row["shows"]) for row in kept] == [(None, f"/api/v1/needs/{need_id}")]


def test_an_unknown_household_is_not_found(client, as_user):
    response = client.post(
        f"/api/v1/households/{UUID(int=9)}/erasure", headers=as_user("secretary")
    )
    assert response.status_code == 404
    assert "no household" in response.json["message"]


def test_a_note_on_an_erased_household_s_case_is_refused_with_409(client, as_user, need):
    erased = client.post(
        f"/api/v1/households/{need['household']['id']}/erasure", headers=as_user("secretary")
    )
    assert erased.status_code == 200
    note = client.post(
        f"/api/v1/needs/{need['id']}/notes", json={"text": "再次回访"}, headers=as_user("leader3")
    )
    assert note.status_code == 409, note.json
    assert "erased" in note.json["message"]


def test_a_new_need_for_an_erased_household_is_refused_with_409_and_nothing_is_logged(
    client, as_user, need
):
    household_id = need["household"]["id"]
    erased = client.post(f"/api/v1/households/{household_id}/erasure", headers=as_user("secretary"))
    assert erased.status_code == 200
    before = client.get("/api/v1/needs", headers=as_user("secretary")).json["total"]
    logged = client.post(
        "/api/v1/needs",
        json={
            "category": "hardship",
            "block": need["block"],
            "household_id": household_id,
            "description": "又来求助",
            "urgency": "normal",
        },
        headers=as_user("secretary"),
    )
    assert logged.status_code == 409, logged.json
    assert "erased" in logged.json["message"]
    assert client.get("/api/v1/needs", headers=as_user("secretary")).json["total"] == before
