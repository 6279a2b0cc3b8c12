from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from partners.application import Partners
from partners.exceptions import PartnerNotFoundError

if TYPE_CHECKING:
    from conftest import Clock

Hospital = Callable[..., dict[str, Any]]
SqlitePartners = Callable[..., Partners]


def test_a_registered_partner_can_be_read_back(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()

    record = partners.get_partner(partner_id)

    assert record.partner_id == partner_id
    assert record.version == 1
    assert record.community == "怒江苑"
    assert record.name == "利群医院"
    assert record.kind == "hospital"
    assert record.categories == ("emergency", "hardship", "worry_relief")
    assert record.blocks == ("*",)
    assert record.weekly_capacity == 5
    assert record.contact == "021-5555 0101"
    assert record.active is True
    assert record.registered_at == record.updated_at == partners._clock()


def test_text_is_trimmed_and_repeated_codes_are_kept_once(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register(name="  利群医院 ", categories=["emergency", " emergency", "hardship"])

    record = partners.get_partner(partner_id)

    assert record.name == "利群医院"
    assert record.categories == ("emergency", "hardship")


def test_the_recorded_time_comes_from_the_clock_and_updated_at_follows_changes(
    partners: Partners, register: Callable[..., UUID], clock: Clock
) -> None:
    partner_id = register()
    registered_at = clock.now
    clock.advance(hours=3)
    earlier_on_the_phone = registered_at.replace(minute=30)

    partners.change_contact(
        partner_id, contact="021-5555 0202", actor="secretary", occurred_at=earlier_on_the_phone
    )

    record = partners.get_partner(partner_id)
    assert record.registered_at == registered_at
    assert record.updated_at == clock.now
    assert record.version == 2


def test_getting_an_unknown_partner_raises_not_found(partners: Partners) -> None:
    with pytest.raises(PartnerNotFoundError):
        partners.get_partner(uuid4())


def test_a_command_on_an_unknown_partner_raises_not_found(partners: Partners) -> None:
    with pytest.raises(PartnerNotFoundError):
        partners.suspend_partner(uuid4(), actor="secretary")


def test_the_list_is_sorted_by_name_and_filtered_by_community_and_activity(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    police = register(name="长征派出所", kind="police")
    hospital_id = register(name="利群医院")
    property_id = register(name="物业公司", kind="property")
    elsewhere = register(name="另一家医院", community="另一个小区")
    partners.suspend_partner(property_id, reason="contract ended", actor="secretary")

    everyone = [r.partner_id for r in partners.list_partners()]
    here = [r.partner_id for r in partners.list_partners("怒江苑")]
    active_here = [r.partner_id for r in partners.list_partners("怒江苑", active_only=True)]

    assert everyone == sorted(
        [police, hospital_id, property_id, elsewhere],
        key=lambda i: partners.get_partner(i).name,
    )
    assert here == [hospital_id, property_id, police]
    assert active_here == [hospital_id, police]


def test_partners_with_the_same_name_are_listed_by_id(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    ids = [register() for _ in range(3)]

    assert [r.partner_id for r in partners.list_partners()] == sorted(ids)


def test_the_list_reads_its_own_writes(partners: Partners, register: Callable[..., UUID]) -> None:
    partner_id = register()
    assert partners.list_partners()[0].weekly_capacity == 5

    partners.change_capacity(partner_id, weekly_capacity=9, actor="secretary")

    assert partners.list_partners()[0].weekly_capacity == 9
    assert partners.list_partners()[0].version == 2


def test_the_list_catches_up_past_one_batch_of_notifications(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()
    for capacity in range(6, 606):
        partners.change_capacity(partner_id, weekly_capacity=capacity, actor="secretary")

    assert partners.list_partners()[0].weekly_capacity == 605


def test_find_by_name_finds_the_partner_in_that_community_only(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()
    register(community="另一个小区")

    found = partners.find_by_name("怒江苑", " 利群医院 ")

    assert found is not None
    assert found.partner_id == partner_id
    assert partners.find_by_name("怒江苑", "长征派出所") is None
    assert partners.find_by_name("没有的小区", "利群医院") is None


def test_the_list_sees_a_partner_registered_by_another_process(
    sqlite_partners: SqlitePartners, hospital: Hospital
) -> None:
    this_process = sqlite_partners()
    other_process = sqlite_partners()
    assert this_process.list_partners() == []

    partner_id = other_process.register_partner(**hospital())
    other_process.suspend_partner(partner_id, actor="secretary")

    [record] = this_process.list_partners()
    assert record.partner_id == partner_id
    assert record.active is False
    assert record.version == 2


def test_a_new_process_rebuilds_the_list_from_the_store(
    sqlite_partners: SqlitePartners, hospital: Hospital
) -> None:
    first = sqlite_partners()
    partner_id = first.register_partner(**hospital())
    first.change_services(partner_id, categories=["mediation"], blocks=["B1"], actor="secretary")

    [record] = sqlite_partners().list_partners()

    assert record == first.get_partner(partner_id)
    assert record.kind == "hospital"
    assert record.blocks == ("B1",)


def test_a_long_lived_partner_is_read_back_through_a_snapshot(
    sqlite_partners: SqlitePartners, hospital: Hospital
) -> None:
    first = sqlite_partners()
    partner_id = first.register_partner(**hospital())
    for capacity in range(6, 61):
        first.change_capacity(partner_id, weekly_capacity=capacity, actor="secretary")

    second = sqlite_partners()
    assert second.snapshots is not None
    assert [s.originator_version for s in second.snapshots.get(partner_id)] == [50]
    record = second.get_partner(partner_id)
    assert record.weekly_capacity == 60
    assert record.kind == "hospital"
    assert record.version == 56


def test_the_default_clock_is_timezone_aware_utc(hospital: Hospital) -> None:
    partners = Partners(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    before = datetime.now(UTC)

    partner_id = partners.register_partner(**hospital())

    registered_at = partners.get_partner(partner_id).registered_at
    assert registered_at.utcoffset() is not None
    assert before <= registered_at <= datetime.now(UTC)
