"""The casework application on a real store: SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from kernel.community import DEMO_COMMUNITY
from needs.application import Needs
from needs.audit import verify_case
from needs.domain import Need
from needs.reading import describe_need
from store.chain import link
from web.bootstrap import build_services
from web.operations.erasure import build_key_store
from web.stores import event_store_env, view_store

COMMUNITY = DEMO_COMMUNITY.id


def register_hospital(services) -> UUID:
    return services.partners.register_partner(
        community=COMMUNITY,
        name="利群医院",
        kind="hospital",
        categories=["emergency", "hardship", "worry_relief"],
        blocks=["*"],
        weekly_capacity=10,
        actor="secretary",
    )


def log_need(services, **overrides) -> UUID:
    fields = {
        "community": COMMUNITY,
        "category": "emergency",
        "block": "B3",
        "building": "15",
        "unit": "2",
        "room": "502",
        "description": "老人摔倒",
        "urgency": "high",
        "resident_name": "王秀英",
        "contact_phone": "139 1234 5678",
        "consent_to_share": True,
        "actor": "leader3",
    }
    fields.update(overrides)
    return services.casework.log_need(**fields)


def fresh_needs(settings, clock) -> Needs:
    """A second application on the same store, with nothing cached."""
    keys = build_key_store(settings, view_store(settings))
    return Needs(event_store_env(settings, "needs", create_tables=False), clock=clock, keys=keys)


def test_a_case_reads_back_the_same_from_the_store(services, settings, clock):
    partner_id = register_hospital(services)
    need_id = log_need(services)
    referral_id = services.casework.refer(need_id, partner_id, "请尽快", actor="leader3")
    services.casework.act_on_referral(referral_id, "accept", "马上到", actor="hospital")
    services.needs.record_visit(need_id, "已上门", actor="leader3")
    other = fresh_needs(settings, clock)
    try:
        assert other.get_need(need_id) == services.needs.get_need(need_id)
        assert [e["type"] for e in other.get_history(need_id)] == [
            "NeedLogged",
            "Referred",
            "ReferralAccepted",
            "VisitRecorded",
        ]
    finally:
        other.close()


def test_a_long_case_loads_from_its_snapshot_exactly_as_from_its_events(services, settings, clock):
    partner_id = register_hospital(services)
    need_id = log_need(services)
    for i in range(60):
        services.needs.add_note(need_id, f"第{i}次电话回访", actor="leader3")
        if i == 30:
            referral_id = services.casework.refer(need_id, partner_id, actor="leader3")
            services.casework.act_on_referral(
                referral_id, "decline", "no_capacity", actor="hospital"
            )
    assert list(services.needs.snapshots.get(need_id)), "a snapshot is taken every 50 events"
    other = fresh_needs(settings, clock)
    try:
        from_snapshot = other.get_need(need_id)
        replayed = None
        for event in other.events.get(need_id):  # every event, no snapshot
            replayed = event.mutate(replayed)
        assert isinstance(replayed, Need)
        assert from_snapshot == describe_need(replayed)
        assert from_snapshot["version"] == 63
        assert from_snapshot["referrals"][0]["decline_reason"] == "no_capacity"
    finally:
        other.close()


def test_a_version_1_decline_is_read_through_the_version_2_class(services):
    """Declines once carried only free text; stored ones still read, as reason 'other'."""
    need_id = log_need(services)
    partner_id = register_hospital(services)
    referral_id = services.casework.refer(need_id, partner_id, actor="leader3")
    mapper = services.needs.mapper
    v1_state = {
        "originator_topic": "needs.domain:Need",
        "referral_id": referral_id,
        "reason": "本周排满了",
        "actor": "hospital",
        "occurred_at": datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
        "timestamp": datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    }
    state = mapper.transcoder.encode(v1_state)
    if mapper.cipher is not None:
        state = mapper.cipher.encrypt(state)
    services.needs.recorder.insert_events(
        [
            StoredEvent(
                originator_id=need_id,
                originator_version=3,
                topic="needs.domain:Need.ReferralDeclined",
                state=state,
            )
        ]
    )
    services.needs.repository.cache.clear() if services.needs.repository.cache else None
    declined = services.needs.get_need(need_id)["referrals"][0]
    assert declined["status"] == "declined"
    assert (declined["decline_reason"], declined["partner_note"]) == ("other", "本周排满了")
    assert services.needs.get_history(need_id)[-1]["data"]["reason"] == "other"


def test_an_event_stored_before_events_named_their_command_is_read_and_its_chain_verifies(
    services,
):
    """Events once carried no command id; stored ones read with none, and still verify."""
    need_id = log_need(services)
    head = services.needs.load(need_id).chain_head
    at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    content = {"assignee": "leader3", "actor": "leader3", "occurred_at": at}
    v1_state = {
        **content,
        "timestamp": at,
        "chain": link(head, need_id, 2, "Assigned", at, content),
    }
    mapper = services.needs.mapper
    state = mapper.transcoder.encode(v1_state)
    if mapper.cipher is not None:
        state = mapper.cipher.encrypt(state)
    stored = StoredEvent(
        originator_id=need_id, originator_version=2, topic="needs.domain:Need.Assigned", state=state
    )
    services.needs.recorder.insert_events([stored])
    services.needs.repository.cache.clear() if services.needs.repository.cache else None
    assert services.needs.get_need(need_id)["assignee"] == "leader3"
    (_, assigned) = list(services.needs.events.get(need_id))
    assert assigned.command_id is None
    assert verify_case(services.needs, need_id).intact


def test_tables_are_created_once_and_processes_start_without_creating_them(settings, clock):
    first = build_services(settings, clock=clock, create_tables=True)
    try:
        need_id = log_need(first)
    finally:
        first.close()
    later = build_services(settings, clock=clock)
    try:
        assert later.needs.get_need(need_id)["category"] == "emergency"
    finally:
        later.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_missing_table_is_not_silently_created_outside_init_db(settings, clock):
    import sqlite3

    services = build_services(settings, clock=clock)
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            log_need(services)
    finally:
        services.close()
