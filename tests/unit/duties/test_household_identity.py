"""The duties own household identity: an address finds the one household registered there (or
registers it), an id names a household of the block, and bad addresses are refused by the
fields a need names them by."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from duties.application import Duties
from duties.exceptions import HouseholdNotFoundError
from duties.values import HouseholdAddress
from duties.views import DutiesView
from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from kernel.errors import BuildingNotInBlockError, InvalidInputError, UnknownBlockError
from store.errors import HouseholdErasedError
from store.follower import Follower
from store.sqlstore import SQLiteStore

COMMUNITY = DEMO_COMMUNITY.id
KEY = bytes(32)


@pytest.fixture
def duties(tmp_path: Path, clock: ManualClock) -> Iterator[Duties]:
    store = SQLiteStore(str(tmp_path / "views.sqlite"))
    view = DutiesView(store, KEY)
    view.create_tables()
    duties = Duties({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock, index=view)
    follower = Follower(duties, view)
    duties.after_save.append(lambda _: follower.catch_up())
    yield duties
    store.close()


def settle(duties: Duties, **address: Any) -> HouseholdAddress:
    where = {"community": COMMUNITY, "block": "B3", "actor": "leader3"}
    where.update({"building": "15号楼", "unit": "2", "room": "502", **address})
    return duties.settle_household(**where)


def registered(duties: Duties) -> int:
    return duties.recorder.max_notification_id() or 0


def test_a_new_address_registers_its_household_and_the_same_address_finds_it(duties):
    first = settle(duties)
    assert (first.building, first.unit, first.room) == (15, "2", "502")
    assert duties.get_household(first.id)["room"] == "502"
    again = settle(duties, building=" 15 号楼 ", unit=" 2 ", room="502 ")
    assert again == first
    assert registered(duties) == 1
    assert settle(duties, room="503").id != first.id


@pytest.mark.parametrize("written", ["15", "15号", "15号楼", 15, " 15 号楼 "])
def test_a_building_may_be_written_as_people_write_it(duties, written):
    assert settle(duties, building=written).building == 15


@pytest.mark.parametrize(
    ("address", "error", "field"),
    [
        ({"building": "3号楼"}, BuildingNotInBlockError, "household.building"),
        ({"building": "楼"}, InvalidInputError, "household.building"),
        ({"building": None}, InvalidInputError, "household.building"),
        ({"building": ""}, InvalidInputError, "household.building"),
        ({"unit": "1" * 11}, InvalidInputError, "household.unit"),
        ({"room": "1" * 11}, InvalidInputError, "household.room"),
        ({"block": "B9"}, UnknownBlockError, "block"),
        ({"community": "elsewhere"}, InvalidInputError, "community"),
        ({"actor": ""}, InvalidInputError, "actor"),
    ],
)
def test_a_bad_address_is_refused_by_the_field_a_need_names_and_nothing_is_registered(
    duties, address, error, field
):
    with pytest.raises(error) as raised:
        settle(duties, **address)
    assert raised.value.field == field
    assert registered(duties) == 0


def test_a_building_outside_the_block_is_named_in_the_refusal(duties):
    with pytest.raises(BuildingNotInBlockError, match="building 3 is not in block B3"):
        settle(duties, building="3号楼")


def test_a_household_named_by_id_gives_its_address_in_its_own_block_only(duties):
    home = settle(duties)
    assert duties.household_address(home.id, COMMUNITY, "B3") == home
    with pytest.raises(HouseholdNotFoundError, match="in block B5"):
        duties.household_address(home.id, COMMUNITY, "B5")
    with pytest.raises(HouseholdNotFoundError):
        duties.household_address(uuid4(), COMMUNITY, "B3")


def test_an_erased_household_takes_no_new_need(duties):
    home = settle(duties)
    duties.erase_household(home.id, actor="secretary")
    with pytest.raises(HouseholdErasedError):
        duties.household_address(home.id, COMMUNITY, "B3")
    assert settle(duties).id != home.id  # its address no longer finds it


def test_a_household_known_before_the_duties_is_adopted_under_its_own_id_once(duties):
    known = uuid4()
    address = {"community": COMMUNITY, "block": "B3", "building": 15, "unit": "2", "room": "502"}
    assert duties.adopt_household(known, actor="init-db", **address) is True
    assert duties.adopt_household(known, actor="init-db", **address) is False
    assert settle(duties).id == known
