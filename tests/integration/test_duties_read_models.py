"""The duties' read models on SQLite and PostgreSQL: kept exactly once, rebuilt from the log to
the same rows, and found by address digest without the address itself."""

from __future__ import annotations

from datetime import date, timedelta

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from web.bootstrap import Services, build_services
from web.tasks.duties import fall_due

COMMUNITY = DEMO_COMMUNITY.id


def some_duties(services: Services, clock: ManualClock) -> None:
    duties = services.duties
    for block, building in (("B3", 15), ("B5", 27)):
        home = duties.register_household(
            community=COMMUNITY, block=block, building=building, unit="1", room="101室", actor="w"
        )
        duties.join_group(home, "张阿姨", "elderly_alone", date(2026, 11, 29), actor="w")
        visit = duties.record_life_event(home, "new_tenant", "", actor="w")
        duties.discharge_duty(visit, "已走访", actor="w")
        duties.make_record(
            community=COMMUNITY,
            kind="concern",
            block=block,
            household_id=None,
            text="停车难",
            actor="w",
        )
    clock.advance(days=8)
    assert fall_due(services, clock.now()) == 2


def test_rebuilding_the_duties_views_gives_the_same_rows(services: Services, clock) -> None:
    some_duties(services, clock)
    live = services.duties_view.dump()
    assert [len(live[t]) for t in ("duty_households", "duties_view", "records_view")] == [2, 4, 2]
    assert services.duties_follower.rebuild() > 0
    assert services.duties_view.dump() == live
    assert services.duties_follower.lag() == 0


def test_a_second_process_following_the_log_applies_nothing_twice(
    services: Services, settings, clock
) -> None:
    some_duties(services, clock)
    other = build_services(settings, clock=clock)
    try:
        assert other.duties_follower.catch_up() == 0
        assert other.duties_view.dump() == services.duties_view.dump()
    finally:
        other.close()


def test_an_address_is_found_by_its_digest_and_kept_nowhere_in_the_views(
    services: Services, clock
) -> None:
    some_duties(services, clock)
    found = services.duties_view.find_household(COMMUNITY, "B3", 15, " 1 ", "101室")
    assert found is not None
    assert services.duties_view.find_household(COMMUNITY, "B3", 15, "1", "102") is None
    rows = services.duties_view.dump()["duty_households"]
    assert all("101室" not in str(value) for row in rows for value in row.values())


def test_the_compliance_board_counts_on_time_late_and_overdue_by_block(
    services: Services, clock
) -> None:
    some_duties(services, clock)
    clock.advance(days=2)
    now = clock.now()
    rows = services.duties_view.compliance(COMMUNITY, now - timedelta(weeks=4), now)
    assert [(r["block"], r["due"], r["on_time"], r["late"], r["overdue"]) for r in rows] == [
        ("B3", 2, 1, 0, 1),
        ("B5", 2, 1, 0, 1),
    ]
