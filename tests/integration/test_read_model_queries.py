"""What the read models answer: a block's needs most urgent then oldest first, a partner's inbox,
the counts, a household's needs — kept current across processes, and committed with only the
durability a rebuild from the log makes safe."""

from __future__ import annotations

from uuid import UUID, uuid4

from tests.integration.test_read_models import COMMUNITY, register_partners
from web.bootstrap import build_services


def test_the_views_show_a_block_most_urgent_then_oldest_first(services, clock):
    ids = {}
    for name, urgency in [("a", "normal"), ("b", "critical"), ("c", "normal"), ("d", "low")]:
        clock.advance(minutes=10)
        ids[name] = services.casework.log_need(
            community=COMMUNITY,
            category="hardship",
            block="B3",
            building=15,
            description=name,
            urgency=urgency,
            actor="leader3",
        )
    services.casework.log_need(
        community=COMMUNITY,
        category="hardship",
        block="B4",
        building=20,
        description="elsewhere",
        urgency="critical",
        actor="leader4",
    )
    rows, total = services.view.list_needs(COMMUNITY, blocks=["B3"], statuses=["open"])
    assert total == 4
    assert [UUID(r["need_id"]) for r in rows] == [ids["b"], ids["a"], ids["c"], ids["d"]]


def test_a_partners_inbox_holds_only_its_own_referrals(services):
    hospital, police, *_ = register_partners(services)
    need_id = services.casework.log_need(
        community=COMMUNITY,
        category="emergency",
        block="B3",
        building=15,
        description="x",
        urgency="high",
        actor="l",
    )
    services.casework.refer(need_id, hospital, actor="l")
    rows, total = services.view.list_referrals(hospital)
    assert total == 1
    assert rows[0]["partner_name"] == "利群医院"
    assert services.view.list_referrals(police) == ([], 0)


def test_counts_by_block_category_and_status(services):
    for block, building, category in [
        ("B3", 15, "hardship"),
        ("B3", 16, "hardship"),
        ("B5", 27, "mediation"),
    ]:
        services.casework.log_need(
            community=COMMUNITY,
            category=category,
            block=block,
            building=building,
            description="x",
            urgency="low",
            actor="l",
        )
    assert services.view.counts(COMMUNITY) == [
        {"block": "B3", "category": "hardship", "status": "open", "n": 2},
        {"block": "B5", "category": "mediation", "status": "open", "n": 1},
    ]


def test_a_second_process_catches_up_on_what_the_first_recorded(services, settings, clock):
    other = build_services(settings, clock=clock)
    try:
        other.needs.after_save.clear()  # this one saves without following
        other.casework.log_need(
            community=COMMUNITY,
            category="hardship",
            block="B3",
            building=15,
            description="x",
            urgency="low",
            actor="l",
        )
        assert services.follower.lag() == 1
        assert services.follower.catch_up() == 1
        assert services.follower.catch_up() == 0
        assert services.view.list_needs(COMMUNITY)[1] == 1
    finally:
        other.close()


def test_a_need_for_a_known_address_joins_its_household(services):
    first = services.casework.log_need(
        community=COMMUNITY,
        category="hardship",
        block="B3",
        building="15号",
        unit="2",
        room="502",
        description="x",
        urgency="low",
        actor="l",
    )
    second = services.casework.log_need(
        community=COMMUNITY,
        category="mediation",
        block="B3",
        building=15,
        unit="2",
        room="502",
        description="y",
        urgency="low",
        actor="l",
    )
    household = services.needs.get_need(first)["household"]
    assert services.needs.get_need(second)["household"] == household
    third = services.casework.log_need(
        community=COMMUNITY,
        category="mediation",
        block="B3",
        household_id=UUID(household["id"]),
        description="z",
        urgency="low",
        actor="l",
    )
    assert services.needs.get_need(third)["household"] == household


def test_only_what_the_log_can_rebuild_is_committed_without_waiting_for_the_disk(services):
    store = services.view.store
    if store.dialect == "postgres":
        asked = "SHOW synchronous_commit"
        with store.pipelined(derived=True) as sql:
            assert sql.execute(asked).fetchone()["synchronous_commit"] == "off"
        for plain in (store.pipelined(), store.write()):
            with plain as sql:
                assert sql.execute(asked).fetchone()["synchronous_commit"] == "on"
    else:
        # The read models' own file: WAL with NORMAL sync, never torn, at worst a moment behind.
        with store.pipelined(derived=True) as sql:
            assert sql.execute("PRAGMA synchronous").fetchone()["synchronous"] == 1


def test_who_looked_is_written_without_waiting_for_the_disk_and_only_for_itself(services, clock):
    store, need_id = services.view.store, uuid4()
    read = {
        "username": "leader3",
        "need_id": str(need_id),
        "fields": "resident_name",
        "via": "/api/v1/needs",
        "read_at": clock.now(),
    }
    services.access_log.record([read])
    assert [r["username"] for r in services.access_log.reads_of(need_id)] == ["leader3"]
    if store.dialect == "postgres":
        asked = "SHOW synchronous_commit"
        with store.write() as sql:
            services.access_log.record_in(sql, [read])
            assert sql.execute(asked).fetchone()["synchronous_commit"] == "off"
        with store.write() as sql:
            assert sql.execute(asked).fetchone()["synchronous_commit"] == "on"
    assert len(services.access_log.reads_of(need_id)) == (2 if store.dialect == "postgres" else 1)
