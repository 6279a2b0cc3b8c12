"""Logging a need: what is kept, and what is refused."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from kernel.clock import ManualClock
from kernel.errors import (
    BuildingNotInBlockError,
    InvalidInputError,
    UnknownBlockError,
    UnknownCategoryError,
)
from needs.values import Household


def test_a_logged_need_is_open_with_who_logged_it_and_both_clocks(needs, log, clock):
    happened = clock.now() - timedelta(hours=3)
    need = needs.get_need(log(occurred_at=happened))
    assert need["status"] == "open"
    assert need["logged_by"] == "leader3"
    assert need["logged_at"] == happened
    assert need["recorded_at"] == clock.now()
    assert need["household"]["building"] == 15
    assert need["resident_name"] == "王秀英"
    assert need["version"] == 1


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"building": 3}, BuildingNotInBlockError, "household.building"),
        ({"category": "parking"}, UnknownCategoryError, "category"),
        ({"block": "B9"}, UnknownBlockError, "block"),
        ({"urgency": "urgent"}, InvalidInputError, "urgency"),
        ({"description": "   "}, InvalidInputError, "description"),
        ({"description": "长" * 4001}, InvalidInputError, "description"),
        ({"contact_phone": "call me"}, InvalidInputError, "contact_phone"),
        ({"actor": ""}, InvalidInputError, "actor"),
        ({"community": "elsewhere"}, InvalidInputError, "community"),
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_is_logged(needs, log, overrides, error, field):
    with pytest.raises(error) as raised:
        log(**overrides)
    assert raised.value.field == field
    assert needs.recorder.max_notification_id() in (None, 0)


def test_a_building_outside_the_block_is_named_in_the_refusal(log):
    with pytest.raises(BuildingNotInBlockError, match="building 3 is not in block B3"):
        log(building=3)


def test_a_time_in_the_future_is_refused(log, clock: ManualClock):
    with pytest.raises(InvalidInputError, match="future"):
        log(occurred_at=clock.now() + timedelta(hours=1))


def test_a_time_without_its_offset_is_refused(log, clock: ManualClock):
    with pytest.raises(InvalidInputError, match="offset"):
        log(occurred_at=clock.now().replace(tzinfo=None))


def test_a_need_keeps_the_household_it_is_given(needs, log):
    household = Household(uuid4(), 15, "2", "502")
    first, second = log(household=household), log(household=household, category="hardship")
    assert needs.get_need(first)["household"] == needs.get_need(second)["household"]
    assert needs.load(second).household == household
