"""The duties' personal fields sealed with the household's key: a household's and its
records' values are never stored in the clear, read [erased] once the key is gone, and a
block-wide record (no household, no key) keeps CIPHER_KEY's encryption only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from duties.application import Duties
from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from store.errors import HouseholdErasedError
from store.keystore import KeyStore
from store.sqlstore import SQLiteStore

MEMBER, NOTE, TEXT, BLOCK_TEXT = "欧阳慧敏", "老伴住院", "情绪低落", "楼道灯坏了"


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    store = KeyStore(SQLiteStore(str(tmp_path / "keys.sqlite"), secure_delete=True), bytes(32))
    store.create_tables()
    return store


@pytest.fixture
def duties(keys: KeyStore, clock: ManualClock) -> Duties:
    env = {"PERSISTENCE_MODULE": "eventsourcing.popo", "AGGREGATE_CACHE_MAXSIZE": "100"}
    return Duties(env, clock=clock, keys=keys)


def a_household(duties: Duties) -> tuple[UUID, UUID, UUID]:
    """(household, its record, a record about the whole block)."""
    home = duties.register_household(
        community=DEMO_COMMUNITY.id, block="B3", building=15, unit="9单元", room="7731", actor="w"
    )
    duties.join_group(home, MEMBER, "elderly_alone", date(2026, 11, 1), actor="w")
    duties.record_life_event(home, "hospitalised", NOTE, actor="w")
    made = {"community": DEMO_COMMUNITY.id, "kind": "concern", "block": "B3", "actor": "w"}
    record = duties.make_record(household_id=home, text=TEXT, **made)
    block_record = duties.make_record(household_id=None, text=BLOCK_TEXT, **made)
    return home, record, block_record


def stored_bytes(duties: Duties, *ids: UUID) -> bytes:
    return b"".join(e.state for i in ids for e in duties.recorder.select_events(i))


def test_a_household_s_values_are_sealed_and_a_block_record_is_not(duties: Duties) -> None:
    home, record, block_record = a_household(duties)
    stored = stored_bytes(duties, home, record)
    assert [s for s in (MEMBER, NOTE, TEXT, "9单元", "7731") if s.encode() in stored] == []
    assert BLOCK_TEXT.encode() in stored_bytes(duties, block_record)  # CIPHER_KEY only
    duties.repository.cache.clear()
    assert duties.get_household(home)["members"][0]["name"] == MEMBER
    assert duties.get_record(record)["text"] == TEXT


def test_without_the_key_the_household_and_its_records_read_erased(
    duties: Duties, keys: KeyStore, clock: ManualClock
) -> None:
    home, record, block_record = a_household(duties)
    keys.begin_erasure(home, "secretary", clock.now())
    assert duties.erase_household(home, actor="secretary") == [record]
    keys.destroy_key(home)
    cached = duties.get_household(home)  # the copy in memory, told by its erasure event
    duties.repository.cache.clear()
    for shown in (cached, duties.get_household(home)):  # and replayed without the key
        assert (shown["unit"], shown["room"], shown["members"][0]["name"]) == ("[erased]",) * 3
        assert shown["life_events"][0]["note"] == "[erased]"
        assert shown["erased_by"] == "secretary"
    assert duties.get_record(record)["text"] == "[erased]"
    assert duties.get_record(block_record)["text"] == BLOCK_TEXT
    with pytest.raises(HouseholdErasedError):
        duties.join_group(home, "李建国", "unemployed", date(2026, 11, 2), actor="w")


def test_an_erased_household_owes_no_new_asks(
    duties: Duties, keys: KeyStore, clock: ManualClock
) -> None:
    home, _, _ = a_household(duties)  # its elderly member living alone is asked after weekly
    keys.begin_erasure(home, "secretary", clock.now())
    duties.erase_household(home, actor="secretary")
    keys.destroy_key(home)
    clock.advance(days=30)
    assert duties.fall_due(home, clock.now()) == 0
