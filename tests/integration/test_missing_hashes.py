"""Only an event stored before the chain existed may lack a hash: a version-1 decline. Any other
event without one was forged, and the audit, the verification API and the printable record
say so, with the case and the version."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from kernel.community import DEMO_COMMUNITY
from needs.audit import verify_case
from tests.integration.conftest import PASSWORD
from tests.integration.test_erased_or_tampered import tamper

MISSING = "altered: its hash is missing"


def log_raised_case(running) -> UUID:
    """A case of two events, the newest raising its urgency to high."""
    need_id = running.casework.log_need(
        community=DEMO_COMMUNITY.id,
        category="hardship",
        block="B3",
        building=15,
        description="水管爆裂",
        urgency="normal",
        actor="leader3",
    )
    running.needs.change_urgency(need_id, "high", "漏水加剧", actor="leader3")
    return need_id


def forge_newest(running, need_id: UUID, hash_becomes: bytes) -> None:
    """Someone with the database rewrites who raised the urgency, and to what, and drops the
    hash they could not recompute (or did not bother to)."""
    chain = running.needs.get_history(need_id)[-1]["chain"].encode()
    tamper(running, need_id, 2, b'"actor":"leader3"', b'"actor":"leader9"')
    tamper(running, need_id, 2, b'"_data_":"high"', b'"_data_":"critical"')
    tamper(running, need_id, 2, b'"chain":"' + chain + b'"', hash_becomes)
    running.needs.repository.cache.clear()


def audit(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", *args])


def test_an_event_whose_hash_was_blanked_is_a_broken_chain_named_with_case_and_version(
    app, running
):
    need_id = log_raised_case(running)
    forge_newest(running, need_id, b'"chain":""')
    check = verify_case(running.needs, need_id)
    assert [(p.need_id, p.version, p.what) for p in check.problems] == [(need_id, 2, MISSING)]
    result = audit(app, "verify")
    assert result.exit_code == 1
    assert f"BROKEN need {need_id} version 2: {MISSING}" in result.output


def test_an_event_whose_hash_was_removed_altogether_is_a_broken_chain_too(app, running):
    need_id = log_raised_case(running)
    forge_newest(running, need_id, b'"chain_was":""')
    check = verify_case(running.needs, need_id)
    assert [(p.version, p.what) for p in check.problems] == [(2, MISSING)]
    assert audit(app, "verify").exit_code == 1


def test_the_verification_api_and_the_printable_record_report_a_blanked_hash(app, running):
    running.accounts.register_user(
        community=DEMO_COMMUNITY.id,
        username="auditor",
        role="auditor",
        password=PASSWORD,
        actor="setup",
    )
    need_id = log_raised_case(running)
    forge_newest(running, need_id, b'"chain":""')
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "auditor", "password": PASSWORD}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    verification = client.get(f"/api/v1/needs/{need_id}/verification", headers=headers).json
    assert (verification["intact"], verification["checked_versions"]) == (False, 1)
    assert verification["problems"] == [{"version": 2, "problem": MISSING}]
    record = client.get(f"/api/v1/needs/{need_id}/export", headers=headers).json
    assert record["verification"]["intact"] is False
    assert record["verification"]["problems"] == [{"version": 2, "problem": MISSING}]


def store_version_1_decline(running, need_id: UUID, referral_id: UUID, version: int) -> None:
    """A decline as the service stored it before reason codes, and before the chain."""
    mapper = running.needs.mapper
    moment = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    state = mapper.transcoder.encode(
        {
            "originator_topic": "needs.domain:Need",
            "referral_id": referral_id,
            "reason": "本周排满了",
            "actor": "hospital",
            "occurred_at": moment,
            "timestamp": moment,
        }
    )
    running.needs.recorder.insert_events(
        [StoredEvent(need_id, version, "needs.domain:Need.ReferralDeclined", state)]
    )
    running.needs.repository.cache.clear()


def refer_to_hospital(running, need_id: UUID) -> UUID:
    from needs.values import PartnerTerms

    hospital = PartnerTerms(
        UUID(int=7), "利群医院", True, frozenset({"hardship"}), frozenset({"*"})
    )
    return running.needs.refer(need_id, hospital, actor="leader3")


def test_a_version_1_decline_from_before_the_chain_verifies_and_so_do_the_events_after_it(
    app, running
):
    need_id = log_raised_case(running)
    referral_id = refer_to_hospital(running, need_id)
    store_version_1_decline(running, need_id, referral_id, 4)
    running.needs.add_note(need_id, "改派其他单位", actor="leader3")
    check = verify_case(running.needs, need_id)
    assert (check.intact, check.versions) == (True, 5), check.problems
    assert audit(app, "verify").exit_code == 0


def test_a_version_2_decline_whose_hash_was_blanked_is_not_taken_for_one_from_before_the_chain(
    app, running
):
    need_id = log_raised_case(running)
    referral_id = refer_to_hospital(running, need_id)
    running.needs.decline_referral(
        need_id, referral_id, "no_capacity", "本周排满了", actor="hospital"
    )
    chain = running.needs.get_history(need_id)[-1]["chain"].encode()
    tamper(running, need_id, 4, b'"chain":"' + chain + b'"', b'"chain":""')
    running.needs.repository.cache.clear()
    check = verify_case(running.needs, need_id)
    assert [(p.version, p.what) for p in check.problems] == [(4, MISSING)]
