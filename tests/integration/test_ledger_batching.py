"""What a ledger's import does a batch at a time, on both stores: the households read together
are the households read one by one, and the keys made together keep every key already made and
every erased household's tombstone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from kernel.community import DEMO_COMMUNITY
from web.bootstrap import Services

COMMUNITY = DEMO_COMMUNITY.id


def register(services: Services, room: str) -> UUID:
    return services.duties.register_household(
        community=COMMUNITY, block="B3", building=15, unit="1", room=room, actor="secretary"
    )


def test_households_read_together_are_the_households_read_one_by_one(
    services: Services,
) -> None:
    ids = [register(services, str(101 + i)) for i in range(3)]
    services.duties.note_details(ids[0], "王某", "13912345678", 3, actor="secretary")
    services.duties.join_group(ids[1], "李某", "elderly_alone", date(2024, 5, 1), actor="secretary")
    together = services.duties.load_households([*ids, uuid4()])
    assert set(together) == set(ids)  # one never registered is not found
    for household_id in ids:
        alone = services.duties.load_household(household_id)
        assert together[household_id].version == alone.version
        assert together[household_id].head == alone.head
        assert together[household_id].memberships == alone.memberships
    assert together[ids[0]].head == "王某"


def test_keys_made_together_keep_a_key_made_already_and_an_erased_households_tombstone(
    services: Services,
) -> None:
    keys = services.keys
    kept, erased, fresh = uuid4(), uuid4(), [uuid4(), uuid4()]
    keys.make_keys([kept])
    before = keys.key(kept)
    keys.begin_erasure(erased, "secretary", datetime.now(UTC))
    keys.forget_cached()
    keys.make_keys([kept, erased, *fresh])
    keys.forget_cached()
    assert keys.key(kept) == before
    assert keys.key(erased) is None
    assert all(keys.key(h) is not None for h in fresh)
    assert keys.tombstone(erased) is not None
