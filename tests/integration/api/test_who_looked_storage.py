"""Who looked, as stored (issue 21): a request that shows personal data writes one look naming
every case it showed, and "who saw case X" is answered from an index by case, the same answers
as when a read was a row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from tests.integration.api.conftest import NEED
from web import services


def _looks(via: str) -> list[dict[str, Any]]:
    store = services().access_log.store
    with store.read() as sql:
        return sql.execute(
            "SELECT username, need_ids FROM personal_data_looks WHERE via=%(via)s ORDER BY id",
            {"via": via},
        ).fetchall()


def _case_ids(look: dict[str, Any]) -> list[str]:
    import json

    ids = look["need_ids"]
    return list(ids) if isinstance(ids, list) else list(json.loads(ids))


def test_a_listed_page_is_one_look_naming_each_case_it_showed(app, log_need, client, as_user):
    logged = [
        log_need(household={**NEED["household"], "room": f"{101 + i}"}, duplicate_ok=True).json[
            "id"
        ]
        for i in range(7)
    ]
    page = client.get("/api/v1/needs?block=B3&per_page=5", headers=as_user("secretary")).json
    shown = [n["id"] for n in page["items"]]
    assert len(shown) == 5
    with app.app_context():
        (look,) = [x for x in _looks("/api/v1/needs") if x["username"] == "secretary"]
    assert _case_ids(look) == shown  # each case of the page once, in the page's order
    for need_id in logged:  # who saw case X: the list for the five shown, nobody for the rest
        reads = client.get(f"/api/v1/needs/{need_id}/reads", headers=as_user("auditor")).json
        listed = [r["username"] for r in reads["reads"] if r["via"] == "/api/v1/needs"]
        # leader3 saw each case in the answer to logging it; the secretary only on the page
        assert listed == (["leader3", "secretary"] if need_id in shown else ["leader3"])


def test_later_looks_are_found_after_earlier_ones_were_asked_for(app, need, client, as_user, clock):
    url = f"/api/v1/needs/{need['id']}/reads"
    for user in ("leader3", "secretary", "leader3"):
        clock.advance(minutes=1)
        client.get("/api/v1/needs?block=B3", headers=as_user(user))
        answer = client.get(url, headers=as_user("auditor")).json["reads"]
    listed = [r for r in answer if r["via"] == "/api/v1/needs" and r["read_at"] > need["logged_at"]]
    assert [r["username"] for r in listed] == ["leader3", "secretary", "leader3"]
    assert [r["read_at"][11:16] for r in listed] == ["09:01", "09:02", "09:03"]


def test_who_saw_a_case_is_found_by_an_index_not_by_reading_every_look(app):
    with app.app_context():
        store = services().access_log.store
        with store.read() as sql:
            if store.dialect == "postgres":
                sql.execute("SET LOCAL enable_seqscan = off")
                plan = sql.execute(
                    "EXPLAIN SELECT id FROM personal_data_looks "
                    "WHERE need_ids @> ARRAY['x']::text[]"
                ).fetchall()
                assert "personal_data_looks_cases" in " ".join(str(r) for r in plan)
            else:
                plan = sql.execute(
                    "EXPLAIN QUERY PLAN SELECT look_id FROM personal_data_look_cases "
                    "WHERE need_id = 'x'"
                ).fetchall()
                assert "SEARCH" in str(plan)
                assert "PRIMARY KEY" in str(plan)


def test_reads_recorded_a_row_each_before_are_kept_as_looks(app, clock):
    """A deployment from before: its rows of `personal_data_reads` become looks at init-db,
    and the answers to who looked stay what they were."""
    case, other = uuid4(), uuid4()
    with app.app_context():
        running = services()
        store = running.access_log.store
        with store.write() as sql:
            sql.execute(
                f"CREATE TABLE personal_data_reads (read_at {store.time_type} NOT NULL, "
                "username TEXT NOT NULL, need_id TEXT NOT NULL, fields TEXT NOT NULL, "
                "via TEXT NOT NULL)"
            )
            for minutes, user, need_id in ((1, "leader3", case), (2, "auditor", other)):
                sql.execute(
                    "INSERT INTO personal_data_reads VALUES (%(t)s, %(u)s, %(n)s, %(f)s, %(v)s)",
                    {
                        "t": store.to_db_time(clock.now() + timedelta(minutes=minutes)),
                        "u": user,
                        "n": str(need_id),
                        "f": "resident_name,contact_phone",
                        "v": "/api/v1/needs",
                    },
                )
        running.access_log.create_tables()
        running.access_log.create_tables()  # twice, as every release runs init-db: nothing doubled
        (read,) = running.access_log.reads_of(case)
        assert (read["username"], read["fields"]) == ("leader3", ["resident_name", "contact_phone"])
        assert read["read_at"] == clock.now() + timedelta(minutes=1)
        assert [r["username"] for r in running.access_log.reads_of(other)] == ["auditor"]
        with store.read() as sql:
            gone = sql.execute(
                "SELECT COUNT(*) AS n FROM personal_data_looks WHERE username='leader3'"
            ).fetchone()
        assert gone["n"] == 1


def test_the_follower_indexes_a_share_at_a_time_and_asking_finds_every_look(app, clock):
    """SQLite's index by case is brought up to date by the follower a share a pass (so a busy
    hour's lists never wait on it for long) and fully, a chunk at a time, when asked."""
    from store.access_log import INDEX_CHUNK

    case = uuid4()
    looks = 2 * INDEX_CHUNK + 7
    with app.app_context():
        log = services().access_log
        for minute in range(looks):
            read = {"username": "leader3", "need_id": str(case), "fields": "resident_name"}
            at = clock.now() + timedelta(minutes=minute)
            log.record([{**read, "via": "/api/v1/needs", "read_at": at}])
        postgres = log.store.dialect == "postgres"
        assert log.catch_up(most=30) == (0 if postgres else 30)
        reads = log.reads_of(case)
        assert len(reads) == looks
        assert reads[-1]["read_at"] == clock.now() + timedelta(minutes=looks - 1)
        assert log.catch_up() == 0  # nothing left
