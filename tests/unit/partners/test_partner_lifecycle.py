from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from partners.application import Partners
from partners.domain import Partner
from partners.exceptions import InvalidPartnerError, PartnerStateError, VersionConflictError

Hospital = Callable[..., dict[str, Any]]
SqlitePartners = Callable[..., Partners]


def test_a_suspended_partner_is_inactive_until_reactivated(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()

    partners.suspend_partner(partner_id, reason="contract under review", actor="secretary")
    suspended = partners.get_partner(partner_id)
    partners.reactivate_partner(partner_id, actor="secretary")
    reactivated = partners.get_partner(partner_id)

    assert (suspended.active, suspended.version) == (False, 2)
    assert (reactivated.active, reactivated.version) == (True, 3)


def test_suspending_a_suspended_partner_is_refused(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()
    partners.suspend_partner(partner_id, actor="secretary")

    with pytest.raises(PartnerStateError, match="already suspended"):
        partners.suspend_partner(partner_id, actor="secretary")

    assert partners.get_partner(partner_id).version == 2


def test_reactivating_an_active_partner_is_refused(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()

    with pytest.raises(PartnerStateError, match="not suspended"):
        partners.reactivate_partner(partner_id, actor="secretary")

    assert partners.get_partner(partner_id).version == 1


def test_a_suspended_partner_can_still_have_its_details_changed(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()
    partners.suspend_partner(partner_id, actor="secretary")

    partners.change_services(partner_id, categories=["hardship"], blocks=["B1", "B2"], actor="s")
    partners.change_capacity(partner_id, weekly_capacity=2, actor="secretary")
    partners.change_contact(partner_id, contact="前台 021-5555 0303", actor="secretary")

    record = partners.get_partner(partner_id)
    assert (record.categories, record.blocks) == (("hardship",), ("B1", "B2"))
    assert (record.weekly_capacity, record.contact, record.active) == (
        2,
        "前台 021-5555 0303",
        False,
    )
    assert record.version == 5


def test_a_change_to_the_same_values_records_nothing(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register(categories=["emergency"], blocks=["B1"])

    partners.change_services(partner_id, categories=[" emergency"], blocks=["B1"], actor="s")
    partners.change_capacity(partner_id, weekly_capacity=5, actor="secretary")
    partners.change_contact(partner_id, contact="021-5555 0101 ", actor="secretary")

    assert partners.get_partner(partner_id).version == 1


def test_a_stale_expected_version_is_refused_and_changes_nothing(
    partners: Partners, register: Callable[..., UUID]
) -> None:
    partner_id = register()
    partners.change_capacity(partner_id, weekly_capacity=8, actor="secretary", expected_version=1)

    with pytest.raises(VersionConflictError) as raised:
        partners.suspend_partner(partner_id, actor="secretary", expected_version=1)

    assert "version 2" in str(raised.value)
    assert "version 1" in str(raised.value)
    assert (raised.value.expected, raised.value.actual) == (1, 2)
    record = partners.get_partner(partner_id)
    assert (record.version, record.active, record.weekly_capacity) == (2, True, 8)


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("change_services", {"categories": ["mediation"], "blocks": ["*"]}),
        ("change_capacity", {"weekly_capacity": 1}),
        ("change_contact", {"contact": "new"}),
        ("suspend_partner", {}),
    ],
)
def test_every_change_checks_the_expected_version(
    partners: Partners, register: Callable[..., UUID], command: str, arguments: dict[str, Any]
) -> None:
    partner_id = register()

    with pytest.raises(VersionConflictError):
        getattr(partners, command)(partner_id, actor="secretary", expected_version=7, **arguments)

    assert partners.get_partner(partner_id).version == 1


class RacingClock:
    """A clock whose readings let another process change the partner between our read and save."""

    def __init__(self, rival: Callable[[int], None], races: int = 1) -> None:
        self.rival = rival
        self.races = races
        self.readings = 0

    def __call__(self) -> datetime:
        self.readings += 1
        if self.readings <= self.races:
            self.rival(self.readings)
        return datetime(2026, 11, 2, 9, self.readings, tzinfo=UTC)


def test_a_change_that_loses_a_race_is_rerun_on_the_winners_state(
    sqlite_partners: SqlitePartners, hospital: Hospital
) -> None:
    other = sqlite_partners()
    partner_id = other.register_partner(**hospital())
    clock = RacingClock(lambda _: other.suspend_partner(partner_id, actor="other"))
    this = sqlite_partners(clock)

    this.change_capacity(partner_id, weekly_capacity=9, actor="secretary")

    record = this.get_partner(partner_id)
    assert (record.version, record.active, record.weekly_capacity) == (3, False, 9)
    assert clock.readings == 2


def test_a_change_that_loses_a_race_with_an_expected_version_is_refused(
    sqlite_partners: SqlitePartners, hospital: Hospital
) -> None:
    other = sqlite_partners()
    partner_id = other.register_partner(**hospital())
    clock = RacingClock(lambda _: other.suspend_partner(partner_id, actor="other"))
    this = sqlite_partners(clock)

    with pytest.raises(VersionConflictError):
        this.change_capacity(partner_id, weekly_capacity=9, actor="s", expected_version=1)

    record = this.get_partner(partner_id)
    assert (record.version, record.weekly_capacity) == (2, 5)


def test_a_change_that_keeps_losing_races_gives_up_with_a_version_conflict(
    sqlite_partners: SqlitePartners, hospital: Hospital
) -> None:
    other = sqlite_partners()
    partner_id = other.register_partner(**hospital())
    clock = RacingClock(
        lambda n: other.change_contact(partner_id, contact=f"desk {n}", actor="other"), races=9
    )
    this = sqlite_partners(clock)

    with pytest.raises(VersionConflictError) as raised:
        this.change_capacity(partner_id, weekly_capacity=9, actor="secretary")

    assert (raised.value.expected, raised.value.actual) == (3, 4)
    assert this.get_partner(partner_id).weekly_capacity == 5


def test_a_partner_replayed_from_its_events_equals_the_partner_that_made_them(
    partners: Partners, hospital: Hospital
) -> None:
    stamp = {"actor": "secretary", "occurred_at": datetime(2026, 11, 2, 9, tzinfo=UTC)}
    recorded = {"recorded_at": datetime(2026, 11, 2, 9, 5, tzinfo=UTC)}
    arguments = {**hospital(), **stamp, **recorded}
    partner = Partner.register(**arguments)
    partner.suspend(reason="audit", **stamp, **recorded)
    partner.change_services(categories=["mediation"], blocks=["B3"], **stamp, **recorded)
    partners.save(partner)

    replayed: Partner = partners.repository.get(partner.id)

    assert replayed == partner
    assert replayed.suspension_reason == "audit"
    assert replayed.serves("mediation")
    assert not replayed.serves("emergency")
    assert replayed.covers("B3")
    assert not replayed.covers("B4")


def test_a_partner_for_all_blocks_covers_any_block(hospital: Hospital) -> None:
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    partner = Partner.register(**hospital(blocks=["*"]), occurred_at=now, recorded_at=now)

    assert partner.covers("B1")
    assert partner.covers("B7")


def test_a_webhook_gets_a_new_secret_each_time_it_is_set_and_the_record_never_shows_it(partners):
    partner_id = partners.register_partner(
        community="c",
        name="利群医院",
        kind="hospital",
        categories=["emergency"],
        blocks=["*"],
        weekly_capacity=5,
        actor="secretary",
        webhook_url="https://liqun.example/hooks",
    )
    first = partners.webhook_secret(partner_id)
    assert len(first) == 64
    second = partners.set_webhook(
        partner_id, webhook_url="https://liqun.example/v2", actor="secretary"
    )
    assert second != first
    assert partners.webhook_secret(partner_id) == second
    record = partners.get_partner(partner_id)
    assert record.webhook_url == "https://liqun.example/v2"
    assert second not in repr(record)


def test_a_webhook_must_be_an_http_address(partners):
    partner_id = partners.register_partner(
        community="c",
        name="物业公司",
        kind="property",
        categories=["hardship"],
        blocks=["*"],
        weekly_capacity=5,
        actor="secretary",
    )
    with pytest.raises(InvalidPartnerError) as raised:
        partners.set_webhook(partner_id, webhook_url="ftp://files.example", actor="secretary")
    assert raised.value.field == "webhook_url"
    assert partners.get_partner(partner_id).version == 1
