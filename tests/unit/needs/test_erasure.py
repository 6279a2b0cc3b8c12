"""Erasure in the domain: sealed values open with their key and read [erased] without it,
the chain is the same either way, and an erased case takes nothing personal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from kernel.clock import ManualClock
from needs.application import Needs
from needs.audit import verify_case
from needs.domain import Need
from needs.values import Household
from store.chain import Erased, commitment, link_of
from store.errors import HouseholdErasedError, KeyStoreLostError, SealBrokenError
from store.key_cache import TRUSTED_SECONDS
from store.keystore import CHECKED_SECONDS, KeyStore
from store.sqlstore import SQLiteStore
from tests.unit.needs.conftest import COMMUNITY

KEK = bytes(32)


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    store = KeyStore(SQLiteStore(str(tmp_path / "keys.sqlite"), secure_delete=True), KEK)
    store.create_tables()
    return store


@pytest.fixture
def sealed(keys: KeyStore, clock: ManualClock) -> Needs:
    return Needs(
        {"PERSISTENCE_MODULE": "eventsourcing.popo", "AGGREGATE_CACHE_MAXSIZE": "100"},
        clock=clock,
        keys=keys,
    )


def log_case(needs: Needs) -> UUID:
    need_id = needs.log_need(
        community=COMMUNITY,
        category="hardship",
        block="B3",
        household=Household(uuid4(), 15, "2", "502"),
        resident_name="王秀英",
        contact_phone="139 1234 5678",
        description="独居老人摔倒",
        urgency="high",
        actor="leader3",
    )
    needs.add_note(need_id, "女儿在杭州", actor="leader3")
    return need_id


def replayed(needs: Needs, need_id: UUID) -> dict[str, Any]:
    """The case rebuilt from its stored events, past any cached copy."""
    return needs.get_need(need_id, version=needs.load(need_id).version)


def stored(needs: Needs, need_id: UUID) -> list[Any]:
    return list(needs.recorder.select_events(need_id))


def test_an_erased_value_commits_to_what_it_was() -> None:
    committed = commitment("salt", "resident_name", "王秀英")
    assert Erased(committed) == "[erased]"
    assert commitment("other salt", "resident_name", Erased(committed)) == committed
    assert commitment("salt", "contact_phone", "王秀英") != committed


def test_personal_values_are_stored_sealed_and_read_back_whole(sealed: Needs) -> None:
    need_id = log_case(sealed)
    assert all("王秀英".encode() not in e.state for e in stored(sealed, need_id))
    need = replayed(sealed, need_id)
    assert (need["resident_name"], need["household"]["room"]) == ("王秀英", "502")
    assert need["notes"][0]["text"] == "女儿在杭州"


def test_an_erased_case_reads_erased_and_its_chain_still_holds(sealed: Needs) -> None:
    need_id = log_case(sealed)
    heads = [e.chain for e in sealed.events.get(need_id)]
    erasure = sealed.erase_household(sealed.load(need_id).household.id, actor="secretary")
    assert erasure.need_ids == [need_id]
    events: list[Any] = list(sealed.events.get(need_id))
    assert [e.chain for e in events[:2]] == heads
    assert isinstance(events[0].resident_name, Erased)
    previous = ""
    for event in events:
        assert link_of(event, previous) == event.chain
        previous = event.chain
    need = sealed.get_need(need_id)
    assert need["resident_name"] == need["contact_phone"] == need["description"] == "[erased]"
    assert need["household"]["unit"] == need["notes"][0]["text"] == "[erased]"
    assert need["erased_by"] == "secretary"
    assert verify_case(sealed, need_id).intact


def test_the_aggregate_forgets_every_personal_value_when_erased(sealed: Needs) -> None:
    need_id = log_case(sealed)
    sealed.record_visit(need_id, "血压偏高", actor="leader3")
    sealed.resolve(need_id, "helped", "已送医", actor="leader3")
    sealed.erase_household(sealed.load(need_id).household.id, actor="secretary")
    need: Need = sealed.load(need_id)  # the cached aggregate, fast-forwarded
    assert need.visits[0].notes == need.summary == need.resident_name == "[erased]"


def test_an_erased_case_takes_no_new_personal_data(sealed: Needs) -> None:
    need_id = log_case(sealed)
    sealed.erase_household(sealed.load(need_id).household.id, actor="secretary")
    with pytest.raises(HouseholdErasedError):
        sealed.add_note(need_id, "新的备注", actor="leader3")
    with pytest.raises(HouseholdErasedError):
        sealed.record_visit(need_id, "又去了一次", actor="leader3")
    sealed.resolve(need_id, "helped", actor="leader3")
    assert sealed.get_need(need_id)["summary"] == ""


def test_a_lost_key_is_an_error_not_an_erasure(sealed: Needs, keys: KeyStore) -> None:
    need_id = log_case(sealed)
    with keys.store.write() as sql:
        sql.execute("DELETE FROM household_keys")
    keys.forget_cached()
    with pytest.raises(KeyStoreLostError, match="keys restore"):
        replayed(sealed, need_id)


def test_a_wrong_key_is_tampering_not_an_erasure(sealed: Needs, keys: KeyStore) -> None:
    need_id = log_case(sealed)
    household_id = sealed.load(need_id).household.id
    keys.cache.keep({household_id: bytes(32)}, keys.cache.generation())
    with pytest.raises(SealBrokenError):
        replayed(sealed, need_id)


def test_a_key_destroyed_by_another_process_is_never_used_here_once_the_erasure_returns(
    keys: KeyStore,
) -> None:
    here = KeyStore(keys.store, KEK, ttl=30.0)  # another process, which holds the key
    household_id = UUID(int=1)
    key = here.key_for_new_case(household_id)
    assert here.key(household_id) == key
    keys.destroy_key(household_id)  # the erasure, in another process
    assert here.key(household_id) is None
    assert here.keys_for([household_id]) == {}


def test_a_process_reads_the_erasure_generation_at_most_once_in_its_trusted_time(
    keys: KeyStore,
) -> None:
    now = [0.0]
    here = KeyStore(keys.store, KEK, monotonic=lambda: now[0])
    household_id = UUID(int=3)
    key = here.key_for_new_case(household_id)
    reads: list[float] = []
    real = here.cache._read_generation

    def counted() -> int:
        reads.append(now[0])
        return real()

    here.cache._read_generation = counted
    for step in range(10):
        now[0] = step * TRUSTED_SECONDS / 4
        assert here.key(household_id) == key
    assert reads == [TRUSTED_SECONDS, TRUSTED_SECONDS * 2]


def test_a_household_erased_by_another_process_takes_no_new_case_here_a_moment_later(
    keys: KeyStore,
) -> None:
    now = [0.0]
    here = KeyStore(keys.store, KEK, ttl=30.0, monotonic=lambda: now[0])
    household_id = UUID(int=2)
    key = here.key_for_new_case(household_id)  # the duties register it …
    assert here.key_for_new_case(household_id) == key  # … and its need is sealed at once
    keys.begin_erasure(household_id, "admin", datetime(2026, 11, 29, tzinfo=UTC))
    now[0] = CHECKED_SECONDS + 0.1  # the key itself is still cached here
    with pytest.raises(HouseholdErasedError):
        here.key_for_new_case(household_id)


def test_a_batch_opens_as_one_by_one_with_each_households_key_read_once(
    sealed: Needs, keys: KeyStore
) -> None:
    kept, gone = log_case(sealed), log_case(sealed)
    sealed.erase_household(sealed.load(gone).household.id, actor="secretary")
    keys.forget_cached()
    notifications = sealed.recorder.select_notifications(start=1, limit=100)
    one_by_one = [vars(sealed.mapper.to_domain_event(n)) for n in notifications]
    reads = []
    real = keys.keys_for

    def counted(households: Any) -> dict[UUID, bytes]:
        reads.append(list(households))
        return real(reads[-1])

    keys.keys_for = counted  # type: ignore[method-assign]
    mapper: Any = sealed.mapper
    assert [vars(e) for e in mapper.to_domain_events(notifications)] == one_by_one
    assert len(reads) == 1
    logged_only = mapper.to_domain_events(notifications, frozenset({Need.NeedLogged}))
    opened = {type(e).__name__: vars(e) for e in logged_only if e.originator_id == kept}
    assert opened["NeedLogged"]["resident_name"] == "王秀英"
    assert isinstance(opened["NoteAdded"]["salt"], dict)  # left sealed: the view reads no note
    erased = [vars(e) for e in logged_only if e.originator_id == gone]
    assert isinstance(erased[0]["resident_name"], Erased)
