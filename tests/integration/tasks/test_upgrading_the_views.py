"""A store made by the release before the referral clock gets the new read-model columns from
init-db, in place, and the escalations then show on the board; the cases' own address index,
from before the duties' was the only one, is dropped."""

from __future__ import annotations

import pytest

from needs.views import _TABLES
from web.bootstrap import build_services

# The cases' address index as the releases before the duties' index kept it.
OLD_HOUSEHOLDS_VIEW = """;
CREATE TABLE households_view (
    address_digest TEXT PRIMARY KEY, household_id TEXT NOT NULL, community TEXT NOT NULL,
    block TEXT NOT NULL, building INTEGER NOT NULL, last_need_id TEXT NOT NULL,
    last_used_at {time} NOT NULL)"""


def test_init_db_upgrades_older_read_models_in_place(settings, clock):
    old = build_services(settings, clock=clock)
    time_type = old.view.store.time_type
    older = (
        _TABLES.replace(", escalated_at {time}, escalation_reason TEXT", "")
        .replace(", delivery_failed_at {time}", "")
        .format(time=time_type)
    ) + OLD_HOUSEHOLDS_VIEW.format(time=time_type)
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
            "partner_stats": [],
            "partner_weeks": [],
        }
        with upgraded.view.store.read() as sql:
            sql.execute("SELECT escalated_at, escalation_reason FROM needs_view")
            sql.execute("SELECT delivery_failed_at FROM referrals_view")
        with pytest.raises(Exception, match="households_view"), upgraded.view.store.read() as sql:
            sql.execute("SELECT * FROM households_view")
        again = build_services(settings, clock=clock, create_tables=True)
        again.close()
    finally:
        upgraded.close()
