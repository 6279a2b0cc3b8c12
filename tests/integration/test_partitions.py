"""Two communities stored apart (COMMUNITY_PARTITIONS), side by side in one deployment: each
partition its own event store and read models — a schema of the one PostgreSQL database, or a
folder of SQLite files — and every request routed to its signed-in user's partition."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY, community_id
from tests.integration.api.conftest import NEED
from tests.integration.conftest import PASSWORD
from tests.integration.pages.conftest import Phone
from tests.integration.tasks.receivers import Receiver
from web import create_app, services
from web.bootstrap import close_services
from web.config import ConfigurationError, load_settings
from web.partitions import working_in
from web.tasks.settings import TaskSettings

API = "/api/v1"
# Two communities of a street each, and the demo one left in the default partition.
STREETS = {"street_a": "changzheng-a", "street_b": "caoyang-b"}


def community_file(folder: Path) -> Path:
    blocks = [
        {"code": b.code, "name": b.name, "buildings": sorted(b.buildings)}
        for b in DEMO_COMMUNITY.blocks
    ]
    categories = [asdict(c) for c in DEMO_COMMUNITY.categories]
    items = [{"id": DEMO_COMMUNITY.id, "name": DEMO_COMMUNITY.name, "blocks": blocks}] + [
        {"slug": slug, "name": slug, "blocks": blocks, "categories": categories}
        for slug in STREETS.values()
    ]
    path = folder / "communities.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    partitions = ",".join(f"{slug}={street}" for street, slug in STREETS.items())
    return {
        **app_config,
        "COMMUNITY_FILE": str(community_file(tmp_path)),
        "COMMUNITY_PARTITIONS": partitions,
        "CELERY_DATA_FOLDER": str(tmp_path / "celery"),
        "WEBHOOK_ALLOW_PRIVATE": "1",  # the partner's receiver is on 127.0.0.1
    }


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Each street with its secretary, a block leader and a hospital's clerk."""
    with app.app_context():
        for street, slug in STREETS.items():
            with working_in(street):
                running = services()
                hospital = running.partners.register_partner(
                    community=community_id(slug),
                    name="利群医院",
                    kind="hospital",
                    categories=["emergency"],
                    blocks=["*"],
                    weekly_capacity=10,
                    actor="setup",
                )
            people: list[dict[str, Any]] = [
                {"username": f"secretary_{street}", "role": "secretary"},
                {"username": f"leader_{street}", "role": "block_leader", "blocks": ["B3"]},
                {"username": f"hospital_{street}", "role": "partner", "partner_id": hospital},
            ]
            for person in people:
                running.accounts.register_user(
                    community=community_id(slug), password=PASSWORD, actor="setup", **person
                )
    return app.test_client()


def refer_a_case(
    client: FlaskClient, as_user: Any, street: str, room: str = "502"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Log a need and refer it to the street's hospital: the case and its referral."""
    body = {**NEED, "household": {"building": "15号楼", "unit": "2", "room": room}}
    logged = client.post(f"{API}/needs", json=body, headers=as_user(f"leader_{street}"))
    assert logged.status_code == 201, logged.json
    need = dict(logged.json)
    matches = client.get(f"{API}/needs/{need['id']}/matches", headers=as_user(f"leader_{street}"))
    assert matches.status_code == 200, matches.json
    (match,) = matches.json  # the street's own hospital, not the other street's
    referred = client.post(
        f"{API}/needs/{need['id']}/referrals",
        json={"partner_id": match["partner_id"], "note": "请医生上门"},
        headers=as_user(f"leader_{street}"),
    )
    assert referred.status_code == 201, referred.json
    return need, dict(referred.json)


def work_a_case(
    client: FlaskClient, as_user: Any, street: str, room: str = "502"
) -> dict[str, Any]:
    """Log a need, refer it to the street's hospital, and let the hospital accept it."""
    need, referral = refer_a_case(client, as_user, street, room)
    accepted = client.post(
        f"{API}/referrals/{referral['id']}/accept",
        json={"note": "马上到"},
        headers=as_user(f"hospital_{street}"),
    )
    assert (accepted.status_code, accepted.json["status"]) == (200, "accepted")
    return need


def listed(client: FlaskClient, as_user: Any, street: str) -> list[str]:
    answer = client.get(f"{API}/needs", headers=as_user(f"secretary_{street}"))
    assert answer.status_code == 200, answer.json
    return [item["id"] for item in answer.json["items"]]


def notification_ids(database_url: str, tmp_path: Path, partition: str) -> list[int]:
    """The needs log's notification ids, read from the partition's own store directly."""
    if database_url.startswith("sqlite"):
        folder = tmp_path / partition if partition else tmp_path
        with sqlite3.connect(folder / "needs.sqlite") as conn:
            rows = conn.execute("SELECT rowid FROM stored_events ORDER BY 1").fetchall()
    else:
        schema = partition or "public"
        with psycopg.connect(database_url) as conn:
            rows = conn.execute(
                f"SELECT notification_id FROM {schema}.needs_events ORDER BY 1"  # noqa: S608
            ).fetchall()
    return [row[0] for row in rows]


def snapshots(database_url: str, tmp_path: Path, partition: str) -> int:
    """How many snapshots of cases the partition's own store holds."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(tmp_path / partition / "needs.sqlite") as conn:
            return int(conn.execute("SELECT count(*) FROM stored_snapshots").fetchone()[0])
    with psycopg.connect(database_url) as conn:
        found = conn.execute(f"SELECT count(*) FROM {partition}.needs_snapshots").fetchone()  # noqa: S608
    assert found is not None
    return int(found[0])


def test_the_pages_show_each_leader_their_own_partitions_cases(
    client: FlaskClient, as_user: Any
) -> None:
    mine = work_a_case(client, as_user, "street_b")
    theirs = work_a_case(client, as_user, "street_a", room="601")
    phone = Phone(client)
    assert phone.sign_in("leader_street_b").status_code == 302

    listed_page = phone.open("/needs")
    assert listed_page.status_code == 200
    assert mine["id"] in listed_page.get_data(as_text=True)
    assert theirs["id"] not in listed_page.get_data(as_text=True)
    assert phone.open(f"/needs/{mine['id']}").status_code == 200
    assert phone.open(f"/needs/{theirs['id']}").status_code == 404


def test_each_community_works_in_its_own_partition(
    app: Flask, client: FlaskClient, as_user: Any, database_url: str, tmp_path: Path
) -> None:
    a_first = work_a_case(client, as_user, "street_a")
    a_second = work_a_case(client, as_user, "street_a", room="601")
    b_only = work_a_case(client, as_user, "street_b")
    again = {**as_user("leader_street_b"), "Idempotency-Key": "visit-1"}
    body = {**NEED, "household": {"building": "15号楼", "unit": "2", "room": "101"}}
    first = client.post(f"{API}/needs", json=body, headers=again)
    replayed = client.post(f"{API}/needs", json=body, headers=again)
    assert (first.status_code, replayed.status_code) == (201, 201)
    assert replayed.json["id"] == first.json["id"]

    assert sorted(listed(client, as_user, "street_a")) == sorted([a_first["id"], a_second["id"]])
    assert sorted(listed(client, as_user, "street_b")) == sorted([b_only["id"], first.json["id"]])
    for user in ("secretary_street_b", "leader_street_b"):
        shown = client.get(f"{API}/needs/{a_first['id']}", headers=as_user(user))
        assert shown.status_code == 404, (user, shown.json)
    # Each log numbers its events from 1, independently: a worked case is logged, referred and
    # accepted; here two of them, there one and one only logged.
    assert notification_ids(database_url, tmp_path, "street_a") == [1, 2, 3, 4, 5, 6]
    assert notification_ids(database_url, tmp_path, "street_b") == [1, 2, 3, 4]
    assert notification_ids(database_url, tmp_path, "") == []
    if database_url.startswith("sqlite"):  # a partition's folder is the service's alone
        assert {(tmp_path / street).stat().st_mode & 0o777 for street in STREETS} == {0o700}


def test_an_erasure_shreds_in_its_own_partition_only(
    app: Flask, client: FlaskClient, as_user: Any, database_url: str, tmp_path: Path
) -> None:
    erased = work_a_case(client, as_user, "street_a")
    kept = work_a_case(client, as_user, "street_b")  # the same address, in another street
    household = erased["household"]["id"]
    with app.app_context(), working_in("street_a"):
        services().needs.take_snapshot(UUID(erased["id"]))
    assert snapshots(database_url, tmp_path, "street_a") == 1

    answer = client.post(
        f"{API}/households/{household}/erasure", headers=as_user("secretary_street_a")
    )

    assert answer.status_code == 200, answer.json
    assert answer.json["needs"] == [erased["id"]]
    for need, street, name in ((erased, "street_a", "[erased]"), (kept, "street_b", "王秀英")):
        shown = client.get(f"{API}/needs/{need['id']}", headers=as_user(f"secretary_{street}"))
        assert shown.json["resident_name"] == name
    assert snapshots(database_url, tmp_path, "street_a") == 0


def test_the_audit_and_the_follower_cover_every_partition(
    app: Flask, client: FlaskClient, as_user: Any
) -> None:
    cases = [work_a_case(client, as_user, street) for street in STREETS]
    runner = app.test_cli_runner()
    needs = runner.invoke(args=["list-needs"])
    assert needs.exit_code == 0, needs.output
    assert all(case["id"] in needs.output for case in cases)
    status = runner.invoke(args=["worker-status"])
    assert status.exit_code == 0, status.output
    assert "partition street_b: followers" in status.output

    sealed = runner.invoke(args=["audit", "seal"])
    assert sealed.exit_code == 0, sealed.output
    assert [line[:28] for line in sealed.output.splitlines()] == [
        "nothing new to seal",
        "partition street_a: seal 1: ",
        "partition street_b: seal 1: ",
    ]
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    said = [line[:15] for line in verified.output.splitlines() if not line.startswith("  …")]
    assert said == [
        "intact: 0 cases",
        "partition stree",
        "intact: 1 cases",
        "partition stree",
        "intact: 1 cases",
    ]
    assert "1 seals verified" in verified.output

    with app.app_context():
        for street in STREETS:
            with working_in(street):
                running = services()
                running.view.reset(running.needs.name)  # as if its follower had fallen behind
                assert running.follower.lag() > 0
        followed = runner.invoke(args=["follow", "--once"])
        assert followed.exit_code == 0, followed.output
        for street in STREETS:
            with working_in(street):
                assert services().follower.lag() == 0
    for street in STREETS:
        assert len(listed(client, as_user, street)) == 1


def test_an_operator_command_works_in_the_partition_it_is_given(
    app: Flask,
    client: FlaskClient,
    as_user: Any,
    database_url: str,
    clock: ManualClock,
    app_config: dict[str, Any],
) -> None:
    need = work_a_case(client, as_user, "street_a")
    replay = ["replay", need["id"]]
    assert app.test_cli_runner().invoke(args=replay).exit_code == 1  # not the default's case
    config = {"DATABASE_URL": database_url, "CLOCK": clock, **app_config}
    in_a = create_app({**config, "NEEDS_PARTITION": "street_a"})
    try:
        replayed = in_a.test_cli_runner().invoke(args=replay)
        assert replayed.exit_code == 0, replayed.output
        assert "NeedLogged" in replayed.output
        verified = in_a.test_cli_runner().invoke(args=["audit", "verify"])
        assert verified.exit_code == 0, verified.output
        assert "partition street_a:" in verified.output
        assert "street_b" not in verified.output
    finally:
        close_services(in_a)


def queued(app: Flask) -> list[tuple[str, list[Any], dict[str, Any]]]:
    """The tasks waiting in the broker: name, arguments and keyword arguments."""
    found = []
    celery_app = app.extensions["celery"]
    with celery_app.connection_for_read() as connection:
        channel = connection.default_channel
        while (message := channel.basic_get(celery_app.conf.task_default_queue)) is not None:
            args, kwargs, _ = message.decode()
            found.append((message.headers["task"], args, kwargs))
    return found


def test_a_partition_s_notice_is_sent_for_it_and_delivered_from_it(
    app: Flask, client: FlaskClient, as_user: Any
) -> None:
    with Receiver() as partner:
        with app.app_context(), working_in("street_b"):
            running = services()
            (hospital,) = running.partners.list_partners(community_id(STREETS["street_b"]))
            running.partners.set_webhook(
                hospital.partner_id, webhook_url=partner.url, actor="setup"
            )
        _, referral = refer_a_case(client, as_user, "street_b")

        followed = app.test_cli_runner().invoke(args=["follow", "--once"])

        assert followed.exit_code == 0, followed.output
        ((task, args, kwargs),) = queued(app)
        assert (task, kwargs) == ("needs.deliver", {"partition": "street_b"})
        delivered = app.extensions["celery"].tasks[task].apply(args=args, kwargs=kwargs)
        assert delivered.get() == "delivered"
        (post,) = partner.wait_for(1)
        assert post.payload["referral"]["id"] == referral["id"]


def test_a_task_sent_for_a_partition_works_in_it(
    app: Flask, client: FlaskClient, as_user: Any, clock: ManualClock
) -> None:
    cases = {street: refer_a_case(client, as_user, street) for street in STREETS}
    later = (clock.now() + timedelta(hours=3)).isoformat()
    clocks = app.extensions["celery"].tasks["needs.check_referral_clocks"]

    assert clocks.apply(kwargs={"now": later, "partition": "street_a"}).get() == {"escalated": 1}

    for street, status in (("street_a", "expired"), ("street_b", "sent")):
        need, _ = cases[street]
        case = client.get(f"{API}/needs/{need['id']}", headers=as_user(f"leader_{street}"))
        assert case.json["referrals"][0]["status"] == status
    schedule = TaskSettings.from_app(app).celery_config()["beat_schedule"]
    assert schedule["check-referral-clocks@street_b"]["kwargs"] == {"partition": "street_b"}
    assert "kwargs" not in schedule["check-referral-clocks"]


def test_a_community_with_records_in_the_default_partition_is_not_moved_out_of_sight(
    database_url: str, clock: ManualClock, app_config: dict[str, Any]
) -> None:
    unpartitioned = {k: v for k, v in app_config.items() if k != "COMMUNITY_PARTITIONS"}
    before = create_app({"DATABASE_URL": database_url, "CLOCK": clock, **unpartitioned})
    try:
        assert before.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
        with before.app_context():
            services().partners.register_partner(
                community=community_id("changzheng-a"),
                name="利群医院",
                kind="hospital",
                categories=["emergency"],
                blocks=["*"],
                weekly_capacity=10,
                actor="setup",
            )
    finally:
        close_services(before)
    after = create_app({"DATABASE_URL": database_url, "CLOCK": clock, **app_config})

    refused = after.test_cli_runner().invoke(args=["init-db"])

    assert refused.exit_code == 1
    assert "changzheng-a (" in refused.output
    assert "caoyang-b" not in refused.output
    assert "leave them out of COMMUNITY_PARTITIONS" in refused.output


def test_a_deployment_refuses_partitions_it_cannot_make(tmp_path: Path) -> None:
    file = str(community_file(tmp_path))

    def refusal(partitions: str) -> str:
        environ = {"COMMUNITY_FILE": file, "COMMUNITY_PARTITIONS": partitions}
        with pytest.raises(ConfigurationError) as refused:
            load_settings(str(tmp_path), environ=environ)
        return str(refused.value)

    assert "neither the id nor the slug" in refusal("nowhere=street_a")
    assert "lower-case identifier" in refusal("changzheng-a=Street-A")
    assert "lower-case identifier" in refusal("changzheng-a=street_a;drop")
    assert "'public'" in refusal("changzheng-a=public")
    assert "named twice" in refusal("changzheng-a=street_a,changzheng-a=street_b")
    assert "not community=partition" in refusal("changzheng-a")
    environ = {"COMMUNITY_FILE": file, "COMMUNITY_PARTITIONS": "caoyang-b=street_b"}
    with pytest.raises(ConfigurationError, match="NEEDS_PARTITION='street_a' is not a"):
        load_settings(str(tmp_path), environ={**environ, "NEEDS_PARTITION": "street_a"})
    named = load_settings(
        str(tmp_path),
        environ={"COMMUNITY_FILE": file, "COMMUNITY_PARTITIONS": " caoyang-b = street_b ,"},
    )
    assert named.partitions == {community_id("caoyang-b"): "street_b"}
