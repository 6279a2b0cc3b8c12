"""Keeping a partner's entry current: modes, contact cards, this week's capacity and pauses, each
an event with who and why; events stored before these existed still read; schedules of the
offerings (once, weekly, the nth weekday of a month) and those that never occur."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from partners.application import Partners
from partners.exceptions import InvalidPartnerError, PartnerStateError
from partners.schedules import next_on, occurs_on, schedule
from tests.unit.partners.conftest import _hospital

SqlitePartners = Callable[..., Partners]


def test_a_pause_keeps_its_days_and_reason_and_ends_by_the_calendar(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    pid = register()
    partners.pause(
        pid, starts_on=date(2026, 11, 30), ends_on=date(2026, 12, 6), reason="设备检修",
        actor="hospital",
    )  # fmt: skip
    record = partners.get_partner(pid)
    assert record.paused_on(date(2026, 11, 30))
    assert record.paused_on(date(2026, 12, 6))
    assert not record.paused_on(date(2026, 12, 7))
    assert not record.paused_on(date(2026, 11, 29))
    partners.end_pause(pid, actor="hospital")
    assert not partners.get_partner(pid).paused_on(date(2026, 12, 1))
    with pytest.raises(PartnerStateError):
        partners.end_pause(pid, actor="hospital")


def test_a_pause_that_ends_before_it_starts_is_refused_naming_ends_on(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    pid = register()
    with pytest.raises(InvalidPartnerError) as refused:
        partners.pause(
            pid, starts_on=date(2026, 12, 6), ends_on=date(2026, 12, 1), reason="x", actor="h"
        )
    assert refused.value.field == "ends_on"


def test_this_weeks_capacity_holds_for_its_week_only(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    pid = register(weekly_capacity=12)
    partners.set_week_capacity(pid, week=date(2026, 11, 30), weekly_capacity=2, actor="hospital")
    record = partners.get_partner(pid)
    assert record.capacity_for(date(2026, 12, 3)) == 2
    assert record.capacity_for(date(2026, 12, 7)) == 12


@pytest.mark.parametrize("capacity", [-1, 10_001, True, 2.5])
def test_a_capacity_outside_0_to_10000_is_refused(
    partners: Partners, register: Callable[..., UUID], capacity: Any
) -> None:
    pid = register()
    with pytest.raises(InvalidPartnerError) as refused:
        partners.change_capacity(pid, weekly_capacity=capacity, actor="secretary")
    assert refused.value.field == "weekly_capacity"


def test_every_change_is_in_the_history_with_who_and_why(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    pid = register()
    partners.change_details(pid, name="利群医院", kind="hospital", mode="共建", reason="协议",
                            actor="secretary")  # fmt: skip
    partners.change_contact(pid, contact="", phone="021-5266 0120", reason="换号", actor="hospital")
    history = partners.get_history(pid)
    assert [(e["type"], e["actor"], e["data"].get("reason")) for e in history[1:]] == [
        ("DetailsChanged", "secretary", "协议"),
        ("ContactChanged", "hospital", "换号"),
    ]


def test_events_stored_before_modes_and_reasons_still_read(
    sqlite_partners: SqlitePartners, tmp_path: Path
) -> None:
    partners = sqlite_partners()
    pid = partners.register_partner(**_hospital())
    partners.change_capacity(pid, weekly_capacity=3, actor="secretary")
    partners.change_contact(pid, contact="021-5266 0120", actor="secretary")
    added = {"mode", "reason", "phone", "email", "address", "people", "class_version"}
    with sqlite3.connect(tmp_path / "p.sqlite") as db:
        for rowid, state in db.execute("SELECT rowid, state FROM stored_events").fetchall():
            old = {k: v for k, v in json.loads(state).items() if k not in added}
            db.execute(
                "UPDATE stored_events SET state=? WHERE rowid=?", (json.dumps(old).encode(), rowid)
            )
    record = sqlite_partners().get_partner(pid)
    assert (record.weekly_capacity, record.contact, record.mode, record.people) == (
        3,
        "021-5266 0120",
        "",
        (),
    )


def test_the_second_tuesday_of_each_month() -> None:
    clinic = schedule({"kind": "monthly", "weekday": 2, "nth": 2})
    assert next_on(clinic, date(2026, 11, 30)) == date(2026, 12, 8)
    assert next_on(clinic, date(2026, 12, 9)) == date(2027, 1, 12)
    assert not occurs_on(clinic, date(2026, 12, 1))


def test_the_last_friday_of_each_month() -> None:
    desk = schedule({"kind": "monthly", "weekday": 5, "nth": -1})
    assert next_on(desk, date(2026, 12, 1)) == date(2026, 12, 25)


def test_weekly_within_its_dates() -> None:
    weekly = schedule({"kind": "weekly", "weekday": 3, "starts_on": "2026-12-01",
                       "ends_on": "2026-12-31"})  # fmt: skip
    assert next_on(weekly, date(2026, 11, 1)) == date(2026, 12, 2)
    assert next_on(weekly, date(2027, 1, 1)) is None


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "once", "on": "2026-12-08", "ends_on": "2026-12-01"},
        {"kind": "weekly", "weekday": 2, "starts_on": "2026-12-02", "ends_on": "2026-12-07"},
        {"kind": "monthly", "weekday": 2, "nth": 5, "starts_on": "2026-11-01",
         "ends_on": "2026-11-30"},
        {"kind": "weekly", "weekday": 8},
        {"kind": "fortnightly", "weekday": 1},
        {"kind": "weekly", "weekday": 1, "opens_at": "11:00", "closes_at": "09:00"},
    ],
)  # fmt: skip
def test_a_schedule_that_never_occurs_or_is_malformed_is_refused(spec: dict[str, Any]) -> None:
    with pytest.raises(InvalidPartnerError) as refused:
        schedule(spec)
    assert refused.value.field == "schedule"
