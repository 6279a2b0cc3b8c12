"""`audit rebuild-check` replays the log into a scratch SQLite store and compares it with the
live read models. With the live views on PostgreSQL the two keep the same facts in other
forms — a partner's week as a timestamp (and in its row key as PostgreSQL's text), a median
time to accept from exact intervals where SQLite's julianday keeps milliseconds — and the
check must still find them equal, and still find a real difference."""

from __future__ import annotations

from typing import Any

from kernel.community import DEMO_COMMUNITY


def cli(app: Any, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["audit", *args])


def test_a_rebuild_matches_the_live_partner_records_on_either_store(app, running, clock):
    partner_id = running.partners.register_partner(
        community=DEMO_COMMUNITY.id,
        name="利群医院",
        kind="hospital",
        categories=["emergency"],
        blocks=["*"],
        weekly_capacity=20,
        actor="secretary",
    )
    for n, wait in enumerate((1.2345, 2.7182, 0.5773)):  # seconds with sub-millisecond parts
        need_id = running.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="emergency",
            block="B3",
            building=15,
            unit="2",
            room=f"{n + 1}01",
            description="独居老人摔倒",
            urgency="critical",
            actor="leader3",
        )
        referral_id = running.casework.refer(need_id, partner_id, actor="leader3")
        clock.advance(seconds=wait)
        running.needs.accept_referral(need_id, referral_id, actor="hospital")
    result = cli(app, "rebuild-check")
    assert result.exit_code == 0, result.output
    assert "rebuild matches the live read models" in result.output

    with running.view.store.write() as sql:
        sql.execute("UPDATE partner_stats SET median_hours = median_hours + 0.01")
    result = cli(app, "rebuild-check")
    assert result.exit_code == 1
    assert "partner_stats" in result.output
