"""Who may do what on a project, on both stores: a resident on its team (`project_member`)
records the consents they collected, meetings, stamps and — as its treasurer only — ledger
entries, on their own projects only; the property company's and the owners' committee's staff
read the projects of the blocks their partner serves, without the residents' names; the auditor
reads every project, with its history."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import COMMUNITY
from tests.integration.conftest import PASSWORD
from web import services

API = "/api/v1"
HOMES = [{"floor": f, "label": f"1单元{f}01", "name": f"住户{f}"} for f in (1, 2, 3, 4)]


@pytest.fixture
def people(app, client) -> None:
    """Two residents with accounts, and the owners' committee serving block B5 only."""
    with app.app_context():
        running = services()
        owners = running.partners.register_partner(
            community=COMMUNITY,
            name="业委会",
            kind="owners_committee",
            categories=["mediation"],
            blocks=["B5"],
            weekly_capacity=5,
            actor="setup",
        )
        for person in (
            {"username": "treasurer15", "role": "project_member"},
            {"username": "officer15", "role": "project_member"},
            {"username": "owners", "role": "partner", "partner_id": owners},
        ):
            running.accounts.register_user(
                community=COMMUNITY, password=PASSWORD, actor="setup", **person
            )


def start(client, as_user, block: str, building: int, leader: str) -> dict[str, Any]:
    [template] = client.get(f"{API}/project-templates", headers=as_user("auditor")).json
    body = {
        "block": block,
        "building": building,
        "title": f"{building}号楼加装电梯",
        "template_id": template["id"],
        "households": HOMES,
    }
    response = client.post(f"{API}/projects", json=body, headers=as_user(leader))
    assert response.status_code == 201, response.json
    return dict(response.json)


@pytest.fixture
def project(client, as_user, people) -> dict[str, Any]:
    """Building 15 of block B3, its treasurer and a field officer holding accounts."""
    made = start(client, as_user, "B3", 15, "leader3")
    homes = [h["household_id"] for h in made["households"]]
    for role, name, account, home in (
        ("treasurer", "四楼周会计", "treasurer15", homes[3]),
        ("field_officer", "二楼王阿姨", "officer15", homes[1]),
    ):
        body = {"role": role, "name": name, "account": account, "household_id": home}
        appointed = post(client, as_user, made, "team", body, "leader3")
        assert appointed.status_code == 200, appointed.json
    return dict(appointed.json)


def post(client, as_user, project, path, body, user):
    return client.post(f"{API}/projects/{project['id']}/{path}", json=body, headers=as_user(user))


def test_a_team_member_records_consents_they_collected_meetings_and_stamps(
    client, as_user, project
) -> None:
    home = project["households"][0]["household_id"]
    consent = {"household_id": home, "answer": "yes", "on_paper": True, "signatory": "签名"}
    recorded = post(client, as_user, project, "consents", consent, "officer15")
    assert recorded.status_code == 200, recorded.json
    assert recorded.json["consents"][0]["yes"] == 1
    someone_else = {**consent, "collected_by": "楼组长"}
    assert post(client, as_user, project, "consents", someone_else, "officer15").status_code == 403
    meeting = {"kind": "residents", "held_on": "2016-03-01", "minutes": "讲解方案"}
    assert post(client, as_user, project, "meetings", meeting, "officer15").status_code == 200
    stamp = {"on": "2016-03-02", "reference": "沪房1"}
    stamped = post(client, as_user, project, "steps/housing-04/stamps", stamp, "officer15")
    assert stamped.status_code == 200
    assert stamped.json["progress"]["stamps"] == 1
    history = client.get(
        f"{API}/projects/{project['id']}/history", headers=as_user("auditor")
    ).json["events"]
    [consented] = [e for e in history if e["type"] == "ConsentRecorded"]
    assert consented["actor"] == "officer15"
    assert consented["data"]["collected_by"] == "officer15"


def test_only_the_treasurer_among_the_team_records_the_ledger(client, as_user, project) -> None:
    home = project["households"][0]["household_id"]
    payment = {"kind": "payment", "amount_fen": 150_000, "household_id": home, "on": "2016-04-01"}
    assert post(client, as_user, project, "ledger", payment, "officer15").status_code == 403
    paid = post(client, as_user, project, "ledger", payment, "treasurer15")
    assert paid.status_code == 200, paid.json
    assert paid.json["ledger"]["paid"] == 150_000
    rule = {"kind": "share_rule", "amount_fen": 600_000}
    assert post(client, as_user, project, "ledger", rule, "treasurer15").status_code == 403


def test_a_team_member_does_nothing_else_and_sees_no_other_project(
    client, as_user, project
) -> None:
    home = project["households"][0]["household_id"]
    refused = {
        "households": {"floor": 5, "label": "1单元501"},
        "team": {"role": "adviser", "name": "顾问"},
        "phase": {"phase": "applying"},
        "rota": {"rota": []},
        "steps/housing-04/block": {"reason": "等"},
        "steps/housing-04/complete": {},
        "consents": {"household_id": home, "answer": "withdrawn"},
    }
    for path, body in refused.items():
        assert post(client, as_user, project, path, body, "treasurer15").status_code == 403, path
    assert (
        client.post(
            f"{API}/projects", json={"block": "B3"}, headers=as_user("treasurer15")
        ).status_code
        == 403
    )
    other = start(client, as_user, "B3", 16, "leader3")
    path = f"{API}/projects/{other['id']}"
    assert client.get(path, headers=as_user("treasurer15")).status_code == 404
    meeting = {"kind": "residents", "held_on": "2016-03-01"}
    assert post(client, as_user, other, "meetings", meeting, "treasurer15").status_code == 404
    listed = client.get(f"{API}/projects", headers=as_user("treasurer15")).json
    assert [p["id"] for p in listed["items"]] == [project["id"]]
    mine = client.get(f"{API}/projects/{project['id']}", headers=as_user("treasurer15"))
    assert {h["label"] for h in mine.json["households"]} == {h["label"] for h in HOMES}
    history = f"{API}/projects/{project['id']}/history"
    assert client.get(history, headers=as_user("treasurer15")).status_code == 403
    assert client.get(f"{API}/needs", headers=as_user("treasurer15")).status_code == 403


def test_a_stood_down_member_no_longer_sees_the_project(client, as_user, project) -> None:
    [member] = [m for m in project["team"] if m["account"] == "officer15"]
    stood_down = post(
        client,
        as_user,
        project,
        "team",
        {"stand_down": member["member_id"], "role": "field_officer", "name": "-"},
        "leader3",
    )
    assert stood_down.status_code == 200
    path = f"{API}/projects/{project['id']}"
    assert client.get(path, headers=as_user("officer15")).status_code == 404


def test_building_partners_read_the_projects_of_the_blocks_they_serve(
    client, as_user, project
) -> None:
    path = f"{API}/projects/{project['id']}"
    shown = client.get(path, headers=as_user("property"))  # serves every block
    assert shown.status_code == 200
    assert {h["label"] for h in shown.json["households"]} == {None}
    assert {m["name"] for m in shown.json["team"]} == {None}
    assert shown.json["progress"]["steps_total"] >= 60
    assert client.get(f"{path}/steps", headers=as_user("property")).status_code == 200
    assert client.get(f"{path}/export", headers=as_user("property")).status_code == 200
    listed = client.get(f"{API}/projects", headers=as_user("property")).json
    assert [p["id"] for p in listed["items"]] == [project["id"]]
    assert client.get(path, headers=as_user("owners")).status_code == 404  # serves B5 only
    b5 = start(client, as_user, "B5", 25, "leader5")
    assert client.get(f"{API}/projects/{b5['id']}", headers=as_user("owners")).status_code == 200
    assert client.get(path, headers=as_user("hospital")).status_code == 403
    meeting = {"kind": "residents", "held_on": "2016-03-01"}
    assert post(client, as_user, project, "meetings", meeting, "property").status_code == 403
    assert client.get(f"{path}/history", headers=as_user("property")).status_code == 403


def test_the_auditor_reads_every_project_with_its_history(client, as_user, project) -> None:
    b5 = start(client, as_user, "B5", 25, "leader5")
    listed = client.get(f"{API}/projects", headers=as_user("auditor")).json
    assert {p["id"] for p in listed["items"]} == {project["id"], b5["id"]}
    history = client.get(f"{API}/projects/{b5['id']}/history", headers=as_user("auditor"))
    assert history.status_code == 200
    assert history.json["events"][0]["type"] == "Started"
    meeting = {"kind": "residents", "held_on": "2016-03-01"}
    assert post(client, as_user, b5, "meetings", meeting, "auditor").status_code == 403
