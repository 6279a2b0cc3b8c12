"""Tamper evidence: a changed, removed, reordered or cut-off event is caught, and named."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import psycopg
import pytest

from kernel.community import DEMO_COMMUNITY
from needs.audit import verify_case
from web import create_app

COMMUNITY = DEMO_COMMUNITY.id


@pytest.fixture
def case(running) -> UUID:
    """A case of four events: logged, two notes, a visit."""
    need_id = running.casework.log_need(
        community=COMMUNITY,
        category="hardship",
        block="B3",
        building=15,
        unit="1",
        room="101",
        description="水管爆裂",
        urgency="normal",
        resident_name="李建国",
        actor="leader3",
    )
    running.needs.add_note(need_id, "已联系物业", actor="leader3")
    running.needs.add_note(need_id, "物业明天上门", actor="leader3")
    running.needs.record_visit(need_id, "已修好", actor="leader3")
    return need_id


@pytest.fixture
def tamper(running, database_url) -> Callable[[str, dict], None]:
    """Run SQL against the raw event table, behind the application's back."""

    def run(statement: str, params: dict) -> None:
        if database_url.startswith("sqlite"):
            import sqlite3

            path = running.settings.sqlite_path("needs")
            with sqlite3.connect(path) as conn:
                conn.execute(
                    statement.replace("EVENTS", "stored_events")
                    .replace("%(", ":")
                    .replace(")s", ""),
                    params,
                )
        else:
            with psycopg.connect(database_url) as conn:
                conn.execute(statement.replace("EVENTS", "needs_events"), params)
        running.needs.repository.cache.clear()

    return run


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["audit", *args])


def test_an_untouched_log_verifies_and_seals(app, case):
    assert cli(app, "seal").exit_code == 0
    result = cli(app, "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("intact: 1 cases, 4 events, 1 seals verified")  # one line


def test_an_altered_event_is_caught_and_named(app, running, case, tamper, database_url):
    hex_id = case.hex if database_url.startswith("sqlite") else str(case)
    if database_url.startswith("sqlite"):
        tamper(
            "UPDATE EVENTS SET state = "
            "CAST(REPLACE(CAST(state AS TEXT), 'leader3', 'leader9') AS BLOB) "
            "WHERE originator_id=%(id)s AND originator_version=2",
            {"id": hex_id},
        )
    else:
        tamper(
            "UPDATE EVENTS SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'leader3', 'leader9'), 'UTF8') "
            "WHERE originator_id=%(id)s AND originator_version=2",
            {"id": case},
        )
    check = verify_case(running.needs, case)
    assert not check.intact
    assert (check.problems[0].version, check.problems[0].what) == (
        2,
        "altered: its hash does not match",
    )
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert f"BROKEN need {case} version 2: altered" in result.output


def test_a_removed_event_is_caught(running, case, tamper):
    tamper(
        "DELETE FROM EVENTS WHERE originator_id=%(id)s AND originator_version=2",
        {"id": case.hex if "sqlite" in running.settings.store else case},
    )
    check = verify_case(running.needs, case)
    assert (check.problems[0].version, check.problems[0].what) == (
        2,
        "event missing or out of order",
    )


def test_two_reordered_events_are_caught(running, case, tamper):
    ident = case.hex if running.settings.store == "sqlite" else case
    for old, new in ((2, 99), (3, 2), (99, 3)):
        tamper(
            "UPDATE EVENTS SET originator_version=%(new)s "
            "WHERE originator_id=%(id)s AND originator_version=%(old)s",
            {"id": ident, "old": old, "new": new},
        )
    check = verify_case(running.needs, case)
    assert check.problems[0].version == 2


def test_a_case_whose_newest_events_were_cut_off_is_caught_by_the_next_seal(
    app, running, case, tamper
):
    assert cli(app, "seal").exit_code == 0
    ident = case.hex if running.settings.store == "sqlite" else case
    tamper("DELETE FROM EVENTS WHERE originator_id=%(id)s AND originator_version=4", {"id": ident})
    assert verify_case(running.needs, case).intact  # the chain alone cannot tell
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert f"need {case} version 4: sealed by seal 1, now missing (cut off)" in result.output


def test_an_altered_seal_is_caught(app, running, case):
    assert cli(app, "seal").exit_code == 0
    with running.view.store.write() as sql:
        sql.execute("UPDATE seals SET heads = '{}'")
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert "seal 1 was altered" in result.output


def test_the_api_tells_a_case_s_verification_status(app, running, case, tamper, clock):
    assert cli(app, "seal").exit_code == 0
    running.accounts.register_user(
        community=COMMUNITY,
        username="auditor",
        role="auditor",
        password="correct horse battery",
        actor="setup",
    )
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "auditor", "password": "correct horse battery"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    status = client.get(f"/api/v1/needs/{case}/verification", headers=headers).json
    assert (status["intact"], status["checked_versions"], status["problems"]) == (True, 4, [])
    assert (status["sealed"]["seal_no"], status["sealed"]["version"]) == (1, 4)
    ident = case.hex if running.settings.store == "sqlite" else case
    tamper("DELETE FROM EVENTS WHERE originator_id=%(id)s AND originator_version=3", {"id": ident})
    broken = client.get(f"/api/v1/needs/{case}/verification", headers=headers).json
    assert broken["intact"] is False
    assert broken["problems"] == [{"version": 3, "problem": "event missing or out of order"}]


def test_rebuild_check_compares_a_scratch_replay_with_the_live_views(app, running, case):
    result = cli(app, "rebuild-check")
    assert result.exit_code == 0, result.output
    assert "rebuild matches the live read models (4 events replayed)" in result.output
    with running.view.store.write() as sql:
        sql.execute("UPDATE needs_view SET urgency='critical'")
    result = cli(app, "rebuild-check")
    assert result.exit_code == 1
    assert "needs_view" in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_encryption_an_altered_byte_makes_the_event_unreadable_and_is_named(
    database_url, clock
):
    from eventsourcing.cryptography import AESCipher

    from web import services

    flask_app = create_app(
        {"DATABASE_URL": database_url, "CLOCK": clock, "CIPHER_KEY": AESCipher.create_key(32)}
    )
    assert flask_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    with flask_app.app_context():
        running = services()
        need_id = running.casework.log_need(
            community=COMMUNITY,
            category="hardship",
            block="B3",
            building=15,
            description="x",
            urgency="low",
            actor="leader3",
        )
        running.needs.add_note(need_id, "备注", actor="leader3")
        import sqlite3

        with sqlite3.connect(running.settings.sqlite_path("needs")) as conn:
            (state,) = conn.execute(
                "SELECT state FROM stored_events WHERE originator_version = 2"
            ).fetchone()
            flipped = state[:20] + bytes([state[20] ^ 0xFF]) + state[21:]
            conn.execute(
                "UPDATE stored_events SET state = ? WHERE originator_version = 2", (flipped,)
            )
        running.needs.repository.cache.clear()
        check = verify_case(running.needs, need_id)
        running.close()
    assert check.problems[0].version == 2
    assert check.problems[0].what.startswith("cannot be read")


def test_a_case_exports_as_json_with_its_verification(app, case):
    import json

    result = cli(app, "export", str(case))
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["need"]["id"] == str(case)
    assert [e["type"] for e in document["events"]] == [
        "NeedLogged",
        "NoteAdded",
        "NoteAdded",
        "VisitRecorded",
    ]
    assert document["events"][0]["recorded_at"].endswith("+08:00")
    assert document["verification"]["intact"] is True
    assert cli(app, "export", "00000000-0000-0000-0000-000000000000").exit_code == 1
