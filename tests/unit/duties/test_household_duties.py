"""The Household and Record aggregates in memory: visits due by the rules, asks on their
cadence, discharges, records that become needs, and which event fields are personal."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from duties.application import Duties
from duties.domain import Household
from duties.exceptions import (
    DutiesConflictError,
    DutyDischargedError,
    InvalidDutyInputError,
    RecordNotTurnableError,
)
from duties.record import Record
from duties.rules import DutyRules
from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY

MONDAY_9AM = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_9AM)


@pytest.fixture
def duties(clock: ManualClock) -> Duties:
    return Duties(clock=clock, rules=DutyRules.from_text("moved_in=5", "unemployed=14"))


@pytest.fixture
def home(duties: Duties):
    return duties.register_household(
        community=DEMO_COMMUNITY.id, block="B3", building="15号", unit="2", room="502", actor="w"
    )


@pytest.mark.parametrize(
    ("life_event", "days"),
    [("hospitalised", 2), ("disaster_or_theft", 2), ("wedding_or_funeral", 7), ("moved_in", 5)],
)
def test_a_life_event_makes_a_visit_due_within_the_rules_time(duties, home, life_event, days):
    duty_id = duties.record_life_event(home, life_event, "", actor="w")
    duty = duties.load_household(home).duty(duty_id)
    assert (duty.kind, duty.reason) == ("visit", life_event)
    assert duty.due_at - MONDAY_9AM == timedelta(days=days)


def test_a_discharged_duty_cannot_be_discharged_again(duties, home):
    household = duties.load_household(home)
    duty_id = household.record_life_event("moved_in", "", duties.stamp("w", None), duties.rules)
    household.discharge(duty_id, "已走访", duties.stamp("w", None))
    with pytest.raises(DutyDischargedError):
        household.discharge(duty_id, "again", duties.stamp("w", None))


def test_the_unemployed_are_asked_after_on_the_configured_cadence(duties, home, clock):
    duties.join_group(home, "刘伯", "unemployed", date(2026, 11, 30), actor="w")
    clock.advance(days=13)
    assert duties.fall_due(home, clock.now()) == 0
    clock.advance(days=1)
    assert duties.fall_due(home, clock.now()) == 1


def test_the_next_ask_falls_due_a_cadence_after_the_contact_and_none_piles_up(duties, home, clock):
    duties.join_group(home, "张阿姨", "elderly_alone", date(2026, 11, 30), actor="w")
    clock.advance(days=7)
    assert duties.fall_due(home, clock.now()) == 1
    clock.advance(days=3)
    assert duties.fall_due(home, clock.now()) == 0
    (ask,) = duties.load_household(home).duties
    household = duties.load_household(home)
    household.discharge(ask.id, "", duties.stamp("w", None))
    duties.save(household)
    clock.advance(days=6)
    assert duties.fall_due(home, clock.now()) == 0
    clock.advance(days=1)
    assert duties.fall_due(home, clock.now()) == 1


def test_a_member_who_left_the_group_is_not_asked_after(duties, home, clock):
    duties.place_in_group(
        home, "孙叔", "special_care", date(2026, 11, 30), date(2026, 12, 1), actor="w"
    )
    clock.advance(days=60)
    assert duties.fall_due(home, clock.now()) == 0


def test_joining_a_group_twice_from_another_day_is_refused(duties, home):
    duties.join_group(home, "张阿姨", "elderly_alone", date(2026, 11, 30), actor="w")
    duties.join_group(home, "张阿姨", "elderly_alone", date(2026, 11, 30), actor="w")
    with pytest.raises(DutiesConflictError):
        duties.join_group(home, "张阿姨", "elderly_alone", date(2026, 12, 1), actor="w")
    assert len(duties.load_household(home).memberships) == 1


def test_an_unknown_code_names_its_field(duties, home):
    with pytest.raises(InvalidDutyInputError) as refused:
        duties.record_life_event(home, "birthday", "", actor="w")
    assert refused.value.field == "type"


def test_the_same_address_finds_the_same_household_only_through_an_index(duties, home):
    again = duties.register_household(
        community=DEMO_COMMUNITY.id, block="B3", building=15, unit="2", room="502", actor="w"
    )
    assert again != home  # without a read model (index) nothing finds it


def test_only_a_concern_or_a_suggestion_becomes_a_need_and_only_one(duties, home):
    stamp = duties.stamp("w", None)
    record = Record.make(
        community=DEMO_COMMUNITY.id,
        block="B3",
        household_id=home,
        kind="good_deed",
        text_="帮邻居买菜",
        stamp=stamp,
    )
    with pytest.raises(RecordNotTurnableError):
        record.turn_into_need(uuid4(), "hardship", "low", stamp)
    suggestion = Record.make(
        community=DEMO_COMMUNITY.id,
        block="B3",
        household_id=home,
        kind="suggestion",
        text_="加装扶手",
        stamp=stamp,
    )
    need_id = uuid4()
    suggestion.turn_into_need(need_id, "hardship", "low", stamp)
    suggestion.turn_into_need(need_id, "hardship", "low", stamp)
    assert (suggestion.need_id, suggestion.version) == (need_id, 2)
    with pytest.raises(RecordNotTurnableError):
        suggestion.turn_into_need(uuid4(), "hardship", "low", stamp)


@pytest.mark.parametrize(
    ("event_class", "personal"),
    [
        (Household.HouseholdRegistered, ("unit", "room")),
        (Household.GroupJoined, ("member",)),
        (Household.LifeEventRecorded, ("note",)),
        (Household.DutyDischarged, ("notes",)),
        (Record.RecordMade, ("text",)),
    ],
)
def test_each_event_declares_its_personal_fields(event_class, personal):
    assert event_class.personal == personal
    assert set(personal) <= {f.name for f in fields(event_class)}


def test_events_without_personal_data_declare_none():
    for event_class in (Household.GroupLeft, Household.DutyFellDue, Record.RecordTurnedIntoNeed):
        assert getattr(event_class, "personal", ()) == ()


def test_bad_rules_in_the_settings_are_refused():
    with pytest.raises(InvalidDutyInputError):
        DutyRules.from_text("hospitalised=0")
    with pytest.raises(InvalidDutyInputError):
        DutyRules.from_text(None, "pets=7")


def test_a_day_outside_the_years_kept_is_refused(duties, home):
    with pytest.raises(InvalidDutyInputError) as refused:
        duties.join_group(home, "张阿姨", "elderly_alone", date(9999, 12, 31), actor="w")
    assert refused.value.field == "starts_on"
