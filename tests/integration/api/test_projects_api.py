"""The projects API on both stores: templates, a project walked from consents to its stamps,
the roles that may run and read it, its errors, history and stamp table, and a command sent
again after a crash that runs once."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from kernel.clock import ManualClock
from store.idempotency import STALE_CLAIM
from tests.integration.api.test_retry_after_a_crash import killed_after_the_save  # noqa: F401
from web import services

API = "/api/v1"
HOMES = [
    {"floor": f, "label": f"1单元{f}0{r}", "name": f"住户{f}{r}"} for f in (1, 2, 3) for r in (1, 2)
]


@pytest.fixture
def template_id(client, as_user) -> str:
    [template] = client.get(f"{API}/project-templates", headers=as_user("auditor")).json
    return str(template["id"])


@pytest.fixture
def project(client, as_user, template_id) -> dict[str, Any]:
    body = {
        "block": "B3",
        "building": 15,
        "title": "15号楼加装电梯",
        "template_id": template_id,
        "households": HOMES,
    }
    response = client.post(f"{API}/projects", json=body, headers=as_user("leader3"))
    assert response.status_code == 201, response.json
    assert response.headers["Location"].endswith(response.json["id"])
    return dict(response.json)


def post(client, as_user, project, path, body, user="leader3", **headers):
    return client.post(
        f"{API}/projects/{project['id']}/{path}", json=body, headers={**as_user(user), **headers}
    )


def test_the_builtin_template_is_served_in_versions(client, as_user, template_id) -> None:
    response = client.get(f"{API}/project-templates/{template_id}", headers=as_user("leader3"))
    assert response.status_code == 200
    assert response.json["steps_total"] >= 60
    assert response.json["kind"] == "lift_retrofit"
    missing = client.get(
        f"{API}/project-templates/{template_id}?version=9", headers=as_user("leader3")
    )
    assert missing.status_code == 404
    assert missing.json["code"] == 404
    new = {
        "kind": "bike_shed",
        "name": "自行车棚",
        "phases": [{"code": "a", "title": "申请"}],
        "steps": [{"step_id": "a-1", "phase": "a", "department": "房管", "title": "审批"}],
    }
    assert (
        client.post(f"{API}/project-templates", json=new, headers=as_user("leader3")).status_code
        == 403
    )
    made = client.post(f"{API}/project-templates", json=new, headers=as_user("secretary"))
    assert made.status_code == 201
    assert made.json["steps"][0]["stamps"] == 1


def test_a_project_walks_from_consents_to_applying_and_stamps(client, as_user, project) -> None:
    homes = [h["household_id"] for h in project["households"]]
    assert project["consents"][0] | {} == project["consents"][0]
    assert project["consents"][0]["pending"] == 6
    assert project["threshold"] == "1"
    refused = post(client, as_user, project, "phase", {"phase": "applying"})
    assert refused.status_code == 409
    for household_id in homes:
        answer = post(
            client,
            as_user,
            project,
            "consents",
            {"household_id": household_id, "answer": "yes", "on_paper": True, "signatory": "签名"},
        )
        assert answer.status_code == 200, answer.json
    assert answer.json["consents"][0]["met"] is True
    applying = post(
        client,
        as_user,
        project,
        "phase",
        {"phase": "applying"},
        **{"If-Match": f'"{answer.json["version"]}"'},
    )
    assert applying.status_code == 200
    assert applying.json["phase"] == "applying"
    stale = post(client, as_user, project, "phase", {"phase": "approved"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    back = post(
        client,
        as_user,
        project,
        "consents",
        {"household_id": homes[0], "answer": "withdrawn", "reason": "担心费用"},
    )
    assert back.json["phase"] == "consenting"
    step = "housing-04"
    stamped = post(
        client, as_user, project, f"steps/{step}/stamps", {"on": "2015-06-01", "reference": "沪房1"}
    )
    assert stamped.json["progress"]["stamps"] == 1
    early = post(client, as_user, project, f"steps/{step}/complete", {})
    assert early.status_code == 409
    assert "needs 2 stamps" in early.json["message"]
    blocked = post(client, as_user, project, f"steps/{step}/block", {"reason": "等结构评估"})
    assert blocked.status_code == 200
    assert post(client, as_user, project, "steps/nope/block", {"reason": "x"}).status_code == 404
    team = post(
        client,
        as_user,
        project,
        "team",
        {"role": "treasurer", "name": "李会计", "household_id": homes[1]},
    )
    assert team.json["team"][0]["role"] == "treasurer"
    meeting = post(
        client,
        as_user,
        project,
        "meetings",
        {"kind": "joint", "held_on": "2015-03-02", "households_present": homes[:4]},
    )
    assert meeting.json["meetings"]["count"] == 1
    share = post(
        client,
        as_user,
        project,
        "ledger",
        {
            "kind": "share_rule",
            "share": "by_floor",
            "amount_fen": 600_000,
            "weights": [
                {"floor": 1, "weight": 0},
                {"floor": 2, "weight": 1},
                {"floor": 3, "weight": 2},
            ],
        },
    )
    assert share.json["ledger"]["share_total"] == 600_000
    paid = post(
        client,
        as_user,
        project,
        "ledger",
        {"kind": "payment", "amount_fen": 100_000, "household_id": homes[0], "on": "2015-05-01"},
    )
    assert paid.json["ledger"]["balance"] == 100_000
    over = post(
        client,
        as_user,
        project,
        "ledger",
        {"kind": "expense", "amount_fen": 100_001, "payee": "电梯公司", "receipt": "F1"},
    )
    assert over.status_code == 409
    floaty = post(
        client,
        as_user,
        project,
        "ledger",
        {"kind": "payment", "amount_fen": 10.5, "household_id": homes[0]},
    )
    assert floaty.status_code == 422
    rota = post(
        client,
        as_user,
        project,
        "rota",
        {"rota": [{"task": "保洁", "every": "week", "households": homes}]},
    )
    assert rota.status_code == 200
    assert len(rota.json["rota"][0]["households"]) == 6
    history = client.get(f"{API}/projects/{project['id']}/history", headers=as_user("auditor"))
    kinds = [e["type"] for e in history.json["events"]]
    assert kinds[kinds.index("ConsentWithdrawn") :][:2] == ["ConsentWithdrawn", "PhaseReturned"]


def test_who_may_run_and_read_a_project(client, as_user, project, template_id) -> None:
    path = f"{API}/projects/{project['id']}"
    assert client.get(path, headers=as_user("auditor")).status_code == 200
    assert client.get(path, headers=as_user("leader5")).status_code == 404
    assert client.get(path, headers=as_user("hospital")).status_code == 403
    body = {"household_id": project["households"][0]["household_id"], "answer": "yes"}
    assert post(client, as_user, project, "consents", body, user="auditor").status_code == 403
    assert post(client, as_user, project, "consents", body, user="leader5").status_code == 404
    elsewhere = {"block": "B5", "building": 25, "title": "x", "template_id": template_id}
    assert (
        client.post(f"{API}/projects", json=elsewhere, headers=as_user("leader3")).status_code
        == 403
    )
    listed = client.get(f"{API}/projects?block=B3&status=consenting", headers=as_user("leader3"))
    assert [p["id"] for p in listed.json["items"]] == [project["id"]]
    assert client.get(f"{API}/projects", headers=as_user("leader5")).json["total"] == 0
    assert client.get(f"{API}/projects?block=B3", headers=as_user("leader5")).status_code == 403


def test_the_stamp_table_exports_as_json_and_pdf(client, as_user, project) -> None:
    exported = client.get(f"{API}/projects/{project['id']}/export", headers=as_user("auditor"))
    assert exported.status_code == 200
    assert len(exported.json["steps"]) >= 60
    assert exported.json["verification"]["intact"] is True
    pdf = client.get(
        f"{API}/projects/{project['id']}/export?format=pdf", headers=as_user("secretary")
    )
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"


def test_a_stamp_sent_again_after_a_crash_is_kept_once(
    client,
    as_user,
    project,
    app,
    clock: ManualClock,
    killed_after_the_save,  # noqa: F811
) -> None:
    headers = {**as_user("leader3"), "Idempotency-Key": str(uuid4())}
    path = f"{API}/projects/{project['id']}/steps/housing-01/stamps"
    killed_after_the_save(lambda: services().projects)
    with pytest.raises(SystemExit):
        client.post(path, json={"on": "2015-06-01"}, headers=headers)
    clock.advance(seconds=STALE_CLAIM.total_seconds() + 1)
    again = client.post(path, json={"on": "2015-06-01"}, headers=headers)
    assert again.status_code == 200, again.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["progress"]["stamps"] == 1


def test_a_finished_project_becomes_a_template_another_building_starts_from(
    client, as_user, project, app
) -> None:
    project_id = project["id"]
    too_soon = post(client, as_user, project, "template", {}, user="secretary")
    assert too_soon.status_code == 409
    with app.app_context():
        projects = services().projects
        pid = UUID(project_id)
        for home in project["households"]:
            household = UUID(home["household_id"])
            projects.record_consent(pid, household, "yes", actor="leader3")
        for step in projects.get_steps(pid):
            for _ in range(step["stamps_needed"]):
                projects.obtain_stamp(pid, step["step_id"], on="2015-08-01", actor="leader3")
            projects.complete_step(pid, step["step_id"], actor="leader3")
    for phase in ("applying", "approved", "building", "accepted", "in_operation"):
        assert post(client, as_user, project, "phase", {"phase": phase}).status_code == 200
    assert post(client, as_user, project, "template", {}).status_code == 403  # the leader
    made = post(client, as_user, project, "template", {"note": "15号楼经验"}, user="secretary")
    assert made.status_code == 201, made.json
    assert made.json["version"] == 2
    assert made.json["made_from"] == project_id
    body = {
        "block": "B3",
        "building": "16号楼",
        "title": "16号楼加装电梯",
        "template_id": made.json["id"],
        "template_version": 2,
    }
    copied = client.post(f"{API}/projects", json=body, headers=as_user("leader3"))
    assert copied.status_code == 201
    assert copied.json["template"] == {"id": made.json["id"], "version": 2}


def test_reading_a_project_notes_who_looked_at_each_households_names(
    client, as_user, project, app
) -> None:
    household_id = UUID(project["households"][0]["household_id"])
    with app.app_context():
        before = len(services().access_log.reads_of(household_id))
    assert (
        client.get(f"{API}/projects/{project['id']}", headers=as_user("auditor")).status_code == 200
    )
    with app.app_context():
        reads = services().access_log.reads_of(household_id)
    assert len(reads) == before + 1
    assert reads[-1]["username"] == "auditor"
    assert "households.name" in reads[-1]["fields"]


def test_a_project_takes_the_households_registered_at_its_building(
    client, as_user, template_id
) -> None:
    leader = as_user("leader3")
    registered = []
    for building, room in (("15号楼", "502"), ("15", "1201"), ("16", "301")):
        address = {"block": "B3", "building": building, "unit": "2", "room": room}
        answer = client.post(f"{API}/households", json=address, headers=leader)
        assert answer.status_code == 201, answer.json
        registered.append(answer.json["id"])
    body = {
        "block": "B3",
        "building": "15号楼",
        "title": "15号楼加装电梯",
        "template_id": template_id,
        "registered_households": True,
        "households": [{"floor": 1, "label": "1单元101"}],
    }
    made = client.post(f"{API}/projects", json=body, headers=leader)
    assert made.status_code == 201, made.json
    homes = {h["household_id"]: h for h in made.json["households"]}
    assert set(registered[:2]) <= set(homes)
    assert registered[2] not in homes
    assert (homes[registered[0]]["floor"], homes[registered[0]]["label"]) == (5, "2单元502")
    assert homes[registered[1]]["floor"] == 12
    assert len(homes) == 3
