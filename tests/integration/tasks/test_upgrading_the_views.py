"""A store made by the release before the referral clock gets the new read-model columns from
init-db, in place, and the escalations then show on the board."""

from __future__ import annotations

from needs.views import _TABLES
from web.bootstrap import build_services


def test_init_db_adds_the_escalation_and_delivery_columns_to_older_read_models(settings, clock):
    old = build_services(settings, clock=clock)
    time_type = "TEXT" if old.view.store.dialect == "sqlite" else "TIMESTAMPTZ"
    older = (
        _TABLES.replace(", escalated_at {time}, escalation_reason TEXT", "")
        .replace(", delivery_failed_at {time}", "")
        .format(time=time_type)
    )
    assert "escalated_at" not in older
    with old.view.store.write() as sql:
        for statement in older.split(";"):
            sql.execute(statement)
    old.close()

    upgraded = build_services(settings, clock=clock, create_tables=True)
    try:
        columns = upgraded.view.dump()  # reads every column of every view
        assert columns == {
            "needs_view": [],
            "referrals_view": [],
            "households_view": [],
            "partner_stats": [],
            "partner_weeks": [],
        }
        with upgraded.view.store.read() as sql:
            sql.execute("SELECT escalated_at, escalation_reason FROM needs_view")
            sql.execute("SELECT delivery_failed_at FROM referrals_view")
        again = build_services(settings, clock=clock, create_tables=True)
        again.close()
    finally:
        upgraded.close()
